/**
 * The small slice of CloudWatch Logs that jump-to-source needs: FilterLogEvents as an async
 * generator of pages, and the `Invoke Error` line of one Lambda request. That line keeps the
 * columns X-Ray drops (`/var/task/index.js:1:48213`), which is what pins a frame of a minified
 * bundle to one original line. The logs view builds on the same generator.
 */
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { CloudWatchLogsClient, FilterLogEventsCommandInput } from '@aws-sdk/client-cloudwatch-logs';
import { parseLambdaErrorPayload } from '../core/invokeErrorParser';
import type { ParsedFrame, StackLanguage } from '../core/stackFrames';
import { classifyAwsError } from './awsErrors';
import type { ClassifiedAwsError } from './awsErrors';

export interface LogEvent {
  /** Epoch milliseconds. */
  timestamp: number;
  message: string;
  logStreamName?: string;
  eventId?: string;
}

export interface FilterLogEventsQuery {
  logGroupName: string;
  /** Epoch milliseconds, inclusive. */
  startTime: number;
  /** Epoch milliseconds, inclusive. */
  endTime: number;
  /** CloudWatch filter pattern syntax; omitted matches every event. */
  filterPattern?: string;
  signal: AbortSignal;
  /**
   * Stop after this many requests even if a `nextToken` still comes back: FilterLogEvents may
   * return empty pages with a token for a long time on big groups. Default 20.
   */
  maxPages?: number;
}

export const DEFAULT_MAX_PAGES = 20;

/**
 * Pages of matching events, oldest first within a page. Keeps asking while a `nextToken` comes
 * back, empty pages included (the service returns those while it scans), up to `maxPages`
 * requests. Empty pages are not yielded. Errors are thrown as the SDK raised them.
 */
export async function* filterLogEvents(client: CloudWatchLogsClient, query: FilterLogEventsQuery): AsyncGenerator<LogEvent[]> {
  const maxPages = query.maxPages ?? DEFAULT_MAX_PAGES;
  let nextToken: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    query.signal.throwIfAborted();
    const input: FilterLogEventsCommandInput = {
      logGroupName: query.logGroupName,
      startTime: Math.floor(query.startTime),
      endTime: Math.ceil(query.endTime),
      ...(query.filterPattern !== undefined ? { filterPattern: query.filterPattern } : {}),
      ...(nextToken !== undefined ? { nextToken } : {}),
    };
    const output = await client.send(new FilterLogEventsCommand(input), { abortSignal: query.signal });
    const events: LogEvent[] = [];
    for (const event of output.events ?? []) {
      if (typeof event.message !== 'string') continue;
      events.push({
        timestamp: event.timestamp ?? 0,
        message: event.message,
        ...(event.logStreamName !== undefined ? { logStreamName: event.logStreamName } : {}),
        ...(event.eventId !== undefined ? { eventId: event.eventId } : {}),
      });
    }
    if (events.length > 0) yield events;
    // The same token twice would loop forever on a misbehaving endpoint.
    if (output.nextToken === undefined || output.nextToken === '' || output.nextToken === nextToken) return;
    nextToken = output.nextToken;
  }
}

export interface InvocationErrorQuery {
  logGroup: string;
  requestId: string;
  /** Epoch milliseconds: the invocation's window (callers widen it for clock skew). */
  start: number;
  end: number;
  signal: AbortSignal;
  maxPages?: number;
}

export interface InvocationError {
  errorType?: string;
  errorMessage?: string;
  language?: StackLanguage;
  /** Innermost first, with columns for Node stacks. */
  frames: ParsedFrame[];
  /** The log event the frames came from. */
  event: LogEvent;
}

/** A CloudWatch Logs failure other than a missing log group, classified once. */
export class LogsReadError extends Error {
  constructor(readonly classified: ClassifiedAwsError) {
    super(classified.message);
    this.name = 'LogsReadError';
  }
}

const ERROR_MARKERS = ['Invoke Error', 'Uncaught Exception', 'Unhandled Promise Rejection'];

/**
 * The error record of one request: the runtime's `Invoke Error` (or `Uncaught Exception`,
 * `Unhandled Promise Rejection`) text line, or a JSON-format record with `errorType` and a
 * stack. Undefined when the group does not exist (a function never invoked, or logging
 * elsewhere) or no such line is in the window. Other failures throw a `LogsReadError`;
 * cancellation rethrows the abort.
 */
export async function findInvocationError(client: CloudWatchLogsClient, query: InvocationErrorQuery): Promise<InvocationError | undefined> {
  try {
    let fallback: InvocationError | undefined;
    const pages = filterLogEvents(client, {
      logGroupName: query.logGroup,
      startTime: query.start,
      endTime: query.end,
      // A quoted term matches the id inside text lines and inside JSON records alike.
      filterPattern: `"${query.requestId.replace(/"/g, '')}"`,
      signal: query.signal,
      ...(query.maxPages !== undefined ? { maxPages: query.maxPages } : {}),
    });
    for await (const events of pages) {
      for (const event of events) {
        const found = errorOf(event, query.requestId);
        if (found?.marked) return found.error;
        fallback ??= found?.error;
      }
    }
    return fallback;
  } catch (error) {
    if (query.signal.aborted) throw error;
    if (isResourceNotFound(error)) return undefined;
    throw new LogsReadError(classifyAwsError(error, { operation: 'FilterLogEvents' }));
  }
}

/** The error in one event, `marked` when it is the runtime's own error line (preferred). */
function errorOf(event: LogEvent, requestId: string): { error: InvocationError; marked: boolean } | undefined {
  const text = event.message;
  if (!text.includes(requestId)) return undefined;
  const marked = ERROR_MARKERS.some((marker) => text.includes(marker));
  // JSON log format: the runtime serializes the error as `errorType` + `stackTrace`.
  if (!marked && !(text.includes('"errorType"') && /"(?:stackTrace|stack|trace)"/.test(text))) return undefined;
  const payload = parseLambdaErrorPayload(text);
  if (payload.frames.length === 0 && payload.errorType === undefined) return undefined;
  const error: InvocationError = { frames: payload.frames, event };
  if (payload.errorType !== undefined) error.errorType = payload.errorType;
  if (payload.errorMessage !== undefined) error.errorMessage = payload.errorMessage;
  if (payload.language !== undefined) error.language = payload.language;
  return { error, marked };
}

function isResourceNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'ResourceNotFoundException';
}
