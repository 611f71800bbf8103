/**
 * StartLiveTail for the local endpoint: a long-lived HTTP response carrying real AWS event-stream
 * frames, encoded with the SDK's own `EventStreamCodec`, so the real `CloudWatchLogsClient`
 * decodes them exactly as it decodes AWS's. One `sessionStart` frame, then a `sessionUpdate`
 * every `updateIntervalMs` with the events tests pushed (an empty array when none, as AWS does),
 * `sampled` when more than `maxEventsPerUpdate` were waiting. Tests end open sessions with a
 * modeled exception frame (`:message-type: exception`), and see client disconnects in `sessions`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import type { MessageHeaders } from '@smithy/eventstream-codec';
// @smithy/util-utf8 is folded into @smithy/core in this SDK line; these are the same functions.
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import { compileLogFilter } from './localLogsHandlers';
import type { LocalLogEvent } from './localLogsHandlers';
import type { LocalFunctionConfiguration } from './localLambdaHandlers';
import { ApiError } from './localXRayHandlers';

export interface LocalTailEvent {
  message: string;
  /** Epoch milliseconds; default: when pushed. */
  timestamp?: number;
  logStreamName?: string;
}

/** Path of the test control endpoint (on the same local server as the AWS operations). */
export const LIVE_TAIL_EMIT_PATH = '/__test/liveTail/emit';
/** Adds Lambda functions (GetFunctionConfiguration, ListFunctions) without replacing the others. */
export const LAMBDA_FUNCTIONS_CONTROL_PATH = '/__test/lambda/functions';

export type LiveTailExceptionType = 'SessionTimeoutException' | 'SessionStreamingException';

export interface LocalTailSession {
  sessionId: string;
  /** The ARNs the client asked for. */
  logGroupIdentifiers: string[];
  startedAt: number;
  endedAt?: number;
  /** `client`: the client went away (abort); `exception`: a test ended it; `server`: closed. */
  endedBy?: 'client' | 'exception' | 'server';
  updates: number;
  eventsSent: number;
}

interface QueuedEvent extends LocalTailEvent {
  timestamp: number;
  /** Log group name. */
  group: string;
}

interface OpenSession {
  record: LocalTailSession;
  names: Set<string>;
  matches: (message: string) => boolean;
  queue: QueuedEvent[];
  response: ServerResponse;
  timer: NodeJS.Timeout;
}

const DEFAULT_STREAM = '2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef';
const ARN = /^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:([^*:]+)$/;
/** Per-session queue bound, like the service's buffer for slow consumers. */
const MAX_QUEUED = 50_000;
/** FilterLogEvents mirror bound per group: eventIds are index-based there, so we never trim. */
const MAX_MIRRORED = 20_000;

/** The log group name of an ARN, or the text itself when it is already a name. */
export function logGroupNameOf(identifier: string): string {
  return ARN.exec(identifier)?.[1] ?? identifier;
}

function header(value: string): { type: 'string'; value: string } {
  return { type: 'string', value };
}

export class LocalLiveTail {
  /** Time between `sessionUpdate` frames; AWS sends one per second. */
  updateIntervalMs = 1000;
  /** More waiting events than this in one update: a sample is sent with `sampled: true`. */
  maxEventsPerUpdate = 500;
  /** False makes StartLiveTail an unknown operation, like emulators without Live Tail. */
  supported = true;
  /** Pushed events also become FilterLogEvents results (the polling fallback reads them). */
  mirrorToFilterLogEvents = true;
  readonly sessions: LocalTailSession[] = [];
  private readonly open = new Map<string, OpenSession>();
  private readonly mirroredCount = new Map<string, number>();
  private readonly codec = new EventStreamCodec(toUtf8, fromUtf8);
  private sessionCount = 0;

  /** `appendLogEvents` adds to what FilterLogEvents already serves for the group (fixture lines stay). */
  constructor(private readonly appendLogEvents: (group: string, events: readonly LocalLogEvent[]) => void) {}

  get openSessions(): number {
    return this.open.size;
  }

  /** Events written to clients, over all sessions. */
  get eventsSent(): number {
    return this.sessions.reduce((sum, session) => sum + session.eventsSent, 0);
  }

  /** Queues events for every open session tailing `group` (a name or an ARN). */
  pushTailEvents(group: string, events: readonly LocalTailEvent[]): void {
    const name = logGroupNameOf(group);
    const now = Date.now();
    const stamped: QueuedEvent[] = events.map((event) => ({ ...event, timestamp: event.timestamp ?? now, group: name }));
    for (const session of this.open.values()) {
      if (!session.names.has(name)) continue;
      for (const event of stamped) if (session.matches(event.message)) session.queue.push(event);
      if (session.queue.length > MAX_QUEUED) session.queue.splice(0, session.queue.length - MAX_QUEUED);
    }
    if (this.mirrorToFilterLogEvents) this.mirror(name, stamped);
  }

