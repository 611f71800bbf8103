/**
 * The map's scope control, "All · Local · AWS": shown only while the Traces view lists local and
 * AWS traces side by side. A radio group (arrow keys move and choose, as in any radio group);
 * each choice names its count of listed traces. Choosing posts `scope`; the host redraws.
 */
import type { MapScope, MapScopeInfo } from '../../shared/mapMessages';
import { MAP_SCOPES } from '../../shared/mapMessages';
import { el } from '../timeline/dom';
import { formatCount } from './mapFormat';

/** The header's word for what is drawn. */
export const SCOPE_LABEL: Record<MapScope, string> = { all: 'Local and AWS', local: 'Local', aws: 'AWS' };

const CHOICE_LABEL: Record<MapScope, string> = { all: 'All', local: 'Local', aws: 'AWS' };

export class ScopeControl {
  readonly element: HTMLElement;
  private readonly buttons = new Map<MapScope, HTMLButtonElement>();
  private current: MapScope = 'all';

  constructor(private readonly choose: (scope: MapScope) => void) {
    this.element = el('div', { className: 'map-scope', attrs: { role: 'radiogroup', 'aria-label': 'Traces drawn', hidden: '' } });
    for (const scope of MAP_SCOPES) {
      const button = el('button', { className: 'map-scope-choice', attrs: { type: 'button', role: 'radio', 'data-scope': scope, 'aria-checked': 'false', tabindex: '-1' } });
      button.addEventListener('click', () => this.pick(scope));
      button.addEventListener('keydown', (event) => this.onKey(event, scope));
      this.buttons.set(scope, button);
      this.element.appendChild(button);
    }
  }

  get scope(): MapScope {
    return this.current;
  }

  /** Shows the control with the host's counts, or hides it (undefined: one source only). */
  update(info: MapScopeInfo | undefined): void {
    this.element.hidden = info === undefined;
    if (info === undefined) return;
    const counts: Record<MapScope, number> = { all: info.local + info.aws, local: info.local, aws: info.aws };
    for (const [scope, button] of this.buttons) {
      button.textContent = `${CHOICE_LABEL[scope]} ${formatCount(counts[scope])}`;
      button.title = scope === 'all' ? 'Draw every trace the Traces view lists' : `Draw only the traces of the Traces view's ${SCOPE_LABEL[scope]} group`;
    }
    this.mark(info.scope);
  }

  private mark(scope: MapScope): void {
    this.current = scope;
    for (const [key, button] of this.buttons) {
      button.setAttribute('aria-checked', String(key === scope));
      button.tabIndex = key === scope ? 0 : -1;
    }
  }

  private pick(scope: MapScope): void {
    if (scope === this.current) return;
    this.mark(scope);
    this.choose(scope);
  }

  private onKey(event: KeyboardEvent, scope: MapScope): void {
    const step = event.key === 'ArrowRight' || event.key === 'ArrowDown' ? 1 : event.key === 'ArrowLeft' || event.key === 'ArrowUp' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    event.stopPropagation();
    const next = MAP_SCOPES[(MAP_SCOPES.indexOf(scope) + step + MAP_SCOPES.length) % MAP_SCOPES.length] as MapScope;
    this.pick(next);
    this.buttons.get(next)?.focus();
  }
}
