/** The hover card of nodes and edges: the numbers as text lines, placed beside the pointer. */
import { el } from '../timeline/dom';
import { edgeLabel, EDGE_KIND_LABEL, formatCount, formatDuration, nodeTypeLabel, outcomeParts, SOURCE_LABEL } from './mapFormat';
import type { MapModel, VisibleEdge, VisibleNode } from './mapModel';

function nodeLines(node: VisibleNode): string[] {
  const lines = [nodeTypeLabel(node), `${formatCount(node.counts.total)} requests · ${outcomeParts(node.counts).join(' · ')}`];
  if (node.latency) lines.push(`p50 ${formatDuration(node.latency.p50Ms)} · p95 ${formatDuration(node.latency.p95Ms)} · p99 ${formatDuration(node.latency.p99Ms)}`);
  lines.push(`Numbers ${SOURCE_LABEL[node.source]}`);
  return lines;
}

function edgeLines(edge: VisibleEdge): string[] {
  const lines = [`${EDGE_KIND_LABEL[edge.kind]} · ${edgeLabel(edge)}`, `${formatCount(edge.counts.total)} calls · ${outcomeParts(edge.counts).join(' · ')}`];
  if (edge.latency) lines.push(`p50 ${formatDuration(edge.latency.p50Ms)} · p95 ${formatDuration(edge.latency.p95Ms)} · p99 ${formatDuration(edge.latency.p99Ms)}`);
  for (const evidence of edge.evidence.slice(0, 3)) lines.push(evidence.description);
  if (edge.evidence.length > 3) lines.push(`and ${edge.evidence.length - 3} more (select the edge)`);
  lines.push(`Numbers ${SOURCE_LABEL[edge.source]}`);
  return lines;
}

export class Tooltip {
  readonly element: HTMLDivElement;

  constructor(parent: HTMLElement) {
    this.element = el('div', { className: 'map-tooltip', attrs: { role: 'tooltip', hidden: '' } });
    parent.appendChild(this.element);
  }

  show(model: MapModel, kind: 'node' | 'edge', id: string, clientX: number, clientY: number): void {
    let title: string;
    let lines: string[];
    if (kind === 'node') {
      const node = model.byId.get(id);
      if (!node) return this.hide();
      title = node.name;
      lines = nodeLines(node);
    } else {
      const edge = model.edgeById.get(id);
      if (!edge) return this.hide();
      title = `${model.byId.get(edge.from)?.name ?? edge.from} → ${model.byId.get(edge.to)?.name ?? edge.to}`;
      lines = edgeLines(edge);
    }
    this.element.replaceChildren(el('strong', { text: title }), ...lines.map((line) => el('div', { text: line })));
    this.element.hidden = false;
    const host = this.element.parentElement?.getBoundingClientRect();
    const left = clientX - (host?.left ?? 0) + 14;
    const top = clientY - (host?.top ?? 0) + 14;
    const width = this.element.offsetWidth;
    const maxLeft = (host?.width ?? window.innerWidth) - width - 8;
    // CSSOM writes, not style attributes: the CSP allows the former only.
    this.element.style.left = `${Math.max(4, Math.min(left, maxLeft))}px`;
    this.element.style.top = `${Math.max(4, top)}px`;
  }

  hide(): void {
    this.element.hidden = true;
  }
}
