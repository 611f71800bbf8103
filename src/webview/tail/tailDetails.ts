/**
 * The details of the selected tail line, under the list: its whole text (a row shows one line),
 * formatted JSON on demand, every stack frame (links for the user's own code, the timeline's
 * `renderLogStack`), and the request with "Open trace". Text only, never HTML.
 */
import type { TailViewLine } from '../../shared/tailMessages';
import { button, el } from '../timeline/dom';
import { functionLabel, prettyJson, renderLogStack } from '../timeline/logsRender';
import type { FunctionColours } from '../timeline/logsRender';
import { levelText } from './tailRow';

export interface TailDetailsActions {
  openTrace(seq: number): void;
  copy(line: TailViewLine): void;
  close(): void;
}

export function renderDetails(line: TailViewLine, colours: FunctionColours, actions: TailDetailsActions): HTMLElement {
  const time = Number.isFinite(line.timestamp) ? new Date(line.timestamp).toISOString() : '';
  const level = levelText(line);
  const header = el('div', { className: 'tail-details-header' }, [
    el('span', { className: 'tail-details-time', text: time }),
    functionLabel(line.fn, colours),
    level !== '' ? el('span', { className: 'tail-details-level', text: level }) : undefined,
    line.requestId !== undefined ? el('span', { className: 'tail-details-request tl-dim', text: `request ${line.requestId}` }) : undefined,
    el('span', { className: 'tl-spacer-flex' }),
    line.requestId !== undefined ? button('Open trace', 'tl-button tl-button-secondary tail-details-trace', () => actions.openTrace(line.seq)) : undefined,
    button('Copy', 'tl-button tl-button-secondary tail-details-copy', () => actions.copy(line)),
    button('✕', 'tl-icon-button tail-details-close', () => actions.close(), 'Close details (Escape)'),
  ]);
  const body = el('div', { className: 'tail-details-body' }, [el('pre', { className: 'tail-details-text', text: line.raw ?? line.message })]);
  if (line.json === true) {
    const pretty = prettyJson({ raw: line.raw, message: line.message });
    if (pretty !== undefined) {
      const toggle = el('button', { className: 'tl-link-button tail-details-json-toggle', text: 'Show formatted JSON', attrs: { type: 'button', 'aria-pressed': 'false' } });
      const block = el('pre', { className: 'tl-log-json tail-details-json', text: pretty });
      block.hidden = true;
      toggle.addEventListener('click', () => {
        block.hidden = !block.hidden;
        toggle.setAttribute('aria-pressed', String(!block.hidden));
        toggle.textContent = block.hidden ? 'Show formatted JSON' : 'Hide formatted JSON';
      });
      body.append(toggle, block);
    }
  }
  if (line.stack !== undefined && line.stack.length > 0) body.appendChild(renderLogStack(line.stack));
  return el('section', { className: 'tail-details', attrs: { 'aria-label': 'Selected log line', 'data-seq': String(line.seq) } }, [header, body]);
}
