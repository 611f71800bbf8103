/**
 * The side panel: what the selected node or edge measured (counts with rates, p50/p95/p99, the
 * latency histogram), where those numbers came from (traces vs X-Ray's service graph), the
 * evidence of an asynchronous edge, and the actions: filter the Traces view, Go to Handler and
 * Tail Logs for Lambda nodes, failing traces of an edge, group and expand.
 */
import type { CollapseRule, MapToHostMessage } from '../../shared/mapMessages';
import type { GraphCounts, LatencyStats } from '../../shared/serviceGraphModel';
import { button, el } from '../timeline/dom';
import { renderHistogram } from './histogram';
import { countWithRate, EDGE_KIND_LABEL, formatCount, formatDuration, HEALTH_LABEL, nodeTypeLabel, SERVICE_LABEL, SOURCE_LABEL } from './mapFormat';
import { namePrefixOf } from './mapModel';
import type { MapModel, VisibleEdge, VisibleNode } from './mapModel';

export interface SidePanelActions {
  post(message: MapToHostMessage): void;
  collapse(rule: CollapseRule): void;
  expand(rule: CollapseRule): void;
}

const EVIDENCE_LABEL: Record<string, string> = {
  spanLink: 'span link',
  awsTraceHeader: 'AWSTraceHeader',
  messageId: 'shared message id',
  timing: 'matching timing',
};

export function isLambdaNode(node: VisibleNode): boolean {
  return node.node !== undefined && (node.type === 'lambdaFunction' || node.type === 'lambda');
}

function countsTable(counts: GraphCounts, what: string): HTMLTableElement {
  const row = (label: string, value: string): HTMLTableRowElement => el('tr', {}, [el('th', { text: label, attrs: { scope: 'row' } }), el('td', { text: value })]);
  return el('table', { className: 'map-facts' }, [
    row(what, formatCount(counts.total)),
    row('OK', countWithRate(counts.ok, counts.total, 'call', 'calls')),
    row('Errors (4xx)', countWithRate(counts.errors, counts.total, 'error', 'errors')),
    row('Faults (5xx)', countWithRate(counts.faults, counts.total, 'fault', 'faults')),
    row('Throttles (429)', countWithRate(counts.throttles, counts.total, 'throttle', 'throttles')),
  ]);
}

function latencySection(latency: LatencyStats | undefined, emptyText: string): HTMLElement {
  if (!latency || latency.count === 0) {
    return el('p', { className: 'map-dim', text: emptyText });
  }
  const facts = el('p', { className: 'map-latency-facts', text: `p50 ${formatDuration(latency.p50Ms)} · p95 ${formatDuration(latency.p95Ms)} · p99 ${formatDuration(latency.p99Ms)}` });
  const range = el('p', { className: 'map-dim', text: `${formatCount(latency.count)} durations, ${formatDuration(latency.minMs)} to ${formatDuration(latency.maxMs)}, mean ${formatDuration(latency.meanMs)}` });
  return el('section', { className: 'map-latency' }, [el('h3', { text: 'Latency' }), facts, range, renderHistogram(latency)]);
}

function sourceLine(source: VisibleNode['source'], traceCount: number): HTMLElement {
  const text = source === 'traces' ? `Numbers ${SOURCE_LABEL.traces} (${formatCount(traceCount)} traces).` : `Numbers ${SOURCE_LABEL.serviceGraph}: the traces listed did not cover it.`;
  return el('p', { className: `map-source map-source-${source}`, text });
}

function actions(children: (HTMLElement | undefined)[]): HTMLElement {
  return el('div', { className: 'map-actions' }, children);
}

