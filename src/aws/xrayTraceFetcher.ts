/**
 * Fetches full traces for the rows the Traces view shows: BatchGetTraces with at most 5 ids per
 * call, a bounded number of calls in flight, NextToken paging, UnprocessedTraceIds retried in
 * later batches, and adaptive back-off on throttling (AIMD: halve the concurrency and pause with
 * exponential jittered delay on a 429, grow it back by one slot per window of successes).
 * When Transaction Search sends spans to CloudWatch Logs, uses StartTraceRetrieval instead.
 */
import { BatchGetTracesCommand } from '@aws-sdk/client-xray';
import type { XRayClient } from '@aws-sdk/client-xray';
import type { AwsLogger } from './clientFactory';
import { abortableDelay, abortError, backoffDelayMs, isAbortError, isThrottlingError, throwIfAborted } from './backoff';
import { DEFAULT_RETRIEVAL_TUNING, detectTraceDestination, retrievalChunks, retrieveChunk } from './xrayTransactionSearch';
import type { RetrievalTuning, TraceDestination } from './xrayTransactionSearch';

export interface FetchedTrace {
  id: string;
  /** Segment documents as JSON strings, as the API returns them. */
  documents: string[];
  /** X-Ray dropped segments because the trace exceeded its size limit. */
  limitExceeded: boolean;
}

export interface TraceFetchOptions {
  /** Most calls in flight at once (the `serverlessLens.traces.fetchConcurrency` setting; 4 by default). */
  concurrency: number;
  signal: AbortSignal;
  /** Called after each call with how many of the requested ids are settled (found or missing). */
  onProgress?: (done: number, total: number) => void;
  /** Start and end of a trace when the caller knows them (narrows Transaction Search retrievals). */
  timeHint?: (id: string) => { start: Date; end: Date } | undefined;
}

export interface TraceFetchResult {
  traces: FetchedTrace[];
  /** Ids X-Ray did not return (unknown, expired, or still unprocessed after retries). */
  missing: string[];
}

/** BatchGetTraces accepts 1–5 ids per call. */
export const MAX_IDS_PER_CALL = 5;
/** Times an id may come back in UnprocessedTraceIds before it is reported missing. */
const MAX_UNPROCESSED_ATTEMPTS = 4;
/** Consecutive throttled calls before the fetch gives up with the throttling error. */
const MAX_CONSECUTIVE_THROTTLES = 10;

export interface TraceFetcherTuning {
  retrieval?: RetrievalTuning;
  /** Base of the exponential throttling delay; default 200 ms (capped at 5 s). */
  throttleBaseDelayMs?: number;
}

/** Additive-increase / multiplicative-decrease limit on calls in flight. */
class AdaptiveConcurrency {
  private value: number;
  constructor(readonly max: number) {
    this.value = max;
  }
  get current(): number {
    return Math.max(1, Math.floor(this.value));
  }
  throttled(): void {
    this.value = Math.max(1, Math.floor(this.value / 2));
  }
  succeeded(): void {
    // +1 slot after about `current` successes: growth is gentle, so a burst is not re-triggered at once.
    this.value = Math.min(this.max, this.value + 1 / this.current);
  }
}

interface PendingId {
  id: string;
  attempts: number;
}

/** State of one `fetch` call. */
class FetchRun {
  readonly found = new Map<string, FetchedTrace>();
  readonly missing = new Set<string>();
  readonly queue: PendingId[];
  readonly limiter: AdaptiveConcurrency;
  readonly controller = new AbortController();
  inFlight = 0;
  pausedUntil = 0;
  consecutiveThrottles = 0;
  failure: unknown;
  private wake: (() => void) | undefined;

  constructor(readonly ids: readonly string[], readonly options: TraceFetchOptions) {
    this.queue = ids.map((id) => ({ id, attempts: 0 }));
    this.limiter = new AdaptiveConcurrency(Math.max(1, Math.floor(options.concurrency)));
  }

  settledCount(): number {
    return this.found.size + this.missing.size;
  }

  notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  waitForChange(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }
}

export class TraceFetcher {
  private destination: Promise<TraceDestination> | undefined;

  constructor(
    private readonly client: XRayClient,
    private readonly logger: AwsLogger,
    private readonly tuning: TraceFetcherTuning = {},
  ) {}

  async fetch(ids: readonly string[], options: TraceFetchOptions): Promise<TraceFetchResult> {
    const unique = [...new Set(ids)];
    throwIfAborted(options.signal);
    if (unique.length === 0) {
      return { traces: [], missing: [] };
    }
    const destination = await this.traceDestination(options.signal);
    return destination === 'CloudWatchLogs' ? this.fetchRetrieved(unique, options) : this.fetchBatched(unique, options);
  }

  /** Asked once per fetcher (one per connection); a failed or aborted question is asked again next time. */
  private traceDestination(signal: AbortSignal): Promise<TraceDestination> {
    this.destination ??= detectTraceDestination(this.client, signal, this.logger);
    const current = this.destination;
    current.catch(() => {
      if (this.destination === current) this.destination = undefined;
    });
    return current;
  }

