/**
 * CloudWatch Logs operations for the local endpoint, on parsed JSON bodies. Wire rules (from the
 * SDK's AWS JSON 1.1 protocol for CloudWatch Logs): `POST /` with
 * `X-Amz-Target: Logs_20140328.<Operation>`, camelCase members, timestamps as epoch
 * milliseconds, errors as `{ __type, message }` with status 400.
 */
import { ApiError } from './localXRayHandlers';

export interface LocalLogEvent {
  /** Epoch milliseconds. */
  timestamp: number;
  message: string;
  /** Default `2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef`. */
  logStreamName?: string;
}

/** Knobs the handlers read on every request (the server exposes them as mutable fields). */
export interface LogsHandlerSettings {
  /** Matching events per FilterLogEvents page. */
  logsPageSize: number;
  /** Empty pages (with a nextToken) before the first matching event of each query. */
  logsEmptyPages: number;
  /** GetQueryResults answers Running (with part of the rows) this many times before Complete; default 1. */
  insightsRunningPolls?: number;
}

type Body = Record<string, unknown>;

interface StoredEvent extends Required<LocalLogEvent> {
  eventId: string;
  ingestionTime: number;
}

const DEFAULT_STREAM = '2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef';

function encodeToken(value: { offset: number; empties: number }): string {
  return Buffer.from(JSON.stringify(value)).toString('base64');
}

function decodeToken(token: unknown): { offset: number; empties: number } {
  if (token === undefined) return { offset: 0, empties: 0 };
  try {
    const parsed = JSON.parse(Buffer.from(String(token), 'base64').toString('utf8')) as { offset?: unknown; empties?: unknown };
    if (typeof parsed.offset === 'number' && typeof parsed.empties === 'number') return { offset: parsed.offset, empties: parsed.empties };
  } catch {
    // fall through
  }
  throw new ApiError(400, 'InvalidParameterException', 'The specified nextToken is invalid.');
}

function epochMs(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new ApiError(400, 'InvalidParameterException', 'startTime and endTime must be epoch milliseconds.');
}

/**
 * The text-pattern subset of the filter syntax: terms and "quoted phrases" AND-ed, or `?term`
 * alternatives OR-ed. JSON and space-delimited patterns are refused, so a test using one fails
 * loudly instead of matching everything.
 */
