/**
 * The tail view of one session: a webview panel beside the editor. The page is built once; the
 * host posts nothing until it says `ready` (again after each time it is shown: it is not retained
 * while hidden), then `init` with the lines the session holds, then `lines` and `status`. The
 * filter box's CloudWatch patterns restart the tail server-side; `/regex/` filters stay in the
 * page. Request ids open their trace, stack frames their source. Every inbound message is
 * validated before use.
 */
import * as vscode from 'vscode';
import { traceIdsIn } from '../../core/lambdaLogParser';
import type { ParsedFrame } from '../../core/stackFrames';
import { framesOfLogStack } from '../../core/stackFrames';
import { parseTailFilter, serverPatternOf } from '../../core/tailFilter';
import { stackLinesOf, toTailViewLine } from '../../core/tailLines';
import { TAIL_VIEW_TYPE, parseTailToHost } from '../../shared/tailMessages';
import type { HostToTailMessage, TailToHostMessage, TailViewStatus } from '../../shared/tailMessages';
import { COMMANDS } from '../commands/commandIds';
import { Disposable, toDisposable } from '../lifecycle';
import type { ComponentLogger } from '../logger';
import { webviewPageHtml, webviewPanelOptions } from '../webviewPanels';
import type { TailLine } from './tailFeed';
import type { TailSession } from './tailSession';

export interface TailPanelDeps {
  extensionUri: vscode.Uri;
  session: TailSession;
  title: string;
  maxLines: () => number;
  log: ComponentLogger;
  openFrame: (functionName: string | undefined, frames: readonly ParsedFrame[], frameIndex: number) => Promise<void>;
  restart: () => void;
  stop: () => void;
}

/** While visible and running, the figures (events per second, billed minutes) refresh this often. */
const FIGURES_MS = 2_000;

export class TailPanel extends Disposable {
  private ready = false;
  /** The filter box text (a pattern or a `/regex/`), restored when the page is rebuilt. */
  private filterText = '';
  private figures: ReturnType<typeof setInterval> | undefined;
  private readonly disposed = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposed.event;
  /** Lines posted to the page, and when the last batch went (the extension's test API). */
  postedLines = 0;
  lastPostedAt: number | undefined;

