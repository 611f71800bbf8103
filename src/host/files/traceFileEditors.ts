import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../lifecycle';
import { TraceTimelinePanel } from '../timeline/traceTimelinePanel';
import type { ComponentLogger } from '../logger';
import type { LoadedTrace, TraceLoadFailure } from '../timeline/awsTraceSource';
import type { InMemoryTrace, TimelinePanelDeps } from '../timeline/traceTimelinePanel';
import type { SegmentDocumentObject, TraceFileOptions } from '../../core/traceFiles/traceFileTypes';
import type { Trace } from '../../shared/traceModel';
import { TraceFileDocument, fileName } from './traceFileDocument';
import type { TraceFileContent } from './traceFileContent';

/** The custom editor's view type (package.json `customEditors`). */
export const TRACE_FILE_VIEW_TYPE = 'serverlessLens.traceFile';

/** A trace of an open file, with its raw documents (for export) and its label. */
export interface FileTraceMatch {
  trace: Trace;
  documents: SegmentDocumentObject[];
  sourceLabel: string;
}

/** What an open trace-file editor shows (test API). */
export interface TraceFileEditorSnapshot {
  uri: string;
  format: string | undefined;
  traceCount: number;
  traceId: string | undefined;
  spans: number;
  problems: number;
  loaded: boolean;
}

export interface TraceFileEditorsDeps {
  timeline: TimelinePanelDeps;
  log: ComponentLogger;
  options: TraceFileOptions;
}

class NoTraceError extends Error {}

/**
 * One trace-file editor: a timeline panel over the webview VS Code gave the custom editor, showing
 * one trace of the file. Choosing another trace, or the file changing so the trace is gone, puts a
 * new timeline on the same webview.
 */
class TraceFileEditor extends Disposable {
  private timeline: TraceTimelinePanel | undefined;
  private index: number;
  private readonly closed = this._register(new vscode.EventEmitter<void>());
  readonly onDidClose = this.closed.event;

  constructor(
    readonly document: TraceFileDocument,
    private readonly webviewPanel: vscode.WebviewPanel,
    index: number,
    private readonly deps: TraceFileEditorsDeps,
  ) {
    super();
    this.index = index;
    this._register(document.onDidChangeContent((content) => void this.onFileChanged(content)));
    this._register(webviewPanel.onDidDispose(() => this.dispose()));
    this._register(toDisposable(() => this.timeline?.release()));
    this.showIndex(index);
  }

  get active(): boolean {
    return !this.isDisposed && this.webviewPanel.active;
  }

  get traceIndex(): number {
    return this.index;
  }

  get trace(): Trace | undefined {
    return this.document.content.trace(this.index);
  }

  get loaded(): boolean {
    return this.timeline?.snapshot().loaded === true;
  }

  reveal(): void {
    this.webviewPanel.reveal();
  }

  /** Shows trace `index` of the file (a new timeline on the same webview). */
  showIndex(index: number): void {
    this.index = index;
    this.timeline?.release();
    const trace = this.document.content.trace(index);
    const traceId = trace?.id || `${fileName(this.document.uri)}#${index + 1}`;
    this.timeline = TraceTimelinePanel.forInMemoryTrace(this.webviewPanel, traceId, this.inMemory(), this.deps.timeline);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.closed.fire();
    super.dispose();
  }

  private inMemory(): InMemoryTrace {
    return {
      load: async () => {
        let content = this.document.content;
        // "Retry" on a file that had nothing to show: read it again, it may have been fixed.
        if (content.trace(this.index) === undefined) content = await this.document.reload();
        const loaded = this.loadedTrace(content);
        if (loaded === undefined) throw new NoTraceError(content.emptyReason());
        return loaded;
      },
      describeFailure: (error: unknown): TraceLoadFailure => ({
        message: error instanceof Error ? error.message : String(error),
        canRetry: true,
        cancelled: false,
      }),
    };
  }

  private loadedTrace(content: TraceFileContent): LoadedTrace | undefined {
    const trace = content.trace(this.index);
    if (trace === undefined) return undefined;
    const position = content.traceCount > 1 ? ` (trace ${this.index + 1} of ${content.traceCount})` : '';
    return { trace, sourceLabel: `File · ${content.name}${position}`, canOpenInConsole: false, source: 'file' };
  }

  private async onFileChanged(content: TraceFileContent): Promise<void> {
    const previousId = this.timeline?.traceId;
    const sameIndex = previousId === undefined ? -1 : content.indexOf(previousId);
    if (sameIndex >= 0 && this.timeline !== undefined && sameIndex === this.index) {
      const loaded = this.loadedTrace(content);
      if (loaded !== undefined) {
        await this.timeline.showTrace(loaded);
        return;
      }
    }
    // The trace moved or is gone: show it where it is now, else the first trace (or the reason there is none).
    this.showIndex(sameIndex >= 0 ? sameIndex : 0);
  }
}

/**
 * The read-only "Trace File" custom editor: opens any file (offered for `*.json` through
 * "Reopen Editor With…", and used by "Open Trace File…"), reads it by content and shows its trace
 * in the timeline. Keeps the open editors, so export and "Go to source" find file traces.
 */