function nodeDetails(node: VisibleNode, model: MapModel, traceCount: number, act: SidePanelActions): HTMLElement[] {
  const parts: HTMLElement[] = [
    el('h2', { className: 'map-detail-title', text: node.name, title: node.name }),
    el('p', { className: 'map-dim', text: `${nodeTypeLabel(node)} · ${HEALTH_LABEL[node.health]}` }),
    sourceLine(node.source, traceCount),
    countsTable(node.counts, 'Requests'),
  ];
  const group = node.group;
  if (group) {
    parts.push(el('p', { className: 'map-dim', text: `${formatCount(group.internalCalls)} calls between members are not drawn.` }));
    const list = el('ul', { className: 'map-members' });
    for (const member of [...group.members].sort((a, b) => b.counts.total - a.counts.total)) {
      const p95 = member.latency ? `, p95 ${formatDuration(member.latency.p95Ms)}` : '';
      list.appendChild(el('li', { text: `${member.name}: ${formatCount(member.counts.total)} requests${p95}` }));
    }
    parts.push(el('h3', { text: 'Members' }), list);
    parts.push(actions([
      button('Expand Group', 'map-button', () => act.expand(group.rule)),
      button('Show Traces Through Them', 'map-button map-secondary', () => act.post({ type: 'filterByNode', nodeIds: group.members.map((m) => m.id) })),
    ]));
    return parts;
  }
  parts.push(latencySection(node.latency, 'No durations were recorded for this service.'));
  const graphNode = node.node;
  const id = node.id;
  const prefix = namePrefixOf(node.name);
  const sameType = model.nodes.filter((n) => !n.group && n.type === node.type).length;
  parts.push(actions([
    button('Show Traces Through It', 'map-button', () => act.post({ type: 'filterByNode', nodeIds: [id] })),
    isLambdaNode(node) ? button('Go to Handler', 'map-button', () => act.post({ type: 'goToHandler', nodeId: id })) : undefined,
    isLambdaNode(node) ? button('Tail Logs', 'map-button', () => act.post({ type: 'tailLogs', nodeId: id })) : undefined,
    sameType > 1 ? button(`Group ${SERVICE_LABEL[node.type]} Nodes`, 'map-button map-secondary', () => act.collapse({ kind: 'type', value: node.type })) : undefined,
    prefix !== undefined ? button(`Group "${prefix}…"`, 'map-button map-secondary', () => act.collapse({ kind: 'prefix', value: prefix })) : undefined,
  ]));
  if (graphNode?.resource) parts.push(el('p', { className: 'map-dim map-resource', text: graphNode.resource }));
  return parts;
}

function edgeDetails(edge: VisibleEdge, model: MapModel, traceCount: number, act: SidePanelActions): HTMLElement[] {
  const from = model.byId.get(edge.from)?.name ?? edge.from;
  const to = model.byId.get(edge.to)?.name ?? edge.to;
  const parts: HTMLElement[] = [
    el('h2', { className: 'map-detail-title', text: `${from} → ${to}`, title: `${from} → ${to}` }),
    el('p', { className: 'map-dim', text: `${EDGE_KIND_LABEL[edge.kind]} · ${HEALTH_LABEL[edge.health]}${edge.members.length > 1 ? ` · ${edge.members.length} edges merged by grouping` : ''}` }),
    sourceLine(edge.source, traceCount),
    countsTable(edge.counts, 'Calls'),
    latencySection(edge.latency, edge.members.length > 1 ? 'Merged edges have no common histogram: expand the group to see each.' : 'No durations were recorded for these calls.'),
  ];
  if (edge.evidence.length > 0) {
    const list = el('ul', { className: 'map-evidence' });
    for (const evidence of edge.evidence) {
      list.appendChild(el('li', {}, [el('strong', { text: `${EVIDENCE_LABEL[evidence.kind] ?? evidence.kind}: ` }), el('span', { text: evidence.description })]));
    }
    parts.push(el('h3', { text: edge.kind === 'linked' ? 'Why linked' : 'Why inferred' }), list);
  }
  const failing = edge.failingTraceIds.length;
  const edgeIds = edge.members.map((m) => m.id);
  parts.push(actions([failing > 0 ? button(`Failing Traces (${failing})…`, 'map-button', () => act.post({ type: 'edgeFailures', edgeIds })) : el('p', { className: 'map-dim', text: 'No failing traces on this edge.' })]));
  return parts;
}

export function renderSidePanel(container: HTMLElement, model: MapModel | undefined, selected: { kind: 'node' | 'edge'; id: string } | undefined, traceCount: number, act: SidePanelActions): void {
  let parts: HTMLElement[];
  const node = selected?.kind === 'node' ? model?.byId.get(selected.id) : undefined;
  const edge = selected?.kind === 'edge' ? model?.edgeById.get(selected.id) : undefined;
  if (model && node) parts = nodeDetails(node, model, traceCount, act);
  else if (model && edge) parts = edgeDetails(edge, model, traceCount, act);
  else parts = [el('p', { className: 'map-dim', text: 'Select a service or a call (click, or Tab and Enter) to see its numbers and latency histogram.' })];
  container.replaceChildren(...parts);
}
