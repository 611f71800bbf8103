/**
 * The tail view: a toolbar (status, filter box, pause/resume with the count of waiting lines,
 * follow, clear, stop/restart), notes (sampling, lines dropped at the cap, errors), a virtualised
 * list of one-line rows (the timeline's `VirtualList`: only the rows in view exist, so 10,000
 * lines scroll smoothly), the empty state, and the selected line's details. Follow mode keeps the
 * newest line in view; scrolling up turns it off, End or the Follow button turn it back on.
 * Everything around the rows (status, buttons, notes, empty state) is drawn by `tailChrome.ts`;
 * arrow/page/Home navigation is worked out by `tailKeys.ts`.
 */
import type { HostToTailMessage, TailToHostMessage, TailedGroup, TailViewLine, TailViewStatus } from '../../shared/tailMessages';
import { MAX_FILTER_LENGTH } from '../../shared/tailMessages';
import { button, el } from '../timeline/dom';
import { FunctionColours } from '../timeline/logsRender';
import { VirtualList } from '../timeline/virtualList';
import { renderTailButtons, renderTailEmpty, renderTailStatus, tailNotes } from './tailChrome';
import { renderDetails } from './tailDetails';
import { rowForNavigationKey } from './tailKeys';
import { TailModel } from './tailModel';
import { ROW_HEIGHT, bindRow, createRow, firstOwnFrame } from './tailRow';
import type { TailRowItem } from './tailRow';

const FILTER_DELAY_MS = 400;
const FILTER_PLACEHOLDER = 'Filter: CloudWatch filter pattern (e.g. ERROR or { $.level = "ERROR" }, applied by AWS: restarts the tail) or /regex/i (applied in this view)';

export class TailView {
  readonly root: HTMLElement;
  private readonly model = new TailModel(10_000);
  private readonly colours = new FunctionColours();
  private readonly list: VirtualList<TailRowItem>;
  private readonly viewport: HTMLElement;
  private readonly statusText: HTMLElement;
  private readonly filterInput: HTMLInputElement;
  private readonly filterNote: HTMLElement;
  private readonly pauseButton: HTMLButtonElement;
  private readonly followButton: HTMLButtonElement;
  private readonly runButton: HTMLButtonElement;
  private readonly notes: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly detailsHost: HTMLElement;
  private groups: TailedGroup[] = [];
  private status: TailViewStatus | undefined;
  private follow = true;
  private expectedScrollTop: number | undefined;
  private filterTimer: ReturnType<typeof setTimeout> | undefined;
  private sentFilter = '';
  private revealNote: string | undefined;

