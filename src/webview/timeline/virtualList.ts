/**
 * A virtualized list of fixed-height rows: only the rows in view (plus overscan) exist in the
 * DOM, positioned with transforms over a spacer that gives the scroll height. Elements are
 * recycled. Reads (scrollTop, viewport height) happen once per frame before any write, so
 * scrolling never forces a synchronous layout.
 */

export interface VirtualListHooks<T> {
  create(): T;
  element(item: T): HTMLElement;
  /** Binds an element to a visible row; called for new rows and, after `invalidate`, for all rows. */
  update(item: T, row: number): void;
}

const OVERSCAN = 8;

export class VirtualList<T> {
  private count = 0;
  private readonly active = new Map<number, T>();
  private readonly free: T[] = [];
  private frame = 0;
  private dirty = true;
  private viewportHeight = 0;
  /** Called after each render with the range shown; the tests and the bench observe it. */
  onRendered: ((first: number, last: number) => void) | undefined;

  constructor(
    private readonly viewport: HTMLElement,
    private readonly spacer: HTMLElement,
    readonly rowHeight: number,
    private readonly hooks: VirtualListHooks<T>,
  ) {
    viewport.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => {
      this.viewportHeight = 0;
      this.schedule();
    }).observe(viewport);
  }

  setCount(count: number): void {
    this.count = count;
    this.spacer.style.height = `${count * this.rowHeight}px`;
    this.invalidate();
  }

  /** Rebinds every rendered row on the next frame (data, selection or match changed). */
  invalidate(): void {
    this.dirty = true;
    this.schedule();
  }

  schedule(): void {
    if (this.frame === 0) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.render();
      });
    }
  }

  /** Renders synchronously; used for the first paint so rows exist before the next frame. */
  render(): void {
    if (this.frame !== 0) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
    }
    const scrollTop = this.viewport.scrollTop;
    if (this.viewportHeight === 0) {
      this.viewportHeight = this.viewport.clientHeight || 600;
    }
    const first = Math.max(0, Math.floor(scrollTop / this.rowHeight) - OVERSCAN);
    const last = Math.min(this.count - 1, Math.ceil((scrollTop + this.viewportHeight) / this.rowHeight) + OVERSCAN);
    for (const [row, item] of this.active) {
      if (row < first || row > last) {
        this.active.delete(row);
        this.free.push(item);
      }
    }
    for (let row = first; row <= last; row++) {
      let item = this.active.get(row);
      const fresh = item === undefined;
      if (!item) {
        item = this.free.pop() ?? this.createItem();
        this.active.set(row, item);
        const element = this.hooks.element(item);
        element.style.transform = `translateY(${row * this.rowHeight}px)`;
        element.hidden = false;
      }
      if (fresh || this.dirty) {
        this.hooks.update(item, row);
      }
    }
    for (const item of this.free) {
      this.hooks.element(item).hidden = true;
    }
    this.dirty = false;
    this.onRendered?.(first, last);
  }

  private createItem(): T {
    const item = this.hooks.create();
    this.spacer.appendChild(this.hooks.element(item));
    return item;
  }

  /** The rendered item of a visible row, if it is in the DOM. */
  itemAt(row: number): T | undefined {
    return this.active.get(row);
  }

  /** Scrolls the least needed to show the row (or centres it when it is far away). */
  scrollToRow(row: number, align: 'nearest' | 'center' = 'nearest'): void {
    const height = this.viewportHeight || this.viewport.clientHeight;
    const top = row * this.rowHeight;
    const current = this.viewport.scrollTop;
    let target = current;
    if (align === 'center') {
      target = top - (height - this.rowHeight) / 2;
    } else if (top < current) {
      target = top;
    } else if (top + this.rowHeight > current + height) {
      target = top + this.rowHeight - height;
    }
    target = Math.max(0, target);
    if (target !== current) {
      this.viewport.scrollTop = target;
      this.schedule();
    }
  }

  /** Rows that fit in the viewport, for PageUp/PageDown. */
  pageSize(): number {
    return Math.max(1, Math.floor((this.viewportHeight || this.viewport.clientHeight) / this.rowHeight) - 1);
  }
}