  /**
   * The test control endpoint's work (`POST /__test/liveTail/emit`): queues `events` into every
   * open session (tailing `group` when given; else each session's first group) and writes the
   * update frame at once instead of at the next tick, so "emitted" means "on the wire". Returns the
   * events written, summed over sessions (after each session's filter pattern).
   */
  emitNow(group: string | undefined, events: readonly LocalTailEvent[]): number {
    const now = Date.now();
    const name = group !== undefined ? logGroupNameOf(group) : undefined;
    let delivered = 0;
    for (const session of [...this.open.values()]) {
      const target = name ?? logGroupNameOf(session.record.logGroupIdentifiers[0] ?? '');
      if (!session.names.has(target)) continue;
      const before = session.record.eventsSent;
      for (const event of events) if (session.matches(event.message)) session.queue.push({ ...event, timestamp: event.timestamp ?? now, group: target });
      this.sendUpdate(session);
      delivered += session.record.eventsSent - before;
    }
    if (name !== undefined && this.mirrorToFilterLogEvents) this.mirror(name, events.map((event) => ({ ...event, timestamp: event.timestamp ?? now, group: name })));
    return delivered;
  }

  /** Ends every open session with this modeled exception frame; returns how many. */
  endSessions(type: LiveTailExceptionType, message = type === 'SessionTimeoutException' ? 'Session timed out after 3 hours.' : 'Internal streaming error.'): number {
    const sessions = [...this.open.values()];
    for (const session of sessions) {
      this.write(session, { ':message-type': header('exception'), ':exception-type': header(type), ':content-type': header('application/json') }, { message });
      this.finish(session, 'exception');
      session.response.end();
    }
    return sessions.length;
  }

  /** Serves one StartLiveTail request; throws ApiError (before any frame) for invalid input. */
  start(body: Record<string, unknown>, request: IncomingMessage, response: ServerResponse): void {
    if (!this.supported) throw new ApiError(400, 'UnknownOperationException', 'Unknown operation StartLiveTail.');
    const identifiers = this.identifiers(body.logGroupIdentifiers);
    const matches = compileLogFilter(body.logEventFilterPattern);
    this.sessionCount += 1;
    const record: LocalTailSession = { sessionId: `tail-${this.sessionCount}-${Date.now().toString(36)}`, logGroupIdentifiers: identifiers, startedAt: Date.now(), updates: 0, eventsSent: 0 };
    this.sessions.push(record);
    response.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': record.sessionId });
    const session: OpenSession = {
      record,
      names: new Set(identifiers.map(logGroupNameOf)),
      matches,
      queue: [],
      response,
      timer: setInterval(() => this.sendUpdate(session), this.updateIntervalMs),
    };
    this.open.set(record.sessionId, session);
    // Either side closing ends the session; only a close we did not cause is the client's.
    const onClose = (): void => this.finish(session, 'client');
    response.on('close', onClose);
    request.on('close', onClose);
    this.write(session, this.eventHeaders('sessionStart'), { requestId: record.sessionId, sessionId: record.sessionId, logGroupIdentifiers: identifiers });
  }

  /** Ends every session (server shutdown). */
  closeAll(): void {
    for (const session of [...this.open.values()]) {
      this.finish(session, 'server');
      session.response.destroy();
    }
  }

  private identifiers(value: unknown): string[] {
    if (!Array.isArray(value) || value.length === 0 || value.length > 10 || !value.every((item): item is string => typeof item === 'string')) {
      throw new ApiError(400, 'InvalidParameterException', 'logGroupIdentifiers must hold 1 to 10 log group ARNs.');
    }
    const bad = value.find((item) => !ARN.test(item));
    if (bad !== undefined) throw new ApiError(400, 'InvalidParameterException', `Invalid log group ARN (no trailing *): ${bad}`);
    return value;
  }

  private eventHeaders(eventType: string): MessageHeaders {
    return { ':message-type': header('event'), ':event-type': header(eventType), ':content-type': header('application/json') };
  }

  private sendUpdate(session: OpenSession): void {
    const waiting = session.queue.splice(0, session.queue.length);
    const max = this.maxEventsPerUpdate;
    const sampled = waiting.length > max;
    // Sampling keeps an even spread over the second rather than only its start.
    const chosen = sampled ? Array.from({ length: max }, (_, i) => waiting[Math.floor((i * waiting.length) / max)] as QueuedEvent) : waiting;
    const arns = session.record.logGroupIdentifiers;
    const results = chosen.map((event) => ({
      logStreamName: event.logStreamName ?? DEFAULT_STREAM,
      logGroupIdentifier: arns.find((arn) => logGroupNameOf(arn) === event.group) ?? arns[0],
      message: event.message,
      timestamp: event.timestamp,
      ingestionTime: event.timestamp + 5,
    }));
    if (this.write(session, this.eventHeaders('sessionUpdate'), { sessionMetadata: { sampled }, sessionResults: results })) {
      session.record.updates += 1;
      session.record.eventsSent += results.length;
    }
  }

