/**
 * Words and numbers of the map: rates always beside their counts ("3 errors (2.5 %)"), so 100 %
 * of one call reads differently from 100 % of ten thousand, and the accessible names that carry
 * a node's or an edge's numbers. Pure.
 */
import { formatDuration, SERVICE_LABEL } from '../timeline/format';
import type { GraphCounts, GraphHealth, GraphNumberSource } from '../../shared/serviceGraphModel';
import type { VisibleEdge, VisibleNode } from './mapModel';

export { formatDuration, SERVICE_LABEL };

/** `2.5 %`, `<0.1 %`, `100 %`. */
export function formatRate(count: number, total: number): string {
  if (total <= 0 || count <= 0) return '0 %';
  const pct = (count / total) * 100;
  if (pct < 0.1) return '<0.1 %';
  if (pct < 10) return `${pct.toFixed(1).replace(/\.0$/, '')} %`;
  return `${Math.round(pct)} %`;
}

// One formatter for the page: `toLocaleString` builds a new one per call, which cost more than
// the rest of a 200-node first paint's script put together.
const COUNT_FORMAT = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return COUNT_FORMAT.format(n);
}

function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** `3 errors (2.5 %)` */
export function countWithRate(count: number, total: number, one: string, many: string): string {
  return `${plural(count, one, many)} (${formatRate(count, total)})`;
}

/** The outcome counts worth saying: errors always, faults and throttles when there were any. */
export function outcomeParts(counts: GraphCounts): string[] {
  const parts = [countWithRate(counts.errors, counts.total, 'error', 'errors')];
  if (counts.faults > 0) parts.push(countWithRate(counts.faults, counts.total, 'fault', 'faults'));
  if (counts.throttles > 0) parts.push(countWithRate(counts.throttles, counts.total, 'throttle', 'throttles'));
  return parts;
}

export const HEALTH_LABEL: Record<GraphHealth, string> = {
  ok: 'healthy',
  error: 'client errors',
  fault: 'faults',
  throttle: 'throttled',
  unknown: 'no data',
};

export const SOURCE_LABEL: Record<GraphNumberSource, string> = {
  traces: 'measured from the traces listed',
  serviceGraph: "from X-Ray's service graph (aggregate)",
};

/** The type word of a node: `Lambda function`, or `group of 4 Lambda functions`. */
export function nodeTypeLabel(node: VisibleNode): string {
  if (node.group) {
    const { rule, members } = node.group;
    return rule.kind === 'type' ? `group of ${members.length} ${SERVICE_LABEL[rule.value]} nodes` : `group of ${members.length} nodes named ${rule.value}…`;
  }
  return SERVICE_LABEL[node.type];
}

/** "orders-fn, Lambda function, 120 requests, 3 errors (2.5 %), p95 840 ms" */
export function nodeAccessibleName(node: VisibleNode): string {
  const parts = [node.name, nodeTypeLabel(node), plural(node.counts.total, 'request', 'requests'), ...outcomeParts(node.counts)];
  if (node.latency) parts.push(`p95 ${formatDuration(node.latency.p95Ms)}`);
  if (node.source === 'serviceGraph') parts.push('numbers from the X-Ray service graph');
  return parts.join(', ');
}

export const EDGE_KIND_LABEL: Record<VisibleEdge['kind'], string> = {
  sync: 'call',
  linked: 'asynchronous, linked',
  inferred: 'asynchronous, inferred',
};

export function edgeAccessibleName(edge: VisibleEdge, fromName: string, toName: string): string {
  const parts = [`${fromName} to ${toName}`, EDGE_KIND_LABEL[edge.kind], plural(edge.counts.total, 'call', 'calls'), ...outcomeParts(edge.counts)];
  if (edge.latency) parts.push(`p95 ${formatDuration(edge.latency.p95Ms)}`);
  return parts.join(', ');
}

/** Third line of a node box: `120 req · 3 err 2.5 % · 1 flt 0.8 %`. */
export function nodeCountsLine(counts: GraphCounts): string {
  const parts = [`${formatCount(counts.total)} req`, `${formatCount(counts.errors)} err ${formatRate(counts.errors, counts.total)}`];
  if (counts.faults > 0) parts.push(`${formatCount(counts.faults)} flt ${formatRate(counts.faults, counts.total)}`);
  if (counts.throttles > 0) parts.push(`${formatCount(counts.throttles)} thr ${formatRate(counts.throttles, counts.total)}`);
  return parts.join(' · ');
}

/** Fourth line: `p50 12 ms · p95 84 ms · p99 120 ms`, or why there is none. */
export function latencyLine(node: VisibleNode): string {
  if (node.latency) return `p50 ${formatDuration(node.latency.p50Ms)} · p95 ${formatDuration(node.latency.p95Ms)} · p99 ${formatDuration(node.latency.p99Ms)}`;
  return node.group ? 'latency per member: select it' : 'no latency recorded';
}

/** Edge label: `120 · 2.5 % err · p95 84 ms` (async edges start with their kind). */
export function edgeLabel(edge: VisibleEdge): string {
  const failed = edge.counts.errors + edge.counts.faults + edge.counts.throttles;
  const parts = [`${formatCount(edge.counts.total)}×`];
  if (failed > 0) parts.push(`${formatRate(failed, edge.counts.total)} failed`);
  if (edge.latency) parts.push(formatDuration(edge.latency.p95Ms));
  if (edge.kind !== 'sync') parts.unshift(edge.kind);
  return parts.join(' · ');
}

/** Shortens a name to `max` characters with an ellipsis (the full name is in the tooltip). */
export function ellipsize(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}
