/**
 * Layout of the service map: ELK's layered algorithm (left to right) for a fresh map, and a
 * stable placement for a refresh: nodes already on the map keep their positions, and only the
 * new ones are placed, in the column ELK's new layering gives them and in free space there.
 * Pure: the ELK instance is injected (the host runs it in a worker thread, the bench in-process).
 */
import { MAP_NODE_HEIGHT, MAP_NODE_WIDTH } from '../shared/mapMessages';
import type { MapLayout, MapNodePosition } from '../shared/mapMessages';

/** The part of elkjs's API this module uses (`ELK.layout`). */
export interface ElkLike {
  layout(graph: ElkGraphInput): Promise<ElkGraphOutput>;
}

export interface ElkGraphInput {
  id: string;
  layoutOptions: Record<string, string>;
  children: { id: string; width: number; height: number }[];
  edges: { id: string; sources: string[]; targets: string[] }[];
}

export interface ElkGraphOutput {
  children?: { id: string; x?: number; y?: number }[];
}

export interface MapLayoutInput {
  nodeIds: readonly string[];
  edges: readonly { from: string; to: string }[];
  /** Positions of the map shown now; nodes found here keep them. */
  previous?: readonly MapNodePosition[];
}

/** Vertical gap between boxes of a column, and horizontal gap between columns. */
export const NODE_SPACING = 32;
export const LAYER_SPACING = 170;

export const ELK_OPTIONS: Readonly<Record<string, string>> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.spacing.nodeNode': String(NODE_SPACING),
  'elk.layered.spacing.nodeNodeBetweenLayers': String(LAYER_SPACING),
  'elk.spacing.componentComponent': String(NODE_SPACING * 2),
  // The page draws its own curves between the boxes, so ELK's edge routes are never used: the
  // cheapest router (straight polylines) takes about a sixth less time than the default
  // orthogonal one on 200 and 500 nodes, with as many crossings (the bench's generated graphs).
  'elk.edgeRouting': 'POLYLINE',
};

/**
 * The ELK graph for the map: every node the same box, one edge per ordered pair, no self loops.
 * Ids are sorted, so the same graph gives the same picture (ELK is deterministic for one input).
 */
export function toElkGraph(nodeIds: readonly string[], edges: readonly { from: string; to: string }[]): ElkGraphInput {
  const ids = [...new Set(nodeIds)].sort();
  const known = new Set(ids);
  const pairs = new Set<string>();
  const elkEdges: ElkGraphInput['edges'] = [];
  for (const { from, to } of edges) {
    const key = `${from}\u0000${to}`;
    if (from === to || !known.has(from) || !known.has(to) || pairs.has(key)) continue;
    pairs.add(key);
    elkEdges.push({ id: `e${elkEdges.length}`, sources: [from], targets: [to] });
  }
  return {
    id: 'root',
    layoutOptions: { ...ELK_OPTIONS },
    children: ids.map((id) => ({ id, width: MAP_NODE_WIDTH, height: MAP_NODE_HEIGHT })),
    edges: elkEdges,
  };
}

export async function layoutServiceMap(input: MapLayoutInput, elk: ElkLike): Promise<MapLayout> {
  const graph = toElkGraph(input.nodeIds, input.edges);
  const previous = new Map((input.previous ?? []).map((p) => [p.id, p]));
  if (graph.children.length > 0 && graph.children.every((child) => previous.has(child.id))) {
    // Nothing new to place (most refreshes only change numbers): no ELK run at all.
    return withBounds(graph.children.map((child) => previous.get(child.id) as MapNodePosition));
  }
  const result = await elk.layout(graph);
  const fresh = new Map<string, MapNodePosition>();
  for (const child of result.children ?? []) {
    fresh.set(child.id, { id: child.id, x: child.x ?? 0, y: child.y ?? 0 });
  }
  // A node ELK did not return (it never drops one, but the contract is loose) goes below the rest.
  let extraY = Math.max(0, ...[...fresh.values()].map((p) => p.y + MAP_NODE_HEIGHT + NODE_SPACING));
  for (const child of graph.children) {
    if (!fresh.has(child.id)) {
      fresh.set(child.id, { id: child.id, x: 0, y: extraY });
      extraY += MAP_NODE_HEIGHT + NODE_SPACING;
    }
  }
  const kept = graph.children.filter((child) => previous.has(child.id));
  const positions = kept.length === 0 ? [...fresh.values()] : placeStably(fresh, previous, input.edges);
  return withBounds(positions);
}

