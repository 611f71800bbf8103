/**
 * The log lines of one trace, following a `TraceLogPlan` (core/traceLogQuery.ts): one Logs
 * Insights query per chunk of ≤ 50 groups; when Insights is unavailable (StartQuery denied by
 * IAM, or an emulator that does not implement it), FilterLogEvents per group with the plan's
 * patterns. Lines come back de-duplicated, sorted by time and capped.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { FilterLogEventsPlan, TraceLogPlan } from '../core/traceLogQuery';
import { LogsReadError, filterLogEvents } from './cloudWatchLogs';
import { classifyAwsError } from './awsErrors';
import { abortableDelay, backoffDelayMs, isAbortError, isThrottlingError, throwIfAborted } from './backoff';
import { InsightsQueryError, runInsightsQuery } from './logsInsights';
import type { InsightsRow } from './logsInsights';

export interface TraceLogLine {
  /** Epoch milliseconds. */
  timestamp: number;
  message: string;
  logGroup: string;
  logStream?: string;
  /** FilterLogEvents' event id, or Insights' `@ptr`; unique per event. */
  eventId?: string;
}

export type TraceLogSource = 'insights' | 'filterLogEvents';

export interface TraceLogsResult {
  lines: TraceLogLine[];
  source: TraceLogSource;
  /** More lines matched than `plan.lineLimit` (or a query hit its row limit). */
  truncated: boolean;
}

export interface TraceLogsProgress {
  source: TraceLogSource;
  /** Lines found so far (partial Insights results included). */
  lines: number;
  /** Queries (Insights) or groups (FilterLogEvents) finished, out of `total`. */
  done: number;
  total: number;
}

export interface TraceLogsOptions {
  /** Passed to the Insights runner; default its own. */
  pollIntervalMs?: number;
  /** FilterLogEvents requests per group at most; default 20. */
  maxPagesPerGroup?: number;
}

/** Anything with `logs()`, such as the connection's `AwsClientFactory`. */
export interface LogsClientSource {
  logs(): CloudWatchLogsClient;
}

const UNSUPPORTED_NAMES = new Set(['UnknownOperationException', 'UnrecognizedOperationException', 'InvalidAction', 'NotImplemented', 'NotImplementedException']);
const THROTTLE_RETRIES = 4;

/**
 * True when Insights cannot be used at all here, so that FilterLogEvents is the way: access
 * denied to StartQuery, or an endpoint that does not know the operation (404/501).
 */
export function isInsightsUnavailable(error: unknown): boolean {
  const cause = error instanceof InsightsQueryError ? error.classified?.cause : error;
  if (error instanceof InsightsQueryError && error.classified?.kind === 'accessDenied') return true;
  if (typeof cause !== 'object' || cause === null) return false;
  const facts = cause as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const status = facts.$metadata?.httpStatusCode;
  return (typeof facts.name === 'string' && UNSUPPORTED_NAMES.has(facts.name)) || status === 404 || status === 501;
}

function clientOf(source: CloudWatchLogsClient | LogsClientSource): CloudWatchLogsClient {
  return 'logs' in source && typeof source.logs === 'function' ? source.logs() : (source as CloudWatchLogsClient);
}

function lineOfRow(row: InsightsRow, fallbackGroup: string): TraceLogLine {
  const line: TraceLogLine = { timestamp: row.timestamp, message: row.message, logGroup: row.logGroup ?? fallbackGroup };
  if (row.logStream !== undefined) line.logStream = row.logStream;
  if (row.ptr !== undefined) line.eventId = row.ptr;
  return line;
}

function byTime(a: TraceLogLine, b: TraceLogLine): number {
  return a.timestamp - b.timestamp;
}

async function viaInsights(client: CloudWatchLogsClient, plan: TraceLogPlan, signal: AbortSignal, onProgress: ((p: TraceLogsProgress) => void) | undefined, options: TraceLogsOptions): Promise<TraceLogsResult> {
  const lines: TraceLogLine[] = [];
  let truncated = false;
  const total = plan.insights.length;
  for (const [index, query] of plan.insights.entries()) {
    const rows = await runInsightsQuery(
      client,
      { ...query, signal, ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}) },
      (progress) => onProgress?.({ source: 'insights', lines: lines.length + progress.rows.length, done: index, total }),
    );
    if (rows.length >= query.limit) truncated = true;
    const fallbackGroup = query.logGroupNames[0] ?? '';
    for (const row of rows) lines.push(lineOfRow(row, fallbackGroup));
    onProgress?.({ source: 'insights', lines: lines.length, done: index + 1, total });
  }
  return capped(lines, plan.lineLimit, truncated, 'insights');
}

