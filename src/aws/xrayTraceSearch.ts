/**
 * Trace search for the Traces view: GetTraceSummaries over windows of at most 6 hours, newest
 * window first, paged with NextToken, as an async generator so the view shows the first rows as
 * soon as the first page arrives and "Load more" simply pulls the next page.
 */
import { GetTraceSummariesCommand } from '@aws-sdk/client-xray';
import type { XRayClient } from '@aws-sdk/client-xray';
import type { TraceSummary } from '../shared/traceModel';
import { retryThrottled, throwIfAborted } from './backoff';
import { mapTraceSummary } from './xraySummaryMapping';

export interface TraceSearchQuery {
  startTime: Date;
  endTime: Date;
  /** X-Ray filter expression, passed through as the user wrote it. */
  filterExpression?: string;
  /** Only traces with an error, fault or throttle. */
  errorsOnly?: boolean;
}

/**
 * Longest window per GetTraceSummaries call. The API's own maximum range is not documented in a
 * source we could verify; 6 h is what the console's deep links allow, and shorter windows keep
 * each call's scan (and the first page's latency) small.
 */
export const MAX_SEARCH_WINDOW_MS = 6 * 60 * 60 * 1000;

const ERROR_FLAGS = 'error OR fault OR throttle';

export interface SearchWindow {
  start: Date;
  end: Date;
}

/** Splits [start, end] into windows of at most `maxMs`, newest first. */
export function searchWindows(start: Date, end: Date, maxMs = MAX_SEARCH_WINDOW_MS): SearchWindow[] {
  const windows: SearchWindow[] = [];
  const startMs = start.getTime();
  for (let windowEnd = end.getTime(); windowEnd > startMs; windowEnd -= maxMs) {
    windows.push({ start: new Date(Math.max(startMs, windowEnd - maxMs)), end: new Date(windowEnd) });
  }
  return windows;
}

/** The expression sent to X-Ray: the user's filter, AND-ed with the error flags when errors-only is on. */
export function effectiveFilterExpression(query: Pick<TraceSearchQuery, 'filterExpression' | 'errorsOnly'>): string | undefined {
  const user = query.filterExpression?.trim();
  if (!query.errorsOnly) {
    return user ? user : undefined;
  }
  // Parentheses keep the user's OR from binding looser than our AND.
  return user ? `(${user}) AND (${ERROR_FLAGS})` : ERROR_FLAGS;
}

/**
 * Pages of summaries, each sorted newest first; empty pages are skipped, and a trace that
 * straddles two windows is yielded once. Stops with an AbortError when `signal` aborts.
 */
export async function* searchTraceSummaries(
  client: XRayClient,
  query: TraceSearchQuery,
  signal: AbortSignal,
): AsyncGenerator<TraceSummary[]> {
  const filter = effectiveFilterExpression(query);
  const seen = new Set<string>();
  for (const window of searchWindows(query.startTime, query.endTime)) {
    let nextToken: string | undefined;
    do {
      throwIfAborted(signal);
      const command = new GetTraceSummariesCommand({
        StartTime: window.start,
        EndTime: window.end,
        ...(filter ? { FilterExpression: filter } : {}),
        ...(nextToken ? { NextToken: nextToken } : {}),
      });
      const page = await retryThrottled(() => client.send(command, { abortSignal: signal }), signal);
      nextToken = page.NextToken || undefined;
      const rows: TraceSummary[] = [];
      for (const raw of page.TraceSummaries ?? []) {
        const row = mapTraceSummary(raw);
        if (row && !seen.has(row.id)) {
          seen.add(row.id);
          rows.push(row);
        }
      }
      if (rows.length > 0) {
        yield rows.sort((a, b) => b.startEpochMs - a.startEpochMs);
      }
    } while (nextToken);
  }
}
