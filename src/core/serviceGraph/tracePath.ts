/**
 * The nodes and edges one trace goes through, for highlighting it on the map. Walks the trace the
 * way the builder does, so the path always uses the map's own ids; async edges are included when
 * their (capped) evidence names the trace. Only ids present in `graph` are returned.
 */
import type { ServiceGraph } from '../../shared/serviceGraphModel';
import type { Trace } from '../../shared/traceModel';
import { edgeId } from './graphAccumulator';
import { CLIENT_NODE } from './nodeIdentity';
import { walkTrace } from './traceWalk';

export interface TracePath {
  nodeIds: string[];
  edgeIds: string[];
}

export function pathOfTrace(graph: ServiceGraph, trace: Trace): TracePath {
  const nodeIds = new Set<string>();
  const edgeIds = new Set<string>();
  const entries: string[] = [];
  walkTrace(trace, {
    request: (node) => nodeIds.add(node.id),
    call: (from, to) => edgeIds.add(edgeId(from, to.id, 'sync')),
    entry: (span, node) => {
      if (span.declaredParentId === undefined) entries.push(node.id);
    },
  });
  let consumer = false;
  for (const edge of graph.edges) {
    if (edge.kind === 'sync' || edge.evidence === undefined) continue;
    const received = edge.evidence.some((evidence) => evidence.toTraceId === trace.id);
    if (received || edge.evidence.some((evidence) => evidence.fromTraceId === trace.id)) {
      edgeIds.add(edge.id);
      nodeIds.add(edge.from);
      nodeIds.add(edge.to);
    }
    consumer ||= received;
  }
  const knownEdges = new Set(graph.edges.map((edge) => edge.id));
  // The builder leaves out the client edge of a stitched consumer; the graph says whether there is one.
  for (const entry of consumer ? [] : entries) {
    const id = edgeId(CLIENT_NODE.id, entry, 'sync');
    if (knownEdges.has(id)) {
      edgeIds.add(id);
      nodeIds.add(CLIENT_NODE.id);
    }
  }
  const knownNodes = new Set(graph.nodes.map((node) => node.id));
  return {
    nodeIds: [...nodeIds].filter((id) => knownNodes.has(id)),
    edgeIds: [...edgeIds].filter((id) => knownEdges.has(id)),
  };
}
