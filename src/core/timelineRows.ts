/**
 * Encodes a `Trace` into the timeline's columnar wire form (`shared/timelineRows.ts`). Pure and
 * linear in the number of spans; runs on the host before every `trace` message.
 */
import type { Span, Trace } from '../shared/traceModel';
import type { TimelineRows, TimelineTraceHeader } from '../shared/timelineRows';
import { ROW_FLAG, SERVICE_TYPES, SPAN_KINDS, SPAN_STATUSES } from '../shared/timelineRows';

const STATUS_CODE = new Map<string, number>(SPAN_STATUSES.map((s, i) => [s, i]));
const KIND_CODE = new Map<string, number>(SPAN_KINDS.map((k, i) => [k, i]));
const SERVICE_CODE = new Map<string, number>(SERVICE_TYPES.map((t, i) => [t, i]));
const INTERNAL_SERVICE = SERVICE_TYPES.indexOf('internal');

/** Spans in row order with each row's parent row and depth. */
interface RowOrder {
  spans: Span[];
  parent: Int32Array;
  depth: Int32Array;
}

/** The rows of `trace`, one per span id, in depth-first pre-order. */
export function encodeTimelineRows(trace: Trace): TimelineRows {
  const { spans, parent, depth } = trustedOrder(trace.spans) ?? rebuiltOrder(trace);
  const count = spans.length;
  const rows: TimelineRows = {
    count,
    ids: new Array<string>(count),
    names: new Array<string>(count),
    secondary: new Array<string>(count),
    parent,
    depth,
    startMs: new Float64Array(count),
    durationMs: new Float64Array(count),
    status: new Uint8Array(count),
    serviceType: new Uint8Array(count),
    kind: new Uint8Array(count),
    flags: new Uint8Array(count),
    searchText: new Array<string>(count),
  };
  for (let i = 0; i < count; i++) {
    const span = spans[i] as Span;
    rows.ids[i] = span.id;
    rows.names[i] = span.name;
    rows.secondary[i] = secondaryText(span);
    rows.startMs[i] = span.startMs;
    rows.durationMs[i] = span.durationMs;
    rows.status[i] = STATUS_CODE.get(span.status) ?? 0;
    rows.serviceType[i] = SERVICE_CODE.get(span.serviceType) ?? INTERNAL_SERVICE;
    rows.kind[i] = KIND_CODE.get(span.kind) ?? 0;
    // Children come after their parent, so no bit of this row is set yet.
    rows.flags[i] = spanFlags(span);
    rows.searchText[i] = searchText(span);
    const p = parent[i] as number;
    if (p >= 0) {
      rows.flags[p] = (rows.flags[p] as number) | ROW_FLAG.hasChildren;
    }
  }
  return rows;
}

/** The header facts of `trace`; `spanCount` is the number of rows actually posted. */
export function encodeTraceHeader(trace: Trace, spanCount: number): TimelineTraceHeader {
  const header: TimelineTraceHeader = {
    id: trace.id,
    startEpochMs: trace.startEpochMs,
    durationMs: trace.durationMs,
    status: trace.status,
    services: trace.services,
    coldStart: trace.coldStart,
    inProgress: trace.inProgress,
    limitExceeded: trace.limitExceeded,
    warnings: trace.warnings,
    spanCount,
  };
  if (trace.entryPoint !== undefined) {
    header.entryPoint = trace.entryPoint;
  }
  return header;
}

function spanFlags(span: Span): number {
  let flags = 0;
  if (span.coldStart) flags |= ROW_FLAG.coldStart;
  if (span.inProgress) flags |= ROW_FLAG.inProgress;
  if (span.clockSkew) flags |= ROW_FLAG.clockSkew;
  if ((span.cause?.exceptions.length ?? 0) > 0) flags |= ROW_FLAG.hasException;
  return flags;
}

/** Short dim text after the name: the AWS operation and resource, or the HTTP method and status. */
export function secondaryText(span: Span): string {
  const aws = span.aws;
  if (aws && (aws.operation || aws.tableName || aws.queueUrl || aws.topicArn)) {
    const resource = aws.tableName ?? lastPart(aws.queueUrl, '/') ?? lastPart(aws.topicArn, ':') ?? aws.resourceNames?.[0];
    return aws.operation && resource ? `${aws.operation} · ${resource}` : aws.operation || resource || '';
  }
  const http = span.http;
  const method = http?.request?.method;
  const status = http?.response?.status;
  if (method || status !== undefined) {
    return method && status !== undefined ? `${method} ${status}` : method || String(status);
  }
  if (span.sql) {
    return span.sql.databaseType ?? 'SQL';
  }
  return '';
}

