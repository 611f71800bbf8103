/**
 * The UI state of one rendered trace: collapsed set, visible rows, selection. Views subscribe
 * and re-render; the state never touches the DOM.
 */
import type { TimelineRows } from '../../shared/timelineRows';
import type { VisibleRows } from './treeIndex';
import { computeVisible, TreeIndex } from './treeIndex';

/** Up to this many spans everything starts expanded; beyond, rows below depth 2 start hidden. */
export const EXPAND_ALL_LIMIT = 2000;

export type StateChange = 'rows' | 'selection';

export class TimelineState {
  readonly index: TreeIndex;
  readonly collapsed: Uint8Array;
  visible: VisibleRows;
  /** Order index of the selected span, -1 for none. */
  selected = -1;
  private readonly listeners: ((change: StateChange) => void)[] = [];

  constructor(rows: TimelineRows, collapsedIds: readonly string[] | undefined) {
    this.index = new TreeIndex(rows);
    this.collapsed = new Uint8Array(this.index.count);
    if (collapsedIds) {
      for (const id of collapsedIds) {
        this.markCollapsed(id);
      }
    } else if (this.index.count > EXPAND_ALL_LIMIT) {
      this.collapseFromDepth(1);
    }
    this.visible = computeVisible(this.index, this.collapsed);
  }

  onChange(listener: (change: StateChange) => void): void {
    this.listeners.push(listener);
  }

  private emit(change: StateChange): void {
    for (const listener of this.listeners) {
      listener(change);
    }
  }

  private markCollapsed(id: string): void {
    const i = this.index.indexOf(id);
    if (i !== undefined && this.index.hasChildren(i)) {
      this.collapsed[i] = 1;
    }
  }

  /** Collapses the nodes at exactly `depth`, so the tree shows `depth + 1` levels. */
  private collapseFromDepth(depth: number): void {
    const { depth: depths } = this.index;
    for (let i = 0; i < depths.length; i++) {
      if (depths[i] === depth && this.index.hasChildren(i)) {
        this.collapsed[i] = 1;
      }
    }
  }

  private refreshRows(): void {
    this.visible = computeVisible(this.index, this.collapsed, this.visible);
    this.emit('rows');
  }

  spanId(i: number): string | undefined {
    return this.index.spanId(i);
  }

  isExpandable(i: number): boolean {
    return this.index.hasChildren(i);
  }

  isCollapsed(i: number): boolean {
    return this.collapsed[i] === 1;
  }

  setCollapsed(i: number, collapsed: boolean): void {
    if (!this.isExpandable(i) || this.isCollapsed(i) === collapsed) {
      return;
    }
    this.collapsed[i] = collapsed ? 1 : 0;
    this.refreshRows();
  }

  toggle(i: number): void {
    this.setCollapsed(i, !this.isCollapsed(i));
  }

  expandAll(): void {
    this.collapsed.fill(0);
    this.refreshRows();
  }

  collapseAll(): void {
    for (let i = 0; i < this.collapsed.length; i++) {
      this.collapsed[i] = this.isExpandable(i) ? 1 : 0;
    }
    this.refreshRows();
  }

  /** Expands every collapsed ancestor of i so its row is visible. */
  reveal(i: number): void {
    let changed = false;
    for (let p = this.index.parent[i] ?? -1; p >= 0; p = this.index.parent[p] ?? -1) {
      if (this.collapsed[p] === 1) {
        this.collapsed[p] = 0;
        changed = true;
      }
    }
    if (changed) {
      this.refreshRows();
    }
  }

  select(i: number): void {
    if (i === this.selected || i < -1 || i >= this.index.count) {
      return;
    }
    this.selected = i;
    if (i >= 0) {
      this.reveal(i);
    }
    this.emit('selection');
  }

  collapsedIds(): string[] {
    const ids: string[] = [];
    for (let i = 0; i < this.collapsed.length; i++) {
      if (this.collapsed[i] === 1) {
        ids.push(this.index.spanId(i) ?? '');
      }
    }
    return ids;
  }
}
