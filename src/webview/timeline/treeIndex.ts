/**
 * Flat, typed-array view of the span tree. Built once per trace in O(n); the visible rows are
 * recomputed in O(n) by skipping whole collapsed subtrees, so a collapse toggle on a 100,000-span
 * trace costs one linear pass, never a walk per row.
 */
import type { Span, Trace } from '../../shared/traceModel';

export interface TreeIndex {
  /** Spans in tree order (depth-first pre-order); "order index" below means a position here. */
  readonly spans: readonly Span[];
  readonly indexById: ReadonlyMap<string, number>;
  readonly depth: Int32Array;
  /** Order index of the parent, -1 for roots. */
  readonly parent: Int32Array;
  /** Exclusive end of the subtree: descendants of i are i+1 … subtreeEnd[i]-1. */
  readonly subtreeEnd: Int32Array;
}

export function hasChildren(index: TreeIndex, i: number): boolean {
  return (index.subtreeEnd[i] ?? 0) > i + 1;
}

/**
 * The model promises `trace.spans` in depth-first pre-order; when that holds (checked in one
 * pass against each span's `parentId`) the array is used as it is, which keeps a 100,000-span
 * trace cheap. Otherwise the order is rebuilt from `rootIds` and `childIds`, guarding against
 * cycles and duplicate ids, with spans no root reaches appended as roots.
 */
export function buildTreeIndex(trace: Trace): TreeIndex {
  return trustedOrder(trace) ?? rebuiltOrder(trace);
}

function trustedOrder(trace: Trace): TreeIndex | undefined {
  const spans = trace.spans;
  const n = spans.length;
  const indexById = new Map<string, number>();
  const depth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const span = spans[i] as Span;
    if (indexById.has(span.id)) {
      return undefined;
    }
    indexById.set(span.id, i);
    depth[i] = span.depth;
  }
  const { parent, subtreeEnd } = linkSubtrees(depth);
  for (let i = 0; i < n; i++) {
    const declared = spans[i]?.parentId;
    const expected = declared === undefined ? -1 : (indexById.get(declared) ?? -1);
    const expectedDepth = expected < 0 ? 0 : (depth[expected] as number) + 1;
    if (parent[i] !== expected || depth[i] !== expectedDepth) {
      return undefined;
    }
  }
  return { spans, indexById, depth, parent, subtreeEnd };
}

function rebuiltOrder(trace: Trace): TreeIndex {
  const byId = new Map<string, Span>();
  for (const span of trace.spans) {
    if (!byId.has(span.id)) {
      byId.set(span.id, span);
    }
  }
  const spans: Span[] = [];
  const depthList: number[] = [];
  const indexById = new Map<string, number>();
  const visit = (rootId: string): void => {
    const ids: string[] = [rootId];
    const depths: number[] = [0];
    while (ids.length > 0) {
      const id = ids.pop() as string;
      const d = depths.pop() as number;
      const span = byId.get(id);
      if (!span || indexById.has(id)) {
        continue;
      }
      indexById.set(id, spans.length);
      spans.push(span);
      depthList.push(d);
      for (let c = span.childIds.length - 1; c >= 0; c--) {
        ids.push(span.childIds[c] as string);
        depths.push(d + 1);
      }
    }
  };
  for (const id of trace.rootIds) {
    visit(id);
  }
  for (const span of trace.spans) {
    visit(span.id);
  }
  const depth = Int32Array.from(depthList);
  const { parent, subtreeEnd } = linkSubtrees(depth);
  return { spans, indexById, depth, parent, subtreeEnd };
}

/** Parents and subtree ends of a pre-order depth sequence, with one monotonic stack. */
function linkSubtrees(depth: Int32Array): { parent: Int32Array; subtreeEnd: Int32Array } {
  const n = depth.length;
  const parent = new Int32Array(n).fill(-1);
  const subtreeEnd = new Int32Array(n).fill(n);
  const open: number[] = [];
  for (let i = 0; i < n; i++) {
    const d = depth[i] as number;
    while (open.length > 0 && (depth[open[open.length - 1] as number] as number) >= d) {
      subtreeEnd[open.pop() as number] = i;
    }
    if (open.length > 0) {
      parent[i] = open[open.length - 1] as number;
    }
    open.push(i);
  }
  return { parent, subtreeEnd };
}

export interface VisibleRows {
  /** Order indices of the visible rows, in display order; only the first `count` are valid. */
  rows: Int32Array;
  count: number;
  /** Visible row of each order index, -1 when hidden under a collapsed ancestor. */
  rowOf: Int32Array;
}

export function computeVisible(index: TreeIndex, collapsed: Uint8Array, reuse?: VisibleRows): VisibleRows {
  const n = index.spans.length;
  const rows = reuse && reuse.rows.length === n ? reuse.rows : new Int32Array(n);
  const rowOf = reuse && reuse.rowOf.length === n ? reuse.rowOf : new Int32Array(n);
  rowOf.fill(-1);
  let count = 0;
  let i = 0;
  while (i < n) {
    rows[count] = i;
    rowOf[i] = count;
    count++;
    i = collapsed[i] === 1 ? (index.subtreeEnd[i] as number) : i + 1;
  }
  return { rows, count, rowOf };
}
