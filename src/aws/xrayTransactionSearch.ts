/**
 * The read path when Transaction Search is on: spans go to CloudWatch Logs, BatchGetTraces
 * finds nothing, and full traces come from StartTraceRetrieval + ListRetrievedTraces.
 */
import {
  GetTraceSegmentDestinationCommand,
  ListRetrievedTracesCommand,
  StartTraceRetrievalCommand,
} from '@aws-sdk/client-xray';
import type { ListRetrievedTracesCommandOutput, XRayClient } from '@aws-sdk/client-xray';
import type { AwsLogger } from './clientFactory';
import { abortableDelay, isAbortError, retryThrottled, throwIfAborted } from './backoff';
import { traceIdEpochMs } from './xraySummaryMapping';

export type TraceDestination = 'XRay' | 'CloudWatchLogs';

export interface RetrievedTraceDocuments {
  id: string;
  documents: string[];
}

export interface RetrievalTuning {
  /** First wait between ListRetrievedTraces polls; grows ×1.5 up to 2 s. */
  firstPollDelayMs: number;
  /** Give up on a retrieval after this long (its ids are reported missing). */
  maxWaitMs: number;
}

export const DEFAULT_RETRIEVAL_TUNING: RetrievalTuning = { firstPollDelayMs: 250, maxWaitMs: 90_000 };

/**
 * Ids per StartTraceRetrieval. The API's maximum is not documented in the SDK; 5 matches
 * BatchGetTraces and keeps each log query small.
 */
const IDS_PER_RETRIEVAL = 5;
/** A retrieval's time range stays narrow: each one is a scan of the Transaction Search log group. */
const MAX_RETRIEVAL_SPAN_MS = 60 * 60 * 1000;
/** Without a hint, a trace may run up to Lambda's 15-minute limit after the id's epoch. */
const DEFAULT_TRACE_SPAN_MS = 15 * 60 * 1000;
const MARGIN_MS = 60 * 1000;

const FALLBACK_ERRORS = new Set(['AccessDeniedException', 'AccessDenied', 'UnknownOperationException', 'NotFoundException', 'InvalidRequestException', 'UnrecognizedOperationException']);

/**
 * Where segments go. Errors that only mean "cannot ask" (not permitted, not implemented by an
 * emulator) answer `XRay` so BatchGetTraces is tried; credential, network and abort errors propagate.
 */
export async function detectTraceDestination(client: XRayClient, signal: AbortSignal, logger: AwsLogger): Promise<TraceDestination> {
  try {
    const result = await retryThrottled(() => client.send(new GetTraceSegmentDestinationCommand({}), { abortSignal: signal }), signal);
    const destination: TraceDestination = result.Destination === 'CloudWatchLogs' ? 'CloudWatchLogs' : 'XRay';
    logger.info(`[xray] trace segment destination: ${destination}${result.Status ? ` (${result.Status})` : ''}`);
    return destination;
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (isAbortError(error, signal) || !(FALLBACK_ERRORS.has(name) || status === 404 || status === 403 && name !== 'ExpiredTokenException' && name !== 'UnrecognizedClientException')) {
      throw error;
    }
    logger.warn(`[xray] GetTraceSegmentDestination unavailable (${name || status}); using BatchGetTraces`);
    return 'XRay';
  }
}

interface RetrievalChunk {
  ids: string[];
  start: number;
  end: number;
}

function windowFor(id: string, hint: { start: Date; end: Date } | undefined): { start: number; end: number } {
  if (hint) {
    return { start: hint.start.getTime() - MARGIN_MS, end: hint.end.getTime() + MARGIN_MS };
  }
  const epoch = traceIdEpochMs(id) ?? Date.now();
  return { start: epoch - MARGIN_MS, end: epoch + DEFAULT_TRACE_SPAN_MS + MARGIN_MS };
}

