/**
 * Span search over the rows' `searchText` column, which the host lower-cased when it encoded the
 * trace: a query is one `includes` per row, linear and allocation-free apart from the matches.
 */

export class SpanSearch {
  /** Order indices of the matches, in tree order. */
  matches: number[] = [];
  /** 1 for each matching order index, so rows test membership in O(1). */
  readonly matchFlags: Uint8Array;
  /** Position in `matches` of the current match, -1 before the first Enter. */
  current = -1;
  query = '';

  constructor(private readonly texts: readonly string[]) {
    this.matchFlags = new Uint8Array(texts.length);
  }

  run(query: string): void {
    this.query = query;
    this.matchFlags.fill(0);
    this.matches = [];
    this.current = -1;
    const needle = query.trim().toLowerCase();
    if (needle === '') {
      return;
    }
    const texts = this.texts;
    for (let i = 0; i < texts.length; i++) {
      if ((texts[i] as string).includes(needle)) {
        this.matches.push(i);
        this.matchFlags[i] = 1;
      }
    }
  }

  /** Moves to the next (or previous) match, starting from the selection when there is one. */
  step(direction: 1 | -1, fromIndex: number): number | undefined {
    const count = this.matches.length;
    if (count === 0) {
      return undefined;
    }
    if (this.current < 0 || this.matches[this.current] !== fromIndex) {
      this.current = this.firstFrom(direction, fromIndex);
    } else {
      this.current = (this.current + direction + count) % count;
    }
    return this.matches[this.current];
  }

  private firstFrom(direction: 1 | -1, fromIndex: number): number {
    const count = this.matches.length;
    if (fromIndex < 0) {
      return direction === 1 ? 0 : count - 1;
    }
    if (direction === 1) {
      const at = this.matches.findIndex((m) => m > fromIndex);
      return at < 0 ? 0 : at;
    }
    for (let k = count - 1; k >= 0; k--) {
      if ((this.matches[k] as number) < fromIndex) {
        return k;
      }
    }
    return count - 1;
  }

  label(): string {
    if (this.query.trim() === '') {
      return '';
    }
    if (this.matches.length === 0) {
      return 'No results';
    }
    return this.current < 0 ? `${this.matches.length} results` : `${this.current + 1} of ${this.matches.length}`;
  }
}
