/**
 * OTLP/HTTP protobuf bodies (`application/x-protobuf`) decoded straight from the wire format, with
 * the field numbers of opentelemetry-proto (`collector/trace/v1`, `collector/logs/v1`, `trace/v1`,
 * `logs/v1`, `common/v1`, `resource/v1`). Unknown fields are skipped, as protobuf requires; wrong
 * wire types and truncation throw `OtlpDecodeError`.
 */
import { ProtobufError, ProtobufReader, ProtobufWriter, WIRE_FIXED32, WIRE_FIXED64, WIRE_LENGTH, WIRE_VARINT, toHex } from './protobufReader';
import { MAX_VALUE_DEPTH, OtlpDecodeError, setAttribute, toBase64 } from './otlpTypes';
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

// common/v1 AnyValue
function readAnyValue(reader: ProtobufReader, depth: number): OtlpValue {
  if (depth > MAX_VALUE_DEPTH) throw new ProtobufError('attribute values nested too deeply');
  let value: OtlpValue = null;
  while (!reader.done) {
    const [field, wire] = reader.tag();
    switch (field) {
      case 1: reader.expect(field, wire, WIRE_LENGTH); value = reader.string(); break;
      case 2: reader.expect(field, wire, WIRE_VARINT); value = reader.bool(); break;
      case 3: reader.expect(field, wire, WIRE_VARINT); value = reader.int64(); break;
      case 4: reader.expect(field, wire, WIRE_FIXED64); value = reader.double(); break;
      case 5: {
        reader.expect(field, wire, WIRE_LENGTH);
        const inner = reader.message();
        const items: OtlpValue[] = [];
        while (!inner.done) {
          const [f, w] = inner.tag();
          if (f === 1 && w === WIRE_LENGTH) items.push(readAnyValue(inner.message(), depth + 1));
          else inner.skip(w);
        }
        value = items;
        break;
      }
      case 6: {
        reader.expect(field, wire, WIRE_LENGTH);
        const inner = reader.message();
        const object: OtlpAttributes = {};
        while (!inner.done) {
          const [f, w] = inner.tag();
          if (f === 1 && w === WIRE_LENGTH) readKeyValue(inner.message(), object, depth + 1);
          else inner.skip(w);
        }
        value = object;
        break;
      }
      case 7: reader.expect(field, wire, WIRE_LENGTH); value = toBase64(reader.bytes()); break;
      default: reader.skip(wire);
    }
  }
  return value;
}

// common/v1 KeyValue
function readKeyValue(reader: ProtobufReader, into: OtlpAttributes, depth: number): void {
  let key = '';
  let value: OtlpValue = null;
  while (!reader.done) {
    const [field, wire] = reader.tag();
    if (field === 1) { reader.expect(field, wire, WIRE_LENGTH); key = reader.string(); }
    else if (field === 2) { reader.expect(field, wire, WIRE_LENGTH); value = readAnyValue(reader.message(), depth); }
    else reader.skip(wire);
  }
  if (key !== '') setAttribute(into, key, value);
}

function attributeInto(reader: ProtobufReader, field: number, wire: number, into: OtlpAttributes): void {
  reader.expect(field, wire, WIRE_LENGTH);
  readKeyValue(reader.message(), into, 0);
}

// resource/v1 Resource: attributes = 1
function readResource(reader: ProtobufReader): OtlpAttributes {
  const attributes: OtlpAttributes = {};
  while (!reader.done) {
    const [field, wire] = reader.tag();
    if (field === 1) attributeInto(reader, field, wire, attributes);
    else reader.skip(wire);
  }
  return attributes;
}

// common/v1 InstrumentationScope: name = 1, version = 2
function readScope(reader: ProtobufReader): OtlpScope {
  const scope: OtlpScope = {};
  while (!reader.done) {
    const [field, wire] = reader.tag();
    if (field === 1) { reader.expect(field, wire, WIRE_LENGTH); scope.name = reader.string(); }
    else if (field === 2) { reader.expect(field, wire, WIRE_LENGTH); scope.version = reader.string(); }
    else reader.skip(wire);
  }
  return scope;
}

function readId(reader: ProtobufReader, field: number, wire: number, bytes: number): string {
  reader.expect(field, wire, WIRE_LENGTH);
  const raw = reader.bytes();
  return raw.length === bytes ? toHex(raw) : '';
}

