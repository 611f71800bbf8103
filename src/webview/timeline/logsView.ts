/**
 * The Logs tab: the trace's log lines by time with their invocations' summary rows. It asks the
 * host for the logs the first time it is shown (`requestLogs`), never before, so a user who never
 * opens the tab costs no query. Selecting a span filters the lines to its invocation; clicking a
 * line selects its span.
 */
import type { HostToTimelineMessage, TimelineToHostMessage } from '../../shared/timelineMessages';
import type { TimelineInvocation, TimelineLogLine } from '../../shared/timelineLogs';
import { button, el } from './dom';
import { icon } from './icons';
import { FunctionColours, prettyJson, renderInvocation, renderLogLine } from './logsRender';

export type LogsMessage = Extract<HostToTimelineMessage, { type: 'logs' }>;

export interface LogsViewInput {
  post: (message: TimelineToHostMessage) => void;
  canOpenInConsole: boolean;
  /** The selected span's id, then its ancestors' (nearest first); empty without a selection. */
  selectionPath: () => string[];
  /** Switches to the Spans tab and selects the span, as a user action. */
  revealSpan: (spanId: string) => void;
}

/** Lines added to the page per "Show more": keeps the first paint fast on large traces. */
const RENDER_STEP = 1_000;

type Phase = 'idle' | LogsMessage['state'];

export class LogsView {
  readonly root: HTMLElement;
  private phase: Phase = 'idle';
  private data: LogsMessage | undefined;
  private progress = '';
  /** The invocation whose filter the user dismissed with "Show all". */
  private dismissed: string | undefined;
  private shown = RENDER_STEP;
  private readonly selected = new Set<number>();
  private readonly colours = new FunctionColours();

  constructor(private readonly input: LogsViewInput) {
    this.root = el('div', { className: 'tl-logs' });
    this.root.addEventListener('click', (event) => this.onClick(event));
    this.root.addEventListener('keydown', (event) => this.onKey(event));
  }

  /** Called each time the tab is shown: the first time, it asks for the logs. */
  activate(): void {
    if (this.phase === 'idle') {
      this.request();
      return;
    }
    this.render();
  }

  receive(message: LogsMessage): void {
    if (message.state === 'loading') {
      this.phase = 'loading';
      this.progress = message.message ?? '';
      this.render();
      return;
    }
    this.phase = message.state;
    this.data = message;
    this.selected.clear();
    this.shown = RENDER_STEP;
    this.render();
  }

  private request(): void {
    this.phase = 'loading';
    this.progress = 'Reading the logs of this trace…';
    this.input.post({ type: 'requestLogs' });
    this.render();
  }

  /** The invocation the current span selection filters to, unless dismissed. */
  private filterInvocation(): TimelineInvocation | undefined {
    const invocations = this.data?.invocations ?? [];
    for (const id of this.input.selectionPath()) {
      const found = invocations.find((invocation) => invocation.spanId === id || invocation.spanIds.includes(id));
      if (found !== undefined) return found.requestId === this.dismissed ? undefined : found;
    }
    return undefined;
  }

  render(): void {
    switch (this.phase) {
      case 'idle':
      case 'loading':
        this.showState('tl-logs-loading', [el('span', { className: 'tl-spinner', attrs: { 'aria-hidden': 'true' } }), el('span', { text: this.progress }), button('Cancel', 'tl-button tl-button-secondary tl-logs-cancel', () => this.cancel())]);
        return;
      case 'error':
        this.showState('tl-logs-error', [icon('fault', 'status-fault'), el('p', { className: 'tl-error-message', text: this.data?.message ?? 'The logs could not be read.' }), button('Retry', 'tl-button tl-logs-retry', () => this.request())]);
        return;
      case 'unavailable':
        this.showState('tl-logs-unavailable', [el('p', { className: 'tl-error-message', text: this.data?.message ?? 'The logs are not available with this profile.' })]);
        return;
      case 'done':
        this.renderLines(this.data as LogsMessage);
    }
  }

