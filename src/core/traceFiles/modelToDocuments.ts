/**
 * Writes a built `Trace` back as X-Ray segment documents, for exporting a trace whose raw
 * documents are gone. Reading the result with `core/traceBuilder.ts` gives the same spans, times,
 * statuses, causes and fields: every segment (and inferred segment) becomes a top-level document
 * with its subsegments embedded, as BatchGetTraces returns them. What the model does not keep is
 * not invented: a span clamped for clock skew is written at its clamped start, and `service`,
 * `precursor_ids` and similar fields the model drops are absent.
 */
import type { AwsCallInfo, HttpInfo, JsonValue, Span, SpanCause, SpanException, SqlInfo, Trace } from '../../shared/traceModel';
import type { SegmentDocumentObject } from './traceFileTypes';

/** Epoch seconds with microsecond precision, as X-Ray writes them. */
function epochSeconds(trace: Trace, relativeMs: number): number {
  return Math.round((trace.startEpochMs + relativeMs) * 1000) / 1_000_000;
}

function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined) return;
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function httpBlock(http: HttpInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (http.request !== undefined) {
    const r = http.request;
    const request: Record<string, unknown> = {};
    put(request, 'method', r.method);
    put(request, 'url', r.url);
    put(request, 'user_agent', r.userAgent);
    put(request, 'client_ip', r.clientIp);
    put(request, 'x_forwarded_for', r.xForwardedFor);
    put(request, 'traced', r.traced);
    out['request'] = request;
  }
  if (http.response !== undefined) {
    const response: Record<string, unknown> = {};
    put(response, 'status', http.response.status);
    put(response, 'content_length', http.response.contentLength);
    out['response'] = response;
  }
  return out;
}

function awsBlock(aws: AwsCallInfo): Record<string, unknown> {
  // `other` first: the named fields win if a producer wrote both spellings.
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(aws.other ?? {})) put(out, key, value);
  put(out, 'operation', aws.operation);
  put(out, 'region', aws.region);
  put(out, 'account_id', aws.accountId);
  put(out, 'request_id', aws.requestId);
  put(out, 'queue_url', aws.queueUrl);
  put(out, 'table_name', aws.tableName);
  put(out, 'topic_arn', aws.topicArn);
  put(out, 'function_name', aws.functionName);
  put(out, 'resource_names', aws.resourceNames);
  put(out, 'retries', aws.retries);
  return out;
}

function sqlBlock(sql: SqlInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  put(out, 'url', sql.url);
  put(out, 'connection_string', sql.connectionString);
  put(out, 'sanitized_query', sql.sanitizedQuery);
  put(out, 'database_type', sql.databaseType);
  put(out, 'database_version', sql.databaseVersion);
  put(out, 'driver_version', sql.driverVersion);
  put(out, 'user', sql.user);
  put(out, 'preparation', sql.preparation);
  return out;
}

function exceptionBlock(exception: SpanException): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  put(out, 'id', exception.id);
  put(out, 'type', exception.type);
  put(out, 'message', exception.message);
  if (exception.remote) out['remote'] = true;
  put(out, 'truncated', exception.truncated);
  put(out, 'skipped', exception.skipped);
  put(out, 'cause', exception.causeId);
  out['stack'] = exception.stack.map((frame) => {
    const written: Record<string, unknown> = {};
    put(written, 'path', frame.path);
    put(written, 'line', frame.line);
    // `frame.column` is not written: X-Ray's stack frame has no column field.
    put(written, 'label', frame.label);
    return written;
  });
  return out;
}

function causeValue(cause: SpanCause): unknown {
  const plainReference = cause.reference !== undefined && cause.exceptions.length === 0 && cause.workingDirectory === undefined && cause.paths === undefined;
  if (plainReference) return cause.reference?.id;
  const out: Record<string, unknown> = {};
  put(out, 'working_directory', cause.workingDirectory);
  put(out, 'paths', cause.paths);
  out['exceptions'] = cause.exceptions.map(exceptionBlock);
  if (cause.reference !== undefined && cause.exceptions.length === 0) out['id'] = cause.reference.id;
  return out;
}

function linksValue(span: Span): unknown {
  return span.links?.map((link) => {
    const out: Record<string, unknown> = { trace_id: link.traceId };
    put(out, 'id', link.spanId);
    put(out, 'attributes', link.attributes);
    return out;
  });
}

/** The fields of one (sub)segment, without `subsegments`. */
function spanFields(trace: Trace, span: Span): Record<string, unknown> {
  const doc: Record<string, unknown> = { id: span.id, name: span.name, start_time: epochSeconds(trace, span.startMs) };
  if (span.inProgress) doc['in_progress'] = true;
  else doc['end_time'] = epochSeconds(trace, span.endMs);
  put(doc, 'origin', span.origin);
  put(doc, 'namespace', span.namespace);
  if (span.error) doc['error'] = true;
  if (span.fault) doc['fault'] = true;
  if (span.throttle) doc['throttle'] = true;
  put(doc, 'resource_arn', span.resourceArn);
  put(doc, 'user', span.user);
  if (span.http !== undefined) doc['http'] = httpBlock(span.http);
  const aws = span.aws !== undefined ? awsBlock(span.aws) : undefined;
  if (aws !== undefined) doc['aws'] = aws;
  if (span.sql !== undefined) doc['sql'] = sqlBlock(span.sql);
  if (Object.keys(span.annotations).length > 0) doc['annotations'] = { ...span.annotations };
  if (Object.keys(span.metadata).length > 0) doc['metadata'] = span.metadata as Record<string, JsonValue>;
  if (span.cause !== undefined) doc['cause'] = causeValue(span.cause);
  put(doc, 'links', linksValue(span));
  return doc;
}

/** Spans that start a document of their own: segments, inferred segments, and parentless subsegments. */
function isTopLevel(span: Span): boolean {
  return span.kind !== 'subsegment' || span.parentId === undefined;
}

/** The trace as segment documents (objects), one per segment, subsegments embedded. */
export function traceToDocuments(trace: Trace): SegmentDocumentObject[] {
  const byId = new Map<string, Span>();
  for (const span of trace.spans) if (!byId.has(span.id)) byId.set(span.id, span);
  const documents: SegmentDocumentObject[] = [];
  const written = new Map<string, Record<string, unknown>>();
  // `spans` is in pre-order, so a parent is always written before its children.
  for (const span of trace.spans) {
    if (written.has(span.id)) continue;
    const doc = spanFields(trace, span);
    written.set(span.id, doc);
    if (isTopLevel(span)) {
      const top: Record<string, unknown> = { trace_id: trace.id, ...doc };
      if (span.kind === 'inferred') top['inferred'] = true;
      if (span.kind === 'subsegment') top['type'] = 'subsegment';
      put(top, 'parent_id', span.parentId ?? span.declaredParentId);
      written.set(span.id, top);
      documents.push(top);
      continue;
    }
    const parent = span.parentId === undefined ? undefined : written.get(span.parentId);
    if (parent === undefined) continue;
    // Sent on its own, it named its parent; nesting places it now, the id is kept for the details.
    put(doc, 'parent_id', span.declaredParentId);
    const children = (parent['subsegments'] as Record<string, unknown>[] | undefined) ?? [];
    children.push(doc);
    parent['subsegments'] = children;
  }
  return documents;
}
