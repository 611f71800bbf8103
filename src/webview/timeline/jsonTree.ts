/**
 * Metadata as a collapsible tree: `<details>` per object or array, values as text. Children are
 * built when a node is first opened and in chunks ("Show more"), so a huge or deeply nested
 * metadata block costs nothing until it is explored.
 */
import type { JsonValue } from '../../shared/traceModel';
import { button, el } from './dom';
import { icon } from './icons';

const CHUNK = 50;
const MAX_LEAF_CHARS = 2000;

export type CopyValue = (text: string) => void;

function leafText(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function leafNode(key: string, value: JsonValue, copy: CopyValue): HTMLElement {
  const full = leafText(value);
  const shown = full.length > MAX_LEAF_CHARS ? `${full.slice(0, MAX_LEAF_CHARS)}…` : full;
  const type = value === null ? 'null' : typeof value;
  const copyButton = button('', 'tl-icon-button tl-copy', () => copy(full), `Copy ${key}`);
  copyButton.appendChild(icon('copy'));
  return el('div', { className: 'tl-json-leaf' }, [
    el('span', { className: 'tl-json-key', text: key }),
    el('span', { className: `tl-json-value tl-json-${type}`, text: shown }),
    copyButton,
  ]);
}

function entriesOf(value: JsonValue[] | { [key: string]: JsonValue }): [string, JsonValue][] {
  return Array.isArray(value) ? value.map((v, i): [string, JsonValue] => [String(i), v]) : Object.entries(value);
}

function appendChunk(container: HTMLElement, entries: [string, JsonValue][], from: number, copy: CopyValue): void {
  const end = Math.min(entries.length, from + CHUNK);
  for (let i = from; i < end; i++) {
    const [key, value] = entries[i] as [string, JsonValue];
    container.appendChild(jsonNode(key, value, copy, false));
  }
  if (end < entries.length) {
    const more = button(`Show more (${entries.length - end} more)`, 'tl-link-button tl-show-more', () => {
      more.remove();
      appendChunk(container, entries, end, copy);
    });
    container.appendChild(more);
  }
}

export function jsonNode(key: string, value: JsonValue, copy: CopyValue, open: boolean): HTMLElement {
  if (value === null || typeof value !== 'object') {
    return leafNode(key, value, copy);
  }
  const entries = entriesOf(value);
  const size = Array.isArray(value) ? `[${entries.length} item${entries.length === 1 ? '' : 's'}]` : `{${entries.length} key${entries.length === 1 ? '' : 's'}}`;
  const summary = el('summary', {}, [el('span', { className: 'tl-json-key', text: key }), el('span', { className: 'tl-dim', text: ` ${size}` })]);
  const children = el('div', { className: 'tl-json-children' });
  const details = el('details', { className: 'tl-json-node' }, [summary, children]);
  let built = false;
  const build = (): void => {
    if (!built && details.open) {
      built = true;
      appendChunk(children, entries, 0, copy);
    }
  };
  details.addEventListener('toggle', build);
  if (open) {
    details.open = true;
    build();
  }
  return details;
}
