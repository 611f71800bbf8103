/**
 * Writes a built `Trace` as an OTLP/JSON `ExportTraceServiceRequest` (the body `POST /v1/traces`
 * takes, and what the OpenTelemetry file exporter writes per line). Each X-Ray segment becomes a
 * resource (the service) with its subsegments as spans; ids keep their 128/64 bits (X-Ray
 * `1-5759e988-bd86…` → W3C `5759e988bd86…`); exceptions become `exception` events with the
 * stack as text; fields OpenTelemetry has a convention for use it (HTTP, RPC, FaaS, DB), and the
 * rest go under `xray.*` (not `aws.*`, which OTLP→X-Ray mappings read as an AWS call), so nothing
 * the model holds is lost.
 */
import type { JsonValue, Span, SpanException, Trace } from '../../shared/traceModel';

type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValue[] } }
  | { kvlistValue: { values: KeyValue[] } };

interface KeyValue {
  key: string;
  value: AnyValue;
}

const SPAN_KIND_INTERNAL = 1;
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;
const STATUS_UNSET = 0;
const STATUS_ERROR = 2;

/** `1-5759e988-bd862e3fe1be46a994272793` → `5759e988bd862e3fe1be46a994272793`; other ids are hashed to 32 hex. */
export function otlpTraceId(xrayId: string): string {
  const match = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/i.exec(xrayId.trim());
  if (match?.[1] !== undefined && match[2] !== undefined) return `${match[1]}${match[2]}`.toLowerCase();
  if (/^[0-9a-f]{32}$/i.test(xrayId)) return xrayId.toLowerCase();
  return hashHex(xrayId, 32);
}

/** X-Ray segment ids are already 16 hex; anonymized ones (`fakeid1111…`) are hashed to 16 hex. */
export function otlpSpanId(xrayId: string): string {
  return /^[0-9a-f]{16}$/i.test(xrayId) ? xrayId.toLowerCase() : hashHex(xrayId, 16);
}

