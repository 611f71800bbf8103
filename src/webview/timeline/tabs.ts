/** The Spans / Logs tabs of the timeline (WAI-ARIA tabs: arrow keys move between tabs). */
import { el } from './dom';

export type TimelineTab = 'spans' | 'logs';

const TABS: { id: TimelineTab; label: string }[] = [
  { id: 'spans', label: 'Spans' },
  { id: 'logs', label: 'Logs' },
];

export interface Tabs {
  readonly list: HTMLElement;
  readonly panels: Record<TimelineTab, HTMLElement>;
  readonly current: () => TimelineTab;
  select(tab: TimelineTab, focus?: boolean): void;
}

export function createTabs(onChange: (tab: TimelineTab) => void): Tabs {
  let current: TimelineTab = 'spans';
  const buttons = new Map<TimelineTab, HTMLButtonElement>();
  const panels = {} as Record<TimelineTab, HTMLElement>;
  for (const { id, label } of TABS) {
    buttons.set(id, el('button', { className: 'tl-tab', text: label, attrs: { type: 'button', role: 'tab', id: `tl-tab-${id}`, 'aria-controls': `tl-panel-${id}`, 'data-tab': id } }));
    panels[id] = el('div', { className: `tl-tabpanel tl-tabpanel-${id}`, attrs: { role: 'tabpanel', id: `tl-panel-${id}`, 'aria-labelledby': `tl-tab-${id}` } });
  }
  const list = el('div', { className: 'tl-tabs', attrs: { role: 'tablist', 'aria-label': 'Trace views' } }, [...buttons.values()]);
  const select = (tab: TimelineTab, focus = false): void => {
    for (const [id, node] of buttons) {
      const active = id === tab;
      node.setAttribute('aria-selected', String(active));
      node.tabIndex = active ? 0 : -1;
      panels[id].hidden = !active;
    }
    if (focus) buttons.get(tab)?.focus();
    if (tab !== current) {
      current = tab;
      onChange(tab);
    }
  };
  list.addEventListener('click', (event) => {
    const tab = (event.target as Element).closest<HTMLElement>('[role="tab"]')?.dataset.tab;
    if (tab === 'spans' || tab === 'logs') select(tab, true);
  });
  list.addEventListener('keydown', (event) => {
    const index = TABS.findIndex((tab) => tab.id === current);
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: TABS.length - 1 };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const tab = TABS[(target + TABS.length) % TABS.length];
    if (tab) select(tab.id, true);
  });
  select('spans');
  return { list, panels, current: () => current, select };
}

/** Ctrl/Cmd+Shift+L: open the Logs tab from anywhere in the panel. */
export function isLogsTabKey(event: KeyboardEvent): boolean {
  return (event.ctrlKey || event.metaKey) && event.shiftKey && !event.altKey && event.key.toLowerCase() === 'l';
}