// trace/v1 Span.Event: time_unix_nano = 1 (fixed64), name = 2, attributes = 3
function readEvent(reader: ProtobufReader): OtlpEvent {
  const event: OtlpEvent = { timeUnixNano: 0, name: '', attributes: {} };
  while (!reader.done) {
    const [field, wire] = reader.tag();
    if (field === 1) { reader.expect(field, wire, WIRE_FIXED64); event.timeUnixNano = reader.fixed64(); }
    else if (field === 2) { reader.expect(field, wire, WIRE_LENGTH); event.name = reader.string(); }
    else if (field === 3) attributeInto(reader, field, wire, event.attributes);
    else reader.skip(wire);
  }
  return event;
}

// trace/v1 Span.Link: trace_id = 1, span_id = 2, trace_state = 3, attributes = 4
function readLink(reader: ProtobufReader): OtlpLink {
  const link: OtlpLink = { traceId: '', spanId: '', attributes: {} };
  while (!reader.done) {
    const [field, wire] = reader.tag();
    if (field === 1) link.traceId = readId(reader, field, wire, 16);
    else if (field === 2) link.spanId = readId(reader, field, wire, 8);
    else if (field === 4) attributeInto(reader, field, wire, link.attributes);
    else reader.skip(wire);
  }
  return link;
}

// trace/v1 Status: message = 2, code = 3
function readStatus(reader: ProtobufReader): OtlpStatus {
  const status: OtlpStatus = { code: 0 };
  while (!reader.done) {
    const [field, wire] = reader.tag();
    if (field === 2) { reader.expect(field, wire, WIRE_LENGTH); status.message = reader.string(); }
    else if (field === 3) { reader.expect(field, wire, WIRE_VARINT); status.code = reader.varint(); }
    else reader.skip(wire);
  }
  return status;
}

// trace/v1 Span
function readSpan(reader: ProtobufReader): OtlpSpan {
  const span: OtlpSpan = {
    traceId: '', spanId: '', name: '', kind: 0, startTimeUnixNano: 0, endTimeUnixNano: 0, attributes: {}, events: [], links: [], status: { code: 0 },
  };
  while (!reader.done) {
    const [field, wire] = reader.tag();
    switch (field) {
      case 1: span.traceId = readId(reader, field, wire, 16); break;
      case 2: span.spanId = readId(reader, field, wire, 8); break;
      case 3: reader.expect(field, wire, WIRE_LENGTH); span.traceState = reader.string(); break;
      case 4: {
        const parent = readId(reader, field, wire, 8);
        if (parent !== '') span.parentSpanId = parent;
        break;
      }
      case 5: reader.expect(field, wire, WIRE_LENGTH); span.name = reader.string(); break;
      case 6: reader.expect(field, wire, WIRE_VARINT); span.kind = reader.varint(); break;
      case 7: reader.expect(field, wire, WIRE_FIXED64); span.startTimeUnixNano = reader.fixed64(); break;
      case 8: reader.expect(field, wire, WIRE_FIXED64); span.endTimeUnixNano = reader.fixed64(); break;
      case 9: attributeInto(reader, field, wire, span.attributes); break;
      case 11: reader.expect(field, wire, WIRE_LENGTH); span.events.push(readEvent(reader.message())); break;
      case 13: reader.expect(field, wire, WIRE_LENGTH); span.links.push(readLink(reader.message())); break;
      case 15: reader.expect(field, wire, WIRE_LENGTH); span.status = readStatus(reader.message()); break;
      case 16: reader.expect(field, wire, WIRE_FIXED32); span.flags = reader.fixed32(); break;
      default: reader.skip(wire);
    }
  }
  return span;
}

/**
 * The envelopes around spans and log records (`ResourceSpans`, `ScopeSpans`, `ResourceLogs`,
 * `ScopeLogs`) share one layout: field 1 says who sent them (the resource or the scope; the last
 * one wins), field 2 repeats what they hold (schema_url and unknown fields are skipped).
 */
function readEnvelope<Head, Item>(reader: ProtobufReader, readHead: (reader: ProtobufReader) => Head, readItem: (reader: ProtobufReader) => Item): { head: Head | undefined; items: Item[] } {
  let head: Head | undefined;
  const items: Item[] = [];
  while (!reader.done) {
    const [field, wire] = reader.tag();
    if (field === 1) { reader.expect(field, wire, WIRE_LENGTH); head = readHead(reader.message()); }
    else if (field === 2) { reader.expect(field, wire, WIRE_LENGTH); items.push(readItem(reader.message())); }
    else reader.skip(wire);
  }
  return { head, items };
}

// trace/v1 ScopeSpans: scope = 1, spans = 2
function readScopeSpans(reader: ProtobufReader): OtlpScopeSpans {
  const { head, items } = readEnvelope(reader, readScope, readSpan);
  return { scope: head ?? {}, spans: items };
}