  private cancel(): void {
    this.input.post({ type: 'cancelLogs' });
    this.phase = 'idle';
    this.showState('tl-logs-cancelled', [el('span', { text: 'Reading the logs was cancelled.' }), button('Read logs', 'tl-button tl-logs-retry', () => this.request())]);
  }

  private showState(className: string, children: (Node | undefined)[]): void {
    this.root.replaceChildren(el('div', { className: `tl-state ${className}`, attrs: { role: 'status' } }, children));
  }

  private renderLines(data: LogsMessage): void {
    if (data.lines.length === 0) {
      const groups = data.logGroups !== undefined && data.logGroups.length > 0 ? data.logGroups.join(', ') : 'the log groups of its functions';
      this.showState('tl-logs-empty', [el('p', { text: `No log lines for this trace in ${groups}.` })]);
      return;
    }
    const invocation = this.filterInvocation();
    const indexes = data.lines.map((_, i) => i).filter((i) => invocation === undefined || data.lines[i]?.requestId === invocation.requestId);
    const visible = indexes.slice(0, this.shown);
    const list = el('div', { className: 'tl-log-lines', attrs: { role: 'listbox', 'aria-multiselectable': 'true', 'aria-label': 'Log lines', tabindex: '0' } });
    for (const i of visible) {
      const row = renderLogLine(data.lines[i] as TimelineLogLine, i, this.colours);
      if (this.selected.has(i)) row.setAttribute('aria-selected', 'true');
      list.appendChild(row);
    }
    const more = indexes.length > visible.length ? button(`Show more (${indexes.length - visible.length} more lines)`, 'tl-button tl-button-secondary tl-logs-more', () => this.showMore()) : undefined;
    const invocations = data.invocations.filter((item) => invocation === undefined || item.requestId === invocation.requestId);
    const summary = el('div', { className: 'tl-invocations', attrs: { role: 'list', 'aria-label': 'Invocations' } }, invocations.map((item) => renderInvocation(item, this.colours)));
    const scroll = el('div', { className: 'tl-logs-scroll' }, [summary, list, more]);
    const parts = [this.toolbar(data, indexes.length), invocation !== undefined ? this.filterBanner(invocation) : undefined, scroll];
    this.root.replaceChildren(...parts.filter((part): part is HTMLElement => part !== undefined));
  }

  private toolbar(data: LogsMessage, count: number): HTMLElement {
    const via = data.source === 'filterLogEvents' ? 'FilterLogEvents' : data.source === 'local' ? 'local receiver' : 'Logs Insights';
    const status = `${count} line${count === 1 ? '' : 's'} · ${via}${data.truncated === true ? ' · more lines exist than are shown' : ''}`;
    const copyLabel = this.selected.size > 0 ? `Copy ${this.selected.size} selected` : 'Copy all';
    return el('div', { className: 'tl-logs-toolbar' }, [
      el('span', { className: 'tl-logs-status tl-dim', text: status, attrs: { role: 'status' } }),
      el('span', { className: 'tl-spacer-flex' }),
      button(copyLabel, 'tl-button tl-button-secondary tl-logs-copy', () => this.copy()),
      this.input.canOpenInConsole ? button('Open in CloudWatch', 'tl-button tl-button-secondary tl-logs-console', () => this.input.post({ type: 'openLogsInConsole' })) : undefined,
    ]);
  }

  private filterBanner(invocation: TimelineInvocation): HTMLElement {
    return el('div', { className: 'tl-logs-filter', attrs: { role: 'status' } }, [
      el('span', { text: `Showing lines of ${invocation.functionName} request ${invocation.requestId}` }),
      el('span', { className: 'tl-dim', text: ' · ' }),
      button('Show all', 'tl-link-button tl-logs-show-all', () => {
        this.dismissed = invocation.requestId;
        this.render();
      }),
    ]);
  }

  private showMore(): void {
    this.shown += RENDER_STEP;
    this.render();
  }

