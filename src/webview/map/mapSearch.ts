/**
 * "Find a service": the search box of the map toolbar. Typing marks the matching nodes (the
 * others dim); Enter moves to the next match (Shift+Enter: previous), centres and selects it;
 * Escape clears the search and returns focus to the map.
 */
import { el } from '../timeline/dom';
import { searchNodes } from './mapModel';
import type { MapModel, VisibleNode } from './mapModel';
import type { RenderedMap } from './mapRender';

export interface MapSearchHost {
  readonly svg: SVGSVGElement;
  model(): MapModel;
  rendered(): RenderedMap | undefined;
  /** Centres the node and selects it (telling the host). */
  goTo(node: VisibleNode): void;
  /** The search text changed: persist the UI state. */
  changed(): void;
}

export class MapSearch {
  readonly input = el('input', { className: 'map-input map-search', attrs: { type: 'search', placeholder: 'Find a service (Enter: next)', 'aria-label': 'Find a service on the map' } });
  readonly matchCount = el('span', { className: 'map-dim map-match-count', attrs: { 'aria-live': 'polite' } });
  private matches: VisibleNode[] = [];
  private matchIndex = -1;

  constructor(private readonly host: MapSearchHost) {
    this.input.addEventListener('input', () => this.run());
    this.input.addEventListener('keydown', (event) => this.onKey(event));
  }

  get value(): string {
    return this.input.value;
  }

  set value(text: string) {
    this.input.value = text;
  }

  focus(): void {
    this.input.focus();
    this.input.select();
  }

  /** Marks the matches on the map drawn now; `announce` false when the map was only redrawn. */
  run(announce = true): void {
    const rendered = this.host.rendered();
    if (!rendered) return;
    for (const element of rendered.content.querySelectorAll('.match, .current-match')) element.classList.remove('match', 'current-match');
    const text = this.input.value.trim();
    this.matches = searchNodes(this.host.model(), this.input.value);
    this.matchIndex = -1;
    this.host.svg.classList.toggle('searching', text !== '');
    for (const node of this.matches) rendered.nodeEls.get(node.id)?.classList.add('match');
    this.matchCount.textContent = text === '' ? '' : this.matches.length === 0 ? 'No match' : `${this.matches.length} match${this.matches.length === 1 ? '' : 'es'}`;
    if (announce) this.host.changed();
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      this.input.value = '';
      this.run();
      this.host.svg.focus();
    } else if (event.key === 'Enter' && this.matches.length > 0) {
      const step = event.shiftKey ? -1 : 1;
      this.matchIndex = (this.matchIndex + step + this.matches.length) % this.matches.length;
      const node = this.matches[this.matchIndex] as VisibleNode;
      const rendered = this.host.rendered();
      for (const element of rendered?.content.querySelectorAll('.current-match') ?? []) element.classList.remove('current-match');
      rendered?.nodeEls.get(node.id)?.classList.add('current-match');
      this.matchCount.textContent = `${this.matchIndex + 1} of ${this.matches.length}`;
      this.host.goTo(node);
    } else {
      return;
    }
    event.preventDefault();
  }
}
