/**
 * The local trace store: segment documents and log records from the local receivers, filed per
 * trace id as they stream in, built into `Trace`s lazily by the same `core/traceBuilder.ts` as the
 * AWS path. Bounded three ways (`LocalTraceStoreLimits`): traces kept (the least recently updated
 * is evicted first), bytes per trace, and datagrams per second. Every drop is counted in
 * `ReceiverCounters`. Change notifications are coalesced to at most four a second. The limits,
 * options and id normal form are in `localTraceStoreLimits.ts` (re-exported here).
 * No `vscode`, no I/O: the receivers (`udpReceiver.ts`, `otlpReceiver.ts`) feed it.
 */
import { buildTrace } from '../core/traceBuilder';
import { summarizeTrace } from '../core/traceSummaryOf';
import type { Trace, TraceSummary } from '../shared/traceModel';
import { normalizeLocalTraceId, positiveInteger, resolveLimits, zeroCounters } from './localTraceStoreLimits';
import type { AddDocumentOutcome, LocalTraceStoreOptions, ReceiverLogger, ReceiverLogLevel } from './localTraceStoreLimits';
import type { LocalLogLine, LocalTraceStore, LocalTraceStoreLimits, ReceiverCounters, SegmentDocumentJson } from './localTraceTypes';

export { DEFAULT_LOCAL_TRACE_LIMITS, normalizeLocalTraceId, resolveLimits } from './localTraceStoreLimits';
export type { AddDocumentOutcome, LocalTraceStoreOptions, ReceiverLogger, ReceiverLogLevel } from './localTraceStoreLimits';

interface StoredDocument {
  document: SegmentDocumentJson;
  bytes: number;
  inProgress: boolean;
}

interface TraceEntry {
  id: string;
  documents: Map<string, StoredDocument>;
  logs: LocalLogLine[];
  /** Bytes of documents plus bytes of log bodies. */
  bytes: number;
  /** Epoch ms of the first arrival, for summaries of traces whose spans have no time yet. */
  firstSeen: number;
  trace?: Trace;
  summary?: TraceSummary;
}

/** Malformed input is logged at most this often per second; the rest is only counted. */
const MALFORMED_LOGS_PER_SECOND = 5;

/**
 * The implementation of `LocalTraceStore`, plus the intake the receivers use (`addDocument`,
 * `addLog`, `admit`, `count`, `reportMalformed`). One instance per set of receivers; the host
 * owns it through `LocalReceivers` and disposes it.
 */
export class InMemoryLocalTraceStore implements LocalTraceStore {
  /** Insertion order = least recently updated first: eviction takes the first entry. */
  private readonly entries = new Map<string, TraceEntry>();
  private readonly listeners = new Set<(changedTraceIds: readonly string[]) => void>();
  private readonly pending = new Set<string>();
  private countersValue = zeroCounters();
  private limitsValue: Required<LocalTraceStoreLimits>;
  /** Bytes held over all traces (documents and log bodies). */
  private totalBytes = 0;
  private readonly logger: ReceiverLogger | undefined;
  private readonly notifyIntervalMs: number;
  private readonly maxLogsPerTrace: number;
  private readonly now: () => number;
  private notifyTimer: ReturnType<typeof setTimeout> | undefined;
  private pendingCountersOnly = false;
  private lastNotify = Number.NEGATIVE_INFINITY;
  private rateWindowStart = 0;
  private rateWindowCount = 0;
  private logWindowStart = 0;
  private logWindowCount = 0;
  private logWindowSuppressed = 0;
  private disposed = false;

  constructor(options: LocalTraceStoreOptions = {}) {
    this.limitsValue = resolveLimits(options.limits);
    this.logger = options.logger;
    this.notifyIntervalMs = Math.max(0, options.notifyIntervalMs ?? 250);
    this.maxLogsPerTrace = positiveInteger(options.maxLogsPerTrace, 5000);
    this.now = options.now ?? Date.now;
  }

