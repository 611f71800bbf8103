/**
 * OTLP/JSON bodies (`application/json`): the protobuf JSON mapping with the OTLP rules — ids as
 * hex strings (base64 accepted too, as generic protobuf JSON encoders write bytes), enums as
 * numbers (names accepted), 64-bit integers as strings or numbers, lowerCamelCase keys (the
 * original snake_case accepted too). Values of the wrong type are dropped field by field; a body
 * that is not a JSON object throws `OtlpDecodeError`.
 */
import { MAX_VALUE_DEPTH, OtlpDecodeError, fromBase64, setAttribute } from './otlpTypes';
import type {
  OtlpAttributes,
  OtlpEvent,
  OtlpLink,
  OtlpLogRecord,
  OtlpLogsRequest,
  OtlpResourceLogs,
  OtlpResourceSpans,
  OtlpScope,
  OtlpScopeLogs,
  OtlpScopeSpans,
  OtlpSpan,
  OtlpStatus,
  OtlpTraceRequest,
  OtlpValue,
} from './otlpTypes';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `obj.camelCase ?? obj.snake_case`. */
function field(obj: Json, camel: string, snake?: string): unknown {
  const value = obj[camel];
  if (value !== undefined) return value;
  return snake === undefined ? undefined : obj[snake];
}

function list(obj: Json, camel: string, snake?: string): Json[] {
  const value = field(obj, camel, snake);
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function str(obj: Json, camel: string, snake?: string): string | undefined {
  const value = field(obj, camel, snake);
  return typeof value === 'string' ? value : undefined;
}

/** int64/uint64/fixed64 as a JSON string or number; 0 when absent or unreadable. */
function int(obj: Json, camel: string, snake?: string): number {
  const value = field(obj, camel, snake);
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value.trim())) return Number(value);
  return 0;
}

function enumValue(obj: Json, camel: string, snake: string | undefined, names: readonly string[], prefix: string): number {
  const value = field(obj, camel, snake);
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string') {
    if (/^\d+$/.test(value)) return Number(value);
    const index = names.indexOf(value.toUpperCase().replace(prefix, ''));
    return index < 0 ? 0 : index;
  }
  return 0;
}

const HEX = /^[0-9a-fA-F]*$/;

/** An id of `bytes` bytes: hex (the OTLP rule) or base64 (generic protobuf JSON). '' when neither. */
function id(obj: Json, camel: string, snake: string, bytes: number): string {
  const value = str(obj, camel, snake);
  if (value === undefined || value === '') return '';
  if (value.length === bytes * 2 && HEX.test(value)) return value.toLowerCase();
  const decoded = fromBase64(value);
  if (decoded !== undefined && decoded.length === bytes) {
    let out = '';
    for (const byte of decoded) out += (byte < 16 ? '0' : '') + byte.toString(16);
    return out;
  }
  return '';
}

function anyValue(value: unknown, depth: number): OtlpValue {
  if (!isObject(value) || depth > MAX_VALUE_DEPTH) return null;
  const s = field(value, 'stringValue', 'string_value');
  if (typeof s === 'string') return s;
  const b = field(value, 'boolValue', 'bool_value');
  if (typeof b === 'boolean') return b;
  if (field(value, 'intValue', 'int_value') !== undefined) return int(value, 'intValue', 'int_value');
  const d = field(value, 'doubleValue', 'double_value');
  if (typeof d === 'number') return d;
  if (typeof d === 'string') return d === 'NaN' || d === 'Infinity' || d === '-Infinity' ? null : Number(d);
  const array = field(value, 'arrayValue', 'array_value');
  if (isObject(array)) {
    const values = array['values'];
    return Array.isArray(values) ? values.map((item) => anyValue(item, depth + 1)) : [];
  }
  const kvlist = field(value, 'kvlistValue', 'kvlist_value');
  if (isObject(kvlist)) return attributes(kvlist['values'], depth + 1);
  const bytes = field(value, 'bytesValue', 'bytes_value');
  if (typeof bytes === 'string') return bytes;
  return null;
}

function attributes(value: unknown, depth = 0): OtlpAttributes {
  const out: OtlpAttributes = {};
  if (!Array.isArray(value)) return out;
  for (const item of value) {
    if (!isObject(item)) continue;
    const key = item['key'];
    if (typeof key !== 'string' || key === '') continue;
    setAttribute(out, key, anyValue(item['value'], depth));
  }
  return out;
}

function resourceOf(obj: Json): OtlpAttributes {
  const resource = obj['resource'];
  return isObject(resource) ? attributes(resource['attributes']) : {};
}

function scopeOf(obj: Json): OtlpScope {
  const scope = field(obj, 'scope', 'instrumentationLibrary');
  if (!isObject(scope)) return {};
  const out: OtlpScope = {};
  const name = str(scope, 'name');
  const version = str(scope, 'version');
  if (name !== undefined) out.name = name;
  if (version !== undefined) out.version = version;
  return out;
}

function eventOf(obj: Json): OtlpEvent {
  return { timeUnixNano: int(obj, 'timeUnixNano', 'time_unix_nano'), name: str(obj, 'name') ?? '', attributes: attributes(obj['attributes']) };
}

function linkOf(obj: Json): OtlpLink {
  return { traceId: id(obj, 'traceId', 'trace_id', 16), spanId: id(obj, 'spanId', 'span_id', 8), attributes: attributes(obj['attributes']) };
}

const KIND_NAMES = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_NAMES = ['UNSET', 'OK', 'ERROR'];

