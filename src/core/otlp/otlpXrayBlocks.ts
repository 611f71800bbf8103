/**
 * The blocks of an X-Ray document mapped from an OTLP span (`otlpToXray.ts`): `http` (request and
 * response from the HTTP semantic conventions), `aws` for calls to AWS services, the error flags
 * and `cause` from the span status, HTTP status and `exception` events, and `metadata.otel` (the
 * span as OpenTelemetry recorded it). Pure.
 */
import { parseStackText } from '../stackFrames';
import { numberOf, seconds, stringList, text } from './otlpSpanContext';
import type { SpanContext as Context, XRayDocument } from './otlpSpanContext';
import { SPAN_KIND_NAMES, STATUS_CODE } from './otlpTypes';
import type { OtlpEvent, OtlpScope } from './otlpTypes';

// ── HTTP ──────────────────────────────────────────────────────────────────────────────────────

function httpUrl(context: Context, server: boolean): string | undefined {
  const full = text(context, 'url.full', 'http.url');
  if (full !== undefined) return full;
  const host = server
    ? text(context, 'server.address', 'http.host', 'net.host.name')
    : text(context, 'server.address', 'net.peer.name', 'http.host');
  const target = text(context, 'http.target') ?? joinPathQuery(text(context, 'url.path'), text(context, 'url.query'));
  if (host === undefined) return target;
  const scheme = text(context, 'url.scheme', 'http.scheme') ?? 'http';
  const port = numberOf(context, 'server.port', server ? 'net.host.port' : 'net.peer.port');
  const defaultPort = (scheme === 'http' && port === 80) || (scheme === 'https' && port === 443);
  const authority = port === undefined || defaultPort || host.includes(':') ? host : `${host}:${port}`;
  return `${scheme}://${authority}${target ?? ''}`;
}

function joinPathQuery(path: string | undefined, query: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  return query === undefined || query === '' ? path : `${path}?${query.replace(/^\?/, '')}`;
}

function httpStatus(context: Context): number | undefined {
  return numberOf(context, 'http.response.status_code', 'http.status_code');
}

export function httpBlock(context: Context, server: boolean): XRayDocument | undefined {
  const method = text(context, 'http.request.method', 'http.method');
  const url = httpUrl(context, server);
  const status = httpStatus(context);
  const request: XRayDocument = {};
  if (method !== undefined) request['method'] = method;
  if (url !== undefined && (method !== undefined || server || text(context, 'url.full', 'http.url') !== undefined)) request['url'] = url;
  if (server) {
    const userAgent = text(context, 'user_agent.original', 'http.user_agent');
    const clientIp = text(context, 'client.address', 'http.client_ip', 'net.sock.peer.addr', 'net.peer.ip');
    if (userAgent !== undefined) request['user_agent'] = userAgent;
    if (clientIp !== undefined) request['client_ip'] = clientIp;
  }
  const response: XRayDocument = {};
  if (status !== undefined) response['status'] = status;
  const length = numberOf(context, 'http.response.body.size', 'http.response_content_length');
  if (length !== undefined) response['content_length'] = length;
  if (Object.keys(request).length === 0 && Object.keys(response).length === 0) return undefined;
  return {
    ...(Object.keys(request).length === 0 ? {} : { request }),
    ...(Object.keys(response).length === 0 ? {} : { response }),
  };
}

export function hostOfUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(url);
  return match?.[1] === undefined || match[1] === '' ? undefined : match[1];
}

// ── AWS calls ─────────────────────────────────────────────────────────────────────────────────

const MESSAGING_SERVICES: Readonly<Record<string, string>> = {
  aws_sqs: 'SQS', 'aws.sqs': 'SQS', amazonsqs: 'SQS', aws_sns: 'SNS', 'aws.sns': 'SNS', aws_eventbridge: 'EventBridge',
};

export function awsServiceName(context: Context): string | undefined {
  const rpcSystem = text(context, 'rpc.system');
  const rpcService = text(context, 'rpc.service');
  if (rpcSystem === 'aws-api') return rpcService ?? 'AWS';
  const messaging = text(context, 'messaging.system');
  if (messaging !== undefined && MESSAGING_SERVICES[messaging.toLowerCase()] !== undefined) return MESSAGING_SERVICES[messaging.toLowerCase()];
  if (text(context, 'db.system', 'db.system.name') === 'dynamodb') return 'DynamoDB';
  if (Object.keys(context.span.attributes).some((key) => key.startsWith('aws.') && key !== 'aws.lambda.invoked_arn')) return rpcService ?? 'AWS';
  if (text(context, 'faas.invoked_provider') === 'aws') return 'Lambda';
  return undefined;
}