  constructor(private readonly post: (message: TailToHostMessage) => void) {
    this.statusText = el('span', { className: 'tail-status', attrs: { role: 'status', 'aria-live': 'polite' } });
    this.filterInput = el('input', { className: 'tail-filter', attrs: { type: 'text', spellcheck: 'false', placeholder: FILTER_PLACEHOLDER, 'aria-label': 'Filter log lines', maxlength: String(MAX_FILTER_LENGTH), title: FILTER_PLACEHOLDER } });
    this.filterNote = el('span', { className: 'tail-filter-note', attrs: { 'aria-live': 'polite' } });
    this.pauseButton = button('Pause', 'tl-button tl-button-secondary tail-pause', () => this.togglePause());
    this.pauseButton.setAttribute('aria-keyshortcuts', 'P');
    this.pauseButton.title = 'Pause the view (P); lines keep arriving and wait';
    this.followButton = button('Follow', 'tl-button tl-button-secondary tail-follow', () => this.setFollow(true));
    this.followButton.setAttribute('aria-keyshortcuts', 'End');
    this.followButton.title = 'Keep the newest line in view (End)';
    const clearButton = button('Clear', 'tl-button tl-button-secondary tail-clear', () => this.clear());
    clearButton.title = 'Clear the view';
    this.runButton = button('Stop', 'tl-button tl-button-secondary tail-run', () => this.post({ type: this.status?.state === 'stopped' ? 'restart' : 'stop' }));
    const toolbar = el('div', { className: 'tail-toolbar', attrs: { role: 'toolbar', 'aria-label': 'Tail' } }, [
      this.statusText,
      el('div', { className: 'tail-filter-box' }, [this.filterInput, this.filterNote]),
      this.pauseButton,
      this.followButton,
      clearButton,
      this.runButton,
    ]);
    this.notes = el('div', { className: 'tail-notes' });
    const spacer = el('div', { className: 'tail-spacer' });
    this.viewport = el('div', { className: 'tail-viewport', attrs: { role: 'listbox', 'aria-label': 'Log lines', tabindex: '0' } }, [spacer]);
    this.empty = el('div', { className: 'tl-state tail-empty', attrs: { role: 'status' } });
    this.detailsHost = el('div', { className: 'tail-details-host' });
    this.root = el('div', { className: 'tail' }, [toolbar, this.notes, el('div', { className: 'tail-list' }, [this.viewport, this.empty]), this.detailsHost]);
    this.list = new VirtualList<TailRowItem>(this.viewport, spacer, ROW_HEIGHT, {
      create: createRow,
      element: (item) => item.root,
      update: (item, row) => {
        const line = this.model.visible[row];
        if (line !== undefined) bindRow(item, line, this.colours, line.seq === this.model.selectedSeq);
      },
    });
    this.viewport.addEventListener('scroll', () => this.onScroll(), { passive: true });
    // The details pane or a note changed the list's height: a following view stays at the end.
    new ResizeObserver(() => {
      if (this.follow) this.scrollTo(this.model.visible.length * ROW_HEIGHT);
    }).observe(this.viewport);
    this.viewport.addEventListener('click', (event) => this.onClick(event));
    this.viewport.addEventListener('keydown', (event) => this.onListKey(event));
    this.filterInput.addEventListener('input', () => this.onFilterInput());
    this.filterInput.addEventListener('keydown', (event) => this.onFilterKey(event));
    this.root.addEventListener('keydown', (event) => this.onGlobalKey(event));
    this.render();
  }

  receive(message: HostToTailMessage): void {
    switch (message.type) {
      case 'init':
        this.groups = message.groups;
        this.model.setCap(message.maxLines);
        this.model.paused = false;
        this.filterInput.value = message.filter;
        this.sentFilter = message.filter;
        this.model.setFilter(message.filter);
        this.model.reset(message.lines, message.dropped);
        this.status = message.status;
        this.follow = true;
        this.refreshFilterNote();
        this.render();
        this.refreshList();
        return;
      case 'lines':
        this.append(message.lines);
        return;
      case 'status':
        this.status = message.status;
        this.render();
        return;
      case 'config':
        this.model.setCap(message.maxLines);
        this.render();
        this.refreshList();
        return;
      case 'reveal':
        this.reveal(message.seq);
        return;
      case 'filterError':
        this.filterNote.textContent = message.message;
        this.filterNote.classList.add('tail-filter-error');
    }
  }

  /** Puts focus in the list, for keyboard use from the start. */
  focus(): void {
    this.viewport.focus();
  }

  private append(lines: readonly TailViewLine[]): void {
    const firstBefore = this.model.visible[0]?.seq;
    const countBefore = this.model.visible.length;
    const added = this.model.append(lines);
    // Notes first: they change the list's height, which the follow scroll depends on.
    this.render();
    if (!this.model.paused) {
      // Rows cut at the front (the cap) shift the view: keep the lines the user looks at in place.
      const cut = firstBefore === undefined ? 0 : countBefore + added - this.model.visible.length;
      this.refreshList(cut);
    }
  }

  private refreshList(cutFromFront = 0): void {
    this.list.setCount(this.model.visible.length);
    if (this.follow) {
      this.scrollTo(this.model.visible.length * ROW_HEIGHT);
    } else if (cutFromFront > 0) {
      this.scrollTo(Math.max(0, this.viewport.scrollTop - cutFromFront * ROW_HEIGHT));
    }
    this.list.render();
  }