function statusOf(value: unknown): OtlpStatus {
  if (!isObject(value)) return { code: 0 };
  const status: OtlpStatus = { code: enumValue(value, 'code', undefined, STATUS_NAMES, 'STATUS_CODE_') };
  const message = str(value, 'message');
  if (message !== undefined && message !== '') status.message = message;
  return status;
}

function spanOf(obj: Json): OtlpSpan {
  const span: OtlpSpan = {
    traceId: id(obj, 'traceId', 'trace_id', 16),
    spanId: id(obj, 'spanId', 'span_id', 8),
    name: str(obj, 'name') ?? '',
    kind: enumValue(obj, 'kind', undefined, KIND_NAMES, 'SPAN_KIND_'),
    startTimeUnixNano: int(obj, 'startTimeUnixNano', 'start_time_unix_nano'),
    endTimeUnixNano: int(obj, 'endTimeUnixNano', 'end_time_unix_nano'),
    attributes: attributes(obj['attributes']),
    events: list(obj, 'events').map(eventOf),
    links: list(obj, 'links').map(linkOf),
    status: statusOf(obj['status']),
  };
  const parent = id(obj, 'parentSpanId', 'parent_span_id', 8);
  if (parent !== '') span.parentSpanId = parent;
  const traceState = str(obj, 'traceState', 'trace_state');
  if (traceState !== undefined && traceState !== '') span.traceState = traceState;
  if (field(obj, 'flags') !== undefined) span.flags = int(obj, 'flags');
  return span;
}

function parseBody(body: string | Uint8Array, what: string): Json {
  const text = typeof body === 'string' ? body : new TextDecoder('utf-8', { fatal: false }).decode(body);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new OtlpDecodeError(`The body is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isObject(value)) throw new OtlpDecodeError(`The body is not an OTLP/JSON ${what} object`);
  return value;
}

/** `ExportTraceServiceRequest` in OTLP/JSON. Throws `OtlpDecodeError` when the body is not a JSON object. */
export function decodeTraceRequestJson(body: string | Uint8Array): OtlpTraceRequest {
  return traceRequestFromJson(parseBody(body, 'ExportTraceServiceRequest'));
}

/** The same, from an already parsed object (trace files holding an OTLP JSON export). */
export function traceRequestFromJson(value: unknown): OtlpTraceRequest {
  if (!isObject(value)) throw new OtlpDecodeError('An OTLP/JSON trace export must be an object');
  const resourceSpans: OtlpResourceSpans[] = list(value, 'resourceSpans', 'resource_spans').map((rs) => ({
    resource: resourceOf(rs),
    scopeSpans: [...list(rs, 'scopeSpans', 'scope_spans'), ...list(rs, 'instrumentationLibrarySpans')].map((ss): OtlpScopeSpans => ({
      scope: scopeOf(ss),
      spans: list(ss, 'spans').map(spanOf),
    })),
  }));
  return { resourceSpans };
}

function logRecordOf(obj: Json): OtlpLogRecord {
  const record: OtlpLogRecord = {
    timeUnixNano: int(obj, 'timeUnixNano', 'time_unix_nano'),
    observedTimeUnixNano: int(obj, 'observedTimeUnixNano', 'observed_time_unix_nano'),
    severityNumber: enumValue(obj, 'severityNumber', 'severity_number', [], ''),
    attributes: attributes(obj['attributes']),
  };
  const severityText = str(obj, 'severityText', 'severity_text');
  if (severityText !== undefined && severityText !== '') record.severityText = severityText;
  if (obj['body'] !== undefined) record.body = anyValue(obj['body'], 0);
  const traceId = id(obj, 'traceId', 'trace_id', 16);
  if (traceId !== '') record.traceId = traceId;
  const spanId = id(obj, 'spanId', 'span_id', 8);
  if (spanId !== '') record.spanId = spanId;
  const eventName = str(obj, 'eventName', 'event_name');
  if (eventName !== undefined && eventName !== '') record.eventName = eventName;
  return record;
}

/** `ExportLogsServiceRequest` in OTLP/JSON. Throws `OtlpDecodeError` when the body is not a JSON object. */
export function decodeLogsRequestJson(body: string | Uint8Array): OtlpLogsRequest {
  return logsRequestFromJson(parseBody(body, 'ExportLogsServiceRequest'));
}

export function logsRequestFromJson(value: unknown): OtlpLogsRequest {
  if (!isObject(value)) throw new OtlpDecodeError('An OTLP/JSON logs export must be an object');
  const resourceLogs: OtlpResourceLogs[] = list(value, 'resourceLogs', 'resource_logs').map((rl) => ({
    resource: resourceOf(rl),
    scopeLogs: list(rl, 'scopeLogs', 'scope_logs').map((sl): OtlpScopeLogs => ({
      scope: scopeOf(sl),
      logRecords: list(sl, 'logRecords', 'log_records').map(logRecordOf),
    })),
  }));
  return { resourceLogs };
}

/** Response bodies in OTLP/JSON: `{}` on success, `partialSuccess` when something was rejected. */
export function encodeExportResponseJson(kind: 'traces' | 'logs', rejected: number, errorMessage: string): string {
  if (rejected === 0 && errorMessage === '') return '{}';
  const key = kind === 'traces' ? 'rejectedSpans' : 'rejectedLogRecords';
  return JSON.stringify({ partialSuccess: { [key]: String(rejected), ...(errorMessage === '' ? {} : { errorMessage }) } });
}

/** `google.rpc.Status` in JSON, the body of OTLP/HTTP error responses. */
export function encodeStatusJson(code: number, message: string): string {
  return JSON.stringify({ code, message });
}
