/**
 * First pass of the trace builder: every input document is decoded, its embedded subsegments are
 * flattened (iteratively: nesting depth is producer-controlled), and each (sub)segment becomes a
 * draft span keyed by id. Times, depth and children are settled later by `traceTree.ts`.
 */
import type { Span, SpanKind, SpanStatus, TraceWarning } from '../shared/traceModel';
import { isRecord, readBoolean, readString } from './jsonRead';
import type { JsonRecord } from './jsonRead';
import { decodeSegmentDocument, readSpanEssentials } from './segmentDocument';
import type { SpanEssentials } from './segmentDocument';
import { serviceTypeOf } from './serviceType';
import { readCause } from './spanCause';
import { readAnnotations, readAwsCall, readHttp, readLambda, readLinks, readMetadata, readSql } from './spanFields';

export interface SpanDraft {
  span: Span;
  /** Position in the tree builder's arrays; set by `traceTree.ts`. */
  index: number;
  /** Arrival order over all documents: keeps the producer's order of embedded siblings. */
  order: number;
  /**
   * Id of the top-level (sub)segment of the document this span came in. Siblings that start
   * together are ordered by it before arrival order, so shuffled documents give the same tree.
   */
  documentKey: string;
  startSeconds: number;
  /** Undefined while in progress. */
  endSeconds: number | undefined;
  /** The (sub)segment this one was embedded in. */
  nestParentId: string | undefined;
  /**
   * True when this span or an ancestor in its document was in progress: such a document is a
   * preliminary copy, so its spans give way silently to the ones of the completed document.
   */
  provisional: boolean;
}

export interface DraftCollection {
  drafts: Map<string, SpanDraft>;
  warnings: TraceWarning[];
  /** `trace_id` of the first document that had one. */
  documentTraceId?: string;
  nextOrder: number;
}

interface Pending {
  value: unknown;
  documentKey: string;
  kind: SpanKind;
  nestParentId: string | undefined;
  provisional: boolean;
}

export function statusOf(fault: boolean, throttle: boolean, error: boolean): SpanStatus {
  if (fault) return 'fault';
  if (throttle) return 'throttle';
  if (error) return 'error';
  return 'ok';
}

function topLevelKind(doc: JsonRecord): SpanKind {
  if (readBoolean(doc, 'inferred') === true) return 'inferred';
  return readString(doc, 'type') === 'subsegment' ? 'subsegment' : 'segment';
}

function makeSpan(doc: JsonRecord, essentials: SpanEssentials, kind: SpanKind, warnings: TraceWarning[]): Span {
  const origin = readString(doc, 'origin');
  const namespace = readString(doc, 'namespace');
  const http = readHttp(doc);
  const sql = readSql(doc);
  const fault = readBoolean(doc, 'fault') === true;
  const throttle = readBoolean(doc, 'throttle') === true;
  const error = readBoolean(doc, 'error') === true;
  const span: Span = {
    id: essentials.id,
    name: essentials.name,
    kind,
    serviceType: serviceTypeOf({ kind, name: essentials.name, origin, namespace, hasSql: sql !== undefined, hasHttpRequest: http?.request !== undefined }),
    startMs: 0,
    endMs: 0,
    durationMs: 0,
    inProgress: essentials.inProgress,
    clockSkew: false,
    status: statusOf(fault, throttle, error),
    error,
    fault,
    throttle,
    depth: 0,
    childIds: [],
    coldStart: false,
    annotations: readAnnotations(doc),
    metadata: readMetadata(doc),
  };
  assignOptional(span, doc, { origin, namespace, http, sql });
  const cause = readCause(doc, essentials.id, warnings);
  if (cause !== undefined) span.cause = cause;
  return span;
}

