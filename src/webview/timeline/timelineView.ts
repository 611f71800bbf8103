/**
 * The rendered trace: header, toolbar, virtualized span tree on a time ruler, details pane.
 * Wires the state to the views and user input to the state; one instance per `trace` message.
 */
import type { TimelineToHostMessage, TimelineViewState, TraceSourceKind } from '../../shared/timelineMessages';
import type { TimelineRows, TimelineTraceHeader } from '../../shared/timelineRows';
import type { Span } from '../../shared/traceModel';
import { DetailsPane } from './detailsPane';
import type { SectionContext } from './detailsSections';
import { el } from './dom';
import { renderHeader } from './header';
import { handleTreeKey } from './keyboard';
import type { TreeNavigator } from './keyboard';
import type { RowParts } from './rowRenderer';
import { createRow, ROW_HEIGHT, updateRow } from './rowRenderer';
import { renderRuler } from './ruler';
import { createToolbar } from './searchBar';
import type { Toolbar } from './searchBar';
import { SpanSearch } from './search';
import { isGoToSourceKey, rowIsFailing } from './sourceLinks';
import { createSplitter } from './splitter';
import { LogsView } from './logsView';
import type { LogsMessage } from './logsView';
import { createTabs, isLogsTabKey } from './tabs';
import type { TimelineTab, Tabs } from './tabs';
import { EXPAND_ALL_LIMIT, TimelineState } from './timelineState';
import { VirtualList } from './virtualList';

export interface TimelineViewInput {
  header: TimelineTraceHeader;
  rows: TimelineRows;
  source: TraceSourceKind;
  sourceLabel: string;
  canOpenInConsole: boolean;
  restore: TimelineViewState | undefined;
  post: (message: TimelineToHostMessage) => void;
  persist: (state: TimelineViewState) => void;
}

const DEFAULT_DETAILS_RATIO = 0.4;