export function compileLogFilter(pattern: unknown): (message: string) => boolean {
  if (pattern === undefined || (typeof pattern === 'string' && pattern.trim() === '') || pattern === '""') return () => true;
  if (typeof pattern !== 'string' || /^\s*[[{]/.test(pattern)) {
    throw new ApiError(400, 'InvalidParameterException', `The local endpoint does not support this filter pattern: ${String(pattern)}`);
  }
  const tokens = pattern.match(/\??"[^"]*"|\S+/g) ?? [];
  const terms = tokens.map((token) => ({ optional: token.startsWith('?'), text: token.replace(/^\?/, '').replace(/^"(.*)"$/, '$1') }));
  if (terms.some((term) => term.optional)) return (message) => terms.some((term) => message.includes(term.text));
  return (message) => terms.every((term) => message.includes(term.text));
}

export class LogsHandlers {
  private readonly groups = new Map<string, StoredEvent[]>();
  private readonly queries = new Map<string, StoredQuery>();
  /** Query ids StopQuery was called for, in order. */
  readonly stoppedQueries: string[] = [];

  constructor(private readonly settings: LogsHandlerSettings) {}

  /** The group's events as stored (a copy), for appending. */
  logEvents(group: string): LocalLogEvent[] {
    return (this.groups.get(group) ?? []).map((event) => ({ timestamp: event.timestamp, message: event.message, logStreamName: event.logStreamName }));
  }

  setLogEvents(group: string, events: readonly LocalLogEvent[]): void {
    const stored = events
      .map((event, index) => ({
        timestamp: event.timestamp,
        message: event.message,
        logStreamName: event.logStreamName ?? DEFAULT_STREAM,
        ingestionTime: event.timestamp + 200,
        eventId: `${event.timestamp}${String(index).padStart(8, '0')}`,
      }))
      .sort((a, b) => a.timestamp - b.timestamp);
    this.groups.set(group, stored);
  }

  filterLogEvents(body: Body): Body {
    const group = body.logGroupName;
    if (typeof group !== 'string' || group === '') throw new ApiError(400, 'InvalidParameterException', 'logGroupName is required.');
    const events = this.groups.get(group);
    if (events === undefined) throw new ApiError(400, 'ResourceNotFoundException', 'The specified log group does not exist.');
    const start = epochMs(body.startTime, 0);
    const end = epochMs(body.endTime, Number.MAX_SAFE_INTEGER);
    const matches = compileLogFilter(body.filterPattern);
    const { offset, empties } = decodeToken(body.nextToken);
    const matching = events.filter((event) => event.timestamp >= start && event.timestamp <= end && matches(event.message));
    // Like the service scanning streams: empty pages that still carry a token come first.
    if (empties < this.settings.logsEmptyPages && matching.length > 0) {
      return { events: [], searchedLogStreams: [], nextToken: encodeToken({ offset, empties: empties + 1 }) };
    }
    const page = matching.slice(offset, offset + this.settings.logsPageSize);
    const next = offset + page.length;
    return {
      events: page.map((event) => ({ ...event })),
      searchedLogStreams: [],
      ...(next < matching.length ? { nextToken: encodeToken({ offset: next, empties }) } : {}),
    };
  }

  startQuery(body: Body): Body {
    const names = body.logGroupNames;
    if (!Array.isArray(names) || names.length === 0 || names.length > 50 || !names.every((name): name is string => typeof name === 'string')) {
      throw new ApiError(400, 'InvalidParameterException', 'logGroupNames must hold 1 to 50 log group names.');
    }
    const start = epochSeconds(body.startTime);
    const end = epochSeconds(body.endTime);
    if (end < start) throw new ApiError(400, 'InvalidParameterException', 'endTime is before startTime.');
    for (const name of names) {
      if (!this.groups.has(name)) throw new ApiError(400, 'ResourceNotFoundException', `Log group '${name}' does not exist.`);
    }
    const query = parseInsightsQuery(body.queryString);
    const limit = typeof body.limit === 'number' ? Math.min(body.limit, query.limit) : query.limit;
    const rows = names
      .flatMap((group) => (this.groups.get(group) ?? []).map((event) => ({ group, event })))
      // Inclusive seconds: an event at 12:00:05.999 is inside endTime 12:00:05.
      .filter(({ event }) => event.timestamp >= start * 1000 && event.timestamp < (end + 1) * 1000)
      .filter(({ event }) => query.matches(event.message, requestIdOf(event.message)))
      .sort((a, b) => (query.descending ? b.event.timestamp - a.event.timestamp : a.event.timestamp - b.event.timestamp))
      .slice(0, limit)
      .map(({ group, event }) => resultRow(group, event));
    const queryId = `q-${this.queries.size + 1}-${Date.now().toString(36)}`;
    this.queries.set(queryId, { rows, polls: 0, status: 'Scheduled' });
    return { queryId };
  }

  getQueryResults(body: Body): Body {
    const query = this.queries.get(String(body.queryId));
    if (query === undefined) throw new ApiError(400, 'ResourceNotFoundException', 'The query does not exist.');
    const running = this.settings.insightsRunningPolls ?? 1;
    if (query.status === 'Scheduled' || query.status === 'Running') {
      query.status = query.polls === 0 ? 'Scheduled' : query.polls <= running ? 'Running' : 'Complete';
      query.polls += 1;
    }
    // Running: the rows found so far, a growing share of the whole.
    const share = query.status === 'Complete' ? 1 : query.status === 'Running' ? (query.polls - 1) / (running + 1) : 0;
    const rows = query.status === 'Cancelled' ? [] : query.rows.slice(0, Math.floor(query.rows.length * share));
    return { status: query.status, results: rows, statistics: { recordsMatched: rows.length, recordsScanned: query.rows.length * 10, bytesScanned: query.rows.length * 1000 } };
  }

  stopQuery(body: Body): Body {
    const id = String(body.queryId);
    const query = this.queries.get(id);
    if (query === undefined) throw new ApiError(400, 'ResourceNotFoundException', 'The query does not exist.');
    this.stoppedQueries.push(id);
    if (query.status === 'Complete' || query.status === 'Cancelled') return { success: false };
    query.status = 'Cancelled';
    return { success: true };
  }
}

type QueryStatus = 'Scheduled' | 'Running' | 'Complete' | 'Cancelled';

interface StoredQuery {
  rows: { field: string; value: string }[][];
  polls: number;
  status: QueryStatus;
}

interface ParsedQuery {
  matches(message: string, requestId: string | undefined): boolean;
  descending: boolean;
  limit: number;
}

function epochSeconds(value: unknown): number {
  // Milliseconds here are a bug in the caller: 13 digits is the year 50,000+ in seconds.
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 100_000_000_000) return value;
  throw new ApiError(400, 'InvalidParameterException', 'startTime and endTime must be epoch seconds.');
}

/**
 * The request id Lambda's Insights discovers: `RequestId: <id>` in START/END/REPORT, the second
 * tab-separated column of runtime text lines, `requestId` in the JSON log format.
 */
export function requestIdOf(message: string): string | undefined {
  return (
    /RequestId: ([A-Za-z0-9-]+)/.exec(message)?.[1] ??
    /^\S+\t([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\t/.exec(message)?.[1] ??
    /"requestId"\s*:\s*"([^"]+)"/.exec(message)?.[1]
  );
}

function resultRow(group: string, event: StoredEvent): { field: string; value: string }[] {
  const requestId = requestIdOf(event.message);
  return [
    { field: '@timestamp', value: new Date(event.timestamp).toISOString().replace('T', ' ').replace('Z', '') },
    { field: '@message', value: event.message },
    { field: '@logStream', value: event.logStreamName },
    { field: '@log', value: `123456789012:${group}` },
    ...(requestId !== undefined ? [{ field: '@requestId', value: requestId }] : []),
    { field: '@ptr', value: Buffer.from(`${group}|${event.eventId}`).toString('base64') },
  ];
}

function splitOutsideQuotes(text: string, separator: RegExp): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    if (quoted && char === '\\') {
      current += char + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (char === '"') quoted = !quoted;
    const rest = text.slice(i);
    const match = !quoted ? separator.exec(rest) : null;
    if (match && match.index === 0) {
      parts.push(current.trim());
      current = '';
      i += match[0].length - 1;
      continue;
    }
    current += char;
  }
  parts.push(current.trim());
  return parts;
}

