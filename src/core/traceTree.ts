/**
 * Second pass of the trace builder: links drafts to their parents, breaks cycles, orders
 * siblings by start time and walks the tree depth-first to settle depth and relative times.
 * Everything is iterative over index arrays: producers control the depth, and a 100,000-deep
 * chain must not overflow the stack.
 */
import type { Span, TraceWarning } from '../shared/traceModel';
import type { SpanDraft } from './spanDrafts';

export interface TraceTree {
  /** Depth-first pre-order. */
  spans: Span[];
  rootIds: string[];
  startEpochMs: number;
  durationMs: number;
}

const NONE = -1;

/** Thousandths of a millisecond: X-Ray records microseconds; more digits are float noise. */
function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function linkParents(drafts: readonly SpanDraft[], byId: ReadonlyMap<string, SpanDraft>, warnings: TraceWarning[]): Int32Array {
  drafts.forEach((draft, index) => {
    draft.index = index;
  });
  const parents = new Int32Array(drafts.length).fill(NONE);
  drafts.forEach((draft, index) => {
    const span = draft.span;
    // Nesting is authoritative; `parent_id` links independent subsegments and segments.
    const wanted = draft.nestParentId ?? span.declaredParentId;
    const parentDraft = wanted === undefined ? undefined : byId.get(wanted);
    const parent = parentDraft?.index;
    if (parent !== undefined && parent !== index) {
      parents[index] = parent;
    } else if (wanted !== undefined && span.kind === 'subsegment') {
      // A segment whose caller is outside the trace is normal (untraced client); a subsegment is not.
      warnings.push({ code: 'orphanSpan', message: `Parent ${wanted} of subsegment ${span.id} is not in the trace; shown as a root`, spanId: span.id });
    }
  });
  return parents;
}

/** Parent links come from untrusted data and may loop; each loop is cut at the span where it closes. */
function breakCycles(drafts: readonly SpanDraft[], parents: Int32Array, warnings: TraceWarning[]): void {
  const state = new Uint8Array(parents.length); // 0 new, 1 on the current walk, 2 done
  const path: number[] = [];
  for (let start = 0; start < parents.length; start++) {
    path.length = 0;
    for (let current = start; state[current] !== 2; ) {
      if (state[current] === 1) {
        parents[current] = NONE;
        warnings.push({ code: 'invalidField', message: `Parent links of ${drafts[current]?.span.id ?? '?'} form a cycle; cut there`, spanId: drafts[current]?.span.id });
        break;
      }
      state[current] = 1;
      path.push(current);
      const parent = parents[current] ?? NONE;
      if (parent === NONE) break;
      current = parent;
    }
    for (const index of path) state[index] = 2;
  }
}

function byStart(drafts: readonly SpanDraft[]): (a: number, b: number) => number {
  return (a, b) => {
    const left = drafts[a];
    const right = drafts[b];
    if (left === undefined || right === undefined) return 0;
    if (left.startSeconds !== right.startSeconds) return left.startSeconds - right.startSeconds;
    if (left.documentKey !== right.documentKey) return left.documentKey < right.documentKey ? -1 : 1;
    return left.order - right.order;
  };
}

/** Children as one flat array sliced by offsets: two typed arrays instead of one array per span. */
interface ChildIndex {
  offsets: Int32Array;
  items: Int32Array;
  roots: number[];
}

function childIndex(drafts: readonly SpanDraft[], parents: Int32Array): ChildIndex {
  const count = drafts.length;
  const offsets = new Int32Array(count + 1);
  const roots: number[] = [];
  for (let i = 0; i < count; i++) {
    const parent = parents[i] ?? NONE;
    if (parent === NONE) roots.push(i);
    else offsets[parent + 1] = (offsets[parent + 1] ?? 0) + 1;
  }
  for (let i = 0; i < count; i++) offsets[i + 1] = (offsets[i + 1] ?? 0) + (offsets[i] ?? 0);
  const fill = offsets.slice(0, count);
  const items = new Int32Array(Math.max(0, count - roots.length));
  for (let i = 0; i < count; i++) {
    const parent = parents[i] ?? NONE;
    if (parent === NONE) continue;
    const slot = fill[parent] ?? 0;
    items[slot] = i;
    fill[parent] = slot + 1;
  }
  const compare = byStart(drafts);
  roots.sort(compare);
  for (let i = 0; i < count; i++) {
    const from = offsets[i] ?? 0;
    const to = offsets[i + 1] ?? 0;
    if (to - from > 1) items.subarray(from, to).sort(compare);
  }
  return { offsets, items, roots };
}

