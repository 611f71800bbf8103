/**
 * Running totals per node and edge while traces are walked: outcome counts, raw durations (for
 * exact percentiles at the end) and the traces involved, by trace index so nothing is copied per
 * span. `finish()` turns them into the plain `ServiceGraph` data the map webview receives.
 */
import type {
  EdgeEvidence,
  GraphCounts,
  GraphEdge,
  GraphEdgeKind,
  GraphHealth,
  GraphNode,
} from '../../shared/serviceGraphModel';
import type { SpanStatus } from '../../shared/traceModel';
import { latencyOf } from './latencyStats';
import type { NodeIdentity } from './nodeIdentity';

export interface GraphLimits {
  /** Trace ids kept per node (newest first). */
  maxTraceIdsPerNode: number;
  /** Failing trace ids kept per edge (newest first). */
  maxFailingTraceIds: number;
  /** Evidence entries kept per async edge. */
  maxEvidence: number;
}

export function emptyCounts(): GraphCounts {
  return { total: 0, ok: 0, errors: 0, faults: 0, throttles: 0 };
}

/** Each request counts once, under its worst outcome: `total = ok + errors + faults + throttles`. */
export function countStatus(counts: GraphCounts, status: SpanStatus): void {
  counts.total++;
  if (status === 'ok') counts.ok++;
  else if (status === 'error') counts.errors++;
  else if (status === 'fault') counts.faults++;
  else counts.throttles++;
}

/** Worst outcome seen: fault > throttle > error > ok; `unknown` without any request. */
export function healthOf(counts: GraphCounts): GraphHealth {
  if (counts.total === 0) return 'unknown';
  if (counts.faults > 0) return 'fault';
  if (counts.throttles > 0) return 'throttle';
  if (counts.errors > 0) return 'error';
  return 'ok';
}

interface NodeAcc {
  identity: NodeIdentity;
  counts: GraphCounts;
  durations: number[];
  traces: number[];
  lastTrace: number;
}

export interface EdgeAcc {
  id: string;
  from: string;
  to: string;
  kind: GraphEdgeKind;
  counts: GraphCounts;
  durations: number[];
  failing: number[];
  lastFailing: number;
  evidence: EdgeEvidence[];
  evidenceKeys: Set<string>;
}

export function edgeId(from: string, to: string, kind: GraphEdgeKind): string {
  return kind === 'sync' ? `${from}->${to}` : `${from}->${to}#${kind}`;
}

export class GraphAccumulator {
  private readonly nodes = new Map<string, NodeAcc>();
  private readonly edges = new Map<string, EdgeAcc>();
  /** from → to → sync edge: the hot path looks edges up without building their id. */
  private readonly syncEdges = new Map<string, Map<string, EdgeAcc>>();

  /** `traceStarts[i]`: start of trace i, to order trace lists newest first. */
  constructor(private readonly traceIds: readonly string[], private readonly traceStarts: readonly number[], private readonly limits: GraphLimits) {}

  private node(identity: NodeIdentity): NodeAcc {
    let acc = this.nodes.get(identity.id);
    if (acc === undefined) {
      acc = { identity: { ...identity }, counts: emptyCounts(), durations: [], traces: [], lastTrace: -1 };
      this.nodes.set(identity.id, acc);
    } else {
      // Later spans may know what the first one did not (the ARN, the queue URL).
      const known = acc.identity;
      if (known.functionName === undefined && identity.functionName !== undefined) known.functionName = identity.functionName;
      if (known.functionArn === undefined && identity.functionArn !== undefined) known.functionArn = identity.functionArn;
      if (known.resource === undefined && identity.resource !== undefined) known.resource = identity.resource;
    }
    return acc;
  }

  hasNode(id: string): boolean {
    return this.nodes.has(id);
  }

  request(identity: NodeIdentity, status: SpanStatus, durationMs: number | undefined, traceIndex: number): void {
    const acc = this.node(identity);
    countStatus(acc.counts, status);
    if (durationMs !== undefined) acc.durations.push(durationMs);
    if (acc.lastTrace !== traceIndex) {
      acc.traces.push(traceIndex);
      acc.lastTrace = traceIndex;
    }
  }

