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

  constructor(private readonly settings: LogsHandlerSettings) {}

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
}
