/**
 * The settings of the local trace store (`localTraceStore.ts`): its limits with their defaults,
 * its options, the logger the receivers and the store report through, what `addDocument` says,
 * and the normal form of trace ids it files under. No `vscode`, no I/O.
 */
import { parseTraceIdInput } from '../core/traceIds';
import type { LocalTraceStoreLimits, ReceiverCounters } from './localTraceTypes';

export const DEFAULT_LOCAL_TRACE_LIMITS: Readonly<Required<LocalTraceStoreLimits>> = Object.freeze({
  maxTraces: 1000,
  maxBytesPerTrace: 5 * 1024 * 1024,
  maxDatagramsPerSecond: 50_000,
  maxTotalBytes: 64 * 1024 * 1024,
});

export type ReceiverLogLevel = 'debug' | 'info' | 'warn' | 'error';
/** Where receivers and the store report what they dropped or could not read (the host's log channel). */
export type ReceiverLogger = (level: ReceiverLogLevel, message: string) => void;

export interface LocalTraceStoreOptions {
  limits?: Partial<LocalTraceStoreLimits>;
  logger?: ReceiverLogger;
  /** Minimum time between two change notifications; default 250 ms (at most four a second). */
  notifyIntervalMs?: number;
  /** Log records kept per trace (beyond it the oldest go); default 5,000, the Logs tab's cap. */
  maxLogsPerTrace?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** What became of one document handed to `addDocument`. */
export type AddDocumentOutcome =
  /** Filed under its trace (new id). */
  | 'added'
  /** Replaced an earlier copy with the same id (an in-progress copy by a complete one, or an older copy by a newer one). */
  | 'replaced'
  /** An in-progress copy of a document the trace already has complete; ignored. */
  | 'duplicate'
  /** The trace reached `maxBytesPerTrace`; counted in `droppedBytes`. */
  | 'droppedBytes';

/** Every counter at zero (a new store, or one just cleared). */
export function zeroCounters(): ReceiverCounters {
  return { datagrams: 0, otlpRequests: 0, segments: 0, spans: 0, logRecords: 0, malformed: 0, droppedRate: 0, droppedBytes: 0, evictedTraces: 0 };
}

/** `value` rounded down when it is a finite number of at least 1, else `fallback`. */
export function positiveInteger(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

/** `LocalTraceStoreLimits` with defaults for what is missing or not a positive number. */
export function resolveLimits(limits: Partial<LocalTraceStoreLimits> | undefined): Required<LocalTraceStoreLimits> {
  return {
    maxTraces: positiveInteger(limits?.maxTraces, DEFAULT_LOCAL_TRACE_LIMITS.maxTraces),
    maxBytesPerTrace: positiveInteger(limits?.maxBytesPerTrace, DEFAULT_LOCAL_TRACE_LIMITS.maxBytesPerTrace),
    maxDatagramsPerSecond: positiveInteger(limits?.maxDatagramsPerSecond, DEFAULT_LOCAL_TRACE_LIMITS.maxDatagramsPerSecond),
    maxTotalBytes: positiveInteger(limits?.maxTotalBytes, DEFAULT_LOCAL_TRACE_LIMITS.maxTotalBytes),
  };
}

/** Trace ids are kept in lowercase X-Ray form; W3C ids and headers are accepted on lookup. */
export function normalizeLocalTraceId(raw: string): string {
  // Receivers hand over ids already in this form: skip the general parser on the hot path.
  if (LOWER_XRAY_ID.test(raw)) return raw;
  return parseTraceIdInput(raw) ?? raw.trim();
}

const LOWER_XRAY_ID = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
