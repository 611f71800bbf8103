import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../lifecycle';
import { TIMELINE_VIEW_TYPE, parseTimelineToHost } from '../../shared/timelineMessages';
import type { CopyWhat, HostToTimelineMessage, TimelineToHostMessage, TimelineViewState } from '../../shared/timelineMessages';
import type { TimelineRows, TimelineTraceHeader } from '../../shared/timelineRows';
import type { Span, Trace } from '../../shared/traceModel';
import type { ParsedFrame } from '../../core/stackFrames';
import { encodeTimelineRows, encodeTraceHeader } from '../../core/timelineRows';
import { COMMANDS } from '../commands/commandIds';
import type { ComponentLogger } from '../logger';
import { describeRaw, webviewPageHtml, webviewPanelOptions, webviewScriptOptions } from '../webviewPanels';
import type { LoadedTrace, TraceLoadFailure } from './awsTraceSource';
import type { TraceSources } from './traceSources';
import type { TimelineSnapshot } from '../../shared/extensionApi';
import { TraceLogsSession } from './traceLogsSession';

export { TIMELINE_VIEW_TYPE };

export interface TimelinePanelDeps {
  extensionUri: vscode.Uri;
  /** Local store first, then AWS (`traceSources.ts`). */
  source: TraceSources;
  logger: ComponentLogger;
  /**
   * Opens frame `frameIndex` of a log line's stack with the "Go to source" resolver, reporting
   * failures to the user (`SourceNavigator.openStackFrame` through the command runner).
   */
  openLogFrame: (trace: Trace, functionSpanId: string | undefined, frames: readonly ParsedFrame[], frameIndex: number) => Promise<void>;
}

/** A trace its owner holds in memory (an open trace file, `host/files/`): read from it, never fetched. */
export interface InMemoryTrace {
  load(): Promise<LoadedTrace>;
  describeFailure(error: unknown): TraceLoadFailure;
}

/** What the webview is sent for a loaded trace; the `Trace` itself stays here. */
interface EncodedTrace {
  header: TimelineTraceHeader;
  rows: TimelineRows;
}

const COPIED: Record<CopyWhat, string> = { traceId: 'Copied the trace ID', spanId: 'Copied the span ID', value: 'Copied', logs: 'Copied the log lines' };

/**
 * One trace in a webview panel. The page is built once; the host posts nothing until the webview
 * says `ready` (again after each time it is shown, as it is not retained while hidden), then
 * `loading` and `trace` or `error`. The webview gets the rows in columnar form and asks for a
 * span's full record (`requestSpan`) when it shows its details, so the panel keeps the `Trace`.
 * Every inbound message is validated before use.
 */
export class TraceTimelinePanel extends Disposable {
  private readonly log: ComponentLogger;
  private loaded: LoadedTrace | undefined;
  // Built on first post and kept: a hidden webview is rebuilt when shown again and asks anew.
  private encoded: EncodedTrace | undefined;
  private spansById: Map<string, Span> | undefined;
  private loading: AbortController | undefined;
  // UI state handed back by the serializer; sent with the first trace only.
  private restore: TimelineViewState | undefined;
  // Where a restored page said its trace came from; a local trace is never looked up in AWS.
  private readonly preferredSource: TimelineViewState['source'] | undefined;
  private selectedSpanId: string | undefined;
  private readonly logs: TraceLogsSession;
  private readonly disposed = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposed.event;