  private scrollTo(top: number): void {
    const max = Math.max(0, this.model.visible.length * ROW_HEIGHT - this.viewport.clientHeight);
    const target = Math.min(Math.max(0, top), max);
    if (Math.abs(this.viewport.scrollTop - target) < 1) return;
    this.expectedScrollTop = target;
    this.viewport.scrollTop = target;
  }

  private onScroll(): void {
    const top = this.viewport.scrollTop;
    if (this.expectedScrollTop !== undefined && Math.abs(top - this.expectedScrollTop) < 2) {
      this.expectedScrollTop = undefined;
      return;
    }
    this.expectedScrollTop = undefined;
    const atBottom = top + this.viewport.clientHeight >= this.viewport.scrollHeight - ROW_HEIGHT;
    if (!atBottom && this.follow) {
      this.follow = false;
      this.render();
    }
  }

  private setFollow(on: boolean): void {
    this.follow = on;
    if (on) this.scrollTo(this.model.visible.length * ROW_HEIGHT);
    this.list.render();
    this.render();
  }

  private togglePause(): void {
    if (this.model.paused) {
      this.model.resume();
      this.render();
      this.refreshList();
    } else {
      this.model.pause();
      this.render();
    }
  }

  private clear(): void {
    this.model.clear();
    this.post({ type: 'clear' });
    this.follow = true;
    this.detailsHost.replaceChildren();
    this.render();
    this.refreshList();
  }

  private onFilterInput(): void {
    if (this.filterTimer !== undefined) clearTimeout(this.filterTimer);
    this.filterTimer = setTimeout(() => this.applyFilter(), FILTER_DELAY_MS);
  }

  private applyFilter(): void {
    if (this.filterTimer !== undefined) clearTimeout(this.filterTimer);
    this.filterTimer = undefined;
    const text = this.filterInput.value;
    const filter = this.model.setFilter(text);
    this.refreshFilterNote();
    this.render();
    this.refreshList();
    if (filter.kind !== 'invalid' && text !== this.sentFilter) {
      this.sentFilter = text;
      this.post({ type: 'setFilter', text });
    }
  }

  private refreshFilterNote(): void {
    const filter = this.model.filter;
    this.filterNote.classList.toggle('tail-filter-error', filter.kind === 'invalid');
    this.filterNote.textContent =
      filter.kind === 'invalid' ? filter.message : filter.kind === 'regex' ? `Regex in this view: ${this.model.visible.length} of ${this.model.size} lines` : filter.kind === 'pattern' ? 'CloudWatch filter pattern: AWS sends only matching events' : '';
  }

  private onFilterKey(event: KeyboardEvent): void {
    if (event.key === 'Enter') {
      this.applyFilter();
      event.preventDefault();
    } else if (event.key === 'Escape') {
      this.viewport.focus();
      event.preventDefault();
    }
  }