/** Groups ids by time so each retrieval covers few ids and a short range. */
export function retrievalChunks(ids: readonly string[], timeHint?: (id: string) => { start: Date; end: Date } | undefined): RetrievalChunk[] {
  const windows = ids.map((id) => ({ id, ...windowFor(id, timeHint?.(id)) })).sort((a, b) => a.start - b.start);
  const chunks: RetrievalChunk[] = [];
  let current: RetrievalChunk | undefined;
  for (const w of windows) {
    const fits = current && current.ids.length < IDS_PER_RETRIEVAL && Math.max(current.end, w.end) - current.start <= MAX_RETRIEVAL_SPAN_MS;
    if (current && fits) {
      current.ids.push(w.id);
      current.end = Math.max(current.end, w.end);
    } else {
      current = { ids: [w.id], start: w.start, end: w.end };
      chunks.push(current);
    }
  }
  return chunks;
}

type ListPage = ListRetrievedTracesCommandOutput;

/** Polls until COMPLETE (bounded); returns the first complete page, or why there is none. */
async function waitForCompletion(client: XRayClient, token: string, signal: AbortSignal, tuning: RetrievalTuning): Promise<ListPage | string> {
  const deadline = Date.now() + tuning.maxWaitMs;
  let delay = tuning.firstPollDelayMs;
  for (;;) {
    throwIfAborted(signal);
    const page: ListPage = await retryThrottled(
      () => client.send(new ListRetrievedTracesCommand({ RetrievalToken: token, TraceFormat: 'XRAY' }), { abortSignal: signal }),
      signal,
    );
    const status = page.RetrievalStatus;
    if (status === 'COMPLETE') {
      return page;
    }
    if (status === 'FAILED' || status === 'CANCELLED' || status === 'TIMEOUT') {
      return `retrieval ${status}`;
    }
    if (Date.now() + delay > deadline) {
      return `retrieval still ${status ?? 'unknown'} after ${Math.round(tuning.maxWaitMs / 1000)} s`;
    }
    await abortableDelay(delay, signal);
    delay = Math.min(2000, Math.round(delay * 1.5));
  }
}

function collect(page: ListPage, into: RetrievedTraceDocuments[]): void {
  for (const trace of page.Traces ?? []) {
    if (trace.Id) {
      const documents = (trace.Spans ?? []).map((span) => span.Document).filter((d): d is string => typeof d === 'string');
      into.push({ id: trace.Id, documents });
    }
  }
}

/** The complete page already holds the first results; later pages follow its NextToken. */
async function readRetrieval(client: XRayClient, token: string, first: ListPage, signal: AbortSignal): Promise<RetrievedTraceDocuments[]> {
  const traces: RetrievedTraceDocuments[] = [];
  collect(first, traces);
  let nextToken = first.NextToken || undefined;
  while (nextToken) {
    const command = new ListRetrievedTracesCommand({ RetrievalToken: token, TraceFormat: 'XRAY', NextToken: nextToken });
    const page: ListPage = await retryThrottled(() => client.send(command, { abortSignal: signal }), signal);
    collect(page, traces);
    nextToken = page.NextToken || undefined;
  }
  return traces;
}

/** One retrieval: start it, poll until COMPLETE (bounded), read every page. */
export async function retrieveChunk(
  client: XRayClient,
  chunk: RetrievalChunk,
  signal: AbortSignal,
  logger: AwsLogger,
  tuning: RetrievalTuning = DEFAULT_RETRIEVAL_TUNING,
): Promise<RetrievedTraceDocuments[]> {
  const started = await retryThrottled(
    () => client.send(new StartTraceRetrievalCommand({ TraceIds: chunk.ids, StartTime: new Date(chunk.start), EndTime: new Date(chunk.end) }), { abortSignal: signal }),
    signal,
  );
  const token = started.RetrievalToken;
  if (!token) {
    logger.warn(`[xray] StartTraceRetrieval returned no token for ${chunk.ids.length} trace(s)`);
    return [];
  }
  const first = await waitForCompletion(client, token, signal, tuning);
  if (typeof first === 'string') {
    logger.warn(`[xray] ${first}; ${chunk.ids.length} trace(s) reported missing`);
    return [];
  }
  return readRetrieval(client, token, first, signal);
}
