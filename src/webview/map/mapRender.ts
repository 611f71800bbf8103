/**
 * Draws the map model as SVG: node boxes (symbol, name, type, counts with rates, p50/p95/p99,
 * a health colour plus a shape cue: dashed ring for client errors, double ring for faults, a
 * notch for throttles, dotted for no data) and edges as curves between the boxes with their
 * call count, failure rate and latency; asynchronous edges are dashed and labelled.
 */
import { MAP_NODE_HEIGHT as H, MAP_NODE_WIDTH as W } from '../../shared/mapMessages';
import type { GraphHealth } from '../../shared/serviceGraphModel';
import { edgeAccessibleName, edgeLabel, ellipsize, latencyLine, nodeAccessibleName, nodeCountsLine, nodeTypeLabel } from './mapFormat';
import { symbolId } from './mapIcons';
import type { MapModel, VisibleEdge, VisibleNode } from './mapModel';
import { svgEl } from './svg';

export interface RenderedMap {
  content: SVGGElement;
  nodeEls: Map<string, SVGGElement>;
  /** Line and label of each edge. */
  edgeEls: Map<string, SVGGElement[]>;
}

/** The four cues besides colour; `ok` is a plain solid ring. */
export function healthShape(health: GraphHealth, width: number, height: number): SVGElement[] {
  const shapes: SVGElement[] = [];
  if (health === 'fault') {
    shapes.push(svgEl('rect', { x: -5, y: -5, width: width + 10, height: height + 10, rx: 9, class: 'map-ring-outer' }));
  }
  if (health === 'throttle') {
    shapes.push(svgEl('path', { d: `M${width - 22} 0H${width}V22z`, class: 'map-notch' }));
  }
  return shapes;
}

/**
 * The parts every node box has, built once and cloned per node: one `cloneNode` replaces seven
 * `createElementNS` and two dozen `setAttribute` calls, so a first paint of hundreds of nodes
 * spends its time on layout, not on building elements.
 */
let nodeTemplate: SVGGElement | undefined;

function nodeParts(): SVGGElement {
  nodeTemplate ??= svgEl('g', { tabindex: 0, role: 'button', 'aria-pressed': 'false' }, [
    svgEl('rect', { x: 0, y: 0, width: W, height: H, rx: 6, class: 'map-node-box' }),
    svgEl('use', { x: 10, y: 10, width: 24, height: 24, class: 'map-node-icon' }),
    svgEl('text', { x: 42, y: 22, class: 'map-node-name' }),
    svgEl('text', { x: 42, y: 38, class: 'map-node-type' }),
    svgEl('text', { x: 10, y: 60, class: 'map-node-counts' }),
    svgEl('text', { x: 10, y: 78, class: 'map-node-latency' }),
  ]);
  return nodeTemplate.cloneNode(true) as SVGGElement;
}

function renderNode(node: VisibleNode): SVGGElement {
  const g = nodeParts();
  g.setAttribute('class', `map-node health-${node.health}${node.group ? ' map-group' : ''}${node.source === 'serviceGraph' ? ' source-graph' : ''}`);
  g.setAttribute('transform', `translate(${node.x} ${node.y})`);
  g.setAttribute('data-id', node.id);
  g.setAttribute('data-type', node.type);
  g.setAttribute('aria-label', nodeAccessibleName(node));
  const [box, icon, name, type, counts, latency] = Array.from(g.children) as [SVGRectElement, SVGUseElement, SVGTextElement, SVGTextElement, SVGTextElement, SVGTextElement];
  icon.setAttribute('href', `#${symbolId(node.type)}`);
  // Graph text only ever reaches the page as text.
  name.textContent = ellipsize(node.name, 25);
  type.textContent = ellipsize(`${nodeTypeLabel(node)}${node.source === 'serviceGraph' ? ' · service graph' : ''}`, 32);
  counts.textContent = ellipsize(nodeCountsLine(node.counts), 40);
  latency.textContent = ellipsize(latencyLine(node), 40);
  if (node.group) g.insertBefore(svgEl('rect', { x: 6, y: 6, width: W, height: H, rx: 6, class: 'map-group-back' }), box);
  for (const shape of healthShape(node.health, W, H)) g.insertBefore(shape, icon);
  return g;
}

interface Geometry {
  d: string;
  labelX: number;
  labelY: number;
}

