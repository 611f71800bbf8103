/**
 * OTLP spans → X-Ray segment documents, so that OpenTelemetry traces go through the same model code
 * (`core/traceBuilder.ts`, `core/segmentDocument.ts`) as traces from AWS. The rules follow the
 * OpenTelemetry semantic conventions (old and current attribute names) and what X-Ray itself
 * records:
 *
 * - SERVER and CONSUMER spans, and spans without a parent, become segments; the rest become
 *   independent subsegments (`type: "subsegment"`, `parent_id`).
 * - A FaaS span (`faas.invocation_id`/`faas.execution`, `faas.trigger`, `faas.coldstart`, or the
 *   root of an `aws_lambda` resource) becomes an `AWS::Lambda::Function` segment named by
 *   `faas.name` (else `service.name`), with `cloud.resource_id` as its ARN, the invocation id as
 *   `aws.request_id` and `faas.coldstart` as the Powertools-style `ColdStart` annotation.
 * - CLIENT/PRODUCER spans to AWS (`rpc.system: aws-api`, `aws.*`, SQS/SNS messaging, DynamoDB)
 *   become `aws` subsegments named by `rpc.service` with `rpc.method` as the operation; HTTP
 *   client spans become `remote` subsegments named by the host; database spans carry `sql`.
 * - Status ERROR and HTTP 4xx/429/5xx set error/throttle/fault; `exception` events become the
 *   cause, their `exception.stacktrace` parsed by `core/stackFrames.ts` (frames keep their column
 *   in a `column` field X-Ray itself does not have).
 * - Span links become `links` (async edges); ids are converted to X-Ray form (the first 8 hex of
 *   the W3C id become the "epoch" part), and the W3C ids stay visible in `metadata.otel`.
 */
import { parseStackText } from '../stackFrames';
import { w3cToXray } from '../traceIds';
import { SPAN_KIND, SPAN_KIND_NAMES, STATUS_CODE } from './otlpTypes';
import type { OtlpAttributes, OtlpEvent, OtlpScope, OtlpSpan, OtlpTraceRequest, OtlpValue } from './otlpTypes';

export type XRayDocument = Record<string, unknown>;

export interface MappedSegmentDocument {
  /** Lowercase X-Ray trace id. */
  traceId: string;
  /** The W3C id it came from (32 hex). */
  w3cTraceId: string;
  /** The span id, which is the document's `id`. */
  id: string;
  document: XRayDocument;
  inProgress: boolean;
}

export interface OtlpMappingResult {
  documents: MappedSegmentDocument[];
  /** Spans that could not be mapped (no valid trace or span id); the OTLP response reports them. */
  rejected: number;
  /** Why, for the first few rejected spans. */
  problems: string[];
}

const ZERO_SPAN_ID = /^0{16}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
/** `Span.flags` bits 8 and 9: whether the parent is known to be remote, and whether it is. */
const FLAG_HAS_IS_REMOTE = 0x100;
const FLAG_IS_REMOTE = 0x200;

interface Context {
  span: OtlpSpan;
  resource: OtlpAttributes;
}

function attr(context: Context, ...keys: string[]): OtlpValue | undefined {
  for (const key of keys) {
    if (Object.hasOwn(context.span.attributes, key)) {
      const value = context.span.attributes[key];
      if (value !== null && value !== undefined && value !== '') return value;
    }
  }
  for (const key of keys) {
    if (Object.hasOwn(context.resource, key)) {
      const value = context.resource[key];
      if (value !== null && value !== undefined && value !== '') return value;
    }
  }
  return undefined;
}

