/**
 * One CloudWatch Logs Insights query from start to finish: StartQuery, GetQueryResults until the
 * query is done (partial rows while it runs, as progress), StopQuery when the caller gives up.
 * A query left running keeps scanning, and counts against the account's concurrent-query quota,
 * so every exit other than `Complete` tries to stop it.
 */
import { GetQueryResultsCommand, StartQueryCommand, StopQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { CloudWatchLogsClient, GetQueryResultsCommandOutput, ResultField } from '@aws-sdk/client-cloudwatch-logs';
import { classifyAwsError } from './awsErrors';
import type { ClassifiedAwsError } from './awsErrors';
import { abortableDelay, isAbortError, throwIfAborted } from './backoff';

export interface InsightsRow {
  /** Epoch milliseconds (Insights prints `yyyy-MM-dd HH:mm:ss.SSS` in UTC). */
  timestamp: number;
  message: string;
  logStream?: string;
  /** Without the `<account id>:` prefix Insights puts on `@log`. */
  logGroup?: string;
  requestId?: string;
  /** `@ptr`: unique per event, usable for GetLogRecord and de-duplication. */
  ptr?: string;
}

export interface InsightsQueryInput {
  /** At most 50. */
  logGroupNames: readonly string[];
  /** Epoch SECONDS, inclusive. */
  startTime: number;
  endTime: number;
  queryString: string;
  /** Rows returned at most (≤ 10,000). */
  limit?: number;
  signal: AbortSignal;
  /** First wait between polls; it grows to `maxPollIntervalMs`. Default 300 ms. */
  pollIntervalMs?: number;
  /** Default 2,000 ms. */
  maxPollIntervalMs?: number;
  /** Give up (and stop the query) after this long; default 5 minutes. */
  maxWaitMs?: number;
}

export type InsightsStatus = 'Scheduled' | 'Running' | 'Complete';

export interface InsightsProgress {
  queryId: string;
  status: InsightsStatus;
  /** All rows so far (partial while `Running`). */
  rows: InsightsRow[];
  recordsMatched?: number;
  recordsScanned?: number;
}

export type InsightsFailureReason = 'failed' | 'cancelled' | 'timeout' | 'malformedQuery' | 'limitExceeded' | 'request';

/** A query that did not complete, or a StartQuery/GetQueryResults call that failed. */
export class InsightsQueryError extends Error {
  constructor(
    readonly reason: InsightsFailureReason,
    message: string,
    readonly classified?: ClassifiedAwsError,
    readonly queryId?: string,
  ) {
    super(message);
    this.name = 'InsightsQueryError';
  }
}

export const INSIGHTS_DEFAULT_LIMIT = 10_000;

/** Parses `2026-11-20 12:00:00.123` (UTC, as Insights prints it) or an ISO string or epoch. */
export function parseInsightsTimestamp(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  if (/^\d+$/.test(value)) return Number(value);
  const iso = value.includes('T') ? value : value.replace(' ', 'T');
  const parsed = Date.parse(/(?:Z|[+-]\d\d:?\d\d)$/.test(iso) ? iso : `${iso}Z`);
  return Number.isNaN(parsed) ? 0 : parsed;
}

/** A result row (`[{ field, value }]`) as a typed line; `@log` loses its account prefix. */
export function rowOfResult(fields: readonly ResultField[]): InsightsRow {
  const get = (name: string): string | undefined => fields.find((field) => field.field === name)?.value;
  const row: InsightsRow = { timestamp: parseInsightsTimestamp(get('@timestamp')), message: get('@message') ?? '' };
  const stream = get('@logStream');
  const log = get('@log');
  const requestId = get('@requestId');
  const ptr = get('@ptr');
  if (stream !== undefined) row.logStream = stream;
  if (log !== undefined) row.logGroup = log.replace(/^\d{12}:/, '');
  if (requestId !== undefined) row.requestId = requestId;
  if (ptr !== undefined) row.ptr = ptr;
  return row;
}

function classifyStartError(error: unknown, operation: string, queryId?: string): InsightsQueryError {
  const classified = classifyAwsError(error, { operation });
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  const reason: InsightsFailureReason = name === 'MalformedQueryException' ? 'malformedQuery' : name === 'LimitExceededException' ? 'limitExceeded' : 'request';
  const message =
    reason === 'limitExceeded'
      ? 'Too many Logs Insights queries are running in this account. Wait for some to finish and retry.'
      : reason === 'malformedQuery'
        ? `Logs Insights rejected the query: ${classified.message}`
        : classified.message;
  return new InsightsQueryError(reason, message, classified, queryId);
}

/** Best effort: the query may have finished meanwhile, and the caller's signal is already aborted. */
async function stopQuery(client: CloudWatchLogsClient, queryId: string): Promise<void> {
  try {
    await client.send(new StopQueryCommand({ queryId }), { abortSignal: AbortSignal.timeout(5_000) });
  } catch {
    // Nothing to do: a query that cannot be stopped ends on its own (and is billed either way).
  }
}

async function startQuery(client: CloudWatchLogsClient, input: InsightsQueryInput): Promise<string> {
  try {
    const output = await client.send(
      new StartQueryCommand({
        logGroupNames: [...input.logGroupNames],
        startTime: Math.floor(input.startTime),
        endTime: Math.ceil(input.endTime),
        queryString: input.queryString,
        limit: input.limit ?? INSIGHTS_DEFAULT_LIMIT,
      }),
      { abortSignal: input.signal },
    );
    if (output.queryId === undefined || output.queryId === '') {
      throw new InsightsQueryError('request', 'StartQuery returned no query id.');
    }
    return output.queryId;
  } catch (error) {
    if (isAbortError(error, input.signal) || error instanceof InsightsQueryError) throw error;
    throw classifyStartError(error, 'StartQuery');
  }
}

function progressOf(queryId: string, output: GetQueryResultsCommandOutput): InsightsProgress | InsightsQueryError {
  const status = output.status ?? 'Unknown';
  if (status === 'Failed' || status === 'Cancelled' || status === 'Timeout' || status === 'Unknown') {
    const reason: InsightsFailureReason = status === 'Cancelled' ? 'cancelled' : status === 'Timeout' ? 'timeout' : 'failed';
    return new InsightsQueryError(reason, `The Logs Insights query ended with status ${status}.`, undefined, queryId);
  }
  const progress: InsightsProgress = { queryId, status: status as InsightsStatus, rows: (output.results ?? []).map(rowOfResult) };
  if (output.statistics?.recordsMatched !== undefined) progress.recordsMatched = output.statistics.recordsMatched;
  if (output.statistics?.recordsScanned !== undefined) progress.recordsScanned = output.statistics.recordsScanned;
  return progress;
}

/**
 * Progress of one query, ending with the `Complete` snapshot. Scheduled and Running snapshots
 * are yielded as they come (Running carries partial rows). Failed, Cancelled and Timeout throw an
 * `InsightsQueryError`; an abort, a thrown error or an early `return` by the consumer stops the
 * query on the service and (for the abort) rethrows the AbortError.
 */
export async function* insightsQueryProgress(client: CloudWatchLogsClient, input: InsightsQueryInput): AsyncGenerator<InsightsProgress> {
  throwIfAborted(input.signal);
  const queryId = await startQuery(client, input);
  let done = false;
  const deadline = Date.now() + (input.maxWaitMs ?? 5 * 60_000);
  let interval = Math.max(10, input.pollIntervalMs ?? 300);
  const maxInterval = Math.max(interval, input.maxPollIntervalMs ?? 2_000);
  try {
    for (;;) {
      let output: GetQueryResultsCommandOutput;
      try {
        output = await client.send(new GetQueryResultsCommand({ queryId }), { abortSignal: input.signal });
      } catch (error) {
        if (isAbortError(error, input.signal)) throw error;
        throw classifyStartError(error, 'GetQueryResults', queryId);
      }
      const progress = progressOf(queryId, output);
      if (progress instanceof InsightsQueryError) {
        // The service already ended it: nothing to stop.
        done = true;
        throw progress;
      }
      if (progress.status === 'Complete') done = true;
      yield progress;
      if (done) return;
      if (Date.now() >= deadline) throw new InsightsQueryError('timeout', 'The Logs Insights query took too long and was stopped.', undefined, queryId);
      await abortableDelay(interval, input.signal);
      interval = Math.min(maxInterval, Math.round(interval * 1.5));
    }
  } finally {
    if (!done) await stopQuery(client, queryId);
  }
}

/** The rows of a completed query; `onProgress` sees every snapshot before completion. */
export async function runInsightsQuery(client: CloudWatchLogsClient, input: InsightsQueryInput, onProgress?: (progress: InsightsProgress) => void): Promise<InsightsRow[]> {
  for await (const progress of insightsQueryProgress(client, input)) {
    if (progress.status === 'Complete') return progress.rows;
    onProgress?.(progress);
  }
  throw new InsightsQueryError('failed', 'The Logs Insights query ended without a result.');
}