  private async fetchBatched(ids: readonly string[], options: TraceFetchOptions): Promise<TraceFetchResult> {
    const run = new FetchRun(ids, options);
    const onAbort = (): void => run.controller.abort(options.signal.reason);
    options.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await this.schedule(run);
    } finally {
      options.signal.removeEventListener('abort', onAbort);
    }
    const traces = ids.map((id) => run.found.get(id)).filter((t): t is FetchedTrace => t !== undefined);
    return { traces, missing: ids.filter((id) => !run.found.has(id)) };
  }

  /** Starts calls while the limiter allows, until every id is settled or something fails. */
  private async schedule(run: FetchRun): Promise<void> {
    const signal = run.controller.signal;
    while (run.queue.length > 0 || run.inFlight > 0) {
      if (run.failure !== undefined) {
        run.controller.abort();
        while (run.inFlight > 0) await run.waitForChange();
        throw run.failure;
      }
      if (signal.aborted) {
        while (run.inFlight > 0) await run.waitForChange();
        throw abortError(run.options.signal.aborted ? run.options.signal : signal);
      }
      const pause = run.pausedUntil - Date.now();
      if (pause > 0 && run.queue.length > 0 && run.inFlight < run.limiter.current) {
        const changed = run.waitForChange();
        await Promise.race([abortableDelay(pause, signal).catch(() => undefined), changed]);
        continue;
      }
      while (run.inFlight < run.limiter.current && run.queue.length > 0) {
        this.launch(run, run.queue.splice(0, MAX_IDS_PER_CALL));
      }
      await run.waitForChange();
    }
    // The last call may have failed after the queue emptied.
    if (run.failure !== undefined) {
      throw run.failure;
    }
    throwIfAborted(run.options.signal);
  }

  private launch(run: FetchRun, batch: PendingId[]): void {
    run.inFlight += 1;
    void this.callBatch(run, batch)
      .catch((error: unknown) => this.onBatchError(run, batch, error))
      .finally(() => {
        run.inFlight -= 1;
        run.options.onProgress?.(run.settledCount(), run.ids.length);
        run.notify();
      });
  }

  private onBatchError(run: FetchRun, batch: PendingId[], error: unknown): void {
    if (isAbortError(error, run.controller.signal)) {
      return;
    }
    if (isThrottlingError(error)) {
      run.consecutiveThrottles += 1;
      if (run.consecutiveThrottles >= MAX_CONSECUTIVE_THROTTLES) {
        run.failure ??= error;
        return;
      }
      const before = run.limiter.current;
      run.limiter.throttled();
      const delay = backoffDelayMs(run.consecutiveThrottles - 1, this.tuning.throttleBaseDelayMs ?? 200, 5000);
      run.pausedUntil = Math.max(run.pausedUntil, Date.now() + delay);
      this.logger.info(`[xray] BatchGetTraces throttled: concurrency ${before} → ${run.limiter.current}, pausing ${delay} ms`);
      // Back to the front: these ids were next in line.
      run.queue.unshift(...batch.filter((p) => !run.found.has(p.id)));
      return;
    }
    run.failure ??= error;
  }

  /** One slot: a BatchGetTraces call and its NextToken pages. */
  private async callBatch(run: FetchRun, batch: PendingId[]): Promise<void> {
    const ids = batch.map((p) => p.id);
    const returned = new Set<string>();
    const unprocessed = new Set<string>();
    let nextToken: string | undefined;
    do {
      const command = new BatchGetTracesCommand({ TraceIds: ids, ...(nextToken ? { NextToken: nextToken } : {}) });
      const page = await this.client.send(command, { abortSignal: run.controller.signal });
      run.consecutiveThrottles = 0;
      run.limiter.succeeded();
      for (const trace of page.Traces ?? []) {
        if (!trace.Id) continue;
        const documents = (trace.Segments ?? []).map((s) => s.Document).filter((d): d is string => typeof d === 'string');
        run.found.set(trace.Id, { id: trace.Id, documents, limitExceeded: trace.LimitExceeded === true });
        returned.add(trace.Id);
      }
      (page.UnprocessedTraceIds ?? []).forEach((id) => unprocessed.add(id));
      nextToken = page.NextToken || undefined;
    } while (nextToken);
    for (const pending of batch) {
      if (returned.has(pending.id)) continue;
      if (unprocessed.has(pending.id) && pending.attempts + 1 < MAX_UNPROCESSED_ATTEMPTS) {
        // Later batch, not an immediate retry: X-Ray usually needs a moment for these.
        run.queue.push({ id: pending.id, attempts: pending.attempts + 1 });
      } else {
        run.missing.add(pending.id);
      }
    }
  }

  private async fetchRetrieved(ids: readonly string[], options: TraceFetchOptions): Promise<TraceFetchResult> {
    const chunks = retrievalChunks(ids, options.timeHint);
    const wanted = new Set(ids);
    const found = new Map<string, FetchedTrace>();
    // One failing retrieval stops the others instead of leaving them polling.
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(options.signal.reason);
    options.signal.addEventListener('abort', onAbort, { once: true });
    let next = 0;
    let settled = 0;
    const worker = async (): Promise<void> => {
      for (let chunk = chunks[next++]; chunk; chunk = chunks[next++]) {
        const traces = await retrieveChunk(this.client, chunk, controller.signal, this.logger, this.tuning.retrieval ?? DEFAULT_RETRIEVAL_TUNING);
        for (const trace of traces) {
          if (wanted.has(trace.id)) found.set(trace.id, { id: trace.id, documents: trace.documents, limitExceeded: false });
        }
        settled += chunk.ids.length;
        options.onProgress?.(settled, ids.length);
      }
    };
    const workers = Math.max(1, Math.min(Math.floor(options.concurrency), chunks.length));
    try {
      await Promise.all(Array.from({ length: workers }, () => worker().catch((error: unknown) => {
        controller.abort();
        throw error;
      })));
    } finally {
      options.signal.removeEventListener('abort', onAbort);
    }
    const traces = ids.map((id) => found.get(id)).filter((t): t is FetchedTrace => t !== undefined);
    return { traces, missing: ids.filter((id) => !found.has(id)) };
  }
}
