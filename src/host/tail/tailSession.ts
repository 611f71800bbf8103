/**
 * One tail session: a `LogTail` over the log groups of up to 10 functions, every event parsed once
 * into a `TailLine`, the newest `maxLines` kept in a ring buffer (the view's replay and
 * `revealLine`), request and trace ids indexed, and the lifecycle a user sees: connecting, live or
 * polling, reconnecting, stopped (by the user, by the idle timer, by an error, by a connection
 * change), restarted with another filter pattern. No `vscode` here: `TailSessions` adapts it to
 * events and UI, and plain Node tests drive it against the local endpoint.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { AwsLogger } from '../../aws/clientFactory';
import type { LogTail, TailBatchInfo, TailEvent, TailState } from '../../aws/liveTail';
import { parseLambdaLogLine } from '../../core/lambdaLogParser';
import { RingBuffer } from '../../core/ringBuffer';
import { TailRequestIndex } from '../../core/tailLines';
import { logGroupNameOfArn } from '../../core/tailTargets';
import type { TailViewStatus } from '../../shared/tailMessages';
import type { TailedFunction, TailLine } from './tailFeed';

/** A tailed function with the ARN of its group (StartLiveTail takes ARNs). */
export interface TailTarget extends TailedFunction {
  logGroupArn: string;
}

export type TailStopReason = 'user' | 'idle' | 'connection' | 'error' | 'disposed' | 'restart';

export interface TailSessionOptions {
  id: string;
  targets: readonly TailTarget[];
  client: CloudWatchLogsClient;
  /** `aws/liveTail.ts`, loaded lazily by the caller. */
  createTail: (client: CloudWatchLogsClient) => LogTail;
  maxLines: number;
  mode: 'auto' | 'polling';
  /** 0 disables the idle stop. */
  idleStopMs: number;
  filterPattern?: string;
  logger?: AwsLogger;
  now?: () => number;
  /** Passed to the tail (tests shorten them). */
  tuning?: { batchIntervalMs?: number; pollMinIntervalMs?: number; pollMaxIntervalMs?: number; reconnectBaseMs?: number };
}

export interface TailSessionListener {
  onLines(session: TailSession, lines: readonly TailLine[]): void;
  onStatus(session: TailSession, status: TailViewStatus): void;
  /** Once per session, the first time AWS samples the events. */
  onSampled(session: TailSession): void;
  onStopped(session: TailSession, reason: TailStopReason, message: string): void;
}

const IDLE_CHECK_MS = 5_000;

export class TailSession {
  readonly id: string;
  readonly targets: readonly TailTarget[];
  private ring: RingBuffer<TailLine>;
  private readonly requests = new TailRequestIndex();
  private readonly groupByArn = new Map<string, TailTarget>();
  private tail: LogTail | undefined;
  private run: { controller: AbortController; done: Promise<void> } | undefined;
  private nextSeq = 0;
  private lastEventAt: number;
  private idleTimer: ReturnType<typeof setInterval> | undefined;
  private stopReason: { reason: TailStopReason; message: string } | undefined;
  private sampledSeen = false;
  private filter: string | undefined;
  private readonly now: () => number;
  private current: TailViewStatus;
  /** Lines dropped from the ring (cap reached, or cleared). */
  private droppedBefore = 0;
  startedAt: number;

  constructor(
    private readonly options: TailSessionOptions,
    private readonly listener: TailSessionListener,
  ) {
    this.id = options.id;
    this.targets = options.targets;
    this.now = options.now ?? Date.now;
    this.ring = new RingBuffer<TailLine>(Math.max(1, options.maxLines));
    for (const target of options.targets) this.groupByArn.set(target.logGroupArn.replace(/:\*$/, ''), target);
    this.filter = options.filterPattern;
    this.lastEventAt = this.now();
    this.startedAt = this.now();
    this.current = { state: 'connecting', source: options.mode === 'polling' ? 'polling' : 'liveTail', sampled: false, eventsPerSecond: 0, billedMinutes: 0, ...(this.filter ? { filterPattern: this.filter } : {}) };
  }

  get status(): TailViewStatus {
    return { ...this.current, eventsPerSecond: this.eventsPerSecond(), billedMinutes: this.billedMinutes() };
  }

  get isRunning(): boolean {
    return this.run !== undefined;
  }