export class TraceFileEditors extends Disposable implements vscode.CustomReadonlyEditorProvider<TraceFileDocument> {
  private readonly editors = new Set<TraceFileEditor>();
  /** What "Open Trace File…" already read and chose, used by the next open of that URI. */
  private readonly pending = new Map<string, { content: TraceFileContent; index: number }>();

  constructor(private readonly deps: TraceFileEditorsDeps) {
    super();
    this._register(vscode.window.registerCustomEditorProvider(TRACE_FILE_VIEW_TYPE, this, { supportsMultipleEditorsPerDocument: true }));
  }

  /** Hands over a read and the chosen trace for the next editor of `uri`. */
  willOpen(uri: vscode.Uri, content: TraceFileContent, index: number): void {
    this.pending.set(uri.toString(), { content, index });
  }

  /** The open editor of `uri`, if any. */
  editorOf(uri: vscode.Uri): TraceFileEditor | undefined {
    return [...this.editors].find((editor) => editor.document.uri.toString() === uri.toString());
  }

  async openCustomDocument(uri: vscode.Uri): Promise<TraceFileDocument> {
    const pending = this.pending.get(uri.toString());
    return TraceFileDocument.open(uri, this.deps.options, this.deps.log, pending?.content);
  }

  resolveCustomEditor(document: TraceFileDocument, webviewPanel: vscode.WebviewPanel): void {
    const pending = this.pending.get(document.uri.toString());
    this.pending.delete(document.uri.toString());
    const editor = new TraceFileEditor(document, webviewPanel, pending?.index ?? 0, this.deps);
    this.editors.add(editor);
    editor.onDidClose(() => this.editors.delete(editor));
    const problems = document.content.parsed.problems.length;
    if (problems > 0 && document.content.traceCount > 0) {
      void vscode.window.showWarningMessage(`${fileName(document.uri)}: ${problems} problem${problems === 1 ? '' : 's'} in the file. Everything readable was imported; the timeline lists the problems under Warnings.`);
    }
  }

  /** The editor that is the active editor, if a trace file is. */
  active(): TraceFileEditor | undefined {
    return [...this.editors].find((editor) => editor.active);
  }

  /** The trace with this id from an open file (the active editor's first), with its raw documents. */
  find(traceId: string): FileTraceMatch | undefined {
    const editors = [...this.editors].sort((a, b) => Number(b.active) - Number(a.active));
    for (const editor of editors) {
      const content = editor.document.content;
      const index = editor.trace?.id === traceId ? editor.traceIndex : content.indexOf(traceId);
      const trace = index < 0 ? undefined : content.trace(index);
      if (trace !== undefined) return { trace, documents: content.documents(index), sourceLabel: `File · ${content.name}` };
    }
    return undefined;
  }

  /** The trace with this id from an open file, as the timeline and "Go to source" take it. */
  loaded(traceId: string): LoadedTrace | undefined {
    const match = this.find(traceId);
    return match === undefined ? undefined : { trace: match.trace, sourceLabel: match.sourceLabel, canOpenInConsole: false, source: 'file' };
  }

  /** The trace to show in the editor, chosen by the user when the file holds several. */
  async chooseTrace(editor: TraceFileEditor | undefined = this.active()): Promise<void> {
    if (editor === undefined) {
      void vscode.window.showInformationMessage('Open a trace file in the Trace File editor first.');
      return;
    }
    const content = editor.document.content;
    if (content.traceCount <= 1) {
      void vscode.window.showInformationMessage(`${content.name} holds ${content.traceCount === 1 ? 'one trace' : 'no trace'}.`);
      return;
    }
    const index = await pickTrace(content, editor.traceIndex);
    if (index !== undefined && index !== editor.traceIndex) editor.showIndex(index);
  }

  snapshots(): TraceFileEditorSnapshot[] {
    return [...this.editors].map((editor) => {
      const { content } = editor.document;
      const trace = editor.trace;
      return {
        uri: editor.document.uri.toString(),
        format: content.parsed.format,
        traceCount: content.traceCount,
        traceId: trace?.id,
        spans: trace?.spans.length ?? 0,
        problems: content.parsed.problems.length,
        loaded: editor.loaded,
      };
    });
  }

  override dispose(): void {
    for (const editor of this.editors) editor.dispose();
    this.editors.clear();
    super.dispose();
  }
}

const STATUS_ICON: Record<Trace['status'], string> = { ok: '$(pass)', error: '$(warning)', throttle: '$(watch)', fault: '$(error)' };

/** A quick pick of the traces of a file; resolves to the chosen index. */
export async function pickTrace(content: TraceFileContent, current = 0): Promise<number | undefined> {
  const items = content.choices().map((choice) => ({
    label: `${STATUS_ICON[choice.status]} ${choice.id}`,
    description: `${choice.entryPoint ?? ''}`,
    detail: `${choice.spans} span${choice.spans === 1 ? '' : 's'} · ${choice.durationMs < 1000 ? `${Math.round(choice.durationMs)} ms` : `${(choice.durationMs / 1000).toFixed(2)} s`}${choice.index === current ? ' · shown now' : ''}`,
    index: choice.index,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: `${content.name}: ${content.traceCount} traces`,
    placeHolder: 'Choose the trace to show',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.index;
}
