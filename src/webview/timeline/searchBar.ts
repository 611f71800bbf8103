/** The toolbar: search box with result count and navigation, and expand/collapse all. */
import { button, el } from './dom';
import { icon } from './icons';

export interface ToolbarHandlers {
  onQuery(query: string): void;
  onStep(direction: 1 | -1): void;
  onClear(): void;
  onExpandAll(): void;
  onCollapseAll(): void;
}

export interface Toolbar {
  root: HTMLElement;
  input: HTMLInputElement;
  setCount(text: string): void;
}

function iconButton(name: 'up' | 'down' | 'expandAll' | 'collapseAll', label: string, onClick: () => void, text?: string): HTMLButtonElement {
  const node = button('', text ? 'tl-button tl-button-secondary' : 'tl-icon-button', onClick, text ? undefined : label);
  node.appendChild(icon(name));
  if (text) {
    node.appendChild(el('span', { text }));
  }
  return node;
}

export function createToolbar(handlers: ToolbarHandlers, largeTrace: boolean): Toolbar {
  const input = el('input', {
    className: 'tl-search-input',
    attrs: { type: 'search', placeholder: 'Search spans (name, service, URL, table, annotation, exception…)', 'aria-label': 'Search spans', spellcheck: 'false' },
  });
  const count = el('span', { className: 'tl-search-count', attrs: { 'aria-live': 'polite' } });
  let timer: ReturnType<typeof setTimeout> | undefined;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    // Small traces search as you type; large ones wait for a pause in typing.
    timer = setTimeout(() => handlers.onQuery(input.value), largeTrace ? 200 : 0);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === 'F3') {
      event.preventDefault();
      clearTimeout(timer);
      handlers.onQuery(input.value);
      handlers.onStep(event.shiftKey ? -1 : 1);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      clearTimeout(timer);
      input.value = '';
      handlers.onClear();
    }
  });
  const search = el('div', { className: 'tl-search' }, [icon('search', 'tl-search-icon'), input, count]);
  const root = el('div', { className: 'tl-toolbar', attrs: { role: 'toolbar', 'aria-label': 'Timeline tools' } }, [
    search,
    iconButton('up', 'Previous match (Shift+Enter)', () => handlers.onStep(-1)),
    iconButton('down', 'Next match (Enter)', () => handlers.onStep(1)),
    el('span', { className: 'tl-spacer-flex' }),
    iconButton('expandAll', 'Expand all', () => handlers.onExpandAll(), 'Expand all'),
    iconButton('collapseAll', 'Collapse all', () => handlers.onCollapseAll(), 'Collapse all'),
  ]);
  return { root, input, setCount: (text) => (count.textContent = text) };
}