  get filterPattern(): string | undefined {
    return this.filter;
  }

  /** The lines held (newest `maxLines`), oldest first. */
  lines(): TailLine[] {
    return this.ring.toArray();
  }

  /** Lines that left the buffer: the cap dropped them or the user cleared them. */
  get dropped(): number {
    return this.droppedBefore + this.ring.dropped;
  }

  line(seq: number): TailLine | undefined {
    const first = this.ring.at(0);
    if (first === undefined || seq < first.seq) return undefined;
    // Seqs are consecutive within the ring (cleared lines go all at once), so index directly.
    const candidate = this.ring.at(seq - first.seq);
    return candidate?.seq === seq ? candidate : this.ring.toArray().find((line) => line.seq === seq);
  }

  /** The X-Ray trace id of a request, once its REPORT (or a Powertools line) named it. */
  traceIdOf(requestId: string): string | undefined {
    return this.requests.traceIdOf(requestId);
  }

  eventsPerSecond(): number {
    return this.tail?.eventsPerSecond() ?? 0;
  }

  billedMinutes(): number {
    return this.tail?.billedMinutes() ?? 0;
  }

  /** Starts (or restarts after a stop) with the current filter pattern. */
  start(): void {
    if (this.run !== undefined) return;
    this.stopReason = undefined;
    this.tail ??= this.options.createTail(this.options.client);
    const controller = new AbortController();
    this.lastEventAt = this.now();
    this.startIdleTimer();
    const tail = this.tail;
    const done = tail
      .start({
        logGroupArns: this.targets.map((target) => target.logGroupArn),
        ...(this.filter !== undefined && this.filter !== '' ? { filterPattern: this.filter } : {}),
        signal: controller.signal,
        mode: this.options.mode,
        bufferCapacity: Math.max(1_000, this.options.maxLines),
        onBatch: (events, info) => this.onBatch(events, info),
        onState: (state) => this.onState(state),
        ...this.options.tuning,
      })
      .catch((error: unknown) => {
        // Invalid options (rejected before any request): report as a stop with the reason.
        this.stopReason ??= { reason: 'error', message: error instanceof Error ? error.message : String(error) };
        this.onState({ status: 'stopped', source: this.current.source });
      })
      .finally(() => {
        if (this.run?.controller === controller) this.run = undefined;
      });
    this.run = { controller, done };
  }

  /** Stops; resolves when the tail has closed its stream. */
  async stop(reason: TailStopReason, message: string): Promise<void> {
    const run = this.run;
    this.clearIdleTimer();
    if (run === undefined) return;
    this.stopReason ??= { reason, message };
    run.controller.abort();
    await run.done;
  }

  /** Restarts with a new server-side filter pattern (empty: none). Lines already held stay. */
  async setFilterPattern(pattern: string | undefined): Promise<void> {
    const next = pattern === undefined || pattern.trim() === '' ? undefined : pattern.trim();
    if (next === this.filter && this.run !== undefined) return;
    await this.stop('restart', 'Restarting with the new filter pattern.');
    this.filter = next;
    this.current = { ...this.current, ...(next !== undefined ? { filterPattern: next } : {}) };
    if (next === undefined) delete this.current.filterPattern;
    this.start();
  }

  /** A new cap applies at once: the newest lines are kept. */
  setMaxLines(maxLines: number): void {
    if (maxLines === this.ring.capacity) return;
    const kept = this.ring.toArray();
    const next = new RingBuffer<TailLine>(Math.max(1, maxLines));
    next.pushAll(kept);
    this.droppedBefore += this.ring.dropped;
    this.ring = next;
  }

  /** A new mode restarts a running tail (Live Tail ↔ polling). */
  async setMode(mode: 'auto' | 'polling'): Promise<void> {
    if (mode === this.options.mode) return;
    this.options.mode = mode;
    if (this.run === undefined) return;
    await this.stop('restart', `Restarting in ${mode} mode.`);
    this.start();
  }

  setIdleStopMs(ms: number): void {
    this.options.idleStopMs = ms;
    if (this.run !== undefined) this.startIdleTimer();
  }

  clear(): void {
    this.droppedBefore += this.ring.size;
    this.ring.clear();
  }

  dispose(): void {
    void this.stop('disposed', 'The tail was closed.');
  }