  static create(deps: TailPanelDeps): TailPanel {
    const panel = vscode.window.createWebviewPanel(TAIL_VIEW_TYPE, deps.title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewPanelOptions(deps.extensionUri));
    return new TailPanel(panel, deps);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly deps: TailPanelDeps,
  ) {
    super();
    this.filterText = deps.session.filterPattern ?? '';
    this._register(panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)));
    this._register(
      panel.onDidChangeViewState(() => {
        // A hidden page is torn down (not retained) and says `ready` again when shown.
        if (!panel.visible) this.ready = false;
        this.updateFigures();
      }),
    );
    this._register(panel.onDidDispose(() => this.release()));
    this._register(toDisposable(() => this.stopFigures()));
    panel.webview.html = this.html();
  }

  /** The page said `ready` and is showing (lines are posted to it). */
  get isReady(): boolean {
    return this.ready;
  }

  get sessionId(): string {
    return this.deps.session.id;
  }

  show(): void {
    this.panel.reveal(undefined, false);
  }

  reveal(seq: number): void {
    this.show();
    this.post({ type: 'reveal', seq });
  }

  append(lines: readonly TailLine[]): void {
    if (!this.ready || lines.length === 0) return;
    this.post({ type: 'lines', lines: lines.map(toTailViewLine) });
    this.postedLines += lines.length;
    this.lastPostedAt = Date.now();
  }

  status(status: TailViewStatus): void {
    if (this.ready) this.post({ type: 'status', status });
    this.updateFigures();
  }

  config(maxLines: number): void {
    if (this.ready) this.post({ type: 'config', maxLines });
  }

  override dispose(): void {
    this.release();
    this.panel.dispose();
  }

  private release(): void {
    if (this.isDisposed) return;
    this.disposed.fire();
    super.dispose();
  }

  private html(): string {
    // The timeline's sheet gives the shared pieces (buttons, log levels, function colours, frames).
    return webviewPageHtml(this.panel.webview, this.deps.extensionUri, { script: 'tail.js', styles: ['timeline.css', 'tail.css'], title: this.deps.title });
  }

  private post(message: HostToTailMessage): void {
    void this.panel.webview.postMessage(message).then(undefined, (error: unknown) => this.deps.log.debug(`tail view post failed: ${String(error)}`));
  }

  private onMessage(raw: unknown): void {
    const message = parseTailToHost(raw);
    if (message === undefined) {
      this.deps.log.warn(`dropped an invalid message from the tail view ${this.sessionId}`);
      return;
    }
    void this.handle(message).catch((error: unknown) => this.deps.log.error(`tail view message ${message.type} failed`, error));
  }

  private async handle(message: TailToHostMessage): Promise<void> {
    const session = this.deps.session;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.sendInit();
        return;
      case 'setFilter':
        return this.setFilter(message.text);
      case 'openTrace':
        return this.openTrace(message.seq);
      case 'openFrame':
        return this.openFrame(message.seq, message.frameIndex);
      case 'clear':
        session.clear();
        return;
      case 'stop':
        this.deps.stop();
        return;
      case 'restart':
        this.deps.restart();
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(message.text);
        vscode.window.setStatusBarMessage('$(copy) Copied the log lines', 3000);
        return;
    }
  }

  private sendInit(): void {
    const session = this.deps.session;
    const lines = session.lines();
    this.post({
      type: 'init',
      sessionId: session.id,
      title: this.deps.title,
      groups: session.targets.map((t) => ({ functionName: t.functionName, logGroupName: t.logGroupName })),
      maxLines: this.deps.maxLines(),
      filter: this.filterText,
      lines: lines.map(toTailViewLine),
      dropped: session.dropped,
      status: session.status,
    });
    this.postedLines += lines.length;
    this.lastPostedAt = Date.now();
    this.updateFigures();
  }

  /** A `/regex/` stays in the page; a pattern (or its removal) restarts the tail server-side. */
  private async setFilter(text: string): Promise<void> {
    this.filterText = text;
    const filter = parseTailFilter(text);
    if (filter.kind === 'invalid') return;
    const pattern = serverPatternOf(filter);
    if (pattern === this.deps.session.filterPattern) return;
    this.deps.log.info(`tail ${this.sessionId}: filter pattern ${pattern === undefined ? 'removed' : `set to ${pattern}`}`);
    await this.deps.session.setFilterPattern(pattern);
  }

  private async openTrace(seq: number): Promise<void> {
    const line = this.deps.session.line(seq);
    if (line === undefined) {
      void vscode.window.showInformationMessage("That line has left the tail's buffer.");
      return;
    }
    const requestId = line.parsed.requestId;
    const traceId = traceIdsIn(line.parsed)[0] ?? (requestId !== undefined ? this.deps.session.traceIdOf(requestId) : undefined);
    if (traceId === undefined) {
      void vscode.window.showInformationMessage(
        requestId !== undefined
          ? `No trace ID is known for request ${requestId} yet. Lambda writes it in the REPORT line at the end of the invocation (XRAY TraceId, with active tracing), and Powertools in xray_trace_id.`
          : 'This line names no request, so its trace is not known.',
      );
      return;
    }
    await vscode.commands.executeCommand(COMMANDS.openTrace, traceId);
  }

  /** The frame must be one of the line's, as the page parsed it from the same stack lines. */
  private async openFrame(seq: number, frameIndex: number): Promise<void> {
    const line = this.deps.session.line(seq);
    const stack = line !== undefined ? stackLinesOf(line.parsed) : undefined;
    const frames = stack !== undefined ? framesOfLogStack(stack) : [];
    if (line === undefined || frames[frameIndex] === undefined) {
      this.deps.log.warn(`tail view ${this.sessionId} asked to open frame ${seq}/${frameIndex}, which it was not sent`);
      return;
    }
    await this.deps.openFrame(line.functionName, frames, frameIndex);
  }

  private updateFigures(): void {
    const wanted = this.ready && this.panel.visible && this.deps.session.isRunning && !this.isDisposed;
    if (wanted && this.figures === undefined) {
      this.figures = setInterval(() => this.post({ type: 'status', status: this.deps.session.status }), FIGURES_MS);
    } else if (!wanted) {
      this.stopFigures();
    }
  }

  private stopFigures(): void {
    if (this.figures !== undefined) clearInterval(this.figures);
    this.figures = undefined;
  }
}
