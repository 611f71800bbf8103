/**
 * Coalesces tail events so a consumer (a webview, a decoration) gets at most one flush per
 * interval however fast events arrive, never two calls at once however slow it is, and bounded
 * memory in between: when the consumer falls behind by more than `capacity` events the oldest
 * go first and are counted. Also measures the event rate for the status bar.
 *
 * A flush hands its events over in sub-batches of at most `maxEventsPerCall`, yielding to the
 * event loop (setImmediate) between them: at 5,000 events per second one call with a second's
 * worth of events kept the extension host busy for 40–55 ms at a time (bench/tail.bench.ts).
 * The sub-batches of one flush count as that one flush for the interval rule (so a consumer sees
 * at most ~4 flushes per second at the default interval, each of one or more calls); they arrive
 * in order, one after the other, each only after the previous call settled.
 */
import { RingBuffer } from '../core/ringBuffer';
import type { TailBatchInfo, TailEvent, TailSource } from './liveTailTypes';

export interface TailBatcherOptions {
  onBatch(events: TailEvent[], info: TailBatchInfo): void | Promise<void>;
  /** Minimum time between two `onBatch` calls; default 250 ms. */
  intervalMs?: number;
  /** Events held for a slow consumer; default 10,000 (the service buffers up to 5,000). */
  capacity?: number;
  /**
   * Most events in one `onBatch` call; default 500. Bounds the synchronous work a consumer does
   * per call so the event loop gets a turn between calls.
   */
  maxEventsPerCall?: number;
  now?: () => number;
  /** A consumer that throws must not end the tail; the tail reports it here. */
  onConsumerError?(error: unknown): void;
}

export class TailBatcher {
  private readonly pending: RingBuffer<TailEvent>;
  private readonly intervalMs: number;
  private readonly maxEventsPerCall: number;
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
    // At least one event per call, or a flush would never finish.
    this.maxEventsPerCall = Math.max(1, Math.floor(options.maxEventsPerCall ?? 500));
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
    // Taken whole so the flush is a fixed set: events arriving meanwhile wait for the next flush
    // (in `pending`, still bounded by `capacity`) instead of stretching this one out.
    const events = this.pending.drain();
    const sampled = this.sampled;
    const source = this.source;
    let dropped = this.pending.dropped - this.droppedReported;
    this.droppedReported = this.pending.dropped;
    this.sampled = false;
    // The interval runs from the start of the flush, whatever number of sub-batches it takes.
    this.lastFlushAt = this.now();
    this.delivering = true;
    try {
      let offset = 0;
      // `do` so a flush with no events but the sampled flag still makes its one (empty) call.
      do {
        if (offset > 0) {
          await yieldToEventLoop();
          if (this.closed) break;
        }
        const chunk = offset === 0 && events.length <= this.maxEventsPerCall ? events : events.slice(offset, offset + this.maxEventsPerCall);
        offset += chunk.length;
        try {
          // `sampled` describes the flush's whole span, so every sub-batch carries it; `dropped`
          // goes with the first only, so the calls' figures add up to what was dropped.
          await this.options.onBatch(chunk, { sampled, source, dropped });
        } catch (error) {
          // One failing call does not cost the consumer the rest of the flush.
          this.options.onConsumerError?.(error);
        }
        dropped = 0;
      } while (offset < events.length);
    } finally {
      this.delivering = false;
    }
    // Events that came in while the consumer was busy go out in the next call, not a burst.
    if (this.pending.size > 0 || this.sampled) this.schedule();
  }
}

/** Lets timers, I/O and the editor's own work run between two sub-batches of a flush. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
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