  private onBatch(events: TailEvent[], info: TailBatchInfo): void {
    if (info.sampled && !this.sampledSeen) {
      this.sampledSeen = true;
      this.current = { ...this.current, sampled: true };
      this.listener.onSampled(this);
      this.listener.onStatus(this, this.status);
    }
    if (events.length === 0) return;
    this.lastEventAt = this.now();
    const receivedAt = Date.now();
    const lines: TailLine[] = [];
    for (const event of events) {
      const target = this.groupByArn.get(event.logGroup);
      const logGroupName = target?.logGroupName ?? logGroupNameOfArn(event.logGroup);
      const line: TailLine = {
        seq: this.nextSeq++,
        timestamp: event.timestamp,
        logGroupName,
        logStream: event.logStream,
        parsed: parseLambdaLogLine(event.message, { timestamp: event.timestamp }),
        receivedAt,
      };
      if (target !== undefined) line.functionName = target.functionName;
      this.requests.observe(line);
      this.ring.push(line);
      lines.push(line);
    }
    this.listener.onLines(this, lines);
  }

  private onState(state: TailState): void {
    const base = { sampled: this.sampledSeen, eventsPerSecond: this.eventsPerSecond(), billedMinutes: this.billedMinutes(), ...(this.filter !== undefined ? { filterPattern: this.filter } : {}) };
    switch (state.status) {
      case 'connecting':
        this.current = { ...base, state: 'connecting', source: state.source, message: state.source === 'polling' ? 'Starting to poll FilterLogEvents…' : 'Connecting to CloudWatch Logs Live Tail…' };
        break;
      case 'live':
        this.current = { ...base, state: 'live', source: 'liveTail' };
        break;
      case 'reconnecting':
        this.current = { ...base, state: 'reconnecting', source: 'liveTail', message: `Reconnecting (attempt ${state.attempt}) after ${RECONNECT_REASON[state.reason]}${state.message ? `: ${state.message}` : ''}…` };
        break;
      case 'polling':
        this.current = {
          ...base,
          state: 'polling',
          source: 'polling',
          message:
            state.reason === 'liveTailUnavailable'
              ? `Live Tail is not available${state.unavailable ? ` (${state.unavailable.message})` : ''}: polling FilterLogEvents every ${Math.round(state.intervalMs / 100) / 10} s instead.`
              : `Polling FilterLogEvents every ${Math.round(state.intervalMs / 100) / 10} s (serverlessLens.tail.mode is "polling").`,
        };
        break;
      case 'stopped': {
        this.clearIdleTimer();
        // Not running from here on, so listeners see it stopped (and may start it again).
        this.run = undefined;
        const stop = state.error !== undefined ? { reason: 'error' as const, message: state.error.message } : (this.stopReason ?? { reason: 'error' as const, message: 'The tail ended.' });
        this.current = { ...base, state: 'stopped', source: state.source, message: stop.message, ...(stop.reason === 'error' ? { error: true } : {}) };
        this.listener.onStatus(this, this.status);
        this.listener.onStopped(this, stop.reason, stop.message);
        return;
      }
    }
    this.listener.onStatus(this, this.status);
  }

  private startIdleTimer(): void {
    this.clearIdleTimer();
    const idleMs = this.options.idleStopMs;
    if (idleMs <= 0) return;
    this.idleTimer = setInterval(() => {
      if (this.now() - this.lastEventAt < idleMs || this.run === undefined) return;
      const minutes = Math.round(idleMs / 60_000);
      const span = minutes >= 1 ? `${minutes} minute${minutes === 1 ? '' : 's'}` : `${Math.round(idleMs / 1000)} seconds`;
      void this.stop('idle', `Stopped after ${span} without log events (serverlessLens.tail.idleStopMinutes).`);
    }, Math.min(IDLE_CHECK_MS, Math.max(50, Math.floor(idleMs / 4))));
    this.idleTimer.unref?.();
  }

  private clearIdleTimer(): void {
    if (this.idleTimer !== undefined) clearInterval(this.idleTimer);
    this.idleTimer = undefined;
  }
}

const RECONNECT_REASON: Record<Extract<TailState, { status: 'reconnecting' }>['reason'], string> = {
  sessionTimeout: 'the 3-hour session limit',
  streamingError: 'a streaming error',
  streamEnded: 'the stream ended',
  connectFailed: 'a failed connection',
};