function malformed(detail: string): ApiError {
  return new ApiError(400, 'MalformedQueryException', `unexpected symbol: ${detail}`);
}

/** One `filter` term: `@requestId in ["…", …]` or `@message like "…"` (the planner's shapes). */
function compileTerm(term: string): (message: string, requestId: string | undefined) => boolean {
  const inList = /^@requestId in \[(.*)\]$/.exec(term);
  if (inList) {
    const ids = splitOutsideQuotes(inList[1] ?? '', /^,/).map((literal) => parseLiteral(literal));
    return (_message, requestId) => requestId !== undefined && ids.includes(requestId);
  }
  const like = /^@message like (".*")$/.exec(term);
  if (like) {
    const needle = parseLiteral(like[1] ?? '');
    return (message) => message.includes(needle);
  }
  throw malformed(term);
}

function parseLiteral(literal: string): string {
  try {
    const value: unknown = JSON.parse(literal.trim());
    if (typeof value === 'string') return value;
  } catch {
    // fall through
  }
  throw malformed(literal);
}

/** `fields … | filter a or b | sort @timestamp asc|desc | limit N`; anything else is malformed. */
export function parseInsightsQuery(queryString: unknown): ParsedQuery {
  if (typeof queryString !== 'string' || queryString.trim() === '') throw malformed('empty query');
  const parsed: ParsedQuery = { matches: () => true, descending: true, limit: 10_000 };
  for (const stage of splitOutsideQuotes(queryString, /^\|/)) {
    if (stage.startsWith('fields ')) continue;
    if (stage.startsWith('filter ')) {
      const terms = splitOutsideQuotes(stage.slice('filter '.length), /^ or /).map(compileTerm);
      parsed.matches = (message, requestId) => terms.some((term) => term(message, requestId));
    } else if (/^sort @timestamp (asc|desc)$/.test(stage)) {
      parsed.descending = stage.endsWith('desc');
    } else if (/^limit \d+$/.test(stage)) {
      parsed.limit = Math.min(10_000, Number(stage.slice('limit '.length)));
    } else {
      throw malformed(stage);
    }
  }
  return parsed;
}
