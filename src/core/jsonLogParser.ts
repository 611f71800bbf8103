/**
 * JSON log events: the JSON log format's platform records (`{time, type: "platform.*", record}`,
 * the Telemetry API schema, also used by the legacy Logs API), Node and Python JSON application
 * records (`level` or Python's `log_level`), and Powertools Logger records. Returns `undefined`
 * when the text is not a JSON object, so the caller shows it as text. Never throws.
 */
import type { AppLine, InvokeErrorLine, JsonObject, ParsedLogLine, PlatformEvent, PlatformJsonLine, PowertoolsFields, ReportFields } from '../shared/logModel';
import { parseLambdaErrorPayload } from './invokeErrorParser';
import { framesIn, parseLogTimestamp, toLevel } from './appLineParser';
import { parseTraceIdInput } from './traceIds';

/** Parses one JSON object, tolerating the doc samples' trailing and missing commas. */
export function parseJsonObject(text: string): JsonObject | undefined {
  const strict = attempt(text);
  if (strict !== undefined) return strict;
  // Repairs run only after a failure, so well-formed events pay nothing for them. The regexes may
  // touch string contents in theory; the result is only used if it parses as an object.
  const repaired = text.replace(/,(\s*[}\]])/g, '$1').replace(/("|\d|true|false|null|[}\]])(\s*\n\s*")/g, '$1,$2');
  return repaired === text ? undefined : attempt(repaired);
}