  /** Selected lines, or every line the tab shows (filter applied), as the console prints them. */
  private copy(): void {
    const lines = this.data?.lines ?? [];
    const invocation = this.filterInvocation();
    const picked = this.selected.size > 0 ? [...this.selected].sort((a, b) => a - b).map((i) => lines[i]) : lines.filter((line) => invocation === undefined || line.requestId === invocation.requestId);
    const text = picked.map((line) => (line === undefined ? '' : `${new Date(line.timestamp).toISOString()}\t${line.functionName}\t${line.raw ?? line.message}`)).join('\n');
    this.input.post({ type: 'copy', text, what: 'logs' });
  }

  private lineOf(target: Element): { row: HTMLElement; index: number } | undefined {
    const row = target.closest<HTMLElement>('.tl-log-line');
    const index = Number(row?.dataset.lineIndex);
    return row !== null && Number.isInteger(index) ? { row, index } : undefined;
  }

  private onClick(event: MouseEvent): void {
    const target = event.target as Element;
    const found = this.lineOf(target);
    if (found === undefined) {
      const invocation = target.closest<HTMLElement>('.tl-invocation');
      if (invocation?.dataset.spanId !== undefined) this.input.revealSpan(invocation.dataset.spanId);
      return;
    }
    const frameLink = target.closest<HTMLElement>('.tl-log-frame-link');
    const frameIndex = Number(frameLink?.dataset.frameIndex);
    if (frameLink !== null && Number.isInteger(frameIndex)) {
      this.input.post({ type: 'openLogFrame', lineIndex: found.index, frameIndex });
    } else if (target.closest('.tl-log-json-toggle')) {
      this.toggleJson(found.row, found.index);
    } else if (event.ctrlKey || event.metaKey || event.shiftKey) {
      this.toggleSelected(found.row, found.index);
    } else if (found.row.dataset.spanId !== undefined) {
      this.input.revealSpan(found.row.dataset.spanId);
    }
  }

  private onKey(event: KeyboardEvent): void {
    // Enter and Space on a button inside a line (frame link, JSON toggle) are the button's own.
    if ((event.target as Element).closest('.tl-log-line button') !== null && (event.key === 'Enter' || event.key === ' ')) return;
    const found = this.lineOf(event.target as Element);
    const list = this.root.querySelector<HTMLElement>('.tl-log-lines');
    if (event.target === list && (event.key === 'ArrowDown' || event.key === 'Home')) {
      list?.querySelector<HTMLElement>('.tl-log-line')?.focus();
      event.preventDefault();
      return;
    }
    if (found === undefined) return;
    const next = event.key === 'ArrowDown' ? found.row.nextElementSibling : event.key === 'ArrowUp' ? found.row.previousElementSibling : null;
    if (next instanceof HTMLElement) {
      next.focus();
    } else if (event.key === ' ') {
      this.toggleSelected(found.row, found.index);
    } else if (event.key === 'Enter' && found.row.dataset.spanId !== undefined) {
      this.input.revealSpan(found.row.dataset.spanId);
    } else {
      return;
    }
    event.preventDefault();
  }

  private toggleSelected(row: HTMLElement, index: number): void {
    if (this.selected.has(index)) this.selected.delete(index);
    else this.selected.add(index);
    row.setAttribute('aria-selected', String(this.selected.has(index)));
    const copy = this.root.querySelector('.tl-logs-copy');
    if (copy) copy.textContent = this.selected.size > 0 ? `Copy ${this.selected.size} selected` : 'Copy all';
  }

  private toggleJson(row: HTMLElement, index: number): void {
    const open = row.querySelector('.tl-log-json');
    const toggle = row.querySelector('.tl-log-json-toggle');
    if (open) {
      open.remove();
      toggle?.setAttribute('aria-pressed', 'false');
      return;
    }
    const line = this.data?.lines[index];
    const text = line !== undefined ? prettyJson(line) : undefined;
    if (text === undefined) return;
    row.appendChild(el('pre', { className: 'tl-log-json', text }));
    toggle?.setAttribute('aria-pressed', 'true');
  }
}
