/**
 * A `TraceSummary` (a Traces view row) computed from a full `Trace`: for local and file traces,
 * which have no GetTraceSummaries row, and to add what only the full trace knows (cold start).
 */
import type { Span, SpanException, Trace, TraceSummary } from '../shared/traceModel';

function firstFailing(trace: Trace): Span | undefined {
  return trace.spans.find((span) => span.fault) ?? trace.spans.find((span) => span.error || span.throttle);
}

/** The deepest failing span under `span`: X-Ray names the innermost entity as the root cause. */
function deepestFailure(trace: Trace, start: Span): Span {
  const startIndex = trace.spans.indexOf(start);
  let deepest = start;
  for (let i = startIndex + 1; i < trace.spans.length; i++) {
    const span = trace.spans[i];
    if (span === undefined || span.depth <= start.depth) break;
    if ((span.fault || span.error || span.throttle) && span.depth > deepest.depth) deepest = span;
  }
  return deepest;
}

function serviceOf(trace: Trace, span: Span): string | undefined {
  const byId = new Map(trace.spans.map((item) => [item.id, item]));
  for (let current: Span | undefined = span; current !== undefined; current = current.parentId === undefined ? undefined : byId.get(current.parentId)) {
    if (current.kind !== 'subsegment') return current.name;
  }
  return undefined;
}

function rootCauseOf(trace: Trace): TraceSummary['rootCause'] {
  const failing = firstFailing(trace);
  if (failing === undefined) return undefined;
  const entity = deepestFailure(trace, failing);
  const exception: SpanException | undefined = entity.cause?.exceptions[0];
  const service = serviceOf(trace, entity);
  return {
    ...(service === undefined ? {} : { service }),
    entity: entity.name,
    ...(exception?.type === undefined ? {} : { exceptionName: exception.type }),
    ...(exception?.message === undefined ? {} : { message: exception.message }),
  };
}

function entrySpan(trace: Trace): Span | undefined {
  const roots = trace.rootIds.map((id) => trace.spans.find((span) => span.id === id)).filter((span): span is Span => span !== undefined);
  return roots.find((span) => span.kind === 'segment') ?? roots[0];
}

export function summarizeTrace(trace: Trace): TraceSummary {
  const entry = entrySpan(trace);
  const request = entry?.http?.request;
  const status = entry?.http?.response?.status;
  const http = request === undefined && status === undefined ? undefined : {
    ...(request?.method === undefined ? {} : { method: request.method }),
    ...(request?.url === undefined ? {} : { url: request.url }),
    ...(status === undefined ? {} : { status }),
  };
  const rootCause = rootCauseOf(trace);
  return {
    id: trace.id,
    startEpochMs: trace.startEpochMs,
    durationMs: trace.durationMs,
    ...(entry === undefined ? {} : { responseTimeMs: entry.durationMs }),
    status: trace.status,
    hasError: trace.spans.some((span) => span.error),
    hasFault: trace.spans.some((span) => span.fault),
    hasThrottle: trace.spans.some((span) => span.throttle),
    isPartial: trace.inProgress || trace.limitExceeded,
    entryPoint: trace.entryPoint ?? entry?.name ?? trace.id,
    ...(http === undefined ? {} : { http }),
    services: trace.services,
    coldStart: trace.coldStart,
    ...(rootCause === undefined ? {} : { rootCause }),
  };
}
