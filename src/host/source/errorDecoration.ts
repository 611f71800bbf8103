import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../lifecycle';
import { OPEN_TRACE_COMMAND, errorHoverMarkdown } from './errorHoverText';
import type { FrameResolution } from '../../local/frameResolver';

/** Longest inline text after the line; the hover has the rest. */
const MAX_INLINE = 120;

export interface ErrorMark {
  uri: vscode.Uri;
  /** 0-based line. */
  line: number;
  /** `TypeError: Cannot read properties of undefined (reading 'x')`. */
  title: string;
  frames: readonly FrameResolution[];
  traceId: string;
}

/**
 * The one inline error mark at the line "Go to source" opened: theme colours, the exception
 * after the line, and a hover with the resolved stack and a link back to the trace. A new mark
 * replaces the previous one; an edit touching the line clears it (it no longer points at the
 * code that threw).
 */
export class ErrorDecoration extends Disposable {
  private readonly type: vscode.TextEditorDecorationType;
  private current: ErrorMark | undefined;

  constructor() {
    super();
    this.type = this._register(
      vscode.window.createTextEditorDecorationType({
        isWholeLine: true,
        backgroundColor: new vscode.ThemeColor('serverlessLens.inlineError.background'),
        after: { color: new vscode.ThemeColor('serverlessLens.inlineError.foreground'), margin: '0 0 0 2em' },
        overviewRulerColor: new vscode.ThemeColor('serverlessLens.inlineError.foreground'),
        overviewRulerLane: vscode.OverviewRulerLane.Right,
      }),
    );
    this._register(vscode.workspace.onDidChangeTextDocument((event) => this.onEdit(event)));
    this._register(vscode.window.onDidChangeVisibleTextEditors(() => this.redraw()));
    this._register(toDisposable(() => (this.current = undefined)));
  }

  /** The mark shown now, if any (for tests and for the caller's own checks). */
  get mark(): ErrorMark | undefined {
    return this.current;
  }

  show(mark: ErrorMark): void {
    this.clear();
    this.current = mark;
    this.redraw();
  }

  clear(): void {
    const previous = this.current;
    this.current = undefined;
    if (previous === undefined) return;
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() === previous.uri.toString()) editor.setDecorations(this.type, []);
    }
  }

  private redraw(): void {
    const mark = this.current;
    if (mark === undefined) return;
    // Only visible editors of that document: decorations are per editor, not per document.
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() !== mark.uri.toString() || mark.line >= editor.document.lineCount) continue;
      const range = editor.document.lineAt(mark.line).range;
      editor.setDecorations(this.type, [{ range, hoverMessage: hoverFor(mark), renderOptions: { after: { contentText: ` ${truncate(mark.title)}` } } }]);
    }
  }

  private onEdit(event: vscode.TextDocumentChangeEvent): void {
    const mark = this.current;
    if (mark === undefined || event.document.uri.toString() !== mark.uri.toString()) return;
    if (event.contentChanges.some((change) => change.range.start.line <= mark.line && change.range.end.line >= mark.line)) this.clear();
  }
}

export function truncate(text: string, max = MAX_INLINE): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

/**
 * Trace text is untrusted: `errorHoverMarkdown` escapes it, and the hover may run only our own
 * "open trace" command (no HTML, no theme icons).
 */
export function hoverFor(mark: ErrorMark): vscode.MarkdownString {
  const hover = new vscode.MarkdownString(errorHoverMarkdown(mark, (file) => vscode.workspace.asRelativePath(file)), false);
  hover.isTrusted = { enabledCommands: [OPEN_TRACE_COMMAND] };
  hover.supportHtml = false;
  return hover;
}