export class TimelineView implements TreeNavigator {
  readonly state: TimelineState;
  readonly search: SpanSearch;
  readonly list: VirtualList<RowParts>;
  private readonly viewport: HTMLElement;
  private readonly details: HTMLElement;
  private readonly detailsPane: DetailsPane;
  private readonly toolbar: Toolbar;
  private readonly ruler: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly tabs: Tabs;
  readonly logs: LogsView;
  private detailsRatio: number;
  private persistTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly root: HTMLElement, private readonly input: TimelineViewInput) {
    const { header: traceHeader, rows, restore } = input;
    this.state = new TimelineState(rows, restore?.collapsedSpanIds);
    this.search = new SpanSearch(rows.searchText);
    this.detailsRatio = restore?.detailsRatio ?? DEFAULT_DETAILS_RATIO;
    const header = el('header', { className: 'tl-header' });
    renderHeader(header, { header: traceHeader, sourceLabel: input.sourceLabel, canOpenInConsole: input.canOpenInConsole, post: input.post });
    this.toolbar = createToolbar(
      {
        onQuery: (q) => this.runSearch(q),
        onStep: (d) => this.stepSearch(d),
        onClear: () => this.clearSearch(),
        onExpandAll: () => this.state.expandAll(),
        onCollapseAll: () => this.state.collapseAll(),
      },
      rows.count > EXPAND_ALL_LIMIT,
    );
    this.ruler = el('div', { className: 'tl-ruler', attrs: { 'aria-hidden': 'true' } });
    this.grid = el('div', { className: 'tl-grid', attrs: { 'aria-hidden': 'true' } });
    const spacer = el('div', { className: 'tl-spacer' });
    this.viewport = el('div', { className: 'tl-viewport', attrs: { role: 'tree', tabindex: '0', 'aria-label': `Spans of trace ${traceHeader.id}` } }, [spacer]);
    const columns = el('div', { className: 'tl-columns', attrs: { 'aria-hidden': 'true' } }, [el('div', { className: 'tl-col-name', text: 'Span' }), this.ruler, el('div', { className: 'tl-col-duration', text: 'Duration' })]);
    const treeArea = el('div', { className: 'tl-tree-area' }, [columns, el('div', { className: 'tl-tree-wrap' }, [this.grid, el('div', { className: 'tl-divider', attrs: { 'aria-hidden': 'true' } }), this.viewport])]);
    this.details = el('section', { className: 'tl-details', attrs: { tabindex: '-1', 'aria-label': 'Span details' } });
    this.detailsPane = new DetailsPane(this.details, this.sectionContext(), (spanId) => input.post({ type: 'requestSpan', spanId }));
    const splitter = createSplitter(treeArea, this.details, this.detailsRatio, (ratio) => {
      this.detailsRatio = ratio;
      this.schedulePersist();
    });
    this.logs = new LogsView({
      post: input.post,
      canOpenInConsole: input.canOpenInConsole,
      selectionPath: () => this.selectionPath(),
      revealSpan: (spanId) => this.revealFromLogs(spanId),
    });
    this.tabs = createTabs((tab) => this.onTab(tab));
    this.tabs.panels.spans.append(this.toolbar.root, treeArea, splitter, this.details);
    this.tabs.panels.logs.append(this.logs.root);
    root.replaceChildren(el('div', { className: 'tl-root' }, [header, this.tabs.list, this.tabs.panels.spans, this.tabs.panels.logs]));
    this.list = new VirtualList<RowParts>(this.viewport, spacer, ROW_HEIGHT, {
      create: createRow,
      element: (row) => row.root,
      update: (row, visibleRow) => this.bindRow(row, visibleRow),
    });
    this.wireEvents();
    this.start(restore);
  }

  private start(restore: TimelineViewState | undefined): void {
    this.state.onChange((change) => this.onStateChange(change));
    this.list.setCount(this.state.visible.count);
    if (restore?.search) {
      this.toolbar.input.value = restore.search;
      this.runSearch(restore.search);
    }
    const selected = restore?.selectedSpanId ? this.state.index.indexOf(restore.selectedSpanId) : undefined;
    if (selected !== undefined) {
      this.state.select(selected);
    } else {
      this.showDetails();
    }
    if (restore?.scrollTop !== undefined) {
      this.viewport.scrollTop = restore.scrollTop;
    }
    // Logs restored asks for the logs again (the host answers from its kept copy if it has one).
    if (restore?.tab === 'logs') this.tabs.select('logs');
    this.list.render();
    renderRuler(this.ruler, this.grid, this.input.header.durationMs);
    new ResizeObserver(() => this.measureColumns()).observe(this.viewport);
  }

  /** Keeps the ruler aligned with the rows whatever the scrollbar width. */
  private measureColumns(): void {
    const scrollbar = this.viewport.offsetWidth - this.viewport.clientWidth;
    this.root.style.setProperty('--tl-scrollbar', `${scrollbar}px`);
    renderRuler(this.ruler, this.grid, this.input.header.durationMs);
  }

  private bindRow(row: RowParts, visibleRow: number): void {
    const i = this.state.visible.rows[visibleRow];
    if (i === undefined || i < 0 || i >= this.state.index.count) {
      return;
    }
    updateRow(row, {
      rows: this.input.rows,
      orderIndex: i,
      depth: this.state.index.depth[i] as number,
      expandable: this.state.isExpandable(i),
      collapsed: this.state.isCollapsed(i),
      selected: i === this.state.selected,
      match: this.search.matchFlags[i] === 1,
      traceDurationMs: this.input.header.durationMs,
    });
  }

  private wireEvents(): void {
    this.viewport.addEventListener('click', (event) => {
      const row = (event.target as Element).closest<HTMLElement>('.tl-row');
      if (!row) {
        return;
      }
      const i = Number(row.dataset.index);
      if ((event.target as Element).closest('.tl-twisty') && this.state.isExpandable(i)) {
        this.state.toggle(i);
      } else if ((event.target as Element).closest('.tl-row-source')) {
        // The row's icon: select it (its details show the exception) and go to the source.
        this.selectIndex(i, true);
        this.goToSource();
      } else {
        // A click on the selected row is still reported: the host may act on it again.
        this.selectIndex(i, true, 'nearest', true);
      }
      this.viewport.focus({ preventScroll: true });
    });
    this.viewport.addEventListener('dblclick', (event) => {
      const row = (event.target as Element).closest<HTMLElement>('.tl-row');
      if (row && !(event.target as Element).closest('.tl-twisty')) {
        this.state.toggle(Number(row.dataset.index));
      }
    });
    this.viewport.addEventListener('keydown', (event) => {
      if (handleTreeKey(event, this)) {
        event.preventDefault();
      }
    });
    this.details.addEventListener('keydown', (event) => {
      if (isGoToSourceKey(event) && this.detailsGoToSource()) {
        event.preventDefault();
      }
    });
    this.viewport.addEventListener('scroll', () => this.schedulePersist(), { passive: true });
  }

  /** `G` in the tree: "Go to source" for the selected row when the rows say it is failing. */
  goToSource(): boolean {
    const i = this.state.selected;
    const spanId = this.state.spanId(i);
    if (spanId === undefined || !rowIsFailing(this.input.rows, i)) {
      return false;
    }
    this.input.post({ type: 'goToSource', spanId });
    return true;
  }

  /**
   * `G` in the details: the shown span's button decides (the full span knows more than its row);
   * while the details load, the row decides as in the tree.
   */
  private detailsGoToSource(): boolean {
    const shown = this.details.querySelector<HTMLButtonElement>('.tl-go-to-source');
    if (shown) {
      shown.click();
      return true;
    }
    return this.details.getAttribute('aria-busy') === 'true' && this.goToSource();
  }

  /** The selected span and its ancestors, nearest first: the Logs tab filters by the first with logs. */
  private selectionPath(): string[] {
    const path: string[] = [];
    for (let i = this.state.selected; i >= 0 && path.length < 1000; i = this.state.index.parent[i] ?? -1) {
      const id = this.state.spanId(i);
      if (id !== undefined) path.push(id);
    }
    return path;
  }

  /** A log line or invocation clicked: its span, shown in the Spans tab. */
  private revealFromLogs(spanId: string): void {
    this.tabs.select('spans');
    if (this.selectSpanId(spanId, true)) this.viewport.focus({ preventScroll: true });
  }

  private onTab(tab: TimelineTab): void {
    this.schedulePersist();
    if (tab === 'logs') {
      this.logs.activate();
    } else {
      // The list measured nothing while hidden.
      this.list.render();
      this.measureColumns();
    }
  }

  /** The host's `logs` answer (and its progress). */
  receiveLogs(message: LogsMessage): void {
    this.logs.receive(message);
  }

  /** Ctrl/Cmd+Shift+L opens Logs; Ctrl/Cmd+F and F3 search the spans, anywhere in the panel. */
  handleGlobalKey(event: KeyboardEvent): void {
    if (isLogsTabKey(event)) {
      event.preventDefault();
      this.tabs.select('logs', true);
    } else if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'f') {
      this.tabs.select('spans');
      event.preventDefault();
      this.toolbar.input.focus();
      this.toolbar.input.select();
    } else if (event.key === 'F3') {
      event.preventDefault();
      this.stepSearch(event.shiftKey ? -1 : 1);
    }
  }

  private onStateChange(change: 'rows' | 'selection'): void {
    if (change === 'rows') {
      this.list.setCount(this.state.visible.count);
    } else {
      this.list.invalidate();
      this.showDetails();
    }
    const i = this.state.selected;
    this.viewport.setAttribute('aria-activedescendant', i >= 0 ? `tl-row-${i}` : '');
    this.schedulePersist();
  }

  private showDetails(): void {
    this.detailsPane.show(this.state.spanId(this.state.selected));
  }

  /** The host's answer to `requestSpan`. */
  receiveSpan(span: Span): void {
    this.detailsPane.receive(span);
  }

  private sectionContext(): SectionContext {
    return {
      traceStartEpochMs: this.input.header.startEpochMs,
      copy: (text, what) => this.input.post({ type: 'copy', text, what }),
      // Cause references name other spans by id; the rows know every id and name.
      selectSpan: (id) => this.selectSpanId(id, true),
      spanName: (id) => {
        const i = this.state.index.indexOf(id);
        return i === undefined ? undefined : this.input.rows.names[i];
      },
      goToSource: (spanId) => this.input.post({ type: 'goToSource', spanId }),
      openFrame: (spanId, exceptionIndex, frameIndex) => this.input.post({ type: 'openFrame', spanId, exceptionIndex, frameIndex }),
    };
  }

  /** Selects a span by order index; `user` selections are reported to the host. */
  selectIndex(i: number, user: boolean, align: 'nearest' | 'center' = 'nearest', always = false): void {
    const changed = always || i !== this.state.selected;
    this.state.select(i);
    const row = this.state.visible.rowOf[i] ?? -1;
    if (row >= 0) {
      this.list.scrollToRow(row, align);
    }
    const id = this.state.spanId(i);
    if (user && changed && id !== undefined) {
      this.input.post({ type: 'spanSelected', spanId: id });
    }
  }

  selectSpanId(spanId: string, user: boolean): boolean {
    const i = this.state.index.indexOf(spanId);
    if (i === undefined) {
      return false;
    }
    this.selectIndex(i, user, 'center');
    return true;
  }

  selectRow(row: number): void {
    const i = this.state.visible.rows[row];
    if (row >= 0 && row < this.state.visible.count && i !== undefined) {
      this.selectIndex(i, true);
    }
  }

  pageSize(): number {
    return this.list.pageSize();
  }

  openDetails(): void {
    this.details.focus();
  }

  private runSearch(query: string): void {
    this.search.run(query);
    this.toolbar.setCount(this.search.label());
    this.list.invalidate();
    this.schedulePersist();
  }

  private stepSearch(direction: 1 | -1): void {
    if (this.search.query !== this.toolbar.input.value) {
      this.runSearch(this.toolbar.input.value);
    }
    const i = this.search.step(direction, this.state.selected);
    if (i !== undefined) {
      this.selectIndex(i, true, 'center');
    }
    this.toolbar.setCount(this.search.label());
  }

  private clearSearch(): void {
    this.runSearch('');
    this.viewport.focus();
  }

  private schedulePersist(): void {
    clearTimeout(this.persistTimer);
    this.persistTimer = setTimeout(() => this.input.persist(this.viewState()), 250);
  }

  viewState(): TimelineViewState {
    const state: TimelineViewState = {
      traceId: this.input.header.id,
      source: this.input.source,
      collapsedSpanIds: this.state.collapsedIds(),
      scrollTop: this.viewport.scrollTop,
      detailsRatio: this.detailsRatio,
      tab: this.tabs.current(),
    };
    const selected = this.state.spanId(this.state.selected);
    if (selected !== undefined) {
      state.selectedSpanId = selected;
    }
    if (this.search.query !== '') {
      state.search = this.search.query;
    }
    return state;
  }

  dispose(): void {
    clearTimeout(this.persistTimer);
  }
}
