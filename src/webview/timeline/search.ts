/**
 * Span search. Each span's searchable text is built on first search only and cached, so a
 * 100,000-span trace costs nothing until the user types.
 */
import type { Span } from '../../shared/traceModel';

export function spanSearchText(span: Span): string {
  const parts: (string | number | undefined)[] = [span.name, span.serviceType, span.origin, span.id];
  const { http, aws } = span;
  if (http) {
    parts.push(http.request?.url, http.request?.method, http.response?.status);
  }
  if (aws) {
    parts.push(aws.operation, aws.tableName, aws.queueUrl, aws.topicArn, aws.requestId, aws.functionName);
  }
  parts.push(span.lambda?.requestId);
  for (const [key, value] of Object.entries(span.annotations)) {
    parts.push(key, String(value));
  }
  for (const exception of span.cause?.exceptions ?? []) {
    parts.push(exception.type, exception.message);
  }
  return parts
    .filter((p) => p !== undefined && p !== '')
    .join('\n')
    .toLowerCase();
}

export class SpanSearch {
  private readonly texts: (string | undefined)[];
  /** Order indices of the matches, in tree order. */
  matches: number[] = [];
  /** 1 for each matching order index, so rows test membership in O(1). */
  readonly matchFlags: Uint8Array;
  /** Position in `matches` of the current match, -1 before the first Enter. */
  current = -1;
  query = '';

  constructor(private readonly spans: readonly Span[]) {
    this.texts = new Array<string | undefined>(spans.length);
    this.matchFlags = new Uint8Array(spans.length);
  }

  private textOf(i: number): string {
    let text = this.texts[i];
    if (text === undefined) {
      text = spanSearchText(this.spans[i] as Span);
      this.texts[i] = text;
    }
    return text;
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
    for (let i = 0; i < this.spans.length; i++) {
      if (this.textOf(i).includes(needle)) {
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
