/**
 * The polling half of a log tail, for accounts or emulators without Live Tail: FilterLogEvents
 * per group from the last seen timestamp, like `sam logs --tail`. The poll interval starts at
 * 1 s, doubles on throttling up to 16 s (FilterLogEvents has an account quota of a few requests
 * per second, shared with everything else) and halves back after each clean round. Events are
 * de-duplicated by event id, because the next poll starts at the last timestamp inclusive.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { classifyAwsError } from './awsErrors';
import type { ClassifiedAwsError } from './awsErrors';
import { abortableDelay, isAbortError, isThrottlingError } from './backoff';
import { filterLogEvents } from './cloudWatchLogs';
import type { LogEvent } from './cloudWatchLogs';
import type { TailEvent, TailState } from './liveTailTypes';

export interface PollingRun {
  client: CloudWatchLogsClient;
  logGroupArns: readonly string[];
  filterPattern?: string;
  signal: AbortSignal;
  /** Epoch ms: events before this are not the tail's. */
  startTime: number;
  reason: 'requested' | 'liveTailUnavailable';
  unavailable?: ClassifiedAwsError;
  deliver(events: TailEvent[]): void;
  state(state: TailState): void;
  now?: () => number;
  /** Defaults 1,000 and 16,000 ms. */
  minIntervalMs?: number;
  maxIntervalMs?: number;
  /** FilterLogEvents requests per group per round; default 5 (the rest waits for the next round). */
  maxPages?: number;
}

export type PollingOutcome = { kind: 'aborted' } | { kind: 'failed'; error: ClassifiedAwsError };

/** Ids remembered per group: enough for every event sharing the newest timestamps. */
const MAX_SEEN_IDS = 10_000;
const FATAL_KINDS = new Set(['expiredCredentials', 'missingCredentials', 'accessDenied', 'invalidRequest']);

interface GroupCursor {
  arn: string;
  name: string;
  startTime: number;
  /** eventId → timestamp, insertion-ordered so the oldest go first when full. */
  seen: Map<string, number>;
}

/** The group name in a log group ARN (FilterLogEvents by name works on every emulator). */
export function logGroupNameOfArn(arn: string): string {
  const marker = ':log-group:';
  const at = arn.indexOf(marker);
  return at < 0 ? arn : arn.slice(at + marker.length).replace(/:\*$/, '');
}

export async function runPolling(run: PollingRun): Promise<PollingOutcome> {
  const min = run.minIntervalMs ?? 1_000;
  const max = run.maxIntervalMs ?? 16_000;
  const cursors: GroupCursor[] = run.logGroupArns.map((arn) => ({ arn, name: logGroupNameOfArn(arn), startTime: run.startTime, seen: new Map() }));
  let interval = min;
  run.state({ status: 'polling', source: 'polling', intervalMs: interval, reason: run.reason, ...(run.unavailable ? { unavailable: run.unavailable } : {}) });
  for (;;) {
    let slowDown = false;
    for (const cursor of cursors) {
      const result = await pollGroup(run, cursor);
      if (result === 'aborted') return { kind: 'aborted' };
      if (typeof result === 'object') return { kind: 'failed', error: result };
      if (result === 'throttled') {
        // The quota is per account: asking the other groups now would only be throttled too.
        slowDown = true;
        break;
      }
    }
    const next = slowDown ? Math.min(max, interval * 2) : Math.max(min, Math.floor(interval / 2));
    if (next !== interval) {
      interval = next;
      run.state({ status: 'polling', source: 'polling', intervalMs: interval, reason: run.reason, ...(run.unavailable ? { unavailable: run.unavailable } : {}) });
    }
    try {
      await abortableDelay(interval, run.signal);
    } catch {
      return { kind: 'aborted' };
    }
  }
}

type PollResult = 'ok' | 'throttled' | 'aborted' | ClassifiedAwsError;

async function pollGroup(run: PollingRun, cursor: GroupCursor): Promise<PollResult> {
  const now = run.now ?? Date.now;
  try {
    const pages = filterLogEvents(run.client, {
      logGroupName: cursor.name,
      startTime: cursor.startTime,
      // Generous end: clocks differ, and a late-ingested event keeps its earlier timestamp.
      endTime: now() + 5 * 60_000,
      ...(run.filterPattern !== undefined && run.filterPattern !== '' ? { filterPattern: run.filterPattern } : {}),
      signal: run.signal,
      maxPages: run.maxPages ?? 5,
    });
    for await (const page of pages) {
      const fresh = takeNew(cursor, page);
      if (fresh.length > 0) run.deliver(fresh);
    }
    return 'ok';
  } catch (error) {
    if (isAbortError(error, run.signal)) return 'aborted';
    // A function never invoked has no group yet: keep polling, it appears on first invocation.
    if ((error as { name?: unknown } | undefined)?.name === 'ResourceNotFoundException') return 'ok';
    if (isThrottlingError(error)) return 'throttled';
    const classified = classifyAwsError(error, { operation: 'FilterLogEvents' });
    // Network blips and 5xx: wait longer, like throttling; refusals end the tail.
    return FATAL_KINDS.has(classified.kind) ? classified : 'throttled';
  }
}

function takeNew(cursor: GroupCursor, page: readonly LogEvent[]): TailEvent[] {
  const fresh: TailEvent[] = [];
  for (const event of page) {
    if (event.eventId !== undefined) {
      if (cursor.seen.has(event.eventId)) continue;
      cursor.seen.set(event.eventId, event.timestamp);
    }
    fresh.push({ timestamp: event.timestamp, logGroup: cursor.arn, logStream: event.logStreamName ?? '', message: event.message, ...(event.eventId !== undefined ? { eventId: event.eventId } : {}) });
    cursor.startTime = Math.max(cursor.startTime, event.timestamp);
  }
  pruneSeen(cursor);
  return fresh;
}

/** Ids older than the next poll's start can never come back; the cap bounds the rest. */
function pruneSeen(cursor: GroupCursor): void {
  for (const [id, timestamp] of cursor.seen) {
    if (timestamp < cursor.startTime || cursor.seen.size > MAX_SEEN_IDS) cursor.seen.delete(id);
    else break;
  }
}