  /** Keys anywhere in the view (not while typing in the filter box). */
  private onGlobalKey(event: KeyboardEvent): void {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'f') {
      this.filterInput.focus();
      this.filterInput.select();
      event.preventDefault();
    }
  }

  private onListKey(event: KeyboardEvent): void {
    if (event.target !== this.viewport || event.ctrlKey || event.metaKey || event.altKey) return;
    const rows = this.model.visible;
    const current = this.model.selectedSeq !== undefined ? this.model.rowOf(this.model.selectedSeq) : -1;
    let next: number | undefined;
    switch (event.key) {
      case 'End': {
        // Select first: the details pane it opens shrinks the list, then follow scrolls to the end.
        const last = rows[rows.length - 1];
        if (last !== undefined) this.select(last.seq);
        this.setFollow(true);
        event.preventDefault();
        return;
      }
      case 'Escape':
        this.select(undefined);
        event.preventDefault();
        return;
      case 'p':
      case 'P':
        this.togglePause();
        event.preventDefault();
        return;
      case '/':
        this.filterInput.focus();
        event.preventDefault();
        return;
      case 't':
      case 'T':
        if (this.model.selectedSeq !== undefined) this.post({ type: 'openTrace', seq: this.model.selectedSeq });
        event.preventDefault();
        return;
      case 'g':
      case 'G': {
        const line = this.model.selectedSeq !== undefined ? this.model.line(this.model.selectedSeq) : undefined;
        const own = line !== undefined ? firstOwnFrame(line) : undefined;
        if (line !== undefined && own !== undefined) this.post({ type: 'openFrame', seq: line.seq, frameIndex: own.index });
        event.preventDefault();
        return;
      }
      default:
        next = rowForNavigationKey(event.key, current, rows.length, () => this.list.pageSize());
        if (next === undefined) return;
    }
    event.preventDefault();
    if (next === undefined || next < 0 || rows.length === 0) return;
    const line = rows[next];
    if (line === undefined) return;
    this.select(line.seq);
    this.list.scrollToRow(next);
  }

  private onClick(event: MouseEvent): void {
    const target = event.target as Element;
    const row = target.closest<HTMLElement>('.tail-row');
    const seq = Number(row?.dataset.seq);
    if (row === null || !Number.isSafeInteger(seq)) return;
    if (target.closest('.tail-request') !== null) {
      this.post({ type: 'openTrace', seq });
      return;
    }
    const frame = target.closest<HTMLElement>('.tail-frame-link');
    const frameIndex = Number(frame?.dataset.frameIndex);
    if (frame !== null && Number.isSafeInteger(frameIndex)) {
      this.post({ type: 'openFrame', seq, frameIndex });
      return;
    }
    this.select(seq);
    this.viewport.focus();
  }

  private select(seq: number | undefined): void {
    this.model.selectedSeq = seq;
    if (seq !== undefined) this.viewport.setAttribute('aria-activedescendant', `tail-line-${seq}`);
    else this.viewport.removeAttribute('aria-activedescendant');
    this.list.invalidate();
    this.list.render();
    this.renderDetails();
  }

  private renderDetails(): void {
    const seq = this.model.selectedSeq;
    const line = seq !== undefined ? this.model.line(seq) : undefined;
    if (line === undefined) {
      this.detailsHost.replaceChildren();
      return;
    }
    const details = renderDetails(line, this.colours, {
      openTrace: (lineSeq) => this.post({ type: 'openTrace', seq: lineSeq }),
      copy: (selected) => this.post({ type: 'copy', text: `${new Date(selected.timestamp).toISOString()}\t${selected.fn}\t${selected.raw ?? selected.message}` }),
      close: () => {
        this.select(undefined);
        this.viewport.focus();
      },
    });
    details.addEventListener('click', (event) => {
      const link = (event.target as Element).closest<HTMLElement>('.tl-log-frame-link');
      const frameIndex = Number(link?.dataset.frameIndex);
      if (link !== null && Number.isSafeInteger(frameIndex)) this.post({ type: 'openFrame', seq: line.seq, frameIndex });
    });
    this.detailsHost.replaceChildren(details);
  }

  private reveal(seq: number): void {
    const row = this.model.rowOf(seq);
    if (row < 0) {
      this.revealNote = this.model.holds(seq) ? 'That line is hidden by the filter.' : this.model.paused ? 'That line is waiting: resume to see it.' : "That line has left the view's buffer.";
      this.render();
      return;
    }
    this.revealNote = undefined;
    this.follow = false;
    this.select(seq);
    this.list.scrollToRow(row, 'center');
    this.viewport.focus();
    this.render();
  }

  // ── rendering of everything but the rows ───────────────────

  private render(): void {
    this.renderStatus();
    this.renderButtons();
    this.renderNotes();
    this.renderEmpty();
  }

  private renderStatus(): void {
    renderTailStatus(this.root, this.statusText, this.status);
  }

  private renderButtons(): void {
    renderTailButtons({ pause: this.pauseButton, follow: this.followButton, run: this.runButton }, this.model, this.follow, this.status);
  }

  private renderNotes(): void {
    this.notes.replaceChildren(...tailNotes(this.status, this.model, this.revealNote, () => this.post({ type: 'restart' })));
  }

  private renderEmpty(): void {
    renderTailEmpty(this.empty, this.model, this.groups, this.status);
  }
}
