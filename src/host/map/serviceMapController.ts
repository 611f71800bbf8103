import * as vscode from 'vscode';
import { join } from 'node:path';
import { buildServiceGraph } from '../../core/serviceGraph/buildServiceGraph';
import { pathOfTrace } from '../../core/serviceGraph/tracePath';
import { Disposable, toDisposable } from '../lifecycle';
import { Debouncer } from '../delay';
import { COMMANDS } from '../commands/commandIds';
import { describeConnection } from '../connection/awsConnection';
import { MapLayoutClient } from './mapLayoutClient';
import { filterTracesByNodes, goToHandler, pickFailingTrace, saveExport, tailLogs } from './mapActions';
import { ServiceMapPanel } from './serviceMapPanel';
import { ServiceGraphSource } from './serviceGraphSource';
import type { MapLayout, MapNodePosition, MapScope, MapScopeInfo, MapSelection, MapToHostMessage, MapViewState } from '../../shared/mapMessages';
import type { ServiceGraph } from '../../shared/serviceGraphModel';
import type { Trace } from '../../shared/traceModel';
import type { ServiceMapSnapshot } from '../../shared/extensionApi';
import type { CommandRunner } from '../commands/commandRunner';
import type { ConnectionController } from '../connection/connectionController';
import type { ComponentLogger } from '../logger';
import type { ProjectIndexService } from '../source/projectIndexService';
import type { TraceQuery } from '../traces/traceQuery';
import type { TracesTreeProvider } from '../traces/tracesTreeProvider';

/** A burst of trace arrivals (a page of 50 prefetches) becomes one redraw. */
const REFRESH_DEBOUNCE_MS = 400;

export interface ServiceMapDeps {
  extensionUri: vscode.Uri;
  tree: TracesTreeProvider;
  query: TraceQuery;
  connections: ConnectionController;
  runner: CommandRunner;
  projectIndex: ProjectIndexService;
  log: ComponentLogger;
  /** The open timelines: a timeline opened by any means (or its tab made active) highlights its trace's path. */
  timelines?: { onDidShowTrace: vscode.Event<string> };
  /** Reads a trace that is not listed (a timeline opened by id): the same source the timeline reads, which shares one fetch. */
  loadTrace?: (traceId: string, signal: AbortSignal) => Promise<{ trace: Trace }>;
}

/**
 * Owns the one service map panel: opens or reveals it, revives it after a reload, and keeps it
 * drawing the services of the traces the Traces view lists (refreshed, debounced, when that list
 * changes), merged with GetServiceGraph for the same window when connected to AWS. Layout runs
 * in a worker thread and is stable: nodes already placed keep their positions.
 */
export class ServiceMapController extends Disposable {
  // Not a MutableDisposable: on shutdown the panel is released, not closed, so VS Code can restore it.
  private panel: { value: ServiceMapPanel | undefined } = { value: undefined };
  private receiving = false;
  private readonly layouts: MapLayoutClient;
  private readonly serviceGraphs: ServiceGraphSource;
  private readonly refreshSoon = this._register(new Debouncer(REFRESH_DEBOUNCE_MS, () => void this.refresh()));
  private graph: ServiceGraph | undefined;
  private layout: MapLayout | undefined;
  private notes: string[] = [];
  private positions: MapNodePosition[] = [];
  private signature = '';
  private generation = 0;
  private restore: MapViewState | undefined;
  private selected: MapSelection | undefined;
  private highlight: { traceId: string; nodeIds: string[]; edgeIds: string[] } | undefined;
  private running: Promise<void> | undefined;
  /** All · Local · AWS: remembered for the session and in the page's state (restored by the serializer). */
  private scope: MapScope = 'all';
  private scopeInfo: MapScopeInfo | undefined;
  private sourceLabel = '';
  private highlighting: AbortController | undefined;

