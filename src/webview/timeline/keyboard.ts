/** Keyboard behaviour of the span tree (WAI-ARIA tree pattern, single selection follows focus). */
import { isGoToSourceKey } from './sourceLinks';
import type { TimelineState } from './timelineState';

export interface TreeNavigator {
  readonly state: TimelineState;
  pageSize(): number;
  /** Selects the span at a visible row, as a user action (scrolls it into view, tells the host). */
  selectRow(row: number): void;
  /** Moves focus into the details pane. */
  openDetails(): void;
  /** "Go to source" for the selected span; false when it is not a failing span. */
  goToSource(): boolean;
}

function clampRow(row: number, count: number): number {
  return Math.max(0, Math.min(count - 1, row));
}

function horizontal(key: 'ArrowLeft' | 'ArrowRight', nav: TreeNavigator, index: number): void {
  const { state } = nav;
  const expandable = state.isExpandable(index);
  const collapsed = state.isCollapsed(index);
  if (key === 'ArrowRight') {
    if (expandable && collapsed) {
      state.setCollapsed(index, false);
    } else if (expandable) {
      nav.selectRow(state.visible.rowOf[index + 1] ?? -1);
    }
    return;
  }
  if (expandable && !collapsed) {
    state.setCollapsed(index, true);
    return;
  }
  const parent = state.index.parent[index] ?? -1;
  if (parent >= 0) {
    nav.selectRow(state.visible.rowOf[parent] ?? -1);
  }
}

/** Handles a key on the tree; returns true when the key was used (the caller prevents default). */
export function handleTreeKey(event: KeyboardEvent, nav: TreeNavigator): boolean {
  const { state } = nav;
  const count = state.visible.count;
  if (count === 0 || event.altKey || event.ctrlKey || event.metaKey) {
    return false;
  }
  const index = state.selected;
  const row = index >= 0 ? (state.visible.rowOf[index] ?? -1) : -1;
  const moves: Record<string, number> = {
    ArrowDown: row + 1,
    ArrowUp: row < 0 ? 0 : row - 1,
    Home: 0,
    End: count - 1,
    PageDown: row + nav.pageSize(),
    PageUp: row - nav.pageSize(),
  };
  const target = moves[event.key];
  if (target !== undefined) {
    nav.selectRow(clampRow(target, count));
    return true;
  }
  if (row < 0) {
    if (event.key === 'ArrowRight' || event.key === 'ArrowLeft' || event.key === ' ' || event.key === 'Enter') {
      nav.selectRow(0);
      return true;
    }
    return false;
  }
  switch (event.key) {
    case 'ArrowRight':
    case 'ArrowLeft':
      horizontal(event.key, nav, index);
      return true;
    case ' ':
      state.toggle(index);
      return true;
    case 'Enter':
      nav.openDetails();
      return true;
    default:
      return isGoToSourceKey(event) && nav.goToSource();
  }
}