/**
 * Lambda's `Initialization` (and SnapStart `Restore`) runs before the function segment starts, by
 * design; clamping it would erase the cold start from the timeline.
 */
function startsBeforeParentByDesign(child: Span, parent: Span): boolean {
  return parent.origin === 'AWS::Lambda::Function' && (child.name === 'Initialization' || child.name === 'Restore');
}

function traceBounds(drafts: readonly SpanDraft[]): { first: number; last: number } {
  let first = Infinity;
  let last = -Infinity;
  for (const draft of drafts) {
    first = Math.min(first, draft.startSeconds);
    last = Math.max(last, draft.startSeconds, draft.endSeconds ?? -Infinity);
  }
  return drafts.length === 0 ? { first: 0, last: 0 } : { first, last };
}

/** Orders the drafts into a tree and fills `parentId`, `childIds`, `depth` and the relative times. */
export function buildTraceTree(byId: ReadonlyMap<string, SpanDraft>, warnings: TraceWarning[]): TraceTree {
  const drafts = [...byId.values()];
  const parents = linkParents(drafts, byId, warnings);
  breakCycles(drafts, parents, warnings);
  const { offsets, items, roots } = childIndex(drafts, parents);
  const { first, last } = traceBounds(drafts);
  const startEpochMs = roundMs(first * 1000);
  const endMs = roundMs(last * 1000 - startEpochMs);
  const clampedStart = new Float64Array(drafts.length);
  const spans: Span[] = [];
  const stack: number[] = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push(roots[i] ?? NONE);
  for (let index = stack.pop(); index !== undefined; index = stack.pop()) {
    const draft = drafts[index];
    if (draft === undefined) continue;
    placeSpan(draft, drafts[parents[index] ?? NONE], { clampedStart, index, parentIndex: parents[index] ?? NONE, startEpochMs, endMs, warnings });
    spans.push(draft.span);
    const from = offsets[index] ?? 0;
    const to = offsets[index + 1] ?? 0;
    const childIds = draft.span.childIds;
    for (let k = from; k < to; k++) childIds.push(drafts[items[k] ?? NONE]?.span.id ?? '');
    for (let k = to - 1; k >= from; k--) stack.push(items[k] ?? NONE);
  }
  return {
    spans,
    rootIds: roots.map((root) => drafts[root]?.span.id ?? ''),
    startEpochMs,
    durationMs: Math.max(0, endMs),
  };
}

interface PlaceContext {
  clampedStart: Float64Array;
  index: number;
  parentIndex: number;
  startEpochMs: number;
  endMs: number;
  warnings: TraceWarning[];
}

function placeSpan(draft: SpanDraft, parentDraft: SpanDraft | undefined, context: PlaceContext): void {
  const span = draft.span;
  let startMs = roundMs(draft.startSeconds * 1000 - context.startEpochMs);
  if (parentDraft !== undefined) {
    const parent = parentDraft.span;
    span.parentId = parent.id;
    span.depth = parent.depth + 1;
    const parentStart = context.clampedStart[context.parentIndex] ?? 0;
    if (startMs < parentStart && !startsBeforeParentByDesign(span, parent)) {
      context.warnings.push({ code: 'clockSkew', message: `${span.name} (${span.id}) starts ${roundMs(parentStart - startMs)} ms before its parent; aligned to the parent's start`, spanId: span.id });
      startMs = parentStart;
      span.clockSkew = true;
    }
  }
  context.clampedStart[context.index] = startMs;
  const endMs = draft.endSeconds === undefined ? context.endMs : roundMs(draft.endSeconds * 1000 - context.startEpochMs);
  span.startMs = startMs;
  span.endMs = Math.max(startMs, endMs);
  span.durationMs = roundMs(span.endMs - startMs);
}
