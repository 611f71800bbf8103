/**
 * The tail view's data, without DOM: the newest `maxLines` lines, the lines waiting while the
 * view is paused, the client-side `/regex/` filter and the lines it lets through, the selection.
 * Appends and cap drops cost the size of the batch plus one front splice: a steady 5,000 events
 * per second never rebuilds the filtered list.
 */
import { parseTailFilter, tailFilterMatches } from '../../core/tailFilter';
import type { TailFilter } from '../../core/tailFilter';
import type { TailViewLine } from '../../shared/tailMessages';

export class TailModel {
  /** Every line held, oldest first. */
  private all: TailViewLine[] = [];
  /** The lines the filter lets through, oldest first (the rows of the list). */
  private visibleLines: TailViewLine[] = [];
  /** Lines received while paused, oldest first, bounded like `all`. */
  private waiting: TailViewLine[] = [];
  private filterValue: TailFilter = { kind: 'none' };
  /** Lines dropped at the cap (while shown or while waiting) since the view started or was cleared. */
  droppedAtCap = 0;
  paused = false;
  selectedSeq: number | undefined;

  constructor(private cap: number) {}

  get maxLines(): number {
    return this.cap;
  }

  get size(): number {
    return this.all.length;
  }

  get visible(): readonly TailViewLine[] {
    return this.visibleLines;
  }

  get waitingCount(): number {
    return this.waiting.length;
  }

  get filter(): TailFilter {
    return this.filterValue;
  }

  /** Replaces everything (the host's replay after the page was rebuilt). */
  reset(lines: readonly TailViewLine[], dropped: number): void {
    this.all = lines.slice(-this.cap);
    this.droppedAtCap = dropped + Math.max(0, lines.length - this.cap);
    this.waiting = [];
    this.refilter();
  }

  /** New lines: shown (or held while paused). Returns how many became visible rows. */
  append(lines: readonly TailViewLine[]): number {
    if (this.paused) {
      this.waiting.push(...lines);
      const over = this.waiting.length - this.cap;
      if (over > 0) {
        this.waiting.splice(0, over);
        this.droppedAtCap += over;
      }
      return 0;
    }
    return this.show(lines);
  }

  /** Ends a pause: the waiting lines are shown. */
  resume(): number {
    this.paused = false;
    const waiting = this.waiting;
    this.waiting = [];
    return this.show(waiting);
  }

  pause(): void {
    this.paused = true;
  }

  clear(): void {
    this.all = [];
    this.visibleLines = [];
    this.waiting = [];
    this.droppedAtCap = 0;
    this.selectedSeq = undefined;
  }

  setCap(cap: number): void {
    this.cap = Math.max(1, cap);
    this.trim();
  }

  /** Sets the filter box text; only a `/regex/` changes which lines are shown here. */
  setFilter(text: string): TailFilter {
    const next = parseTailFilter(text);
    const before = this.filterValue;
    this.filterValue = next;
    if (before.kind === 'regex' || next.kind === 'regex') this.refilter();
    return next;
  }

  /** Row of a line among the visible ones; -1 when filtered out or gone. */
  rowOf(seq: number): number {
    // Visible lines are in seq order: binary search.
    let low = 0;
    let high = this.visibleLines.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const value = (this.visibleLines[mid] as TailViewLine).seq;
      if (value === seq) return mid;
      if (value < seq) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  line(seq: number): TailViewLine | undefined {
    const row = this.rowOf(seq);
    if (row >= 0) return this.visibleLines[row];
    return this.all.find((line) => line.seq === seq);
  }

  /** True when `seq` is still held (shown or hidden by the filter). */
  holds(seq: number): boolean {
    const first = this.all[0];
    return first !== undefined && seq >= first.seq && this.all.some((line) => line.seq === seq);
  }

  private show(lines: readonly TailViewLine[]): number {
    if (lines.length === 0) return 0;
    this.all.push(...lines);
    let added = 0;
    for (const line of lines) {
      if (this.passes(line)) {
        this.visibleLines.push(line);
        added += 1;
      }
    }
    this.trim();
    return added;
  }

  private trim(): void {
    const over = this.all.length - this.cap;
    if (over <= 0) return;
    this.all.splice(0, over);
    this.droppedAtCap += over;
    const first = this.all[0]?.seq ?? Number.POSITIVE_INFINITY;
    let cut = 0;
    while (cut < this.visibleLines.length && (this.visibleLines[cut] as TailViewLine).seq < first) cut += 1;
    if (cut > 0) this.visibleLines.splice(0, cut);
    if (this.selectedSeq !== undefined && this.selectedSeq < first) this.selectedSeq = undefined;
  }

  private refilter(): void {
    this.visibleLines = this.all.filter((line) => this.passes(line));
  }

  private passes(line: TailViewLine): boolean {
    if (this.filterValue.kind !== 'regex') return true;
    return tailFilterMatches(this.filterValue, line.raw ?? line.message) || (line.raw !== undefined && tailFilterMatches(this.filterValue, line.message)) || tailFilterMatches(this.filterValue, line.fn);
  }
}
