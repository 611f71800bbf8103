/**
 * Turns the segment documents of one trace, in any order and any of the accepted forms, into the
 * normalized `Trace` of `shared/traceModel.ts`. Never throws: whatever cannot be read becomes a
 * `TraceWarning` and the rest of the trace is kept.
 */
import type { Span, SpanStatus, Trace, TraceWarning } from '../shared/traceModel';
import { resolveCauseReferences } from './spanCause';
import { collectDrafts } from './spanDrafts';
import { parseTraceIdInput } from './traceIds';
import { buildTraceTree } from './traceTree';

export interface BuildTraceInput {
  /** The id the caller asked for; wins over the documents' `trace_id`. */
  traceId?: string;
  /** JSON strings, objects, or daemon UDP datagrams. */
  documents: readonly unknown[];
  /** BatchGetTraces `LimitExceeded`: X-Ray dropped part of the trace. */
  limitExceeded?: boolean;
}

/** Spans by id, backed by the builder's draft map rather than a second 100,000-entry map. */
interface SpanLookup {
  get(id: string): Span | undefined;
  has(id: string): boolean;
}

const STATUS_RANK: Record<SpanStatus, number> = { ok: 0, error: 1, throttle: 2, fault: 3 };

function normalizeTraceId(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  // Anonymized samples carry ids that are not hex; keep them as written rather than lose them.
  return parseTraceIdInput(raw) ?? raw.trim();
}

function worstStatus(spans: readonly Span[]): SpanStatus {
  let worst: SpanStatus = 'ok';
  for (const span of spans) {
    if (STATUS_RANK[span.status] > STATUS_RANK[worst]) worst = span.status;
  }
  return worst;
}

/** Cold start marks and the invocation request id, which X-Ray records only on the service segment. */
function applyLambdaFacts(spans: readonly Span[], byId: SpanLookup): void {
  for (const span of spans) {
    const parent = span.parentId === undefined ? undefined : byId.get(span.parentId);
    // Powertools' `ColdStart` annotation (on the handler subsegment, or on an OpenTelemetry function
    // segment with `faas.coldstart`) marks the invocation as a cold start, as Initialization does.
    if (span.annotations['ColdStart'] === true) {
      span.coldStart = true;
      if (parent?.origin === 'AWS::Lambda::Function') parent.coldStart = true;
    }
    if (parent === undefined) continue;
    if (span.name === 'Initialization' && parent.origin === 'AWS::Lambda::Function') {
      span.coldStart = true;
      parent.coldStart = true;
    }
    if (span.origin === 'AWS::Lambda::Function' && parent.origin === 'AWS::Lambda' && parent.lambda !== undefined) {
      const own = span.lambda ?? {};
      span.lambda = {
        ...own,
        ...(own.requestId === undefined && parent.lambda.requestId !== undefined ? { requestId: parent.lambda.requestId } : {}),
        ...(own.functionArn === undefined && parent.lambda.functionArn !== undefined ? { functionArn: parent.lambda.functionArn } : {}),
        ...(own.functionName === undefined && parent.lambda.functionName !== undefined ? { functionName: parent.lambda.functionName } : {}),
      };
    }
  }
}

function servicesOf(spans: readonly Span[]): string[] {
  const services = spans
    .filter((span) => span.kind !== 'subsegment')
    .map((span, position) => ({ span, position }))
    .sort((a, b) => a.span.startMs - b.span.startMs || a.position - b.position);
  return [...new Set(services.map(({ span }) => span.name))];
}

function entryPointOf(rootIds: readonly string[], byId: SpanLookup): string | undefined {
  const roots = rootIds.map((id) => byId.get(id)).filter((span): span is Span => span !== undefined);
  const root = roots.find((span) => span.kind === 'segment') ?? roots[0];
  if (root === undefined) return undefined;
  const request = root.http?.request;
  if (request?.url !== undefined) {
    return request.method === undefined ? request.url : `${request.method} ${request.url}`;
  }
  return root.name;
}

function assemble(input: BuildTraceInput): Trace {
  const collection = collectDrafts(Array.isArray(input.documents) ? input.documents : []);
  const warnings: TraceWarning[] = collection.warnings;
  const tree = buildTraceTree(collection.drafts, warnings);
  const byId: SpanLookup = { get: (id) => collection.drafts.get(id)?.span, has: (id) => collection.drafts.has(id) };
  applyLambdaFacts(tree.spans, byId);
  resolveCauseReferences(tree.spans, byId, warnings);
  const limitExceeded = input.limitExceeded === true;
  if (limitExceeded) {
    warnings.push({ code: 'limitExceeded', message: 'X-Ray dropped part of this trace because it exceeded the trace size limit' });
  }
  const entryPoint = entryPointOf(tree.rootIds, byId);
  return {
    id: normalizeTraceId(input.traceId) ?? normalizeTraceId(collection.documentTraceId) ?? '',
    startEpochMs: tree.startEpochMs,
    durationMs: tree.durationMs,
    status: worstStatus(tree.spans),
    spans: tree.spans,
    rootIds: tree.rootIds,
    ...(entryPoint === undefined ? {} : { entryPoint }),
    services: servicesOf(tree.spans),
    coldStart: tree.spans.some((span) => span.coldStart),
    inProgress: tree.spans.some((span) => span.inProgress),
    limitExceeded,
    warnings,
  };
}

/** Builds a `Trace` from its segment documents. Never throws. */
export function buildTrace(input: BuildTraceInput): Trace {
  try {
    return assemble(input);
  } catch (error) {
    // Last resort for a bug of ours: an empty trace that says why beats a failed command.
    return {
      id: typeof input?.traceId === 'string' ? input.traceId.trim() : '',
      startEpochMs: 0,
      durationMs: 0,
      status: 'ok',
      spans: [],
      rootIds: [],
      services: [],
      coldStart: false,
      inProgress: false,
      limitExceeded: input?.limitExceeded === true,
      warnings: [{ code: 'invalidField', message: `The trace could not be built: ${error instanceof Error ? error.message : String(error)}` }],
    };
  }
}
