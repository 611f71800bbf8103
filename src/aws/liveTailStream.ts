/**
 * The Live Tail half of a log tail: StartLiveTail sessions, one after another. A session ends by
 * `SessionTimeoutException` (AWS closes every session after 3 hours: reconnect at once), by
 * `SessionStreamingException` or a dropped connection (reconnect with bounded back-off), or by
 * the caller's abort. Failures that mean "Live Tail is not for this caller" are returned, not
 * retried, so the tail can fall back to polling.
 */
import { StartLiveTailCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { CloudWatchLogsClient, LiveTailSessionLogEvent, StartLiveTailCommandInput, StartLiveTailResponseStream } from '@aws-sdk/client-cloudwatch-logs';
import { classifyAwsError } from './awsErrors';
import type { ClassifiedAwsError } from './awsErrors';
import { abortableDelay, backoffDelayMs, isAbortError } from './backoff';
import type { TailEvent, TailReconnectReason, TailState } from './liveTailTypes';

export interface LiveTailRun {
  client: CloudWatchLogsClient;
  logGroupArns: readonly string[];
  filterPattern?: string;
  signal: AbortSignal;
  deliver(events: TailEvent[], sampled: boolean): void;
  state(state: TailState): void;
  /** Billing: a session is open from the first frame until its stream ends. */
  sessionOpened(): void;
  sessionClosed(): void;
  /** Consecutive failed sessions before giving up; default 5. */
  maxReconnects?: number;
  /** Back-off base and cap for reconnects, ms; defaults 500 and 15,000. */
  reconnectBaseMs?: number;
  reconnectCapMs?: number;
}

export type LiveTailOutcome =
  | { kind: 'aborted' }
  | { kind: 'unavailable'; error: ClassifiedAwsError }
  | { kind: 'failed'; error: ClassifiedAwsError };

/** Refusals after which polling may still work (another API, another quota). */
const UNAVAILABLE = new Set(['AccessDeniedException', 'InvalidOperationException', 'UnknownOperationException', 'LimitExceededException', 'UnrecognizedOperationException']);
/** Refusals that no retry and no fallback fixes. */
const FATAL_KINDS = new Set(['expiredCredentials', 'missingCredentials', 'invalidRequest']);

type SessionEnd = 'sessionTimeout' | 'streamEnded';

function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string' ? (error as { name: string }).name : '';
}

function isUnavailable(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata?.httpStatusCode;
  return UNAVAILABLE.has(errorName(error)) || status === 404;
}

/** Runs sessions until abort, an unavailable answer, or too many consecutive failures. */
export async function runLiveTail(run: LiveTailRun): Promise<LiveTailOutcome> {
  let failures = 0;
  for (;;) {
    let reason: TailReconnectReason;
    let message: string | undefined;
    // Per attempt: a refusal of the call itself differs from a stream that broke later.
    let connected = false;
    try {
      reason = await runSession(run, {
        opened: () => (connected = true),
        healthy: () => (failures = 0),
      });
    } catch (error) {
      if (isAbortError(error, run.signal)) return { kind: 'aborted' };
      const classified = classifyAwsError(error, { operation: 'StartLiveTail' });
      if (!connected && isUnavailable(error)) return { kind: 'unavailable', error: classified };
      if (FATAL_KINDS.has(classified.kind) || errorName(error) === 'ResourceNotFoundException') return { kind: 'failed', error: classified };
      reason = errorName(error) === 'SessionTimeoutException' ? 'sessionTimeout' : connected ? 'streamingError' : 'connectFailed';
      message = classified.message;
      if (reason !== 'sessionTimeout' && failures >= (run.maxReconnects ?? 5)) return { kind: 'failed', error: classified };
    }
    // A session that ran its 3 hours is no failure: reconnect at once, without counting it.
    const delayMs = reason === 'sessionTimeout' ? 0 : backoffDelayMs(failures, run.reconnectBaseMs ?? 500, run.reconnectCapMs ?? 15_000);
    if (reason !== 'sessionTimeout') failures += 1;
    run.state({ status: 'reconnecting', source: 'liveTail', reason, attempt: failures, delayMs, ...(message !== undefined ? { message } : {}) });
    try {
      await abortableDelay(delayMs, run.signal);
    } catch {
      return { kind: 'aborted' };
    }
  }
}

interface SessionHooks {
  /** The call succeeded: the stream is open. */
  opened(): void;
  /** Updates flow: earlier failures no longer count toward the reconnect bound. */
  healthy(): void;
}

/** One StartLiveTail call and its stream. */
async function runSession(run: LiveTailRun, hooks: SessionHooks): Promise<SessionEnd> {
  const input: StartLiveTailCommandInput = {
    logGroupIdentifiers: [...run.logGroupArns],
    ...(run.filterPattern !== undefined && run.filterPattern !== '' ? { logEventFilterPattern: run.filterPattern } : {}),
  };
  const output = await run.client.send(new StartLiveTailCommand(input), { abortSignal: run.signal });
  hooks.opened();
  run.sessionOpened();
  try {
    for await (const event of output.responseStream ?? []) {
      const end = handleEvent(run, event, hooks.healthy);
      if (end !== undefined) return end;
    }
    return 'streamEnded';
  } finally {
    run.sessionClosed();
  }
}

function handleEvent(run: LiveTailRun, event: StartLiveTailResponseStream, healthy: () => void): SessionEnd | undefined {
  if (event.sessionStart !== undefined) {
    run.state({ status: 'live', source: 'liveTail', sessionId: event.sessionStart.sessionId ?? '' });
  } else if (event.sessionUpdate !== undefined) {
    healthy();
    const events = (event.sessionUpdate.sessionResults ?? []).map(toTailEvent);
    run.deliver(events, event.sessionUpdate.sessionMetadata?.sampled === true);
  } else if (event.SessionTimeoutException !== undefined) {
    // The SDK throws modeled exception frames; older versions yielded them as members.
    return 'sessionTimeout';
  } else if (event.SessionStreamingException !== undefined) {
    const error = new Error(event.SessionStreamingException.message ?? 'Live Tail stream failed.');
    error.name = 'SessionStreamingException';
    throw error;
  }
  // `$unknown`: a newer event type this SDK does not model; skipping it keeps the tail going.
  return undefined;
}

function toTailEvent(result: LiveTailSessionLogEvent): TailEvent {
  return {
    timestamp: result.timestamp ?? 0,
    ...(result.ingestionTime !== undefined ? { ingestionTime: result.ingestionTime } : {}),
    logGroup: result.logGroupIdentifier ?? '',
    logStream: result.logStreamName ?? '',
    message: result.message ?? '',
  };
}
