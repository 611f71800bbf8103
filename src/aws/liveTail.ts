/**
 * A log tail over up to 10 log groups: CloudWatch Logs Live Tail (StartLiveTail's event stream,
 * `liveTailStream.ts`) with a FilterLogEvents polling fallback (`liveTailPolling.ts`) when Live
 * Tail is refused or not wanted, delivering coalesced batches (`liveTailBatcher.ts`) so a UI gets
 * at most a few updates per second. Also the figures a status bar shows: minutes billed and the
 * event rate.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { ClassifiedAwsError } from './awsErrors';
import type { AwsLogger } from './clientFactory';
import { RateMeter, TailBatcher } from './liveTailBatcher';
import { runPolling } from './liveTailPolling';
import { runLiveTail } from './liveTailStream';
import type { TailBatchInfo, TailEvent, TailSource, TailState } from './liveTailTypes';

export type { TailBatchInfo, TailEvent, TailReconnectReason, TailSource, TailState } from './liveTailTypes';

/** StartLiveTail accepts at most 10 log groups per session. */
export const MAX_TAIL_LOG_GROUPS = 10;

export interface LogTailStartOptions {
  /** Log group ARNs, 1 to 10; a trailing `:*` (as DescribeLogGroups returns them) is removed. */
  logGroupArns: readonly string[];
  /** CloudWatch filter pattern (Live Tail also takes regex patterns; polling does not). */
  filterPattern?: string;
  signal: AbortSignal;
  /**
   * Never called twice at once; may be async. Each `batchIntervalMs` at most one flush, handed
   * over in calls of at most `maxBatchEvents` events with a turn of the event loop between them.
   */
  onBatch(events: TailEvent[], info: TailBatchInfo): void | Promise<void>;
  onState?(state: TailState): void;
  /** `auto` (default): Live Tail, polling when it is refused. `polling`: polling only. */
  mode?: 'auto' | 'polling';
  /** Default 250 ms. */
  batchIntervalMs?: number;
  /** Events held while the consumer is busy; default 10,000. */
  bufferCapacity?: number;
  /** Most events in one `onBatch` call; default 500. */
  maxBatchEvents?: number;
  /** Polling interval bounds; defaults 1,000 and 16,000 ms. */
  pollMinIntervalMs?: number;
  pollMaxIntervalMs?: number;
  /** Consecutive failed Live Tail sessions before the tail stops; default 5. */
  maxReconnects?: number;
  reconnectBaseMs?: number;
}

export interface LogTailOptions {
  now?: () => number;
  logger?: AwsLogger;
}

const ARN = /^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:[^*:]+$/;

/** The ARNs StartLiveTail accepts, de-duplicated; throws RangeError naming what is wrong. */
export function validateLogGroupArns(arns: readonly string[]): string[] {
  const cleaned = [...new Set(arns.map((arn) => arn.trim().replace(/:\*$/, '')))];
  if (cleaned.length === 0) throw new RangeError('A tail needs at least one log group.');
  if (cleaned.length > MAX_TAIL_LOG_GROUPS) throw new RangeError(`Live Tail takes at most ${MAX_TAIL_LOG_GROUPS} log groups; got ${cleaned.length}.`);
  const bad = cleaned.find((arn) => !ARN.test(arn));
  if (bad !== undefined) throw new RangeError(`Not a log group ARN: ${bad}`);
  return cleaned;
}

export class LogTail {
  private readonly now: () => number;
  private readonly rate: RateMeter;
  private running = false;
  /** Whole billed minutes of sessions already closed. */
  private closedMinutes = 0;
  private sessionStartedAt: number | undefined;