  /** Opens a new panel for `traceId` beside the editor. */
  static create(traceId: string, deps: TimelinePanelDeps): TraceTimelinePanel {
    const panel = vscode.window.createWebviewPanel(TIMELINE_VIEW_TYPE, panelTitle(traceId), { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, webviewPanelOptions(deps.extensionUri, { enableFindWidget: true }));
    return new TraceTimelinePanel(panel, traceId, deps, undefined);
  }

  /** Adopts a panel VS Code restored after a reload (see `timelinePanelSerializer.ts`). */
  static revive(panel: vscode.WebviewPanel, state: TimelineViewState, deps: TimelinePanelDeps): TraceTimelinePanel {
    panel.webview.options = webviewScriptOptions(deps.extensionUri);
    return new TraceTimelinePanel(panel, state.traceId, deps, state);
  }

  /**
   * Shows a trace held in memory in a panel VS Code gave us (a custom editor's, whose tab keeps
   * the file name): "Retry" asks `inMemory` again instead of fetching.
   */
  static forInMemoryTrace(panel: vscode.WebviewPanel, traceId: string, inMemory: InMemoryTrace, deps: TimelinePanelDeps): TraceTimelinePanel {
    panel.webview.options = webviewScriptOptions(deps.extensionUri);
    return new TraceTimelinePanel(panel, traceId, deps, undefined, inMemory);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    readonly traceId: string,
    private readonly deps: TimelinePanelDeps,
    restore: TimelineViewState | undefined,
    private readonly inMemory?: InMemoryTrace,
  ) {
    super();
    this.log = deps.logger;
    this.restore = restore;
    this.preferredSource = restore?.source;
    if (inMemory === undefined) panel.title = panelTitle(traceId);
    panel.iconPath = {
      light: vscode.Uri.joinPath(deps.extensionUri, 'media', 'trace-timeline-light.svg'),
      dark: vscode.Uri.joinPath(deps.extensionUri, 'media', 'trace-timeline-dark.svg'),
    };
    this._register(toDisposable(() => this.loading?.abort()));
    this.logs = new TraceLogsSession({ source: deps.source, trace: () => this.loaded?.trace, post: (m) => this.post(m), log: this.log });
    this._register(toDisposable(() => this.logs.dispose()));
    this._register(panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)));
    this._register(panel.onDidDispose(() => this.release()));
    panel.webview.html = this.html();
  }

  /** The span last selected in the webview (kept for features that act on it). */
  get selectedSpan(): string | undefined {
    return this.selectedSpanId;
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** True while the panel is the active editor. */
  get active(): boolean {
    return !this.isDisposed && this.panel.active;
  }

  /** Shows `loaded` in place of the trace shown (its file changed on disk). */
  async showTrace(loaded: LoadedTrace): Promise<void> {
    this.setLoaded(loaded);
    await this.postTrace(loaded);
  }

  /** What the panel shows, for the test API. */
  snapshot(): TimelineSnapshot {
    const loaded = this.loaded;
    return loaded === undefined ? { loaded: false } : { loaded: true, source: loaded.source, sourceLabel: loaded.sourceLabel, canOpenInConsole: loaded.canOpenInConsole };
  }

  /** Closes the panel (the user closed the tab, or the same trace was restored twice). */
  override dispose(): void {
    this.release();
    this.panel.dispose();
  }

  /**
   * Stops listening without closing the tab: on shutdown VS Code keeps the tab for restore
   * after a reload, so the extension must not close it while deactivating.
   */
  release(): void {
    if (this.isDisposed) {
      return;
    }
    this.disposed.fire();
    super.dispose();
  }

  private html(): string {
    return webviewPageHtml(this.panel.webview, this.deps.extensionUri, { script: 'timeline.js', styles: ['timeline.css'], title: `Trace ${this.traceId}` });
  }

  private onMessage(raw: unknown): void {
    const message = parseTimelineToHost(raw);
    if (message === undefined) {
      this.log.warn(`dropped an invalid message from the timeline of ${this.traceId}: ${describeRaw(raw)}`);
      return;
    }
    void this.handle(message).catch((error: unknown) => this.log.error(`timeline message ${message.type} failed`, error));
  }

  private async handle(message: TimelineToHostMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        // A (re)started webview: show what is loaded, or load it.
        return this.loaded !== undefined ? this.postTrace(this.loaded) : this.load();
      case 'retry':
        this.setLoaded(undefined);
        return this.load();
      case 'spanSelected':
        this.selectedSpanId = message.spanId;
        return;
      case 'requestSpan':
        return this.postSpan(message.spanId);
      case 'copy':
        await vscode.env.clipboard.writeText(message.text);
        vscode.window.setStatusBarMessage(`$(copy) ${COPIED[message.what]}`, 3000);
        return;
      case 'openInConsole':
        await vscode.env.openExternal(vscode.Uri.parse(await this.deps.source.consoleUrl(this.traceId)));
        return;
      case 'goToSource':
        return this.goToSource(message.spanId);
      case 'requestLogs':
        return this.logs.request();
      case 'cancelLogs':
        return this.logs.cancel();
      case 'openLogsInConsole':
        return this.logs.openInConsole();
      case 'openFrame':
        return this.openFrame(message);
      case 'openLogFrame':
        return this.openLogFrame(message.lineIndex, message.frameIndex);
    }
  }

  /** A frame link of the Logs tab: the line and frame must be ones the page was sent. */
  private async openLogFrame(lineIndex: number, frameIndex: number): Promise<void> {
    const trace = this.loaded?.trace;
    const found = trace !== undefined ? this.logs.logFrames(trace, lineIndex) : 'the trace is not loaded';
    if (trace === undefined || typeof found === 'string' || found.frames[frameIndex] === undefined) {
      this.log.warn(`timeline of ${this.traceId} asked to open log frame ${lineIndex}/${frameIndex}: ${typeof found === 'string' ? found : 'the line has no such frame'}`);
      return;
    }
    await this.deps.openLogFrame(trace, found.functionSpanId, found.frames, frameIndex);
  }

  /**
   * Runs `serverlessLens.goToSource(traceId, spanId)` (host/commands/sourceCommands.ts) for a span
   * of the loaded trace; a stale or forged id is dropped here, before any file is looked at.
   */
  private async goToSource(spanId: string): Promise<void> {
    if (this.findSpan(spanId, 'goToSource') === undefined) {
      return;
    }
    await vscode.commands.executeCommand(COMMANDS.goToSource, this.traceId, spanId);
  }

  /** The indexes passed validation as numbers; here they must also name a frame the span has. */
  private async openFrame(message: Extract<TimelineToHostMessage, { type: 'openFrame' }>): Promise<void> {
    const { spanId, exceptionIndex, frameIndex } = message;
    const span = this.findSpan(spanId, 'openFrame');
    if (span?.cause?.exceptions[exceptionIndex]?.stack[frameIndex] === undefined) {
      if (span !== undefined) {
        this.log.warn(`timeline of ${this.traceId} asked to open a frame span ${spanId} does not have: ${exceptionIndex}/${frameIndex}`);
      }
      return;
    }
    await vscode.commands.executeCommand(COMMANDS.goToSource, this.traceId, spanId, { exceptionIndex, frameIndex });
  }

  private async load(): Promise<void> {
    this.loading?.abort();
    const controller = new AbortController();
    this.loading = controller;
    await this.post({ type: 'loading', traceId: this.traceId, message: `Reading trace ${this.traceId}…` });
    try {
      const loaded = this.inMemory !== undefined ? await this.inMemory.load() : await this.deps.source.load(this.traceId, controller.signal, this.preferredSource);
      if (controller.signal.aborted || this.isDisposed) {
        return;
      }
      this.setLoaded(loaded);
      await this.postTrace(loaded);
    } catch (error) {
      if (controller.signal.aborted || this.isDisposed) {
        return;
      }
      const failure = this.inMemory !== undefined ? this.inMemory.describeFailure(error) : await this.deps.source.describeFailure(this.traceId, error);
      if (failure.cancelled) {
        return;
      }
      this.log.error(`could not load trace ${this.traceId}`, error);
      await this.post({ type: 'error', traceId: this.traceId, message: failure.message, canRetry: failure.canRetry });
    }
  }

  private setLoaded(loaded: LoadedTrace | undefined): void {
    if (loaded?.trace !== this.loaded?.trace) this.logs.reset();
    this.loaded = loaded;
    this.encoded = undefined;
    this.spansById = undefined;
  }

  private async postTrace(loaded: LoadedTrace): Promise<void> {
    if (this.encoded === undefined) {
      const rows = encodeTimelineRows(loaded.trace);
      this.encoded = { header: encodeTraceHeader(loaded.trace, rows.count), rows };
    }
    const { header, rows } = this.encoded;
    const message: HostToTimelineMessage = { type: 'trace', header, rows, source: loaded.source, sourceLabel: loaded.sourceLabel, canOpenInConsole: loaded.canOpenInConsole };
    if (this.restore !== undefined) {
      message.restore = this.restore;
      this.restore = undefined;
    }
    await this.post(message);
  }

  /** Answers `requestSpan` from the loaded trace; an id it does not hold gets no answer. */
  private async postSpan(spanId: string): Promise<void> {
    const span = this.findSpan(spanId, 'requestSpan');
    if (span !== undefined) {
      await this.post({ type: 'span', span });
    }
  }

  /** The span of the loaded trace with this id, or undefined (logged: the page should not ask). */
  private findSpan(spanId: string, what: TimelineToHostMessage['type']): Span | undefined {
    const trace = this.loaded?.trace;
    if (trace === undefined) {
      this.log.debug(`timeline of ${this.traceId} sent ${what} for span ${spanId} before its trace loaded`);
      return undefined;
    }
    if (this.spansById === undefined) {
      this.spansById = new Map();
      for (const span of trace.spans) {
        // The first of duplicate ids wins, as in the rows the webview was sent.
        if (!this.spansById.has(span.id)) {
          this.spansById.set(span.id, span);
        }
      }
    }
    const span = this.spansById.get(spanId);
    if (span === undefined) {
      this.log.warn(`timeline of ${this.traceId} sent ${what} for a span that is not in the trace: ${spanId}`);
    }
    return span;
  }

  private async post(message: HostToTimelineMessage): Promise<void> {
    if (this.isDisposed) {
      return;
    }
    const delivered = await this.panel.webview.postMessage(message);
    if (!delivered) {
      this.log.debug(`timeline of ${this.traceId} was not listening for ${message.type}`);
    }
  }
}

/**
 * `Trace 1-5759e988-bd86…`: the time part and the start of the random part, enough to tell two
 * traces of the same second apart; the full id is in the tooltip and the page.
 */
export function panelTitle(traceId: string): string {
  return `Trace ${traceId.length > 16 ? `${traceId.slice(0, 15)}…` : traceId}`;
}