function capped(lines: TraceLogLine[], limit: number, truncated: boolean, source: TraceLogSource): TraceLogsResult {
  lines.sort(byTime);
  return { lines: lines.length > limit ? lines.slice(0, limit) : lines, source, truncated: truncated || lines.length > limit };
}

/** Reads one group into `into`; throttling restarts the group after a back-off (ids de-duplicate). */
async function readGroup(client: CloudWatchLogsClient, query: FilterLogEventsPlan, signal: AbortSignal, into: Map<string, TraceLogLine>, limit: number, maxPages: number): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      const pages = filterLogEvents(client, { ...query, signal, maxPages });
      for await (const events of pages) {
        for (const event of events) {
          const key = event.eventId ?? `${query.logGroupName}|${event.logStreamName ?? ''}|${event.timestamp}|${event.message}`;
          if (into.has(key)) continue;
          // One over the limit proves there is more without reading further.
          if (into.size >= limit) return true;
          const line: TraceLogLine = { timestamp: event.timestamp, message: event.message, logGroup: query.logGroupName };
          if (event.logStreamName !== undefined) line.logStream = event.logStreamName;
          if (event.eventId !== undefined) line.eventId = event.eventId;
          into.set(key, line);
        }
      }
      return false;
    } catch (error) {
      if (isAbortError(error, signal)) throw error;
      // A function never invoked (or logging elsewhere) has no group: no lines, not a failure.
      if ((error as { name?: unknown } | null)?.name === 'ResourceNotFoundException') return false;
      if (!isThrottlingError(error) || attempt + 1 >= THROTTLE_RETRIES) {
        throw new LogsReadError(classifyAwsError(error, { operation: 'FilterLogEvents' }));
      }
      await abortableDelay(backoffDelayMs(attempt, 500, 8_000), signal);
    }
  }
}

async function viaFilterLogEvents(client: CloudWatchLogsClient, plan: TraceLogPlan, signal: AbortSignal, onProgress: ((p: TraceLogsProgress) => void) | undefined, options: TraceLogsOptions): Promise<TraceLogsResult> {
  const found = new Map<string, TraceLogLine>();
  let truncated = false;
  const total = plan.filterLogEvents.length;
  // One group at a time: FilterLogEvents has a small per-account rate (about 5 per second).
  for (const [index, query] of plan.filterLogEvents.entries()) {
    throwIfAborted(signal);
    if (await readGroup(client, query, signal, found, plan.lineLimit, options.maxPagesPerGroup ?? 20)) {
      truncated = true;
      break;
    }
    onProgress?.({ source: 'filterLogEvents', lines: found.size, done: index + 1, total });
  }
  return capped([...found.values()], plan.lineLimit, truncated, 'filterLogEvents');
}

/**
 * The trace's lines: Insights first, FilterLogEvents when Insights is unavailable. Other errors
 * are thrown (`InsightsQueryError`, `LogsReadError`); an abort rethrows the AbortError after
 * stopping any running query.
 */
export async function fetchTraceLogs(
  source: CloudWatchLogsClient | LogsClientSource,
  plan: TraceLogPlan,
  signal: AbortSignal,
  onProgress?: (progress: TraceLogsProgress) => void,
  options: TraceLogsOptions = {},
): Promise<TraceLogsResult> {
  throwIfAborted(signal);
  const client = clientOf(source);
  if (plan.insights.length === 0) return { lines: [], source: 'insights', truncated: false };
  try {
    return await viaInsights(client, plan, signal, onProgress, options);
  } catch (error) {
    if (isAbortError(error, signal) || !isInsightsUnavailable(error)) throw error;
  }
  return viaFilterLogEvents(client, plan, signal, onProgress, options);
}