function assignOptional(span: Span, doc: JsonRecord, known: Pick<Span, 'origin' | 'namespace' | 'http' | 'sql'>): void {
  if (known.origin !== undefined) span.origin = known.origin;
  if (known.namespace !== undefined) span.namespace = known.namespace;
  if (known.http !== undefined) span.http = known.http;
  if (known.sql !== undefined) span.sql = known.sql;
  const aws = readAwsCall(doc);
  if (aws !== undefined) span.aws = aws;
  const lambda = readLambda(doc, known.origin);
  if (lambda !== undefined) span.lambda = lambda;
  const resourceArn = readString(doc, 'resource_arn');
  if (resourceArn !== undefined) span.resourceArn = resourceArn;
  const user = readString(doc, 'user');
  if (user !== undefined) span.user = user;
  const links = readLinks(doc);
  if (links !== undefined) span.links = links;
  const declared = readString(doc, 'parent_id');
  if (declared !== undefined && declared !== '') span.declaredParentId = declared;
}

/** Applies the X-Ray rule "a complete document overwrites the in-progress one"; first complete copy wins. */
function insertDraft(collection: DraftCollection, draft: SpanDraft): boolean {
  const existing = collection.drafts.get(draft.span.id);
  if (existing === undefined) {
    collection.drafts.set(draft.span.id, draft);
    return true;
  }
  const replace = existing.span.inProgress !== draft.span.inProgress
    ? existing.span.inProgress
    : existing.provisional && !draft.provisional;
  if (replace) {
    collection.drafts.set(draft.span.id, draft);
    return true;
  }
  const silent = existing.span.inProgress || draft.span.inProgress || draft.provisional;
  if (!silent) {
    collection.warnings.push({ code: 'duplicateSpan', message: `Two complete documents for ${draft.span.id}; kept the first`, spanId: draft.span.id });
  }
  return false;
}

function collectOne(collection: DraftCollection, item: Pending, stack: Pending[]): void {
  if (!isRecord(item.value)) {
    collection.warnings.push({ code: 'notAnObject', message: `Skipped a subsegment of ${item.nestParentId ?? 'a document'}: not an object` });
    return;
  }
  const doc = item.value;
  let nestParentId = item.nestParentId;
  let provisional = item.provisional;
  const essentials = readSpanEssentials(doc, collection.warnings);
  if (essentials !== undefined) {
    provisional ||= essentials.inProgress;
    const draft: SpanDraft = {
      span: makeSpan(doc, essentials, item.kind, collection.warnings),
      index: -1,
      order: collection.nextOrder++,
      documentKey: item.documentKey,
      startSeconds: essentials.startSeconds,
      endSeconds: essentials.endSeconds,
      nestParentId: item.nestParentId,
      provisional,
    };
    insertDraft(collection, draft);
    // Children of a skipped (sub)segment hang from the nearest valid ancestor.
    nestParentId = essentials.id;
  }
  const subsegments = doc['subsegments'];
  if (Array.isArray(subsegments)) {
    for (let i = subsegments.length - 1; i >= 0; i--) {
      stack.push({ value: subsegments[i], documentKey: item.documentKey, kind: 'subsegment', provisional, nestParentId });
    }
  }
}

function collectDocument(collection: DraftCollection, doc: JsonRecord): void {
  const traceId = readString(doc, 'trace_id');
  if (collection.documentTraceId === undefined && traceId !== undefined && traceId !== '') {
    collection.documentTraceId = traceId;
  }
  const stack: Pending[] = [{ value: doc, documentKey: readString(doc, 'id') ?? '', kind: topLevelKind(doc), provisional: false, nestParentId: undefined }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    try {
      collectOne(collection, item, stack);
    } catch (error) {
      collection.warnings.push({ code: 'invalidField', message: `Skipped an unreadable (sub)segment: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
}

/** Decodes and flattens every document; problems become warnings, never exceptions. */
export function collectDrafts(documents: readonly unknown[]): DraftCollection {
  const collection: DraftCollection = { drafts: new Map(), warnings: [], nextOrder: 0 };
  documents.forEach((input, index) => {
    try {
      const decoded = decodeSegmentDocument(input);
      for (const warning of decoded.warnings) {
        collection.warnings.push({ ...warning, message: `Document ${index + 1}: ${warning.message}` });
      }
      if (decoded.document !== undefined) {
        collectDocument(collection, decoded.document);
      }
    } catch (error) {
      collection.warnings.push({ code: 'malformedJson', message: `Document ${index + 1} could not be read: ${error instanceof Error ? error.message : String(error)}` });
    }
  });
  return collection;
}