function withBounds(positions: MapNodePosition[]): MapLayout {
  const width = Math.max(0, ...positions.map((p) => p.x + MAP_NODE_WIDTH));
  const height = Math.max(0, ...positions.map((p) => p.y + MAP_NODE_HEIGHT));
  return { positions, width, height };
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** ELK's columns (layers) from its x coordinates, left to right. */
function columnsOf(fresh: ReadonlyMap<string, MapNodePosition>): { columnOf: Map<string, number>; count: number } {
  const xs = [...new Set([...fresh.values()].map((p) => Math.round(p.x)))].sort((a, b) => a - b);
  const columns: number[] = [];
  for (const x of xs) {
    const last = columns[columns.length - 1];
    if (last === undefined || x - last >= MAP_NODE_WIDTH / 2) columns.push(x);
  }
  const columnOf = new Map<string, number>();
  for (const p of fresh.values()) {
    let best = 0;
    columns.forEach((x, index) => {
      if (Math.abs(x - p.x) < Math.abs((columns[best] ?? 0) - p.x)) best = index;
    });
    columnOf.set(p.id, best);
  }
  return { columnOf, count: columns.length };
}

/**
 * Kept nodes stay where they were. Each new node goes into the x of its ELK column (the x the
 * kept nodes of that column have, or one column step from the nearest column that has kept
 * nodes), at the y of its placed neighbours (or ELK's y moved into the old frame), then to the
 * nearest free slot of that column.
 */
function placeStably(fresh: ReadonlyMap<string, MapNodePosition>, previous: ReadonlyMap<string, MapNodePosition>, edges: readonly { from: string; to: string }[]): MapNodePosition[] {
  const { columnOf, count } = columnsOf(fresh);
  const step = MAP_NODE_WIDTH + LAYER_SPACING;
  const keptXs: number[][] = Array.from({ length: count }, () => []);
  const yShifts: number[] = [];
  const placed = new Map<string, MapNodePosition>();
  for (const p of fresh.values()) {
    const old = previous.get(p.id);
    if (old === undefined) continue;
    placed.set(p.id, { id: p.id, x: old.x, y: old.y });
    keptXs[columnOf.get(p.id) ?? 0]?.push(old.x);
    yShifts.push(old.y - p.y);
  }
  const columnX = columnXs(keptXs, step);
  const yShift = median(yShifts) ?? 0;
  const neighbours = neighbourMap(edges);
  const added = [...fresh.values()].filter((p) => !placed.has(p.id)).sort((a, b) => (columnOf.get(a.id) ?? 0) - (columnOf.get(b.id) ?? 0) || a.y - b.y || (a.id < b.id ? -1 : 1));
  for (const p of added) {
    const x = columnX[columnOf.get(p.id) ?? 0] ?? p.x;
    const linked = (neighbours.get(p.id) ?? []).map((id) => placed.get(id)?.y).filter((y): y is number => y !== undefined);
    const targetY = linked.length > 0 ? linked.reduce((a, b) => a + b, 0) / linked.length : p.y + yShift;
    placed.set(p.id, { id: p.id, x, y: freeY(x, targetY, placed.values()) });
  }
  return [...placed.values()];
}

function columnXs(keptXs: number[][], step: number): number[] {
  const known = keptXs.map((xs) => median(xs));
  return known.map((x, index) => {
    if (x !== undefined) return x;
    let left = index - 1;
    while (left >= 0 && known[left] === undefined) left -= 1;
    let right = index + 1;
    while (right < known.length && known[right] === undefined) right += 1;
    const leftX = left >= 0 ? known[left] : undefined;
    const rightX = right < known.length ? known[right] : undefined;
    if (leftX !== undefined) return leftX + (index - left) * step;
    if (rightX !== undefined) return rightX - (right - index) * step;
    return index * step;
  });
}

function neighbourMap(edges: readonly { from: string; to: string }[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const add = (a: string, b: string): void => {
    const list = map.get(a);
    if (list) list.push(b);
    else map.set(a, [b]);
  };
  for (const { from, to } of edges) {
    if (from === to) continue;
    add(from, to);
    add(to, from);
  }
  return map;
}

function overlaps(x: number, y: number, other: MapNodePosition): boolean {
  return x < other.x + MAP_NODE_WIDTH + NODE_SPACING / 2 && other.x < x + MAP_NODE_WIDTH + NODE_SPACING / 2 && y < other.y + MAP_NODE_HEIGHT + NODE_SPACING / 2 && other.y < y + MAP_NODE_HEIGHT + NODE_SPACING / 2;
}

/** The free y nearest `targetY` (below first, then above) for a box at `x`. */
function freeY(x: number, targetY: number, placed: Iterable<MapNodePosition>): number {
  const column = [...placed].filter((p) => Math.abs(p.x - x) < MAP_NODE_WIDTH + NODE_SPACING);
  const step = (MAP_NODE_HEIGHT + NODE_SPACING) / 2;
  for (let k = 0; k < 10_000; k += 1) {
    for (const y of k === 0 ? [targetY] : [targetY + k * step, targetY - k * step]) {
      if (!column.some((p) => overlaps(x, y, p))) return y;
    }
  }
  return targetY + 10_000 * step;
}