// trace/v1 ResourceSpans: resource = 1, scope_spans = 2
function readResourceSpans(reader: ProtobufReader): OtlpResourceSpans {
  const { head, items } = readEnvelope(reader, readResource, readScopeSpans);
  return { resource: head ?? {}, scopeSpans: items };
}

/**
 * The resource envelopes of an `Export*ServiceRequest` (field 1, repeated). Throws
 * `OtlpDecodeError` naming `what` when the body is not one.
 */
function decodeRequest<T>(body: Uint8Array, what: string, readItem: (reader: ProtobufReader) => T): T[] {
  try {
    const reader = new ProtobufReader(body);
    const resources: T[] = [];
    while (!reader.done) {
      const [field, wire] = reader.tag();
      if (field === 1) { reader.expect(field, wire, WIRE_LENGTH); resources.push(readItem(reader.message())); }
      else reader.skip(wire);
    }
    return resources;
  } catch (error) {
    if (error instanceof ProtobufError || error instanceof RangeError) {
      throw new OtlpDecodeError(`The body is not a protobuf ${what}: ${error.message}`);
    }
    throw error;
  }
}

/** `ExportTraceServiceRequest` (resource_spans = 1). Throws `OtlpDecodeError`. */
export function decodeTraceRequestProtobuf(body: Uint8Array): OtlpTraceRequest {
  return { resourceSpans: decodeRequest(body, 'ExportTraceServiceRequest', readResourceSpans) };
}

// logs/v1 LogRecord
function readLogRecord(reader: ProtobufReader): OtlpLogRecord {
  const record: OtlpLogRecord = { timeUnixNano: 0, observedTimeUnixNano: 0, severityNumber: 0, attributes: {} };
  while (!reader.done) {
    const [field, wire] = reader.tag();
    switch (field) {
      case 1: reader.expect(field, wire, WIRE_FIXED64); record.timeUnixNano = reader.fixed64(); break;
      case 2: reader.expect(field, wire, WIRE_VARINT); record.severityNumber = reader.varint(); break;
      case 3: reader.expect(field, wire, WIRE_LENGTH); record.severityText = reader.string(); break;
      case 5: reader.expect(field, wire, WIRE_LENGTH); record.body = readAnyValue(reader.message(), 0); break;
      case 6: attributeInto(reader, field, wire, record.attributes); break;
      case 9: {
        const id = readId(reader, field, wire, 16);
        if (id !== '') record.traceId = id;
        break;
      }
      case 10: {
        const id = readId(reader, field, wire, 8);
        if (id !== '') record.spanId = id;
        break;
      }
      case 11: reader.expect(field, wire, WIRE_FIXED64); record.observedTimeUnixNano = reader.fixed64(); break;
      case 12: reader.expect(field, wire, WIRE_LENGTH); record.eventName = reader.string(); break;
      default: reader.skip(wire);
    }
  }
  return record;
}

// logs/v1 ScopeLogs: scope = 1, log_records = 2
function readScopeLogs(reader: ProtobufReader): OtlpScopeLogs {
  const { head, items } = readEnvelope(reader, readScope, readLogRecord);
  return { scope: head ?? {}, logRecords: items };
}

// logs/v1 ResourceLogs: resource = 1, scope_logs = 2
function readResourceLogs(reader: ProtobufReader): OtlpResourceLogs {
  const { head, items } = readEnvelope(reader, readResource, readScopeLogs);
  return { resource: head ?? {}, scopeLogs: items };
}

/** `ExportLogsServiceRequest` (resource_logs = 1). Throws `OtlpDecodeError`. */
export function decodeLogsRequestProtobuf(body: Uint8Array): OtlpLogsRequest {
  return { resourceLogs: decodeRequest(body, 'ExportLogsServiceRequest', readResourceLogs) };
}

/**
 * `Export{Trace,Logs}ServiceResponse`: empty on full success, else `partial_success = 1` with the
 * rejected count (field 1) and a message (field 2).
 */
export function encodeExportResponseProtobuf(rejected: number, errorMessage: string): Uint8Array {
  if (rejected === 0 && errorMessage === '') return new Uint8Array(0);
  return new ProtobufWriter().message(1, new ProtobufWriter().uint(1, rejected).string(2, errorMessage)).finish();
}

/** `google.rpc.Status` (code = 1, message = 2), the body of OTLP/HTTP error responses. */
export function encodeStatusProtobuf(code: number, message: string): Uint8Array {
  return new ProtobufWriter().uint(1, code).string(2, message).finish();
}