  private write(session: OpenSession, headers: MessageHeaders, body: unknown): boolean {
    const { response } = session;
    if (response.destroyed || response.writableEnded) {
      this.finish(session, 'client');
      return false;
    }
    response.write(this.codec.encode({ headers, body: fromUtf8(JSON.stringify(body)) }));
    return true;
  }

  private finish(session: OpenSession, by: NonNullable<LocalTailSession['endedBy']>): void {
    if (!this.open.delete(session.record.sessionId)) return;
    clearInterval(session.timer);
    session.queue.length = 0;
    session.record.endedAt = Date.now();
    session.record.endedBy = by;
  }

  private mirror(name: string, events: readonly QueuedEvent[]): void {
    const room = MAX_MIRRORED - (this.mirroredCount.get(name) ?? 0);
    const added = events.slice(0, Math.max(0, room)).map((event) => ({ timestamp: event.timestamp, message: event.message, ...(event.logStreamName !== undefined ? { logStreamName: event.logStreamName } : {}) }));
    if (added.length === 0) return;
    this.mirroredCount.set(name, (this.mirroredCount.get(name) ?? 0) + added.length);
    this.appendLogEvents(name, added);
  }

}

/** Strict reading of an emit body: `{ logGroupIdentifier?, events: [{ message, timestamp?, logStreamName? }] }`. */
export function parseEmitBody(body: unknown): { group?: string; events: LocalTailEvent[] } {
  if (typeof body !== 'object' || body === null) throw new ApiError(400, 'InvalidParameterException', 'The body must be a JSON object.');
  const { logGroupIdentifier, events } = body as Record<string, unknown>;
  if (logGroupIdentifier !== undefined && typeof logGroupIdentifier !== 'string') throw new ApiError(400, 'InvalidParameterException', 'logGroupIdentifier must be a string.');
  if (!Array.isArray(events)) throw new ApiError(400, 'InvalidParameterException', 'events must be an array.');
  const parsed = events.map((event: unknown, index): LocalTailEvent => {
    const item = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
    if (typeof item.message !== 'string') throw new ApiError(400, 'InvalidParameterException', `events[${index}].message must be a string.`);
    if (item.timestamp !== undefined && (typeof item.timestamp !== 'number' || !Number.isFinite(item.timestamp))) throw new ApiError(400, 'InvalidParameterException', `events[${index}].timestamp must be epoch milliseconds.`);
    if (item.logStreamName !== undefined && typeof item.logStreamName !== 'string') throw new ApiError(400, 'InvalidParameterException', `events[${index}].logStreamName must be a string.`);
    return { message: item.message, ...(item.timestamp !== undefined ? { timestamp: item.timestamp as number } : {}), ...(item.logStreamName !== undefined ? { logStreamName: item.logStreamName as string } : {}) };
  });
  return { ...(logGroupIdentifier !== undefined ? { group: logGroupIdentifier } : {}), events: parsed };
}

/**
 * The `/__test/*` control endpoints of the local server, for tests in another process (the
 * extension host): `POST /__test/liveTail/emit` → `{ delivered }`, `POST /__test/lambda/functions`
 * with `{ name: LocalFunctionConfiguration }` → `{ functions }`. Errors answer 400 `{ __type, message }`.
 */
export function serveTestControl(path: string, rawBody: string, targets: { liveTail: LocalLiveTail; addFunctions: (configurations: Readonly<Record<string, LocalFunctionConfiguration>>) => number }): { status: number; body: unknown } {
  try {
    const body: unknown = rawBody.trim() === '' ? {} : JSON.parse(rawBody);
    if (path === LIVE_TAIL_EMIT_PATH) {
      const { group, events } = parseEmitBody(body);
      return { status: 200, body: { delivered: targets.liveTail.emitNow(group, events) } };
    }
    if (path === LAMBDA_FUNCTIONS_CONTROL_PATH) {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'InvalidParameterException', 'The body must map function names to configurations.');
      return { status: 200, body: { functions: targets.addFunctions(body as Record<string, LocalFunctionConfiguration>) } };
    }
    return { status: 404, body: { __type: 'UnknownOperationException', message: `No test control endpoint ${path}.` } };
  } catch (error) {
    const apiError = error instanceof ApiError ? error : new ApiError(400, 'SerializationException', error instanceof Error ? error.message : String(error));
    return { status: apiError.status, body: { __type: apiError.type, message: apiError.message } };
  }
}