  constructor(private readonly deps: ServiceMapDeps) {
    super();
    this.layouts = this._register(new MapLayoutClient(join(deps.extensionUri.fsPath, 'dist'), deps.log));
    this.serviceGraphs = new ServiceGraphSource(deps.log);
    this._register(deps.tree.onDidChangeTreeData(() => this.onListChanged()));
    this._register(deps.tree.onDidSelectTrace((traceId) => void this.highlightTrace(traceId)));
    if (deps.timelines !== undefined) this._register(deps.timelines.onDidShowTrace((traceId) => void this.highlightTrace(traceId, true)));
    this._register(toDisposable(() => this.highlighting?.abort()));
    this._register(deps.connections.onDidChange(() => this.onConnectionChanged()));
    this._register(toDisposable(() => this.panel.value?.release()));
  }

  /** Opens the map (or reveals it) and draws the listed traces. */
  async open(): Promise<void> {
    const existing = this.panel.value;
    if (existing !== undefined) {
      existing.reveal();
      return;
    }
    this.adopt(ServiceMapPanel.create(this.deps.extensionUri, this.deps.log), undefined);
    this.layouts.warm();
    // The Traces view searches only once shown; the map needs its list, so it asks for it.
    void this.deps.tree.settled().then(() => this.onListChanged(true));
  }

  revive(webviewPanel: vscode.WebviewPanel, state: MapViewState): void {
    if (this.panel.value !== undefined) {
      webviewPanel.dispose();
      return;
    }
    if (state.scope !== undefined) this.scope = state.scope;
    this.adopt(ServiceMapPanel.revive(webviewPanel, this.deps.extensionUri, this.deps.log), state);
    void this.deps.tree.settled().then(() => this.onListChanged(true));
  }

  get isOpen(): boolean {
    return this.panel.value !== undefined;
  }

  snapshot(): ServiceMapSnapshot | undefined {
    if (this.panel.value === undefined) return undefined;
    const graph = this.graph;
    return {
      nodes: (graph?.nodes ?? []).map((n) => ({ id: n.id, name: n.name, type: n.type })),
      edges: (graph?.edges ?? []).map((e) => ({ id: e.id, from: e.from, to: e.to, kind: e.kind })),
      notes: [...this.notes],
      traceCount: graph?.traceCount ?? 0,
      ...(this.selected !== undefined ? { selected: this.selected } : {}),
      ...(this.highlight !== undefined ? { highlightedTraceId: this.highlight.traceId } : {}),
      ...(this.scopeInfo !== undefined ? { scope: { ...this.scopeInfo } } : {}),
      sourceLabel: this.sourceLabel,
    };
  }

  /** Resolves once the Traces view settled and the map drew what it lists. */
  async settled(): Promise<void> {
    await this.deps.tree.settled();
    this.onListChanged(true);
    this.refreshSoon.dispose();
    await this.refresh();
  }

  /** Hands a message to the panel as if its page had posted it (tests): validated the same way. */
  async receive(raw: unknown): Promise<boolean> {
    const panel = this.panel.value;
    if (panel === undefined) return false;
    let message: MapToHostMessage | undefined;
    const once = panel.onDidReceive((m) => {
      message = m;
    });
    this.receiving = true;
    try {
      panel.receive(raw);
    } finally {
      this.receiving = false;
      once.dispose();
    }
    if (message === undefined) return false;
    await this.handle(message);
    return true;
  }

  private adopt(panel: ServiceMapPanel, restore: MapViewState | undefined): void {
    this.restore = restore;
    this.signature = '';
    this.panel.value = panel;
    panel.onDidReceive((message) => {
      // `receive()` awaits its own message; everything else is handled here.
      if (this.receiving) return;
      void this.deps.runner.run(`serviceMap.${message.type}`, () => this.handle(message), []);
    });
    panel.onDidDispose(() => {
      if (this.panel.value === panel) {
        this.panel.value = undefined;
        this.graph = undefined;
        this.layout = undefined;
        this.positions = [];
        this.highlight = undefined;
      }
    });
  }

