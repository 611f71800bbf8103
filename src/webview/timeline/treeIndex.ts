/**
 * The span tree over the columnar rows the host posts (`TimelineRows`, already in depth-first
 * pre-order with parents and depths). Built once per trace in O(n) with typed arrays only; the
 * visible rows are recomputed in O(n) by skipping whole collapsed subtrees, so a collapse toggle
 * on a 100,000-span trace costs one linear pass, never a walk per row.
 */
import type { TimelineRows } from '../../shared/timelineRows';

export class TreeIndex {
  readonly count: number;
  readonly depth: Int32Array;
  /** Row ("order index") of the parent, -1 for roots. */
  readonly parent: Int32Array;
  /** Exclusive end of the subtree: descendants of i are i+1 … subtreeEnd[i]-1. */
  readonly subtreeEnd: Int32Array;
  // Built on first lookup: a plain open needs no id → row map, and 100,000 entries are not free.
  private byId: Map<string, number> | undefined;

  constructor(readonly rows: TimelineRows) {
    this.count = rows.count;
    this.depth = rows.depth;
    this.parent = rows.parent;
    this.subtreeEnd = subtreeEnds(rows.depth);
  }

  /** Order index of a span id, if the trace has it. */
  indexOf(spanId: string): number | undefined {
    if (this.byId === undefined) {
      this.byId = new Map();
      // Ids are unique by contract; going backwards keeps the first row should they not be.
      for (let i = this.count - 1; i >= 0; i--) {
        this.byId.set(this.rows.ids[i] as string, i);
      }
    }
    return this.byId.get(spanId);
  }

  spanId(i: number): string | undefined {
    return this.rows.ids[i];
  }

  hasChildren(i: number): boolean {
    return (this.subtreeEnd[i] ?? 0) > i + 1;
  }
}

/** Subtree ends of a pre-order depth sequence, with one monotonic stack. */
function subtreeEnds(depth: Int32Array): Int32Array {
  const n = depth.length;
  const subtreeEnd = new Int32Array(n).fill(n);
  const open = new Int32Array(n);
  let top = 0;
  for (let i = 0; i < n; i++) {
    const d = depth[i] as number;
    while (top > 0 && (depth[open[top - 1] as number] as number) >= d) {
      top--;
      subtreeEnd[open[top] as number] = i;
    }
    open[top++] = i;
  }
  return subtreeEnd;
}

export interface VisibleRows {
  /** Order indices of the visible rows, in display order; only the first `count` are valid. */
  rows: Int32Array;
  count: number;
  /** Visible row of each order index, -1 when hidden under a collapsed ancestor. */
  rowOf: Int32Array;
}

export function computeVisible(index: TreeIndex, collapsed: Uint8Array, reuse?: VisibleRows): VisibleRows {
  const n = index.count;
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