function text(context: Context, ...keys: string[]): string | undefined {
  const value = attr(context, ...keys);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function numberOf(context: Context, ...keys: string[]): number | undefined {
  const value = attr(context, ...keys);
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

function stringList(context: Context, key: string): string[] | undefined {
  const value = attr(context, key);
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return undefined;
  const strings = value.filter((item): item is string => typeof item === 'string' && item !== '');
  return strings.length > 0 ? strings : undefined;
}

function serviceName(context: Context): string | undefined {
  const name = typeof context.resource['service.name'] === 'string' ? (context.resource['service.name'] as string) : undefined;
  // The SDK's fallback `unknown_service:node` names nothing; the span name says more.
  return name === undefined || name === '' || name.startsWith('unknown_service') ? undefined : name;
}

function seconds(nanos: number): number {
  return nanos / 1e9;
}

function hasParent(span: OtlpSpan): boolean {
  return span.parentSpanId !== undefined && SPAN_ID.test(span.parentSpanId) && !ZERO_SPAN_ID.test(span.parentSpanId);
}

function remoteParent(span: OtlpSpan): boolean {
  const flags = span.flags ?? 0;
  return (flags & FLAG_HAS_IS_REMOTE) !== 0 && (flags & FLAG_IS_REMOTE) !== 0;
}

function isSegmentSpan(span: OtlpSpan): boolean {
  return span.kind === SPAN_KIND.server || span.kind === SPAN_KIND.consumer || !hasParent(span) || remoteParent(span);
}

function isLambdaResource(context: Context): boolean {
  return context.resource['cloud.platform'] === 'aws_lambda' || (typeof context.resource['faas.name'] === 'string' && context.resource['cloud.provider'] === 'aws');
}

function isFunctionSpan(context: Context): boolean {
  const spanAttrs = context.span.attributes;
  if (['faas.invocation_id', 'faas.execution', 'faas.trigger', 'faas.coldstart'].some((key) => Object.hasOwn(spanAttrs, key))) return true;
  return isLambdaResource(context) && (!hasParent(context.span) || remoteParent(context.span));
}

const PLATFORM_ORIGINS: Readonly<Record<string, string>> = {
  aws_ec2: 'AWS::EC2::Instance',
  aws_ecs: 'AWS::ECS::Container',
  aws_eks: 'AWS::EKS::Container',
  aws_elastic_beanstalk: 'AWS::ElasticBeanstalk::Environment',
  aws_app_runner: 'AWS::AppRunner::Service',
};

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

function httpBlock(context: Context, server: boolean): XRayDocument | undefined {
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

function hostOfUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(url);
  return match?.[1] === undefined || match[1] === '' ? undefined : match[1];
}

// ── AWS calls ─────────────────────────────────────────────────────────────────────────────────

const MESSAGING_SERVICES: Readonly<Record<string, string>> = {
  aws_sqs: 'SQS', 'aws.sqs': 'SQS', amazonsqs: 'SQS', aws_sns: 'SNS', 'aws.sns': 'SNS', aws_eventbridge: 'EventBridge',
};

function awsServiceName(context: Context): string | undefined {
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

function awsBlock(context: Context): XRayDocument {
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

function statusFlags(context: Context, document: XRayDocument, remote: boolean): void {
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

function otelMetadata(context: Context, scope: OtlpScope, segment: boolean): XRayDocument {
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

// ── Spans ─────────────────────────────────────────────────────────────────────────────────────

function segmentFields(context: Context, document: XRayDocument): void {
  const { span } = context;
  const lambda = isFunctionSpan(context);
  const name = lambda ? text(context, 'faas.name') ?? serviceName(context) : serviceName(context);
  document['name'] = name ?? (span.name === '' ? 'unnamed' : span.name);
  const http = httpBlock(context, true);
  if (http !== undefined) document['http'] = http;
  const arn = text(context, 'cloud.resource_id', 'faas.id', 'aws.lambda.invoked_arn');
  if (lambda) {
    document['origin'] = 'AWS::Lambda::Function';
    const aws: XRayDocument = {};
    const requestId = text(context, 'faas.invocation_id', 'faas.execution');
    if (requestId !== undefined) aws['request_id'] = requestId;
    const accountId = text(context, 'cloud.account.id');
    if (accountId !== undefined) aws['account_id'] = accountId;
    if (arn === undefined && typeof document['name'] === 'string') aws['function_name'] = document['name'];
    const groups = stringList(context, 'aws.log.group.names');
    if (groups !== undefined) aws['cloudwatch_logs'] = groups.map((group) => ({ log_group: group }));
    document['aws'] = aws;
    if (attr(context, 'faas.coldstart') === true) document['annotations'] = { ColdStart: true };
  } else {
    const platform = text(context, 'cloud.platform');
    const origin = platform === undefined ? undefined : PLATFORM_ORIGINS[platform];
    if (origin !== undefined && (!hasParent(span) || remoteParent(span) || span.kind === SPAN_KIND.server)) document['origin'] = origin;
  }
  if (arn !== undefined) document['resource_arn'] = arn;
  const user = text(context, 'enduser.id');
  if (user !== undefined) document['user'] = user;
}

function subsegmentFields(context: Context, document: XRayDocument): void {
  const { span } = context;
  const outbound = span.kind === SPAN_KIND.client || span.kind === SPAN_KIND.producer;
  const awsService = outbound ? awsServiceName(context) : undefined;
  if (awsService !== undefined) {
    document['name'] = awsService;
    document['namespace'] = 'aws';
    document['aws'] = awsBlock(context);
    const http = httpBlock(context, false);
    if (http?.['response'] !== undefined) document['http'] = { response: http['response'] };
    return;
  }
  const dbSystem = outbound ? text(context, 'db.system', 'db.system.name') : undefined;
  if (dbSystem !== undefined) {
    const database = text(context, 'db.namespace', 'db.name');
    const host = text(context, 'server.address', 'net.peer.name');
    document['name'] = database !== undefined && host !== undefined ? `${database}@${host}` : database ?? host ?? span.name;
    document['namespace'] = 'remote';
    const sql: XRayDocument = { database_type: dbSystem };
    const query = text(context, 'db.query.text', 'db.statement');
    const user = text(context, 'db.user');
    const url = text(context, 'db.connection_string') ?? host;
    if (query !== undefined) sql['sanitized_query'] = query;
    if (user !== undefined) sql['user'] = user;
    if (url !== undefined) sql['url'] = url;
    document['sql'] = sql;
    return;
  }
  if (outbound) {
    const http = httpBlock(context, false);
    const host = text(context, 'peer.service') ?? text(context, 'server.address', 'net.peer.name') ?? hostOfUrl(text(context, 'url.full', 'http.url'));
    const rpcService = text(context, 'rpc.service');
    document['name'] = host ?? rpcService ?? (span.name === '' ? 'remote' : span.name);
    document['namespace'] = 'remote';
    if (http !== undefined) document['http'] = http;
    return;
  }
  document['name'] = span.name === '' ? 'unnamed' : span.name;
}

function linksOf(span: OtlpSpan): XRayDocument[] | undefined {
  const links: XRayDocument[] = [];
  for (const link of span.links) {
    const traceId = w3cToXray(link.traceId);
    if (traceId === undefined) continue;
    links.push({
      trace_id: traceId,
      ...(SPAN_ID.test(link.spanId) && !ZERO_SPAN_ID.test(link.spanId) ? { id: link.spanId } : {}),
      attributes: { ...link.attributes, 'otel.trace_id': link.traceId },
    });
  }
  return links.length > 0 ? links : undefined;
}

/** One span → one X-Ray document, or the reason it cannot be one. */
export function otlpSpanToSegmentDocument(span: OtlpSpan, resource: OtlpAttributes, scope: OtlpScope = {}): MappedSegmentDocument | string {
  const traceId = w3cToXray(span.traceId);
  if (traceId === undefined) return `span ${span.spanId || '(no id)'} has no valid trace id`;
  if (!SPAN_ID.test(span.spanId) || ZERO_SPAN_ID.test(span.spanId)) return `a span of trace ${span.traceId} has no valid span id`;
  const context: Context = { span, resource };
  const segment = isSegmentSpan(span);
  const inProgress = !(span.endTimeUnixNano > 0 && span.endTimeUnixNano >= span.startTimeUnixNano);
  const document: XRayDocument = { id: span.spanId, trace_id: traceId, start_time: seconds(span.startTimeUnixNano) };
  if (inProgress) document['in_progress'] = true;
  else document['end_time'] = seconds(span.endTimeUnixNano);
  if (hasParent(span)) document['parent_id'] = span.parentSpanId;
  if (segment) segmentFields(context, document);
  else {
    document['type'] = 'subsegment';
    subsegmentFields(context, document);
  }
  const outbound = span.kind === SPAN_KIND.client || span.kind === SPAN_KIND.producer;
  statusFlags(context, document, outbound && !segment);
  const links = linksOf(span);
  if (links !== undefined) document['links'] = links;
  document['metadata'] = { otel: otelMetadata(context, scope, segment) };
  return { traceId, w3cTraceId: span.traceId, id: span.spanId, document, inProgress };
}

/** Every span of a request → documents; spans without valid ids are counted in `rejected`. */
export function otlpTraceRequestToSegmentDocuments(request: OtlpTraceRequest): OtlpMappingResult {
  const result: OtlpMappingResult = { documents: [], rejected: 0, problems: [] };
  for (const resourceSpans of request.resourceSpans) {
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        let mapped: MappedSegmentDocument | string;
        try {
          mapped = otlpSpanToSegmentDocument(span, resourceSpans.resource, scopeSpans.scope);
        } catch (error) {
          mapped = `span ${span.spanId} could not be mapped: ${error instanceof Error ? error.message : String(error)}`;
        }
        if (typeof mapped === 'string') {
          result.rejected += 1;
          if (result.problems.length < 5) result.problems.push(mapped);
        } else {
          result.documents.push(mapped);
        }
      }
    }
  }
  return result;
}

/** Number of spans in a request (for counters before mapping). */
export function countSpans(request: OtlpTraceRequest): number {
  let count = 0;
  for (const resourceSpans of request.resourceSpans) {
    for (const scopeSpans of resourceSpans.scopeSpans) count += scopeSpans.spans.length;
  }
  return count;
}
