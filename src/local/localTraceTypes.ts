/**
 * The contract of the local trace store: traces assembled from what the local receivers (X-Ray
 * daemon UDP, OTLP/HTTP) take in, bounded, with counters for what was dropped. Implemented by
 * `localTraceStore.ts`; read by the host (Traces view "Local" source, timeline, map, lenses) and
 * by trace-file export. No `vscode` here.
 */
import type { Trace, TraceSummary } from '../shared/traceModel';
import type { ParsedLogLine } from '../shared/logModel';

/** One raw X-Ray segment document as received (JSON object), kept for export. */
export type SegmentDocumentJson = Record<string, unknown>;

export interface ReceiverCounters {
  /** UDP datagrams / OTLP requests accepted. */
  datagrams: number;
  otlpRequests: number;
  segments: number;
  spans: number;
  logRecords: number;
  /** Not parseable (bad header, bad JSON, bad protobuf); counted and logged, never thrown. */
  malformed: number;
  /** Dropped by the rate cap (datagrams per second). */
  droppedRate: number;
  /** Documents dropped because their trace reached the bytes-per-trace cap. */
  droppedBytes: number;
  /** Whole traces evicted because the store reached its trace cap (oldest first). */
  evictedTraces: number;
}

export interface LocalTraceStoreLimits {
  /** Default 1,000 traces. */
  maxTraces: number;
  /** Default 5 MB of documents per trace. */
  maxBytesPerTrace: number;
  /** Default 50,000 datagrams per second. */
  maxDatagramsPerSecond: number;
  /**
   * Bytes of documents and log records over all traces; beyond it the least recently updated
   * traces are evicted (counted in `evictedTraces`). Default 64 MB (parsed documents take several
   * times their JSON size in memory). Optional (added with the
   * receivers): `maxTraces × maxBytesPerTrace` alone would allow gigabytes.
   */
  maxTotalBytes?: number;
}

/** A local log record (OTLP /v1/logs) that joined a trace. */
export interface LocalLogLine {
  timestamp: number;
  traceId?: string;
  spanId?: string;
  /** `service.name` / `faas.name` of the resource. */
  service?: string;
  parsed: ParsedLogLine;
}

export interface LocalTraceStore {
  /** Newest first. */
  summaries(): TraceSummary[];
  /** The built trace (rebuilt lazily after new documents arrived); undefined when unknown/evicted. */
  get(traceId: string): Trace | undefined;
  /** The raw segment documents of a trace, for export. */
  documents(traceId: string): SegmentDocumentJson[];
  /** Log records that carry this trace id. */
  logs(traceId: string): LocalLogLine[];
  counters(): ReceiverCounters;
  /** Called (coalesced, at most a few times per second) when traces were added or changed. */
  onDidChange(listener: (changedTraceIds: readonly string[]) => void): () => void;
  clear(): void;
}
