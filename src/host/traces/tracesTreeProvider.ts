import * as vscode from 'vscode';
import { Disposable, MutableDisposable, toDisposable } from '../lifecycle';
import { loadAwsErrors } from '../connection/awsModules';
import { TraceListSession } from './traceListSession';
import { toTreeItem, traceRowDescription, traceRowLabel } from './traceTreeItems';
import { TraceSourceGroups } from './traceSourceGroups';
import type { TraceRowSnapshot, TraceRowsBySource, TracesRefreshCounts } from '../../shared/extensionApi';
import type { Trace } from '../../shared/traceModel';
import type { LocalTraceService } from '../local/localTraceService';
import type { Config } from '../config';
import type { ConnectionController } from '../connection/connectionController';
import type { ContextKeys, TracesState } from '../contextKeys';
import type { ComponentLogger, Logger } from '../logger';
import type { TraceQuery } from './traceQuery';
import type { LoadMoreRow, TraceRow, TracesNode } from './traceTreeItems';

export const TRACES_VIEW_ID = 'serverlessLens.traces';
const RELATIVE_TIME_REFRESH_MS = 60_000;

export interface TracesTreeDeps {
  connections: ConnectionController;
  query: TraceQuery;
  config: Config;
  contextKeys: ContextKeys;
  logger: Logger;
  /** The local receivers' traces: with them the view groups its rows under Local and AWS. */
  local?: LocalTraceService;
}

/**
 * The Traces view: rows newest first from the current `TraceListSession`, a Load More row, the
 * query in the view description and failures in the view message. Empty, error and sign-in
 * states are `viewsWelcome` content keyed on `serverlessLens.tracesState`, never pop-ups.
 * Nothing is searched until the view is first shown.
 */
