/**
 * What the map draws, from the host's graph and layout and the user's groupings: collapsed
 * groups become one node (at the place of their busiest member, so nothing moves), edges are
 * re-attached to the groups and merged per pair and kind. Pure (no DOM), so it is cheap to
 * recompute on every collapse/expand.
 */
import type { CollapseRule, MapLayout } from '../../shared/mapMessages';
import type { EdgeEvidence, GraphCounts, GraphEdge, GraphEdgeKind, GraphHealth, GraphNode, GraphNumberSource, LatencyStats, ServiceGraph } from '../../shared/serviceGraphModel';
import type { ServiceType } from '../../shared/traceModel';

export interface VisibleNode {
  id: string;
  name: string;
  type: ServiceType;
  counts: GraphCounts;
  latency?: LatencyStats;
  health: GraphHealth;
  source: GraphNumberSource;
  x: number;
  y: number;
  /** The graph node, for a plain node. */
  node?: GraphNode;
  /** For a group: the rule and its members. */
  group?: { rule: CollapseRule; members: GraphNode[]; internalCalls: number };
}

/** A drawn edge: a graph edge (or several merged by a group), its evidence always a list. */
export interface VisibleEdge extends Omit<GraphEdge, 'evidence'> {
  evidence: EdgeEvidence[];
  /** The graph edges this one stands for (one, unless groups merged several). */
  members: GraphEdge[];
}

export interface MapModel {
  nodes: VisibleNode[];
  edges: VisibleEdge[];
  byId: Map<string, VisibleNode>;
  edgeById: Map<string, VisibleEdge>;
  /** Graph node id → the visible node drawing it (itself or its group). */
  visibleOf: Map<string, string>;
  bounds: { minX: number; minY: number; maxX: number; maxY: number };
}

const HEALTH_RANK: Record<GraphHealth, number> = { unknown: 0, ok: 1, error: 2, throttle: 3, fault: 4 };

export function worstHealth(values: Iterable<GraphHealth>): GraphHealth {
  let worst: GraphHealth = 'unknown';
  for (const value of values) {
    if (HEALTH_RANK[value] > HEALTH_RANK[worst]) worst = value;
  }
  return worst;
}

export function sumCounts(list: Iterable<GraphCounts>): GraphCounts {
  const total: GraphCounts = { total: 0, ok: 0, errors: 0, faults: 0, throttles: 0 };
  for (const c of list) {
    total.total += c.total;
    total.ok += c.ok;
    total.errors += c.errors;
    total.faults += c.faults;
    total.throttles += c.throttles;
  }
  return total;
}

export function groupId(rule: CollapseRule): string {
  return `group:${rule.kind}:${rule.value}`;
}

export function ruleMatches(rule: CollapseRule, node: GraphNode): boolean {
  return rule.kind === 'type' ? node.type === rule.value : node.name.startsWith(rule.value);
}

export function sameRule(a: CollapseRule, b: CollapseRule): boolean {
  return a.kind === b.kind && a.value === b.value;
}

/**
 * A name prefix worth offering as a group: up to and including the first `-`, `_`, `/`, `.` or
 * `:` after at least two characters (`orders-` of `orders-create`), when the name has one.
 */
export function namePrefixOf(name: string): string | undefined {
  const match = /^(.{2,}?[-_/.:])./.exec(name);
  return match?.[1];
}

const CAP_EVIDENCE = 20;
const CAP_TRACES = 100;

function mergeEdge(list: GraphEdge[], from: string, to: string, kind: GraphEdgeKind): VisibleEdge {
  const first = list[0] as GraphEdge;
  if (list.length === 1 && first.from === from && first.to === to) {
    const { latency } = first;
    return { id: first.id, from, to, kind, counts: first.counts, ...(latency ? { latency } : {}), health: first.health, source: first.source, evidence: first.evidence ?? [], failingTraceIds: first.failingTraceIds, members: list };
  }
  const evidence = list.flatMap((edge) => edge.evidence ?? []).slice(0, CAP_EVIDENCE);
  const failing = [...new Set(list.flatMap((edge) => edge.failingTraceIds))].slice(0, CAP_TRACES);
  const source: GraphNumberSource = list.every((edge) => edge.source === 'serviceGraph') ? 'serviceGraph' : 'traces';
  const single = list.length === 1 ? first.latency : undefined;
  return {
    id: `agg:${from}->${to}#${kind}`,
    from,
    to,
    kind,
    counts: sumCounts(list.map((edge) => edge.counts)),
    ...(single ? { latency: single } : {}),
    health: worstHealth(list.map((edge) => edge.health)),
    source,
    evidence,
    failingTraceIds: failing,
    members: list,
  };
}