  private async handle(message: MapToHostMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.postCurrent();
      case 'retry':
        this.signature = '';
        return this.refresh();
      case 'widenRange':
        await vscode.commands.executeCommand(COMMANDS.pickTimeRange);
        return;
      case 'select':
        this.selected = message.selection;
        return;
      case 'filterByNode':
        return filterTracesByNodes(message.nodeIds.map((id) => this.graph?.nodes.find((n) => n.id === id)).filter((n) => n !== undefined));
      case 'goToHandler': {
        const node = this.node(message.nodeId);
        if (node !== undefined) await goToHandler(node, this.deps.projectIndex);
        return;
      }
      case 'tailLogs': {
        const node = this.node(message.nodeId);
        if (node !== undefined) await tailLogs(node);
        return;
      }
      case 'edgeFailures': {
        const wanted = new Set(message.edgeIds);
        const edges = (this.graph?.edges ?? []).filter((edge) => wanted.has(edge.id));
        if (edges.length === 0) return;
        const name = (id: string): string => this.node(id)?.name ?? id;
        const first = edges[0];
        const title = edges.length === 1 && first !== undefined ? `${name(first.from)} → ${name(first.to)}` : `${edges.length} calls`;
        const listed = new Map(this.deps.tree.listedTraces().map((trace) => [trace.id, trace]));
        return pickFailingTrace(edges, (id) => listed.get(id), title);
      }
      case 'export':
        await saveExport(message.format, message.data);
        return;
      case 'scope':
        if (message.scope === this.scope) return;
        this.scope = message.scope;
        this.signature = '';
        return this.refresh();
    }
  }

  /** A node of the graph the page was sent; a stale or forged id is logged and dropped. */
  private node(id: string): ServiceGraph['nodes'][number] | undefined {
    const node = this.graph?.nodes.find((n) => n.id === id);
    if (node === undefined) this.deps.log.warn(`the service map asked about a node it was not sent: ${id}`);
    return node;
  }

  private onListChanged(force = false): void {
    if (this.panel.value === undefined) return;
    const traces = this.deps.tree.listedTraces();
    const signature = `${this.deps.query.describe()}|${this.deps.tree.tracesState}|${this.scope}|${traces.map((t) => t.id).join(',')}`;
    if (!force && signature === this.signature) return;
    this.signature = signature;
    this.refreshSoon.trigger();
  }

  private onConnectionChanged(): void {
    this.positions = [];
    this.onListChanged(true);
  }

  /** One refresh at a time; a newer one supersedes the result of an older one. */
  private refresh(): Promise<void> {
    const previous = this.running ?? Promise.resolve();
    const next = previous.then(() => this.draw());
    this.running = next.finally(() => {
      if (this.running === next) this.running = undefined;
    });
    return next;
  }

  private async draw(): Promise<void> {
    const panel = this.panel.value;
    if (panel === undefined) return;
    const generation = ++this.generation;
    const sides = this.deps.tree.listedTracesBySource();
    const state = this.deps.tree.tracesState;
    if (sides.aws.length + sides.local.length === 0) {
      this.graph = undefined;
      this.layout = undefined;
      this.scopeInfo = undefined;
      if (state === 'loading' || state === 'idle') await panel.post({ type: 'loading', message: 'Reading the traces the Traces view lists…' });
      else await panel.post({ type: 'empty', message: emptyMessage(state), rangeLabel: this.deps.query.describe() });
      return;
    }
    // The scope applies only while the view lists the two groups; otherwise everything listed is drawn.
    const scopeInfo: MapScopeInfo | undefined = sides.grouped ? { scope: this.scope, local: sides.local.length, aws: sides.aws.length } : undefined;
    const drawn = scopeInfo?.scope ?? 'all';
    const traces = drawn === 'local' ? sides.local : drawn === 'aws' ? sides.aws : [...sides.aws, ...sides.local];
    const search = this.deps.query.toSearch(Date.now());
    let graph = buildServiceGraph(traces, { startEpochMs: search.startTime.getTime(), endEpochMs: search.endTime.getTime() });
    // X-Ray's own service graph is AWS data: never merged into a map of the local traces alone.
    const merged = drawn === 'local' ? { graph, notes: [] } : await this.serviceGraphs.merge(graph, this.deps.connections.peek(), search.startTime, search.endTime);
    graph = merged.graph;
    const layout = await this.layouts.layout({ nodeIds: graph.nodes.map((n) => n.id), edges: graph.edges.map((e) => ({ from: e.from, to: e.to })), previous: this.positions });
    if (generation !== this.generation || this.panel.value !== panel) return;
    this.graph = graph;
    this.layout = layout;
    // A scope change is a refresh like any other: the nodes still drawn stay where they were.
    this.positions = layout.positions;
    this.notes = traces.length === 0 && drawn !== 'all' ? [...merged.notes, scopeEmptyNote(drawn)] : merged.notes;
    this.scopeInfo = scopeInfo;
    this.sourceLabel = this.labelFor(drawn, scopeInfo !== undefined);
    await this.postCurrent();
  }

  /** `AWS · default (us-east-1) · Last 15 min`, `Local receivers`, or `Local + AWS · …` for both. */
  private labelFor(drawn: MapScope, grouped: boolean): string {
    const aws = `${this.connectionLabel()} · ${this.deps.query.describe()}`;
    if (drawn === 'local') return 'Local receivers';
    return grouped && drawn === 'all' ? `Local + ${aws}` : aws;
  }

  private connectionLabel(): string {
    const connection = this.deps.connections.peek();
    return connection !== undefined ? `AWS · ${describeConnection(connection.config)}` : 'Traces';
  }

  private async postCurrent(): Promise<void> {
    const panel = this.panel.value;
    if (panel === undefined) return;
    if (this.graph === undefined || this.layout === undefined) {
      // Nothing drawn yet: the next refresh posts loading/empty/graph.
      this.onListChanged(true);
      return;
    }
    const restore = this.restore;
    this.restore = undefined;
    await panel.post({ type: 'graph', graph: this.graph, layout: this.layout, sourceLabel: this.sourceLabel, notes: this.notes, ...(restore !== undefined ? { restore } : {}), ...(this.scopeInfo !== undefined ? { scope: this.scopeInfo } : {}) });
    if (this.highlight !== undefined) await panel.post({ type: 'highlight', ...this.highlight });
  }

  /**
   * Highlights the path of a trace (selected in the Traces view, or shown in a timeline); undefined
   * clears it. `load`: a trace that is not listed (a timeline opened by id, from a tail or an
   * alert) is read from the timeline's source, whose store shares the fetch the timeline makes.
   */
  async highlightTrace(traceId: string | undefined, load = false): Promise<void> {
    const panel = this.panel.value;
    if (panel === undefined) return;
    this.highlighting?.abort();
    const request = new AbortController();
    this.highlighting = request;
    let trace = traceId !== undefined ? this.findTrace(traceId) : undefined;
    if (trace === undefined && traceId !== undefined && load && this.deps.loadTrace !== undefined) {
      trace = await this.deps.loadTrace(traceId, request.signal).then(
        (loaded) => loaded.trace,
        (error: unknown) => {
          // The timeline says why it could not read the trace; the map just draws no path.
          if (!request.signal.aborted) this.deps.log.debug(`no path to highlight for ${traceId}: ${String(error)}`);
          return undefined;
        },
      );
      if (request.signal.aborted || this.panel.value !== panel) return;
    }
    if (trace === undefined || this.graph === undefined) {
      this.highlight = undefined;
      await panel.post({ type: 'highlight', nodeIds: [], edgeIds: [] });
      return;
    }
    const path = pathOfTrace(this.graph, trace);
    this.highlight = { traceId: trace.id, nodeIds: path.nodeIds, edgeIds: path.edgeIds };
    await panel.post({ type: 'highlight', ...this.highlight });
  }

  private findTrace(traceId: string): Trace | undefined {
    return this.deps.tree.listedTraces().find((trace) => trace.id === traceId) ?? this.deps.connections.peek()?.store.peek(traceId);
  }
}

function scopeEmptyNote(scope: 'local' | 'aws'): string {
  return scope === 'local'
    ? 'No local traces are listed (the Local group is empty, or the filter hides its rows): choose All or AWS above, or send some requests to the receivers.'
    : 'No AWS traces are listed for this range and filter: choose All or Local above, or widen the time range.';
}

function emptyMessage(state: string): string {
  switch (state) {
    case 'emptyFiltered':
      return 'No traces match the filter expression or the errors-only toggle.';
    case 'noCredentials':
      return 'No traces: Serverless Lens has no valid AWS credentials. Sign in from the Traces view.';
    case 'error':
      return 'The traces could not be read: the Traces view says why.';
    default:
      return 'No traces in the selected time range.';
  }
}