function lastPart(value: string | undefined, separator: string): string | undefined {
  if (!value) {
    return undefined;
  }
  return value.slice(value.lastIndexOf(separator) + 1) || value;
}

/**
 * Everything a search may match on a row, lower-cased once here so the webview's search is a
 * plain `includes` per row. Plain appends, no closure or array per span: this runs for every
 * span of every trace opened, and was the bulk of the encode time written the tidy way.
 */
export function searchText(span: Span): string {
  let text = `${span.name}\n${span.serviceType}`;
  text = append(text, span.origin);
  text = append(text, span.id);
  const { http, aws } = span;
  if (http) {
    text = append(text, http.request?.url);
    text = append(text, http.request?.method);
    text = append(text, http.response?.status);
  }
  if (aws) {
    text = append(text, aws.operation);
    text = append(text, aws.tableName);
    text = append(text, aws.queueUrl);
    text = append(text, aws.topicArn);
    text = append(text, aws.requestId);
    text = append(text, aws.functionName);
  }
  text = append(text, span.lambda?.requestId);
  const annotations = span.annotations;
  for (const key of Object.keys(annotations)) {
    text = append(append(text, key), annotations[key]);
  }
  const exceptions = span.cause?.exceptions;
  if (exceptions) {
    for (const exception of exceptions) {
      text = append(append(text, exception.type), exception.message);
    }
  }
  return text.toLowerCase();
}

function append(text: string, value: string | number | boolean | undefined): string {
  return value === undefined || value === '' ? text : `${text}\n${value}`;
}

/**
 * The model promises `trace.spans` in depth-first pre-order with unique ids. When that holds
 * (one pass: each span's parent must be the nearest open ancestor) the array is used as it is.
 */
function trustedOrder(spans: readonly Span[]): RowOrder | undefined {
  const n = spans.length;
  const indexById = new Map<string, number>();
  const parent = new Int32Array(n);
  const depth = new Int32Array(n);
  const open: number[] = [];
  // Rows whose declared parent was not seen before them: fine only if it is not in the trace at all.
  const unseenParents: string[] = [];
  for (let i = 0; i < n; i++) {
    const span = spans[i] as Span;
    if (indexById.has(span.id)) {
      return undefined;
    }
    indexById.set(span.id, i);
    const p = span.parentId === undefined ? -1 : (indexById.get(span.parentId) ?? -1);
    if (p < 0 && span.parentId !== undefined) {
      unseenParents.push(span.parentId);
    }
    // A parent seen earlier but already closed (or one that comes later) breaks pre-order.
    while (open.length > 0 && open[open.length - 1] !== p) {
      open.pop();
    }
    if (p >= 0 && open.length === 0) {
      return undefined;
    }
    parent[i] = p;
    depth[i] = p < 0 ? 0 : (depth[p] as number) + 1;
    open.push(i);
  }
  if (unseenParents.some((id) => indexById.has(id))) {
    return undefined;
  }
  return { spans: spans as Span[], parent, depth };
}

/**
 * Rebuilds the order from `rootIds` and `childIds`, guarding against cycles and duplicate ids;
 * spans no root reaches become roots of their own.
 */
function rebuiltOrder(trace: Trace): RowOrder {
  const byId = new Map<string, Span>();
  for (const span of trace.spans) {
    if (!byId.has(span.id)) {
      byId.set(span.id, span);
    }
  }
  const spans: Span[] = [];
  const parents: number[] = [];
  const depths: number[] = [];
  const placed = new Set<string>();
  const visit = (rootId: string): void => {
    const stack: [string, number][] = [[rootId, -1]];
    for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
      const [id, p] = item;
      const span = byId.get(id);
      if (!span || placed.has(id)) {
        continue;
      }
      placed.add(id);
      const row = spans.length;
      spans.push(span);
      parents.push(p);
      depths.push(p < 0 ? 0 : (depths[p] as number) + 1);
      for (let c = span.childIds.length - 1; c >= 0; c--) {
        stack.push([span.childIds[c] as string, row]);
      }
    }
  };
  for (const id of trace.rootIds) {
    visit(id);
  }
  for (const span of trace.spans) {
    visit(span.id);
  }
  return { spans, parent: Int32Array.from(parents), depth: Int32Array.from(depths) };
}