function groupNode(rule: CollapseRule, members: GraphNode[], positions: Map<string, { x: number; y: number }>): VisibleNode {
  // The busiest member's place: the group sits where the user last saw most of its traffic.
  const anchor = [...members].sort((a, b) => b.counts.total - a.counts.total || (a.id < b.id ? -1 : 1))[0] as GraphNode;
  const at = positions.get(anchor.id) ?? { x: 0, y: 0 };
  return {
    id: groupId(rule),
    name: rule.kind === 'type' ? `${members.length} × ${rule.value}` : `${rule.value}* (${members.length})`,
    type: rule.kind === 'type' ? rule.value : anchor.type,
    counts: sumCounts(members.map((m) => m.counts)),
    health: worstHealth(members.map((m) => m.health)),
    source: members.every((m) => m.source === 'serviceGraph') ? 'serviceGraph' : 'traces',
    x: at.x,
    y: at.y,
    group: { rule, members, internalCalls: 0 },
  };
}

export function buildMapModel(graph: ServiceGraph, layout: MapLayout, rules: readonly CollapseRule[]): MapModel {
  const positions = new Map(layout.positions.map((p) => [p.id, p]));
  const visibleOf = new Map<string, string>();
  const groups = new Map<string, { rule: CollapseRule; members: GraphNode[] }>();
  const plain: GraphNode[] = [];
  for (const node of graph.nodes) {
    const rule = rules.find((candidate) => ruleMatches(candidate, node));
    if (rule === undefined) {
      plain.push(node);
      continue;
    }
    const id = groupId(rule);
    const group = groups.get(id) ?? { rule, members: [] };
    group.members.push(node);
    groups.set(id, group);
  }
  const nodes: VisibleNode[] = [];
  for (const node of plain) {
    const at = positions.get(node.id) ?? { x: 0, y: 0 };
    visibleOf.set(node.id, node.id);
    const { latency } = node;
    nodes.push({ id: node.id, name: node.name, type: node.type, counts: node.counts, ...(latency ? { latency } : {}), health: node.health, source: node.source, x: at.x, y: at.y, node });
  }
  for (const [id, group] of groups) {
    if (group.members.length === 1) {
      // A group of one is just that node.
      const node = group.members[0] as GraphNode;
      const at = positions.get(node.id) ?? { x: 0, y: 0 };
      visibleOf.set(node.id, node.id);
      const { latency } = node;
      nodes.push({ id: node.id, name: node.name, type: node.type, counts: node.counts, ...(latency ? { latency } : {}), health: node.health, source: node.source, x: at.x, y: at.y, node });
      continue;
    }
    for (const member of group.members) visibleOf.set(member.id, id);
    nodes.push(groupNode(group.rule, group.members, positions));
  }
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const buckets = new Map<string, { from: string; to: string; kind: GraphEdgeKind; list: GraphEdge[] }>();
  for (const edge of graph.edges) {
    const from = visibleOf.get(edge.from);
    const to = visibleOf.get(edge.to);
    if (from === undefined || to === undefined) continue;
    if (from === to && from !== edge.from) {
      const group = byId.get(from)?.group;
      if (group) group.internalCalls += edge.counts.total;
      continue;
    }
    const key = `${from}\u0000${to}\u0000${edge.kind}`;
    const bucket = buckets.get(key) ?? { from, to, kind: edge.kind, list: [] };
    bucket.list.push(edge);
    buckets.set(key, bucket);
  }
  const edges = [...buckets.values()].map((b) => mergeEdge(b.list, b.from, b.to, b.kind));
  return { nodes: orderForKeyboard(nodes), edges, byId, edgeById: new Map(edges.map((e) => [e.id, e])), visibleOf, bounds: boundsOf(nodes) };
}

/** Tab order follows the picture: columns left to right, top to bottom within a column. */
function orderForKeyboard(nodes: VisibleNode[]): VisibleNode[] {
  return [...nodes].sort((a, b) => Math.round(a.x) - Math.round(b.x) || a.y - b.y || (a.id < b.id ? -1 : 1));
}

function boundsOf(nodes: readonly VisibleNode[]): MapModel['bounds'] {
  if (nodes.length === 0) return { minX: 0, minY: 0, maxX: 0, maxY: 0 };
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const n of nodes) {
    minX = Math.min(minX, n.x);
    minY = Math.min(minY, n.y);
    maxX = Math.max(maxX, n.x);
    maxY = Math.max(maxY, n.y);
  }
  return { minX, minY, maxX, maxY };
}

/** Visible nodes whose name (or a member's name) contains `query`, case-insensitive, in tab order. */
export function searchNodes(model: MapModel, query: string): VisibleNode[] {
  const needle = query.trim().toLowerCase();
  if (needle === '') return [];
  return model.nodes.filter((n) => n.name.toLowerCase().includes(needle) || (n.group?.members.some((m) => m.name.toLowerCase().includes(needle)) ?? false));
}

/** The node nearest `from` in a direction (arrow-key navigation), preferring small sideways drift. */
export function nearestInDirection(model: MapModel, from: VisibleNode, dx: number, dy: number): VisibleNode | undefined {
  let best: VisibleNode | undefined;
  let bestScore = Infinity;
  for (const n of model.nodes) {
    if (n === from) continue;
    const vx = n.x - from.x;
    const vy = n.y - from.y;
    const along = vx * dx + vy * dy;
    if (along <= 0) continue;
    const across = Math.abs(vx * dy - vy * dx);
    const score = along + across * 2;
    if (score < bestScore) {
      bestScore = score;
      best = n;
    }
  }
  return best;
}