  constructor(private readonly client: CloudWatchLogsClient, private readonly options: LogTailOptions = {}) {
    this.now = options.now ?? Date.now;
    this.rate = new RateMeter(10, this.now);
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Live Tail minutes used: each session counts its open time in whole minutes, rounded up. */
  billedMinutes(): number {
    const open = this.sessionStartedAt === undefined ? 0 : Math.ceil((this.now() - this.sessionStartedAt) / 60_000);
    return this.closedMinutes + Math.max(open, this.sessionStartedAt === undefined ? 0 : 1);
  }

  /** Events received per second over the last 10 s (before batching, sampled events included). */
  eventsPerSecond(): number {
    return this.rate.perSecond();
  }

  /**
   * Tails until `signal` aborts or the tail cannot go on (reported as a `stopped` state with the
   * error). Resolves then; rejects only for invalid options, before any request.
   */
  async start(start: LogTailStartOptions): Promise<void> {
    const arns = validateLogGroupArns(start.logGroupArns);
    if (this.running) throw new Error('This LogTail is already running; create another or abort it first.');
    this.running = true;
    const state = (next: TailState): void => this.report(start, next);
    const batcher = new TailBatcher({
      onBatch: start.onBatch,
      now: this.now,
      ...(start.batchIntervalMs !== undefined ? { intervalMs: start.batchIntervalMs } : {}),
      ...(start.bufferCapacity !== undefined ? { capacity: start.bufferCapacity } : {}),
      ...(start.maxBatchEvents !== undefined ? { maxEventsPerCall: start.maxBatchEvents } : {}),
      onConsumerError: (error) => this.options.logger?.warn(`[tail] onBatch failed: ${error instanceof Error ? error.message : String(error)}`),
    });
    const deliver = (events: TailEvent[], sampled: boolean, source: TailSource): void => {
      this.rate.add(events.length);
      batcher.push(events, sampled, source);
    };
    let error: ClassifiedAwsError | undefined;
    let source: TailSource = start.mode === 'polling' ? 'polling' : 'liveTail';
    try {
      state({ status: 'connecting', source });
      const startedAt = this.now();
      let unavailable: ClassifiedAwsError | undefined;
      if (source === 'liveTail') {
        const outcome = await runLiveTail({
          client: this.client,
          logGroupArns: arns,
          ...(start.filterPattern !== undefined ? { filterPattern: start.filterPattern } : {}),
          signal: start.signal,
          deliver: (events, sampled) => deliver(events, sampled, 'liveTail'),
          state,
          sessionOpened: () => (this.sessionStartedAt = this.now()),
          sessionClosed: () => this.closeSession(),
          ...(start.maxReconnects !== undefined ? { maxReconnects: start.maxReconnects } : {}),
          ...(start.reconnectBaseMs !== undefined ? { reconnectBaseMs: start.reconnectBaseMs } : {}),
        });
        if (outcome.kind === 'failed') error = outcome.error;
        if (outcome.kind !== 'unavailable') return;
        unavailable = outcome.error;
        source = 'polling';
        this.options.logger?.info(`[tail] Live Tail unavailable, polling FilterLogEvents instead: ${outcome.error.message}`);
      }
      const outcome = await runPolling({
        client: this.client,
        logGroupArns: arns,
        ...(start.filterPattern !== undefined ? { filterPattern: start.filterPattern } : {}),
        signal: start.signal,
        startTime: startedAt,
        reason: unavailable ? 'liveTailUnavailable' : 'requested',
        ...(unavailable ? { unavailable } : {}),
        deliver: (events) => deliver(events, false, 'polling'),
        state,
        now: this.now,
        ...(start.pollMinIntervalMs !== undefined ? { minIntervalMs: start.pollMinIntervalMs } : {}),
        ...(start.pollMaxIntervalMs !== undefined ? { maxIntervalMs: start.pollMaxIntervalMs } : {}),
      });
      if (outcome.kind === 'failed') error = outcome.error;
    } finally {
      await batcher.close();
      this.running = false;
      state({ status: 'stopped', source, ...(error ? { error } : {}) });
    }
  }

  private closeSession(): void {
    if (this.sessionStartedAt === undefined) return;
    this.closedMinutes += Math.max(1, Math.ceil((this.now() - this.sessionStartedAt) / 60_000));
    this.sessionStartedAt = undefined;
  }

  /** A throwing state listener must not end the tail. */
  private report(start: LogTailStartOptions, state: TailState): void {
    try {
      start.onState?.(state);
    } catch (error) {
      this.options.logger?.warn(`[tail] onState failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