export function awsBlock(context: Context): XRayDocument {
  const aws: XRayDocument = {};
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) aws[key] = value;
  };
  set('operation', text(context, 'rpc.method', 'aws.operation'));
  set('region', text(context, 'aws.region', 'cloud.region', 'faas.invoked_region'));
  set('request_id', text(context, 'aws.request_id', 'aws.request.id', 'aws.requestId'));
  const tables = stringList(context, 'aws.dynamodb.table_names');
  set('table_name', tables?.[0]);
  set('queue_url', text(context, 'aws.sqs.queue_url', 'aws.sqs.queue.url', 'messaging.url'));
  set('topic_arn', text(context, 'aws.sns.topic.arn', 'aws.sns.topic_arn'));
  set('function_name', text(context, 'faas.invoked_name', 'aws.lambda.function_name'));
  set('bucket_name', text(context, 'aws.s3.bucket'));
  const destination = text(context, 'messaging.destination.name', 'messaging.destination');
  const resources = tables ?? (destination === undefined ? undefined : [destination]);
  set('resource_names', resources);
  return aws;
}

// ── Errors ────────────────────────────────────────────────────────────────────────────────────

/** A stable 16-hex id for the n-th exception of a span (FNV-1a over the span id and index). */
function exceptionId(spanId: string, index: number): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ index;
  const input = `${spanId}:${index}`;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x01000193 + 2 * index) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

function eventText(event: OtlpEvent, key: string): string | undefined {
  const value = Object.hasOwn(event.attributes, key) ? event.attributes[key] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function exceptionsOf(context: Context, remote: boolean): XRayDocument[] {
  const out: XRayDocument[] = [];
  context.span.events.forEach((event) => {
    if (event.name !== 'exception') return;
    const stacktrace = eventText(event, 'exception.stacktrace');
    const parsed = stacktrace === undefined ? undefined : parseStackText(stacktrace, { origin: 'otel' });
    const type = eventText(event, 'exception.type') ?? parsed?.errorType;
    const message = eventText(event, 'exception.message') ?? parsed?.message;
    const exception: XRayDocument = { id: exceptionId(context.span.spanId, out.length) };
    if (type !== undefined) exception['type'] = type;
    if (message !== undefined) exception['message'] = message;
    if (remote) exception['remote'] = true;
    exception['stack'] = (parsed?.frames ?? []).map((frame) => ({
      path: frame.path,
      ...(frame.line === undefined ? {} : { line: frame.line }),
      // X-Ray frames have no column; kept here (and stripped again on X-Ray export, see
      // `traceFiles/traceFileExport.ts`) so a minified bundle's frame resolves exactly.
      ...(frame.column === undefined ? {} : { column: frame.column }),
      ...(frame.label === undefined ? {} : { label: frame.label }),
    }));
    out.push(exception);
  });
  const statusMessage = context.span.status.message;
  if (out.length === 0 && context.span.status.code === STATUS_CODE.error && statusMessage !== undefined && statusMessage !== '') {
    out.push({ id: exceptionId(context.span.spanId, 0), message: statusMessage, ...(remote ? { remote: true } : {}), stack: [] });
  }
  return out;
}

export function statusFlags(context: Context, document: XRayDocument, remote: boolean): void {
  const status = httpStatus(context);
  const failed = context.span.status.code === STATUS_CODE.error;
  if (status === 429) {
    document['throttle'] = true;
    document['error'] = true;
  } else if (status !== undefined && status >= 400 && status < 500) {
    document['error'] = true;
  } else if ((status !== undefined && status >= 500) || failed) {
    document['fault'] = true;
  }
  const exceptions = exceptionsOf(context, remote);
  if (exceptions.length > 0) {
    document['cause'] = { exceptions };
    // An exception recorded on a span whose status says nothing is still a failure to show.
    if (document['fault'] !== true && document['error'] !== true && context.span.status.code !== STATUS_CODE.ok) document['fault'] = true;
  }
}

// ── Metadata ──────────────────────────────────────────────────────────────────────────────────

export function otelMetadata(context: Context, scope: OtlpScope, segment: boolean): XRayDocument {
  const { span } = context;
  const otel: XRayDocument = {
    name: span.name,
    kind: SPAN_KIND_NAMES[span.kind] ?? String(span.kind),
    trace_id: span.traceId,
    span_id: span.spanId,
  };
  if (span.parentSpanId !== undefined) otel['parent_span_id'] = span.parentSpanId;
  if (span.traceState !== undefined) otel['trace_state'] = span.traceState;
  if (span.status.code !== STATUS_CODE.unset || span.status.message !== undefined) {
    otel['status'] = { code: ['UNSET', 'OK', 'ERROR'][span.status.code] ?? String(span.status.code), ...(span.status.message === undefined ? {} : { message: span.status.message }) };
  }
  if (scope.name !== undefined) otel['scope'] = scope.version === undefined ? scope.name : `${scope.name}@${scope.version}`;
  if (Object.keys(span.attributes).length > 0) otel['attributes'] = span.attributes;
  if (segment && Object.keys(context.resource).length > 0) otel['resource'] = context.resource;
  if (span.events.length > 0) {
    otel['events'] = span.events.map((event) => ({ name: event.name, time: seconds(event.timeUnixNano), ...(Object.keys(event.attributes).length === 0 ? {} : { attributes: event.attributes }) }));
  }
  return otel;
}
