import { traceIdEpochSeconds } from '../../core/traceIds';
import type { TraceFetcher } from '../../aws/xrayTraceFetcher';
import type { buildTrace } from '../../core/traceBuilder';
import type { Trace } from '../../shared/traceModel';
import type { AwsLogger } from '../../aws/clientFactory';
import { toDisposable } from '../lifecycle';
import type { IDisposable } from '../lifecycle';

/** Thrown by `TraceStore.get` when the service has no trace with that id (wrong region, expired). */
export class TraceNotFoundError extends Error {
  constructor(readonly traceId: string) {
    super(`Trace ${traceId} was not found`);
    this.name = 'TraceNotFoundError';
  }
}

export interface TimeWindow {
  start: Date;
  end: Date;
}

export interface TraceStoreOptions {
  fetcher: TraceFetcher;
  build: typeof buildTrace;
  logger: AwsLogger;
  /** Read on every fetch so a settings change applies to the next one. */
  concurrency: () => number;
  /** Upper bound of the cache, in spans (a trace costs at least 1). */
  maxSpans?: number;
}

export interface PrefetchOptions {
  signal: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Called once per trace as soon as it is built. */
  onTrace?: (trace: Trace) => void;
}

const DEFAULT_MAX_SPANS = 250_000;
// Lambda traces rarely outlive a function's 15-minute limit; the window only narrows a search.
const ID_WINDOW_BEFORE_MS = 5 * 60_000;
const ID_WINDOW_AFTER_MS = 60 * 60_000;

/**
 * Built traces of one connection, least recently used first out, bounded by span count (a trace
 * can have 1 span or 50,000). `get` returns the cached trace or fetches it, with one fetch in
 * flight per id however many callers ask. Owned by the connection and dropped with it.
 */
export class TraceStore {
  private readonly cache = new Map<string, Trace>();
  private readonly inFlight = new Map<string, Promise<Trace | undefined>>();
  private readonly timeHints = new Map<string, TimeWindow>();
  private cachedSpans = 0;
  private readonly maxSpans: number;
  private readonly addListeners = new Set<(trace: Trace) => void>();
  private readonly clearListeners = new Set<() => void>();

  constructor(private readonly options: TraceStoreOptions) {
    this.maxSpans = options.maxSpans ?? DEFAULT_MAX_SPANS;
  }

  /** The cached trace, refreshing its recency; no fetch. */
  peek(id: string): Trace | undefined {
    const trace = this.cache.get(id);
    if (trace !== undefined) {
      this.cache.delete(id);
      this.cache.set(id, trace);
    }
    return trace;
  }

  /**
   * Every cached trace, least recently used first; no fetch, no recency change. Lenses and
   * problems read this instead of asking AWS, so scrolling and typing never cost a request.
   */
  traces(): Trace[] {
    return [...this.cache.values()];
  }

  /** Calls `listener` with each trace built and cached from now on (a refetched id comes again). */
  onDidAdd(listener: (trace: Trace) => void): IDisposable {
    this.addListeners.add(listener);
    return toDisposable(() => this.addListeners.delete(listener));
  }

  /** Calls `listener` when the cache is emptied (the connection that owns it closes). */
  onDidClear(listener: () => void): IDisposable {
    this.clearListeners.add(listener);
    return toDisposable(() => this.clearListeners.delete(listener));
  }

  /** Remembers when a trace ran (from its summary), so a later fetch can narrow its search. */
  noteTimeHint(id: string, window: TimeWindow): void {
    this.timeHints.set(id, window);
  }

  async get(id: string, signal: AbortSignal): Promise<Trace> {
    const cached = this.peek(id);
    if (cached !== undefined) {
      return cached;
    }
    const pending = this.inFlight.get(id);
    if (pending !== undefined) {
      // Another caller's fetch (a background prefetch) may be cancelled under us: then fetch anew.
      const shared = await pending.catch(() => undefined);
      if (shared !== undefined) {
        return shared;
      }
    }
    const [trace] = await this.fetchMany([id], { signal });
    if (trace === undefined) {
      throw new TraceNotFoundError(id);
    }
    return trace;
  }

  /** Fetches the traces not cached nor in flight; resolves with every one that could be built. */
  async prefetch(ids: readonly string[], options: PrefetchOptions): Promise<Trace[]> {
    const wanted = [...new Set(ids)].filter((id) => !this.cache.has(id) && !this.inFlight.has(id));
    if (wanted.length === 0) {
      return [];
    }
    const traces = await this.fetchMany(wanted, options);
    return traces.filter((trace): trace is Trace => trace !== undefined);
  }

  clear(): void {
    this.cache.clear();
    this.timeHints.clear();
    this.cachedSpans = 0;
    for (const listener of [...this.clearListeners]) listener();
  }

  private fetchMany(ids: readonly string[], options: PrefetchOptions): Promise<(Trace | undefined)[]> {
    const batch = this.runFetch(ids, options);
    const perId = ids.map((id) => {
      const one = batch.then((byId) => byId.get(id));
      this.inFlight.set(id, one);
      void one.then(
        () => this.inFlight.delete(id),
        () => this.inFlight.delete(id),
      );
      return one;
    });
    return Promise.all(perId);
  }

  private async runFetch(ids: readonly string[], options: PrefetchOptions): Promise<Map<string, Trace>> {
    const { fetcher, build, logger, concurrency } = this.options;
    const result = await fetcher.fetch(ids, {
      concurrency: concurrency(),
      signal: options.signal,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      timeHint: (id) => this.timeHintOf(id),
    });
    const byId = new Map<string, Trace>();
    for (const fetched of result.traces) {
      const trace = build({ traceId: fetched.id, documents: fetched.documents, limitExceeded: fetched.limitExceeded });
      this.remember(trace);
      byId.set(fetched.id, trace);
      options.onTrace?.(trace);
      this.announce(trace, logger);
    }
    if (result.missing.length > 0) {
      logger.debug(`traces not found: ${result.missing.join(', ')}`);
    }
    return byId;
  }

  /** A listener's failure must not fail the fetch that other callers wait for. */
  private announce(trace: Trace, logger: AwsLogger): void {
    for (const listener of [...this.addListeners]) {
      try {
        listener(trace);
      } catch (error) {
        logger.warn(`a trace listener failed: ${String(error)}`);
      }
    }
  }

  private timeHintOf(id: string): TimeWindow | undefined {
    const known = this.timeHints.get(id);
    if (known !== undefined) {
      return known;
    }
    const seconds = traceIdEpochSeconds(id);
    if (seconds === undefined) {
      return undefined;
    }
    const startMs = seconds * 1000;
    return { start: new Date(startMs - ID_WINDOW_BEFORE_MS), end: new Date(Math.min(Date.now(), startMs + ID_WINDOW_AFTER_MS)) };
  }

  private remember(trace: Trace): void {
    const previous = this.cache.get(trace.id);
    if (previous !== undefined) {
      this.cachedSpans -= spanCost(previous);
      this.cache.delete(trace.id);
    }
    this.cache.set(trace.id, trace);
    this.cachedSpans += spanCost(trace);
    for (const [id, oldest] of this.cache) {
      // Keep at least the newest trace, even when it alone is over the bound.
      if (this.cachedSpans <= this.maxSpans || id === trace.id) {
        break;
      }
      this.cache.delete(id);
      this.cachedSpans -= spanCost(oldest);
    }
  }
}

function spanCost(trace: Trace): number {
  return Math.max(1, trace.spans.length);
}
