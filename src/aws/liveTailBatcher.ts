/**
 * Coalesces tail events so a consumer (a webview, a decoration) gets at most one call per
 * interval however fast events arrive, never two calls at once however slow it is, and bounded
 * memory in between: when the consumer falls behind by more than `capacity` events the oldest
 * go first and are counted. Also measures the event rate for the status bar.
 */
import { RingBuffer } from '../core/ringBuffer';
import type { TailBatchInfo, TailEvent, TailSource } from './liveTailTypes';

export interface TailBatcherOptions {
  onBatch(events: TailEvent[], info: TailBatchInfo): void | Promise<void>;
  /** Minimum time between two `onBatch` calls; default 250 ms. */
  intervalMs?: number;
  /** Events held for a slow consumer; default 10,000 (the service buffers up to 5,000). */
  capacity?: number;
  now?: () => number;
  /** A consumer that throws must not end the tail; the tail reports it here. */
  onConsumerError?(error: unknown): void;
}

export class TailBatcher {
  private readonly pending: RingBuffer<TailEvent>;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private sampled = false;
  private source: TailSource = 'liveTail';
  private droppedReported = 0;
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private delivering = false;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();

  constructor(private readonly options: TailBatcherOptions) {
    this.pending = new RingBuffer<TailEvent>(options.capacity ?? 10_000);
    this.intervalMs = options.intervalMs ?? 250;
    this.now = options.now ?? Date.now;
  }

  push(events: readonly TailEvent[], sampled: boolean, source: TailSource): void {
    if (this.closed || (events.length === 0 && !sampled)) return;
    this.pending.pushAll(events);
    this.sampled ||= sampled;
    this.source = source;
    this.schedule();
  }

  /** Stops delivering; pending events are discarded. Resolves when an `onBatch` in progress ended. */
  close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
    return this.idle;
  }

  private schedule(): void {
    if (this.timer !== undefined || this.delivering || this.closed) return;
    const wait = Math.max(0, this.lastFlushAt + this.intervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.idle = this.flush();
    }, wait);
  }

  private async flush(): Promise<void> {
    if (this.closed || (this.pending.size === 0 && !this.sampled)) return;
    const events = this.pending.drain();
    const info: TailBatchInfo = { sampled: this.sampled, source: this.source, dropped: this.pending.dropped - this.droppedReported };
    this.droppedReported = this.pending.dropped;
    this.sampled = false;
    this.lastFlushAt = this.now();
    this.delivering = true;
    try {
      await this.options.onBatch(events, info);
    } catch (error) {
      this.options.onConsumerError?.(error);
    } finally {
      this.delivering = false;
    }
    // Events that came in while the consumer was busy go out in the next call, not a burst.
    if (this.pending.size > 0 || this.sampled) this.schedule();
  }
}

/** Events per second over a sliding window of whole seconds (default the last 10). */
export class RateMeter {
  private readonly buckets: number[];
  private lastSecond: number;

  constructor(private readonly windowSeconds = 10, private readonly now: () => number = Date.now) {
    this.buckets = new Array<number>(windowSeconds).fill(0);
    this.lastSecond = Math.floor(now() / 1000);
  }

  add(count: number): void {
    this.advance();
    const index = this.lastSecond % this.windowSeconds;
    this.buckets[index] = (this.buckets[index] ?? 0) + count;
  }

  perSecond(): number {
    this.advance();
    return this.buckets.reduce((sum, n) => sum + n, 0) / this.windowSeconds;
  }

  private advance(): void {
    const second = Math.floor(this.now() / 1000);
    const steps = Math.min(this.windowSeconds, second - this.lastSecond);
    for (let i = 1; i <= steps; i += 1) this.buckets[(this.lastSecond + i) % this.windowSeconds] = 0;
    if (second > this.lastSecond) this.lastSecond = second;
  }
}