/** FNV-1a, repeated with a counter until `length` hex digits: stable, not cryptographic. */
function hashHex(text: string, length: number): string {
  let out = '';
  for (let round = 0; out.length < length; round++) {
    let hash = 0x811c9dc5 ^ round;
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    out += hash.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

function anyValue(value: JsonValue): AnyValue {
  if (value === null) return { stringValue: '' };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  return { kvlistValue: { values: Object.entries(value).map(([key, item]) => ({ key, value: anyValue(item) })) } };
}

class Attributes {
  readonly list: KeyValue[] = [];
  set(key: string, value: JsonValue | undefined): void {
    if (value === undefined) return;
    this.list.push({ key, value: anyValue(value) });
  }
}

/** Nanoseconds since the epoch as a decimal string: 64-bit values do not fit a JS number. */
function unixNano(trace: Trace, relativeMs: number): string {
  const micros = BigInt(Math.round((trace.startEpochMs + relativeMs) * 1000));
  return (micros * 1000n).toString();
}

function stackText(exception: SpanException): string {
  const head = `${exception.type ?? 'Error'}${exception.message === undefined ? '' : `: ${exception.message}`}`;
  const frames = exception.stack.map((frame) => {
    // V8's `path:line:column`: a column (OTLP-mapped frames) survives export and a second import.
    const place = `${frame.path ?? '<unknown>'}${frame.line === undefined ? '' : `:${frame.line}${frame.column === undefined ? '' : `:${frame.column}`}`}`;
    return frame.label === undefined ? `    at ${place}` : `    at ${frame.label} (${place})`;
  });
  return [head, ...frames].join('\n');
}

function exceptionEvents(trace: Trace, span: Span): unknown[] {
  return (span.cause?.exceptions ?? []).map((exception) => {
    const attributes = new Attributes();
    attributes.set('exception.type', exception.type);
    attributes.set('exception.message', exception.message);
    attributes.set('exception.stacktrace', stackText(exception));
    attributes.set('xray.exception.id', exception.id);
    if (exception.remote) attributes.set('xray.exception.remote', true);
    attributes.set('xray.exception.cause', exception.causeId);
    attributes.set('xray.exception.truncated', exception.truncated);
    attributes.set('xray.exception.skipped', exception.skipped);
    return { timeUnixNano: unixNano(trace, span.endMs), name: 'exception', attributes: attributes.list };
  });
}

function httpAttributes(span: Span, attributes: Attributes): void {
  const request = span.http?.request;
  const response = span.http?.response;
  attributes.set('http.request.method', request?.method);
  attributes.set('url.full', request?.url);
  attributes.set('user_agent.original', request?.userAgent);
  attributes.set('client.address', request?.clientIp);
  attributes.set('xray.http.x_forwarded_for', request?.xForwardedFor);
  attributes.set('xray.http.traced', request?.traced);
  attributes.set('http.response.status_code', response?.status);
  attributes.set('http.response.body.size', response?.contentLength);
}

function awsAttributes(span: Span, attributes: Attributes): void {
  const aws = span.aws;
  // An AWS call is named after the service (`rpc.service`), as the X-Ray SDKs name the subsegment.
  if (span.namespace === 'aws' || span.kind === 'inferred') {
    attributes.set('rpc.system', 'aws-api');
    attributes.set('rpc.service', span.name);
  } else if (span.namespace === 'remote' && span.sql === undefined) {
    attributes.set('peer.service', span.name);
  }
  if (aws !== undefined) {
    attributes.set('rpc.method', aws.operation);
    attributes.set('cloud.region', aws.region);
    attributes.set('cloud.account.id', aws.accountId);
    attributes.set('aws.request_id', aws.requestId);
    attributes.set('aws.sqs.queue.url', aws.queueUrl);
    attributes.set('aws.dynamodb.table_names', aws.tableName === undefined ? undefined : [aws.tableName]);
    attributes.set('aws.sns.topic.arn', aws.topicArn);
    attributes.set('aws.lambda.function.name', aws.functionName);
    attributes.set('xray.resource_names', aws.resourceNames);
    attributes.set('xray.retries', aws.retries);
    for (const [key, value] of Object.entries(aws.other ?? {})) attributes.set(`xray.aws.${key}`, value);
  }
  const lambda = span.lambda;
  attributes.set('faas.invocation_id', lambda?.requestId);
  attributes.set('cloud.resource_id', lambda?.functionArn ?? span.resourceArn);
  attributes.set('aws.log.group.names', lambda?.logGroups);
  if (span.coldStart && span.origin === 'AWS::Lambda::Function') attributes.set('faas.coldstart', true);
}

function sqlAttributes(span: Span, attributes: Attributes): void {
  const sql = span.sql;
  if (sql === undefined) return;
  attributes.set('db.system', sql.databaseType ?? 'other_sql');
  attributes.set('db.query.text', sql.sanitizedQuery);
  attributes.set('db.user', sql.user);
  attributes.set('xray.sql.url', sql.url);
  attributes.set('xray.sql.connection_string', sql.connectionString);
  attributes.set('xray.sql.database_version', sql.databaseVersion);
  attributes.set('xray.sql.driver_version', sql.driverVersion);
  attributes.set('xray.sql.preparation', sql.preparation);
}

function xrayAttributes(span: Span, attributes: Attributes): void {
  attributes.set('xray.origin', span.origin);
  attributes.set('xray.namespace', span.namespace);
  if (span.kind === 'inferred') attributes.set('xray.inferred', true);
  if (span.kind === 'subsegment' && span.parentId === undefined) attributes.set('xray.type', 'subsegment');
  if (span.error) attributes.set('xray.error', true);
  if (span.fault) attributes.set('xray.fault', true);
  if (span.throttle) attributes.set('xray.throttle', true);
  if (span.inProgress) attributes.set('xray.in_progress', true);
  attributes.set('enduser.id', span.user);
  attributes.set('xray.cause.working_directory', span.cause?.workingDirectory);
  attributes.set('xray.cause.paths', span.cause?.paths);
  attributes.set('xray.cause.id', span.cause?.reference?.id);
  for (const [key, value] of Object.entries(span.annotations)) attributes.set(key, value);
  if (Object.keys(span.annotations).length > 0) attributes.set('xray.annotations', Object.keys(span.annotations));
  for (const [key, value] of Object.entries(span.metadata)) attributes.set(`xray.metadata.${key}`, value);
}

function spanKind(span: Span): number {
  if (span.kind !== 'subsegment') return span.kind === 'inferred' ? SPAN_KIND_CLIENT : SPAN_KIND_SERVER;
  return span.namespace === 'aws' || span.namespace === 'remote' ? SPAN_KIND_CLIENT : SPAN_KIND_INTERNAL;
}

function statusOf(span: Span): { code: number; message?: string } {
  if (span.status === 'ok') return { code: STATUS_UNSET };
  const message = span.cause?.exceptions[0]?.message;
  return message === undefined ? { code: STATUS_ERROR } : { code: STATUS_ERROR, message };
}

function otlpSpan(trace: Trace, traceId: string, span: Span): Record<string, unknown> {
  const attributes = new Attributes();
  httpAttributes(span, attributes);
  awsAttributes(span, attributes);
  sqlAttributes(span, attributes);
  xrayAttributes(span, attributes);
  const parent = span.parentId ?? span.declaredParentId;
  const out: Record<string, unknown> = {
    traceId,
    spanId: otlpSpanId(span.id),
    ...(parent === undefined ? {} : { parentSpanId: otlpSpanId(parent) }),
    name: span.name,
    kind: spanKind(span),
    startTimeUnixNano: unixNano(trace, span.startMs),
    endTimeUnixNano: unixNano(trace, span.endMs),
    attributes: attributes.list,
    events: exceptionEvents(trace, span),
    status: statusOf(span),
  };
  if (span.links !== undefined) {
    out['links'] = span.links.map((link) => ({
      traceId: otlpTraceId(link.traceId),
      spanId: link.spanId === undefined ? '' : otlpSpanId(link.spanId),
      attributes: Object.entries(link.attributes ?? {}).map(([key, value]) => ({ key, value: anyValue(value) })),
    }));
  }
  return out;
}

/** The segment a span belongs to: itself for segments, the nearest segment ancestor otherwise. */
function serviceRoots(trace: Trace): Map<string, Span[]> {
  const byId = new Map(trace.spans.map((span) => [span.id, span] as const));
  const groups = new Map<string, Span[]>();
  const rootOf = new Map<string, string>();
  for (const span of trace.spans) {
    const parent = span.parentId === undefined ? undefined : byId.get(span.parentId);
    const root = span.kind !== 'subsegment' || parent === undefined ? span.id : (rootOf.get(parent.id) ?? parent.id);
    rootOf.set(span.id, root);
    const group = groups.get(root) ?? [];
    group.push(span);
    groups.set(root, group);
  }
  return groups;
}

/** The trace as one OTLP/JSON `ExportTraceServiceRequest`: one resource per X-Ray segment. */
export function traceToOtlpRequest(trace: Trace): { resourceSpans: unknown[] } {
  const traceId = otlpTraceId(trace.id);
  const byId = new Map(trace.spans.map((span) => [span.id, span] as const));
  const resourceSpans = [...serviceRoots(trace)].map(([rootId, spans]) => {
    const root = byId.get(rootId);
    const resource = new Attributes();
    resource.set('service.name', root?.name ?? 'unknown_service');
    resource.set('cloud.provider', 'aws');
    if (root?.origin === 'AWS::Lambda::Function' || root?.origin === 'AWS::Lambda') {
      resource.set('cloud.platform', 'aws_lambda');
      resource.set('faas.name', root.lambda?.functionName ?? root.name);
    }
    return {
      resource: { attributes: resource.list },
      scopeSpans: [{ scope: { name: 'serverless-lens', version: '1' }, spans: spans.map((span) => otlpSpan(trace, traceId, span)) }],
    };
  });
  return { resourceSpans };
}
