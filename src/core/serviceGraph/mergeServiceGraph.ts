/**
 * Merges X-Ray's aggregate service graph into a graph built from traces. Measured numbers win:
 * a service or call the traces cover keeps the traces' counts and percentiles; services and
 * calls only X-Ray saw (outside the traces read, or dropped by sampling of the fetch) are added
 * with X-Ray's numbers and `source: 'serviceGraph'`, so the map can say where each number came from.
 *
 * X-Ray names some resources by service rather than by resource (`SNS`, `S3`); such a service is
 * matched to the trace node its caller calls when exactly one node of that type fits.
 */
import type { GraphCounts, GraphEdge, GraphNode, ServiceGraph } from '../../shared/serviceGraphModel';
import type { ServiceType } from '../../shared/traceModel';
import { serviceTypeOf } from '../serviceType';
import { edgeId, healthOf } from './graphAccumulator';
import { latencyOfWeighted } from './latencyStats';
import { CLIENT_NODE, nodeId } from './nodeIdentity';
import type { ServiceGraphSnapshot, SnapshotService, SnapshotStats } from './serviceGraphSnapshot';

/** X-Ray's service type → ours. */
export function serviceTypeOfXRay(type: string, name: string): ServiceType {
  if (type === 'client') return 'client';
  if (type === 'remote') return 'http';
  if (type === '') return 'internal';
  return serviceTypeOf({ kind: 'segment', name, origin: type, hasSql: false, hasHttpRequest: false });
}

function countsOf(stats: SnapshotStats | undefined): GraphCounts {
  if (stats === undefined) return { total: 0, ok: 0, errors: 0, faults: 0, throttles: 0 };
  return { total: stats.total, ok: stats.ok, errors: stats.errors, faults: stats.faults, throttles: stats.throttles };
}

function meanOf(stats: SnapshotStats | undefined): number | undefined {
  return stats?.totalResponseTimeMs === undefined || stats.total === 0 ? undefined : stats.totalResponseTimeMs / stats.total;
}

class NodeMatcher {
  private readonly byId: ReadonlyMap<string, GraphNode>;
  /** Snapshot reference id → graph node id (existing or new). */
  readonly matched = new Map<number, string>();
  private readonly taken = new Set<string>();

  constructor(private readonly graph: ServiceGraph, private readonly services: readonly SnapshotService[]) {
    this.byId = new Map(graph.nodes.map((node) => [node.id, node]));
  }

  private take(service: SnapshotService, id: string): void {
    this.matched.set(service.referenceId, id);
    this.taken.add(id);
  }

  private byName(service: SnapshotService, type: ServiceType): GraphNode | undefined {
    const names = new Set(service.names.concat(service.name));
    return this.graph.nodes.find((node) => node.type === type && !this.taken.has(node.id) &&
      (names.has(node.name) || (node.functionName !== undefined && names.has(node.functionName)) || (node.resource !== undefined && names.has(node.resource))));
  }

  /** The one unmatched node of `type` that the node matched to a caller of `service` calls. */
  private byCaller(service: SnapshotService, type: ServiceType): GraphNode | undefined {
    const candidates = new Set<string>();
    for (const caller of this.services) {
      const callerId = this.matched.get(caller.referenceId);
      if (callerId === undefined || !caller.edges.some((edge) => edge.referenceId === service.referenceId)) continue;
      for (const edge of this.graph.edges) {
        const callee = edge.from === callerId ? this.byId.get(edge.to) : undefined;
        if (callee !== undefined && callee.type === type && !this.taken.has(callee.id)) candidates.add(callee.id);
      }
    }
    const [only, ...others] = [...candidates];
    return only !== undefined && others.length === 0 ? this.byId.get(only) : undefined;
  }

  match(): void {
    const pending: SnapshotService[] = [];
    for (const service of this.services) {
      const type = serviceTypeOfXRay(service.type, service.name);
      const id = type === 'client' ? CLIENT_NODE.id : nodeId(type, service.name);
      const found = this.byId.has(id) ? this.byId.get(id) : this.byName(service, type);
      if (found !== undefined) this.take(service, found.id);
      else pending.push(service);
    }
    // Callers first matched, now the resources X-Ray names generically.
    for (let progress = true; progress && pending.length > 0; ) {
      progress = false;
      for (let i = 0; i < pending.length; i++) {
        const service = pending[i];
        if (service === undefined) continue;
        const found = this.byCaller(service, serviceTypeOfXRay(service.type, service.name));
        if (found === undefined) continue;
        this.take(service, found.id);
        pending.splice(i--, 1);
        progress = true;
      }
    }
    for (const service of pending) {
      const type = serviceTypeOfXRay(service.type, service.name);
      this.matched.set(service.referenceId, type === 'client' ? CLIENT_NODE.id : nodeId(type, service.name));
    }
  }
}

function snapshotNode(service: SnapshotService, id: string): GraphNode {
  const type = serviceTypeOfXRay(service.type, service.name);
  const counts = countsOf(service.stats);
  const latency = latencyOfWeighted(service.responseTimes, meanOf(service.stats));
  return {
    id,
    name: type === 'client' ? CLIENT_NODE.name : service.name,
    type,
    ...(type === 'lambda' || type === 'lambdaFunction' ? { functionName: service.name } : {}),
    counts,
    ...(latency === undefined ? {} : { latency }),
    health: healthOf(counts),
    source: 'serviceGraph',
    traceIds: [],
    root: false,
  };
}

export function mergeServiceGraph(graph: ServiceGraph, snapshot: ServiceGraphSnapshot): ServiceGraph {
  const matcher = new NodeMatcher(graph, snapshot.services);
  matcher.match();
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const edges = new Map(graph.edges.map((edge) => [edge.id, edge]));
  const connected = new Set(graph.edges.map((edge) => `${edge.from}->${edge.to}`));
  let added = false;
  for (const service of snapshot.services) {
    const id = matcher.matched.get(service.referenceId);
    if (id === undefined) continue;
    if (!nodes.has(id)) {
      nodes.set(id, snapshotNode(service, id));
      added = true;
    }
    for (const edge of service.edges) {
      const to = matcher.matched.get(edge.referenceId);
      if (to === undefined || to === id || connected.has(`${id}->${to}`)) continue;
      const kind = edge.edgeType?.toLowerCase() === 'link' ? 'linked' : 'sync';
      const counts = countsOf(edge.stats);
      const latency = latencyOfWeighted(edge.responseTimes, meanOf(edge.stats));
      const merged: GraphEdge = {
        id: edgeId(id, to, kind),
        from: id,
        to,
        kind,
        counts,
        ...(latency === undefined ? {} : { latency }),
        health: healthOf(counts),
        source: 'serviceGraph',
        failingTraceIds: [],
      };
      edges.set(merged.id, merged);
      connected.add(`${id}->${to}`);
      added = true;
    }
  }
  const callees = new Set([...edges.values()].map((edge) => edge.to));
  const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    nodes: [...nodes.values()].map((node) => ({ ...node, root: !callees.has(node.id) })).sort(byId),
    edges: [...edges.values()].sort(byId),
    traceCount: graph.traceCount,
    startEpochMs: graph.traceCount === 0 ? snapshot.startEpochMs : Math.min(graph.startEpochMs, snapshot.startEpochMs),
    endEpochMs: Math.max(graph.endEpochMs, snapshot.endEpochMs),
    mergedServiceGraph: graph.mergedServiceGraph || added,
  };
}