function attempt(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function s(record: JsonObject | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' ? value : undefined;
}

function n(record: JsonObject | undefined, key: string): number | undefined {
  const value = record?.[key];
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

function b(record: JsonObject | undefined, key: string): boolean | undefined {
  const value = record?.[key];
  if (typeof value === 'boolean') return value;
  return value === 'true' ? true : value === 'false' ? false : undefined;
}

/**
 * One JSON event. `parseText` handles the string record of a `function` telemetry record (the
 * log line as the runtime wrote it), so that line gets the same treatment as in text mode.
 */
export function parseJsonLine(raw: string, record: JsonObject, parseText: (text: string, timestamp?: number) => ParsedLogLine): ParsedLogLine {
  const type = s(record, 'type');
  if (type !== undefined && 'record' in record) {
    const time = parseLogTimestamp(s(record, 'time'));
    if (type === 'function' || type === 'extension') {
      const inner = record['record'];
      if (typeof inner === 'string') return { ...parseText(inner.replace(/\n$/, ''), time), raw };
    } else if (type.startsWith('platform.')) {
      return platformLine(raw, type, record['record'], time);
    }
  }
  return appJsonLine(raw, record);
}

const EVENTS: Record<string, PlatformEvent> = {
  'platform.start': 'start',
  'platform.end': 'end',
  'platform.runtimeDone': 'runtimeDone',
  'platform.report': 'report',
  'platform.initStart': 'initStart',
  'platform.initReport': 'initReport',
  'platform.initRuntimeDone': 'initRuntimeDone',
  'platform.fault': 'fault',
};

function platformLine(raw: string, type: string, body: unknown, time: number | undefined): PlatformJsonLine {
  let event: PlatformEvent = EVENTS[type] ?? 'other';
  const record = isObject(body) ? body : undefined;
  // Doc bug: the telemetry reference's platform.start example is typed platform.initStart.
  if (event === 'initStart' && s(record, 'requestId') !== undefined && s(record, 'runtimeVersion') === undefined) event = 'start';
  const line: PlatformJsonLine = { kind: 'platformJson', raw, event, type };
  if (time !== undefined) line.timestamp = time;
  if (typeof body === 'string') {
    line.message = body;
    const id = /RequestId:\s*([^\s]+)/.exec(body)?.[1];
    if (id !== undefined) line.requestId = id;
    return line;
  }
  if (record) assignPlatformFields(line, record);
  return line;
}

function assignPlatformFields(line: PlatformJsonLine, record: JsonObject): void {
  const text: Array<[keyof PlatformJsonLine & string, string]> = [
    ['requestId', 'requestId'], ['version', 'version'], ['status', 'status'], ['errorType', 'errorType'],
    ['phase', 'phase'], ['initializationType', 'initializationType'], ['runtimeVersion', 'runtimeVersion'],
  ];
  const target = line as unknown as Record<string, unknown>;
  for (const [to, from] of text) {
    const value = s(record, from);
    if (value !== undefined) target[to] = value;
  }
  const metrics = isObject(record['metrics']) ? record['metrics'] : undefined;
  if (metrics) Object.assign(line, reportMetrics(metrics));
  const tracing = isObject(record['tracing']) ? record['tracing'] : undefined;
  const header = s(tracing, 'value');
  const traceId = header !== undefined ? parseTraceIdInput(header) : undefined;
  if (traceId !== undefined) line.xrayTraceId = traceId;
  if (header !== undefined && /Sampled=([01])/.test(header)) line.sampled = header.includes('Sampled=1');
}

function reportMetrics(metrics: JsonObject): ReportFields {
  const out: ReportFields = {};
  const pairs: Array<[keyof ReportFields, string]> = [
    ['durationMs', 'durationMs'], ['billedDurationMs', 'billedDurationMs'], ['memorySizeMb', 'memorySizeMB'],
    ['maxMemoryUsedMb', 'maxMemoryUsedMB'], ['initDurationMs', 'initDurationMs'], ['restoreDurationMs', 'restoreDurationMs'],
  ];
  const target = out as Record<string, unknown>;
  for (const [to, from] of pairs) {
    const value = n(metrics, from);
    if (value !== undefined) target[to] = value;
  }
  return out;
}

const MARKERS = ['Invoke Error', 'Uncaught Exception', 'Unhandled Promise Rejection'];

/** Node/Python JSON-format records and Powertools records. */
function appJsonLine(raw: string, record: JsonObject): AppLine | InvokeErrorLine {
  const rawMessage = record['message'] ?? record['msg'] ?? record['record'];
  const message = typeof rawMessage === 'string' ? rawMessage : rawMessage === undefined ? '' : JSON.stringify(rawMessage);
  const level = toLevel(s(record, 'level') ?? s(record, 'log_level') ?? s(record, 'levelname'));
  const requestId = s(record, 'requestId') ?? s(record, 'function_request_id') ?? s(record, 'AWSRequestId');
  const timestamp = parseLogTimestamp(s(record, 'timestamp') ?? s(record, 'time'));
  const invokeError = unhandledError(raw, record, message, 'log_level' in record);
  if (invokeError) {
    if (requestId !== undefined && requestId !== 'undefined') invokeError.requestId = requestId;
    if (timestamp !== undefined) invokeError.timestamp = timestamp;
    return invokeError;
  }
  const line: AppLine = { kind: 'app', raw, level, message, json: record };
  if (requestId !== undefined && requestId !== 'undefined') line.requestId = requestId;
  if (timestamp !== undefined) line.timestamp = timestamp;
  const powertools = powertoolsFields(record);
  if (powertools) line.powertools = powertools;
  addError(line, record, rawMessage);
  return line;
}

/**
 * The runtime's own record of an unhandled error: a marker message (Node JSON format) or
 * Python's `log_level` record with `errorType` (`bootstrap.py` writes `log_level`, not `level`).
 */
function unhandledError(raw: string, record: JsonObject, message: string, pythonRecord: boolean): InvokeErrorLine | undefined {
  const marked = MARKERS.some((marker) => message.startsWith(marker));
  if (!marked && !(pythonRecord && 'errorType' in record)) return undefined;
  const payload = parseLambdaErrorPayload(marked && message.includes('{') ? message : JSON.stringify(record));
  const stackValue = record['stackTrace'] ?? record['stack'];
  const stack = Array.isArray(stackValue) ? stackValue.filter((item): item is string => typeof item === 'string') : [];
  return { kind: 'invokeError', raw, errorType: payload.errorType ?? s(record, 'errorType') ?? 'Error', errorMessage: payload.errorMessage ?? s(record, 'errorMessage') ?? '', stack, frames: payload.frames };
}

function powertoolsFields(record: JsonObject): PowertoolsFields | undefined {
  const out: PowertoolsFields = {};
  const xray = s(record, 'xray_trace_id');
  if (xray !== undefined) out.xrayTraceId = xray;
  const coldStart = b(record, 'cold_start');
  if (coldStart !== undefined) out.coldStart = coldStart;
  const functionRequestId = s(record, 'function_request_id');
  if (functionRequestId !== undefined) out.functionRequestId = functionRequestId;
  const correlationId = s(record, 'correlation_id');
  if (correlationId !== undefined) out.correlationId = correlationId;
  const service = s(record, 'service');
  if (service !== undefined) out.service = service;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Errors logged deliberately (`logger.error(msg, err)`, `logger.exception`): type and frames. */
function addError(line: AppLine, record: JsonObject, rawMessage: unknown): void {
  const hasError = 'errorType' in record || 'exception' in record || 'stack_trace' in record || 'stackTrace' in record || isObject(record['error']) || (isObject(rawMessage) && 'errorType' in rawMessage);
  if (!hasError) {
    const frames = typeof rawMessage === 'string' ? framesIn(rawMessage) : undefined;
    if (frames) line.stack = frames;
    return;
  }
  const payload = parseLambdaErrorPayload(JSON.stringify(record));
  const errorType = payload.errorType ?? s(record, 'exception_name');
  if (errorType !== undefined) line.errorType = errorType;
  if (payload.frames.length > 0) line.stack = payload.frames;
}