/** A cubic curve from the right side of `from` to the left side of `to`; `lane` separates parallels. */
export function edgeGeometry(from: { x: number; y: number }, to: { x: number; y: number }, lane: number): Geometry {
  if (from === to || (from.x === to.x && from.y === to.y)) {
    const x = from.x + W - 40 - lane * 12;
    const y = from.y;
    const d = `M${x} ${y}C${x} ${y - 50} ${from.x + W + 40} ${y - 50} ${from.x + W} ${y + 20}`;
    return { d, labelX: from.x + W + 4, labelY: y - 40 };
  }
  const offset = lane * 14;
  const x0 = from.x + W;
  const y0 = from.y + H / 2 + lane * 6;
  const x3 = to.x;
  const y3 = to.y + H / 2 + lane * 6;
  let x1: number;
  let y1: number;
  let x2: number;
  let y2: number;
  if (x3 - x0 >= 40) {
    const dx = (x3 - x0) / 2;
    x1 = x0 + dx;
    y1 = y0 + offset;
    x2 = x3 - dx;
    y2 = y3 + offset;
  } else {
    // Backwards or within one column: swing out to the right, come in from the left.
    const swing = 90 + Math.abs(lane) * 20;
    const bend = (y3 >= y0 ? 1 : -1) * (40 + offset);
    x1 = x0 + swing;
    y1 = y0 + bend;
    x2 = x3 - swing;
    y2 = y3 - bend;
  }
  const labelX = (x0 + 3 * x1 + 3 * x2 + x3) / 8;
  const labelY = (y0 + 3 * y1 + 3 * y2 + y3) / 8;
  return { d: `M${x0} ${y0}C${x1} ${y1} ${x2} ${y2} ${x3} ${y3}`, labelX, labelY };
}

let edgeTemplates: { line: SVGGElement; label: SVGGElement } | undefined;

/** Line and label parts of an edge, built once and cloned (see `nodeParts`). */
function edgeParts(): { line: SVGGElement; label: SVGGElement } {
  edgeTemplates ??= {
    line: svgEl('g', { 'data-edge': 'line', 'aria-hidden': 'true' }, [svgEl('path', { class: 'map-edge-hit' }), svgEl('path', { class: 'map-edge-line' })]),
    label: svgEl('g', { 'data-edge': 'label', tabindex: 0, role: 'button', 'aria-pressed': 'false' }, [svgEl('text', { class: 'map-edge-label', 'text-anchor': 'middle' })]),
  };
  return { line: edgeTemplates.line.cloneNode(true) as SVGGElement, label: edgeTemplates.label.cloneNode(true) as SVGGElement };
}

/**
 * An edge in two parts: the line (under the nodes, with a wide invisible hit stroke) and the
 * label (above the nodes, the keyboard handle: focusable, with the accessible name). Both carry
 * `data-id`, so hover, click and the state classes treat them as one.
 */
function renderEdge(edge: VisibleEdge, model: MapModel, lane: number): [SVGGElement, SVGGElement] | undefined {
  const from = model.byId.get(edge.from);
  const to = model.byId.get(edge.to);
  if (!from || !to) return undefined;
  const geometry = edgeGeometry(from, to, lane);
  const cls = `map-edge kind-${edge.kind} health-${edge.health}`;
  const { line, label } = edgeParts();
  line.setAttribute('class', cls);
  line.setAttribute('data-id', edge.id);
  const [hit, path] = Array.from(line.children) as [SVGPathElement, SVGPathElement];
  hit.setAttribute('d', geometry.d);
  path.setAttribute('d', geometry.d);
  path.setAttribute('marker-end', `url(#map-arrow-${edge.health})`);
  label.setAttribute('class', `${cls} map-edge-handle`);
  label.setAttribute('data-id', edge.id);
  label.setAttribute('aria-label', edgeAccessibleName(edge, from.name, to.name));
  const text = label.firstElementChild as SVGTextElement;
  text.setAttribute('x', String(geometry.labelX));
  text.setAttribute('y', String(geometry.labelY - 5));
  text.textContent = edgeLabel(edge);
  return [line, label];
}

/** Lanes for edges between the same two nodes (either direction), centred on 0. */
function lanesOf(edges: readonly VisibleEdge[]): Map<string, number> {
  const byPair = new Map<string, VisibleEdge[]>();
  for (const edge of edges) {
    const key = edge.from < edge.to ? `${edge.from}\u0000${edge.to}` : `${edge.to}\u0000${edge.from}`;
    const list = byPair.get(key) ?? [];
    list.push(edge);
    byPair.set(key, list);
  }
  const lanes = new Map<string, number>();
  for (const list of byPair.values()) {
    list.forEach((edge, index) => lanes.set(edge.id, index - (list.length - 1) / 2));
  }
  return lanes;
}

export function renderMap(model: MapModel): RenderedMap {
  // SVG paints in document order and Tab follows it: lines under the nodes, then the nodes (Tab
  // reaches every service first), then the edge labels, which are the edges' keyboard handles.
  const lineLayer = svgEl('g', { class: 'map-edge-lines' });
  const nodeLayer = svgEl('g', { class: 'map-nodes' });
  const labelLayer = svgEl('g', { class: 'map-edge-labels' });
  const nodeEls = new Map<string, SVGGElement>();
  const edgeEls = new Map<string, SVGGElement[]>();
  for (const node of model.nodes) {
    const el = renderNode(node);
    nodeEls.set(node.id, el);
    nodeLayer.appendChild(el);
  }
  const lanes = lanesOf(model.edges);
  for (const edge of model.edges) {
    const parts = renderEdge(edge, model, lanes.get(edge.id) ?? 0);
    if (parts) {
      edgeEls.set(edge.id, parts);
      lineLayer.appendChild(parts[0]);
      labelLayer.appendChild(parts[1]);
    }
  }
  const content = svgEl('g', { class: 'map-content' }, [lineLayer, nodeLayer, labelLayer]);
  return { content, nodeEls, edgeEls };
}
