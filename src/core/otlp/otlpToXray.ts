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
 *
 * Reading the span is in `otlpSpanContext.ts`, the `http`/`aws`/`cause`/`metadata` blocks in
 * `otlpXrayBlocks.ts`; this module decides the document's kind and name and puts it together.
 */
import { w3cToXray } from '../traceIds';
import { SPAN_ID, ZERO_SPAN_ID, attr, hasParent, isFunctionSpan, isSegmentSpan, remoteParent, seconds, serviceName, stringList, text } from './otlpSpanContext';
import type { SpanContext as Context, XRayDocument } from './otlpSpanContext';
import { awsBlock, awsServiceName, hostOfUrl, httpBlock, otelMetadata, statusFlags } from './otlpXrayBlocks';
import { SPAN_KIND } from './otlpTypes';
import type { OtlpAttributes, OtlpScope, OtlpSpan, OtlpTraceRequest } from './otlpTypes';

export type { XRayDocument } from './otlpSpanContext';

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

const PLATFORM_ORIGINS: Readonly<Record<string, string>> = {
  aws_ec2: 'AWS::EC2::Instance',
  aws_ecs: 'AWS::ECS::Container',
  aws_eks: 'AWS::EKS::Container',
  aws_elastic_beanstalk: 'AWS::ElasticBeanstalk::Environment',
  aws_app_runner: 'AWS::AppRunner::Service',
};

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