  /** Makes sure a node exists (an async edge's end) without counting a request. */
  touch(identity: NodeIdentity): void {
    this.node(identity);
  }

  edge(from: string, to: string, kind: GraphEdgeKind): EdgeAcc {
    if (kind === 'sync') {
      let byTo = this.syncEdges.get(from);
      if (byTo === undefined) this.syncEdges.set(from, (byTo = new Map()));
      const known = byTo.get(to);
      if (known !== undefined) return known;
      const created = this.createEdge(from, to, kind);
      byTo.set(to, created);
      return created;
    }
    return this.createEdge(from, to, kind);
  }

  private createEdge(from: string, to: string, kind: GraphEdgeKind): EdgeAcc {
    const id = edgeId(from, to, kind);
    let acc = this.edges.get(id);
    if (acc === undefined) {
      acc = { id, from, to, kind, counts: emptyCounts(), durations: [], failing: [], lastFailing: -1, evidence: [], evidenceKeys: new Set() };
      this.edges.set(id, acc);
    }
    return acc;
  }

  call(acc: EdgeAcc, status: SpanStatus, durationMs: number | undefined, traceIndex: number): void {
    countStatus(acc.counts, status);
    if (durationMs !== undefined) acc.durations.push(durationMs);
    if (status !== 'ok' && acc.lastFailing !== traceIndex) {
      acc.failing.push(traceIndex);
      acc.lastFailing = traceIndex;
    }
  }

  addEvidence(acc: EdgeAcc, evidence: EdgeEvidence): void {
    const key = `${evidence.kind}|${evidence.fromTraceId}|${evidence.toTraceId}`;
    if (acc.evidence.length >= this.limits.maxEvidence || acc.evidenceKeys.has(key)) return;
    acc.evidenceKeys.add(key);
    acc.evidence.push(evidence);
  }

  private newestFirst(indexes: readonly number[], cap: number): string[] {
    const unique = [...new Set(indexes)];
    unique.sort((a, b) => (this.traceStarts[b] ?? 0) - (this.traceStarts[a] ?? 0) || a - b);
    return unique.slice(0, cap).map((index) => this.traceIds[index] ?? '');
  }

  finish(): { nodes: GraphNode[]; edges: GraphEdge[] } {
    const callees = new Set<string>();
    const edges: GraphEdge[] = [...this.edges.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((acc) => {
      callees.add(acc.to);
      const latency = latencyOf(acc.durations);
      return {
        id: acc.id,
        from: acc.from,
        to: acc.to,
        kind: acc.kind,
        counts: acc.counts,
        ...(latency === undefined ? {} : { latency }),
        health: healthOf(acc.counts),
        source: 'traces',
        ...(acc.kind === 'sync' ? {} : { evidence: acc.evidence }),
        failingTraceIds: this.newestFirst(acc.failing, this.limits.maxFailingTraceIds),
      };
    });
    const nodes: GraphNode[] = [...this.nodes.values()].sort((a, b) => (a.identity.id < b.identity.id ? -1 : a.identity.id > b.identity.id ? 1 : 0)).map((acc) => {
      const { identity } = acc;
      const latency = latencyOf(acc.durations);
      const traceIds = this.newestFirst(acc.traces, this.limits.maxTraceIdsPerNode);
      const traceCount = new Set(acc.traces).size;
      return {
        id: identity.id,
        name: identity.name,
        type: identity.type,
        ...(identity.functionName === undefined ? {} : { functionName: identity.functionName }),
        ...(identity.functionArn === undefined ? {} : { functionArn: identity.functionArn }),
        ...(identity.resource === undefined ? {} : { resource: identity.resource }),
        counts: acc.counts,
        ...(latency === undefined ? {} : { latency }),
        health: healthOf(acc.counts),
        source: 'traces',
        traceIds,
        traceCount,
        ...(traceCount > traceIds.length ? { traceCountCapped: true } : {}),
        root: !callees.has(identity.id),
      };
    });
    return { nodes, edges };
  }
}