  // ── LocalTraceStore ────────────────────────────────────────────────────────────────────────

  summaries(): TraceSummary[] {
    const out: TraceSummary[] = [];
    for (const entry of this.entries.values()) {
      if (entry.documents.size === 0) continue;
      entry.summary ??= summarizeTrace(this.built(entry));
      out.push(entry.summary);
    }
    return out.sort((a, b) => b.startEpochMs - a.startEpochMs);
  }

  get(traceId: string): Trace | undefined {
    const entry = this.entryOf(traceId);
    return entry === undefined || entry.documents.size === 0 ? undefined : this.built(entry);
  }

  documents(traceId: string): SegmentDocumentJson[] {
    const entry = this.entryOf(traceId);
    return entry === undefined ? [] : [...entry.documents.values()].map((stored) => stored.document);
  }

  logs(traceId: string): LocalLogLine[] {
    const entry = this.entryOf(traceId);
    return entry === undefined ? [] : [...entry.logs];
  }

  counters(): ReceiverCounters {
    return { ...this.countersValue };
  }

  onDidChange(listener: (changedTraceIds: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Drops every trace and resets the counters (a fresh start). */
  clear(): void {
    for (const id of this.entries.keys()) this.pending.add(id);
    this.entries.clear();
    this.totalBytes = 0;
    this.countersValue = zeroCounters();
    this.pendingCountersOnly = true;
    this.scheduleNotify();
  }

  // ── Beyond the contract ────────────────────────────────────────────────────────────────────

  /** Bytes of documents and log records held over all traces. */
  bytes(): number {
    return this.totalBytes;
  }

  /** The limits in force. */
  limits(): Required<LocalTraceStoreLimits> {
    return { ...this.limitsValue };
  }

  /** Applies new limits at once (settings apply without a reload); a lower trace cap evicts now. */
  setLimits(limits: Partial<LocalTraceStoreLimits>): void {
    this.limitsValue = resolveLimits({ ...this.limitsValue, ...limits });
    this.evictOverCap();
  }

  /** Number of traces held (including traces that so far have only log records). */
  size(): number {
    return this.entries.size;
  }

  /** True when the store knows the trace (documents or logs). */
  has(traceId: string): boolean {
    return this.entryOf(traceId) !== undefined;
  }

  /**
   * The rate cap: true when `units` more datagrams (or OTLP spans) fit into the current second.
   * What does not fit is counted in `droppedRate` by the caller through `count`.
   */
  admit(units = 1): boolean {
    const now = this.now();
    if (now - this.rateWindowStart >= 1000 || now < this.rateWindowStart) {
      this.rateWindowStart = now;
      this.rateWindowCount = 0;
    }
    if (this.rateWindowCount + units > this.limitsValue.maxDatagramsPerSecond) return false;
    this.rateWindowCount += units;
    return true;
  }

  /** How many more units the current second admits. */
  admissible(): number {
    const now = this.now();
    if (now - this.rateWindowStart >= 1000 || now < this.rateWindowStart) return this.limitsValue.maxDatagramsPerSecond;
    return Math.max(0, this.limitsValue.maxDatagramsPerSecond - this.rateWindowCount);
  }

  /** Adds to a counter (receivers count datagrams, requests, spans, log records and rate drops). */
  count(counter: keyof ReceiverCounters, amount = 1): void {
    if (!(amount > 0) || !Object.hasOwn(this.countersValue, counter)) return;
    this.countersValue[counter] += amount;
    if (counter === 'droppedRate' || counter === 'malformed') {
      this.pendingCountersOnly = true;
      this.scheduleNotify();
    }
  }

  /** Counts one malformed datagram or body and logs why (rate-limited, so a flood cannot fill the log). */
  reportMalformed(source: string, reason: string): void {
    this.count('malformed');
    this.logLimited('warn', `${source}: dropped malformed input: ${reason}`);
  }

  /** Logs through the store's logger (start, stop, errors). */
  log(level: ReceiverLogLevel, message: string): void {
    this.safeLog(level, message);
  }

  /** Logs what a sender can cause (malformed input, drops): a few lines a second, the rest summarized. */
  logLimited(level: ReceiverLogLevel, message: string): void {
    if (this.logger === undefined) return;
    const now = this.now();
    if (now - this.logWindowStart >= 1000 || now < this.logWindowStart) {
      if (this.logWindowSuppressed > 0) {
        this.safeLog('warn', `… ${this.logWindowSuppressed} more receiver messages in the last second were not logged`);
      }
      this.logWindowStart = now;
      this.logWindowCount = 0;
      this.logWindowSuppressed = 0;
    }
    if (this.logWindowCount >= MALFORMED_LOGS_PER_SECOND) {
      this.logWindowSuppressed += 1;
      return;
    }
    this.logWindowCount += 1;
    this.safeLog(level, message);
  }

  /**
   * Files one segment document (a segment or an independent subsegment) under `traceId`. The
   * caller has checked that it is an object with an `id`; `bytes` is its encoded size. The caller
   * counts what it received (`segments` for daemon datagrams, `spans` for OTLP spans); the store
   * counts `droppedBytes` and `evictedTraces`.
   */
  addDocument(traceId: string, documentId: string, document: SegmentDocumentJson, bytes: number, inProgress: boolean): AddDocumentOutcome {
    const key = normalizeLocalTraceId(traceId);
    const existing = this.entries.get(key);
    const previous = existing?.documents.get(documentId);
    if (previous !== undefined && inProgress && !previous.inProgress) {
      // An in-progress copy arriving after the complete one is stale.
      return 'duplicate';
    }
    // Otherwise the later copy wins: a complete document replaces the in-progress one, and the
    // X-Ray SDKs flush a closed segment again (with the late subsegment in it) when a subsegment
    // that outlived it closes.
    const grownBy = bytes - (previous?.bytes ?? 0);
    if ((existing?.bytes ?? 0) + grownBy > this.limitsValue.maxBytesPerTrace) {
      this.countersValue.droppedBytes += 1;
      this.logLimited('warn', `Trace ${key} reached the limit of ${this.limitsValue.maxBytesPerTrace} bytes; dropped document ${documentId.slice(0, 40)}`);
      this.pendingCountersOnly = true;
      this.scheduleNotify();
      return 'droppedBytes';
    }
    const entry = this.touch(key, existing);
    // Delete first so that `documents()` lists the copies in the order they arrived.
    if (previous !== undefined) entry.documents.delete(documentId);
    entry.documents.set(documentId, { document, bytes, inProgress });
    entry.bytes += grownBy;
    this.totalBytes += grownBy;
    entry.trace = undefined;
    entry.summary = undefined;
    this.changed(key);
    if (this.totalBytes > this.limitsValue.maxTotalBytes) this.evictOverCap();
    return previous === undefined ? 'added' : 'replaced';
  }

  /** Files a log record under its trace; records without a trace id are only counted. */
  addLog(line: LocalLogLine): boolean {
    this.countersValue.logRecords += 1;
    if (line.traceId === undefined || line.traceId.trim() === '') return false;
    const key = normalizeLocalTraceId(line.traceId);
    const bytes = line.parsed.raw.length;
    const existing = this.entries.get(key);
    if ((existing?.bytes ?? 0) + bytes > this.limitsValue.maxBytesPerTrace) {
      this.countersValue.droppedBytes += 1;
      this.pendingCountersOnly = true;
      this.scheduleNotify();
      return false;
    }
    const entry = this.touch(key, existing);
    entry.logs.push(key === line.traceId ? line : { ...line, traceId: key });
    entry.bytes += bytes;
    this.totalBytes += bytes;
    if (entry.logs.length > this.maxLogsPerTrace) {
      const removed = entry.logs.splice(0, entry.logs.length - this.maxLogsPerTrace);
      for (const old of removed) {
        entry.bytes -= old.parsed.raw.length;
        this.totalBytes -= old.parsed.raw.length;
      }
    }
    this.changed(key);
    if (this.totalBytes > this.limitsValue.maxTotalBytes) this.evictOverCap();
    return true;
  }

  /** Stops notifications and drops everything. */
  dispose(): void {
    this.disposed = true;
    if (this.notifyTimer !== undefined) clearTimeout(this.notifyTimer);
    this.notifyTimer = undefined;
    this.listeners.clear();
    this.pending.clear();
    this.entries.clear();
    this.totalBytes = 0;
  }

  /** Delivers pending notifications now (tests, and the host before it reads after a command). */
  flush(): void {
    if (this.notifyTimer !== undefined) clearTimeout(this.notifyTimer);
    this.notifyTimer = undefined;
    this.deliver();
  }

  // ── Internals ──────────────────────────────────────────────────────────────────────────────

  private entryOf(traceId: string): TraceEntry | undefined {
    if (typeof traceId !== 'string') return undefined;
    return this.entries.get(normalizeLocalTraceId(traceId)) ?? this.entries.get(traceId);
  }

  private built(entry: TraceEntry): Trace {
    if (entry.trace === undefined) {
      const documents = [...entry.documents.values()].map((stored) => stored.document);
      entry.trace = buildTrace({ traceId: entry.id, documents });
    }
    return entry.trace;
  }

  /** Returns the entry (created when new), moved to the most recently updated end. */
  private touch(key: string, existing: TraceEntry | undefined): TraceEntry {
    if (existing !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, existing);
      return existing;
    }
    const entry: TraceEntry = { id: key, documents: new Map(), logs: [], bytes: 0, firstSeen: this.now() };
    this.entries.set(key, entry);
    this.evictOverCap();
    return entry;
  }

  private evictOverCap(): void {
    // The newest trace stays even when it alone is over the total budget (the per-trace cap bounds it).
    while (this.entries.size > this.limitsValue.maxTraces || (this.totalBytes > this.limitsValue.maxTotalBytes && this.entries.size > 1)) {
      const oldest = this.entries.entries().next();
      if (oldest.done === true) break;
      const [id, entry] = oldest.value;
      this.entries.delete(id);
      this.totalBytes -= entry.bytes;
      this.countersValue.evictedTraces += 1;
      this.changed(id);
    }
  }

  private changed(traceId: string): void {
    this.pending.add(traceId);
    this.scheduleNotify();
  }

  private scheduleNotify(): void {
    if (this.disposed || this.notifyTimer !== undefined || this.listeners.size === 0) return;
    const wait = Math.max(0, this.lastNotify + this.notifyIntervalMs - this.now());
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      this.deliver();
    }, wait);
    // Never keep a process (tests, the benchmark) alive for a notification.
    (this.notifyTimer as { unref?: () => void }).unref?.();
  }

  private deliver(): void {
    if (this.disposed || (this.pending.size === 0 && !this.pendingCountersOnly)) return;
    const ids = [...this.pending];
    this.pending.clear();
    this.pendingCountersOnly = false;
    this.lastNotify = this.now();
    for (const listener of [...this.listeners]) {
      try {
        listener(ids);
      } catch (error) {
        this.safeLog('error', `A local trace listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private safeLog(level: ReceiverLogLevel, message: string): void {
    try {
      this.logger?.(level, message);
    } catch {
      // A failing logger must not take the receiver down.
    }
  }
}

/** A store with the given limits (defaults for what is not given). */
export function createLocalTraceStore(options: LocalTraceStoreOptions = {}): InMemoryLocalTraceStore {
  return new InMemoryLocalTraceStore(options);
}
