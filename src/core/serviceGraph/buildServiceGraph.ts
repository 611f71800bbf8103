/**
 * The service map of a set of traces (AWS, local or file alike): one node per service or
 * resource, one edge per caller → callee pair with outcome counts and exact latency percentiles,
 * async hops stitched across traces (`asyncStitching.ts`), and a "Clients" node in front of the
 * services where requests entered. Pure and linear in the number of spans.
 */
import type { ServiceGraph } from '../../shared/serviceGraphModel';
import type { Span, Trace } from '../../shared/traceModel';
import { AsyncCollector } from './asyncStitching';
import { GraphAccumulator } from './graphAccumulator';
import type { GraphLimits } from './graphAccumulator';
import { CLIENT_NODE } from './nodeIdentity';
import type { NodeIdentity } from './nodeIdentity';
import { walkTrace } from './traceWalk';
import type { SpanPlace, WalkVisitor } from './traceWalk';

export interface ServiceGraphOptions extends Partial<GraphLimits> {
  /**
   * Longest gap (ms) between a publish and the start of a consumer trace naming the same
   * queue/topic/bus for a `timing` edge; 0 turns timing inference off. Default 2,000.
   */
  timingWindowMs?: number;
  /** The window the traces were asked for; default: from the first trace start to the last end. */
  startEpochMs?: number;
  endEpochMs?: number;
}

export const DEFAULT_GRAPH_LIMITS: GraphLimits = { maxTraceIdsPerNode: 100, maxFailingTraceIds: 50, maxEvidence: 20 };
export const DEFAULT_TIMING_WINDOW_MS = 2_000;

interface Entry {
  traceIndex: number;
  span: Span;
  node: NodeIdentity;
}

/** In-progress spans have no real duration: they count as requests but not in latency. */
export function measuredDurationMs(span: Span): number | undefined {
  return span.inProgress ? undefined : span.durationMs;
}

function windowOf(traces: readonly Trace[], options: ServiceGraphOptions): { startEpochMs: number; endEpochMs: number } {
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const trace of traces) {
    if (trace.spans.length === 0) continue;
    start = Math.min(start, trace.startEpochMs);
    end = Math.max(end, trace.startEpochMs + trace.durationMs);
  }
  return {
    startEpochMs: options.startEpochMs ?? (Number.isFinite(start) ? start : 0),
    endEpochMs: options.endEpochMs ?? (Number.isFinite(end) ? end : 0),
  };
}

export function buildServiceGraph(traces: readonly Trace[], options: ServiceGraphOptions = {}): ServiceGraph {
  const limits: GraphLimits = {
    maxTraceIdsPerNode: options.maxTraceIdsPerNode ?? DEFAULT_GRAPH_LIMITS.maxTraceIdsPerNode,
    maxFailingTraceIds: options.maxFailingTraceIds ?? DEFAULT_GRAPH_LIMITS.maxFailingTraceIds,
    maxEvidence: options.maxEvidence ?? DEFAULT_GRAPH_LIMITS.maxEvidence,
  };
  const graph = new GraphAccumulator(traces.map((trace) => trace.id), traces.map((trace) => trace.startEpochMs), limits);
  const collector = new AsyncCollector(traces);
  const entries: Entry[] = [];
  let traceIndex = 0;
  // One visitor for all traces; `traceIndex` says which trace is being walked.
  const visitor: WalkVisitor = {
    request: (node, span) => graph.request(node, span.status, measuredDurationMs(span), traceIndex),
    call: (from, to, span) => graph.call(graph.edge(from, to.id, 'sync'), span.status, measuredDurationMs(span), traceIndex),
    entry: (span, node) => {
      entries.push({ traceIndex, span, node });
    },
    span: (span: Span, place: SpanPlace) => collector.span(traceIndex, span, place),
    downstream: (span: Span, place: SpanPlace, calleeId: string) => collector.downstream(traceIndex, span, place, calleeId),
  };
  for (; traceIndex < traces.length; traceIndex++) {
    const trace = traces[traceIndex];
    if (trace !== undefined) walkTrace(trace, visitor);
  }
  const stitched = collector.stitch(graph, options.timingWindowMs ?? DEFAULT_TIMING_WINDOW_MS);
  for (const entry of entries) {
    // A consumer reached through a stitched hop, or a segment whose caller is elsewhere, was not called by a client.
    if (stitched.has(entry.traceIndex) || entry.span.declaredParentId !== undefined || entry.node.type === 'client') continue;
    const durationMs = measuredDurationMs(entry.span);
    graph.request(CLIENT_NODE, entry.span.status, durationMs, entry.traceIndex);
    graph.call(graph.edge(CLIENT_NODE.id, entry.node.id, 'sync'), entry.span.status, durationMs, entry.traceIndex);
  }
  const { nodes, edges } = graph.finish();
  return { nodes, edges, traceCount: traces.length, ...windowOf(traces, options), mergedServiceGraph: false };
}