export class TracesTreeProvider extends Disposable implements vscode.TreeDataProvider<TracesNode> {
  private readonly changed = this._register(new vscode.EventEmitter<TracesNode | TracesNode[] | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly selectedTrace = this._register(new vscode.EventEmitter<string | undefined>());
  /** The trace row selected in the view (undefined when the selection is not a trace row); the service map highlights its path. */
  readonly onDidSelectTrace = this.selectedTrace.event;

  private readonly view: vscode.TreeView<TracesNode>;
  private readonly session = this._register(new MutableDisposable<TraceListSession>());
  private readonly loadMoreRow: LoadMoreRow = { kind: 'loadMore', loading: false };
  private readonly log: ComponentLogger;
  private readonly activity = new Set<Promise<void>>();
  private state: TracesState = 'idle';
  // Set when the query or connection changed while the view was hidden: reload when shown.
  private stale = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  // Identifies the newest load; an older one that finishes late changes nothing.
  private loadGeneration = 0;
  private readonly groups: TraceSourceGroups | undefined;
  private readonly refreshes = { total: 0, root: 0 };

  constructor(private readonly deps: TracesTreeDeps) {
    super();
    this.log = deps.logger.for('traces');
    this.view = this._register(vscode.window.createTreeView(TRACES_VIEW_ID, { treeDataProvider: this, showCollapseAll: false }));
    if (deps.local !== undefined) {
      this.groups = this._register(new TraceSourceGroups(deps.local, deps.query, deps.connections, deps.contextKeys));
      this._register(this.groups.onDidChange((node) => this.changed.fire(node)));
    }
    this._register(this.changed.event((node) => this.countRefresh(node)));
    this._register(this.view.onDidChangeVisibility(() => this.onVisibilityChanged()));
    this._register(this.view.onDidChangeSelection((event) => this.selectedTrace.fire(event.selection.find((node) => TracesTreeProvider.isTraceRow(node))?.summary.id)));
    this._register(deps.query.onDidChange(() => this.onInputsChanged()));
    this._register(deps.connections.onDidChange(() => this.onInputsChanged()));
    this._register(toDisposable(() => this.stopTimer()));
    this.updateQueryContext();
    this.setState('idle');
  }

  get tracesState(): TracesState {
    return this.state;
  }

  getTreeItem(node: TracesNode): vscode.TreeItem {
    return toTreeItem(node, Date.now());
  }

  getChildren(node?: TracesNode): TracesNode[] {
    if (node !== undefined) {
      return node.kind === 'source' && this.groups !== undefined ? this.groups.children(node, { nodes: this.nodes(), state: this.state, message: this.view.message }) : [];
    }
    if (this.view.visible) {
      this.startTimer();
    }
    if (this.state === 'idle' || this.stale) {
      // First shown: start the search now and return at once; rows arrive by change events.
      void this.reload();
    }
    return this.groups?.isActive() === true ? this.groups.roots() : this.nodes();
  }

  /** Starts a new search, cancelling the previous one; resolves when its first page is shown. */
  reload(): Promise<void> {
    this.stale = false;
    return this.track(this.runLoad());
  }

  /** Shows another page from the same search. */
  loadMore(): Promise<void> {
    const session = this.session.value;
    if (session === undefined || !session.hasMore || this.loadMoreRow.loading) {
      return Promise.resolve();
    }
    const generation = this.loadGeneration;
    this.loadMoreRow.loading = true;
    this.changed.fire(this.loadMoreRow);
    const task = session.showNextPage().then(
      () => this.afterPage(session),
      (error: unknown) => this.onLoadFailed(generation, session, error),
    );
    return this.track(
      task.finally(() => {
        this.loadMoreRow.loading = false;
        this.changed.fire(undefined);
      }),
    );
  }

  /** Resolves once the current load, Load More and background fetches have all settled. */
  async settled(): Promise<void> {
    if (this.state === 'idle') {
      void this.reload();
    }
    while (this.activity.size > 0) {
      await Promise.allSettled([...this.activity]);
      await this.session.value?.backgroundSettled();
    }
    await this.session.value?.backgroundSettled();
  }

  /** How often the view was redrawn (whole tree, or parts), for the test API. */
  refreshCounts(): TracesRefreshCounts {
    const local = this.groups?.refreshCounts();
    return { total: this.refreshes.total, root: this.refreshes.root, local: local?.refreshed ?? 0, localSkipped: local?.skipped ?? 0 };
  }

  private countRefresh(node: TracesNode | TracesNode[] | undefined): void {
    this.refreshes.total += 1;
    if (node !== undefined) return;
    this.refreshes.root += 1;
    this.groups?.treeRedrawn();
  }

  /** The rows as shown, for the test API. */
  snapshot(): TraceRowSnapshot[] {
    const now = Date.now();
    return (this.session.value?.rows ?? []).map((row) => ({
      id: row.summary.id,
      label: traceRowLabel(row),
      description: traceRowDescription(row, now),
      status: row.summary.status,
      coldStart: row.coldStart === true,
    }));
  }

  /** The rows of each source as shown (local rows after the toggle and the text filter). */
  snapshotBySource(): TraceRowsBySource {
    const now = Date.now();
    const local = (this.groups?.localRows() ?? []).map((row) => ({
      id: row.summary.id,
      label: traceRowLabel(row),
      description: traceRowDescription(row, now),
      status: row.summary.status,
      coldStart: row.coldStart === true,
    }));
    const groups = this.groups?.isActive() === true ? this.groups.roots().map((group) => ({ source: group.source, label: group.label, description: group.description })) : [];
    return { grouped: groups.length > 0, groups, local, aws: this.snapshot() };
  }

  /**
   * The full traces already read for the rows the view lists (current range and filter), from
   * the connection's TraceStore by `peek`, then the local rows' traces from the local store: no
   * AWS call. Rows whose trace is not read yet are left out. The service map draws these.
   */
  listedTraces(): Trace[] {
    const { aws, local } = this.listedTracesBySource();
    return [...aws, ...local];
  }

  /**
   * `listedTraces()` split by the group they are listed under: `grouped` while the view shows
   * a Local and an AWS group (the service map then offers its "All · Local · AWS" scope).
   */
  listedTracesBySource(): { grouped: boolean; aws: Trace[]; local: Trace[] } {
    const store = this.deps.connections.peek()?.store;
    const aws: Trace[] = [];
    for (const row of this.session.value?.rows ?? []) {
      const trace = store?.peek(row.summary.id);
      if (trace !== undefined) aws.push(trace);
    }
    // The local rows shown (after the toggle and filter), from the local store: no AWS call either.
    const local: Trace[] = [];
    for (const row of this.groups?.localRows() ?? []) {
      const trace = this.deps.local?.get(row.summary.id);
      if (trace !== undefined) local.push(trace);
    }
    return { grouped: this.groups?.isActive() === true, aws, local };
  }

  /** The trace row of a tree node handed to a command, if it is one. */
  static isTraceRow(value: unknown): value is TraceRow {
    return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'trace';
  }

  private nodes(): TracesNode[] {
    const session = this.session.value;
    if (session === undefined) {
      return [];
    }
    return session.hasMore && session.rows.length > 0 ? [...session.rows, this.loadMoreRow] : [...session.rows];
  }

  private async runLoad(): Promise<void> {
    const generation = ++this.loadGeneration;
    this.session.value = undefined;
    this.loadMoreRow.loading = false;
    this.view.message = undefined;
    this.setState('loading');
    this.changed.fire(undefined);
    await vscode.window.withProgress({ location: { viewId: TRACES_VIEW_ID } }, async () => {
      let session: TraceListSession | undefined;
      try {
        const connection = await this.deps.connections.get();
        if (generation !== this.loadGeneration) {
          return; // A newer load started while the connection opened.
        }
        session = new TraceListSession({
          connection,
          query: this.deps.query.toSearch(Date.now()),
          pageSize: this.deps.config.get('traces.pageSize'),
          viewId: TRACES_VIEW_ID,
          logger: this.log,
          callbacks: {
            onRowsAdded: () => this.onRowsAdded(session),
            onRowChanged: (row) => this.changed.fire(row),
          },
        });
        this.session.value = session;
        await session.showNextPage();
        this.afterPage(session);
      } catch (error) {
        await this.onLoadFailed(generation, session, error);
      }
    });
  }

  private onRowsAdded(session: TraceListSession | undefined): void {
    if (session === undefined || session !== this.session.value || session.isCancelled) {
      return;
    }
    if (session.rows.length > 0) {
      this.setState('ready');
    }
    this.changed.fire(undefined);
  }

  private afterPage(session: TraceListSession): void {
    if (session !== this.session.value || session.isCancelled) {
      return;
    }
    if (session.rows.length > 0) {
      this.setState('ready');
    } else {
      this.setState(this.deps.query.isFiltered ? 'emptyFiltered' : 'empty');
    }
    this.changed.fire(undefined);
  }

  private async onLoadFailed(generation: number, session: TraceListSession | undefined, error: unknown): Promise<void> {
    const { classifyAwsError } = await loadAwsErrors();
    if (generation !== this.loadGeneration || (session !== undefined && (session !== this.session.value || session.isCancelled))) {
      return; // Aborted because a newer search replaced it.
    }
    const profile = this.deps.connections.settings().profile;
    const classified = classifyAwsError(error, { operation: 'GetTraceSummaries', ...(profile !== '' ? { profile } : {}) });
    if (classified.kind === 'cancelled') {
      return;
    }
    this.log.error(`trace search failed (${classified.kind})`, error);
    const noCredentials = classified.kind === 'missingCredentials' || classified.kind === 'expiredCredentials';
    if (session?.rows.length) {
      // Load More failed: keep the rows, say why in the view.
      this.view.message = classified.message;
      return;
    }
    this.session.value = undefined;
    // With no credentials the welcome content offers Sign In; the message says which profile.
    this.view.message = classified.message;
    this.setState(noCredentials ? 'noCredentials' : 'error');
    this.changed.fire(undefined);
  }

  private onInputsChanged(): void {
    this.updateQueryContext();
    if (this.view.visible) {
      void this.reload();
    } else {
      // Cancel now (requests of an old profile must stop), search again when shown.
      this.loadGeneration += 1;
      this.session.value = undefined;
      this.stale = this.state !== 'idle';
      this.changed.fire(undefined);
    }
  }

  private onVisibilityChanged(): void {
    if (this.view.visible) {
      this.startTimer();
      if (this.stale) {
        void this.reload();
      } else {
        // Relative times went stale while hidden.
        this.refreshRelativeTimes();
      }
    } else {
      this.stopTimer();
    }
  }

  private updateQueryContext(): void {
    const { query, contextKeys } = this.deps;
    this.view.description = query.describe();
    contextKeys.set('serverlessLens.errorsOnly', query.errorsOnly);
    contextKeys.set('serverlessLens.hasFilter', query.filterExpression !== '');
  }

  private setState(state: TracesState): void {
    this.state = state;
    this.deps.contextKeys.set('serverlessLens.tracesState', state);
  }

  private startTimer(): void {
    this.timer ??= setInterval(() => this.refreshRelativeTimes(), RELATIVE_TIME_REFRESH_MS);
  }

  private stopTimer(): void {
    if (this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private refreshRelativeTimes(): void {
    const rows = [...(this.session.value?.rows ?? []), ...(this.groups?.isActive() === true ? this.groups.localRows() : [])];
    if (rows.length > 0) {
      this.changed.fire([...rows]);
    }
  }

  private track(task: Promise<void>): Promise<void> {
    const tracked = task.catch((error: unknown) => this.log.error('unexpected failure in the Traces view', error));
    this.activity.add(tracked);
    void tracked.finally(() => this.activity.delete(tracked));
    return tracked;
  }
}
