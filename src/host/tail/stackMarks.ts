/**
 * A tailed line that carries a stack trace marks the line of the user's code it points to (the
 * innermost frame of the user's own code, resolved as "Go to source" resolves it): the error and
 * its age after the line, in the style of the "Go to source" mark, with the stack in the hover.
 * Bounded to the latest {@link MAX_MARKS} lines; the same line hit again updates its mark.
 */
import * as vscode from 'vscode';
import { ageRefreshMs, stackMarkText } from '../../core/tailInsightText';
import { Throttler } from '../delay';
import { Disposable, toDisposable } from '../lifecycle';
import { OPEN_TRACE_COMMAND } from '../source/errorHoverText';
import { createInlineErrorDecorationType, DrawnEditors, trustedHover } from '../ui/inlineDecorations';
import { REVEAL_TAIL_LINE_COMMAND, stackMarkHoverMarkdown } from './inlineHoverText';
import { InlineTimer } from './inlineTimer';
import type { TailLineRef } from '../../core/tailInvocations';
import type { FrameResolution } from '../../local/frameResolver';

export const MAX_MARKS = 20;
const REDRAW_MS = 250;

export interface StackMark {
  /** Absolute path. */
  file: string;
  /** 1-based. */
  line: number;
  title: string;
  /** Epoch ms of the tailed line. */
  at: number;
  functionName: string | undefined;
  requestId: string | undefined;
  frames: readonly FrameResolution[];
  ref: TailLineRef;
}

interface StoredMark extends StackMark {
  hits: number;
}

export interface StackMarkSnapshot {
  file: string;
  line: number;
  text: string;
}

export interface StackMarksDeps {
  /** The trace id of a request's invocation, once its REPORT line (or a Powertools field) named it. */
  traceIdOf: (functionName: string | undefined, requestId: string | undefined) => string | undefined;
  clock?: () => number;
}

export class StackMarks extends Disposable {
  private readonly type: vscode.TextEditorDecorationType;
  /** By `file:line`, oldest first. */
  private readonly marks = new Map<string, StoredMark>();
  private readonly redrawSoon = this._register(new Throttler(REDRAW_MS, () => this.redraw()));
  private readonly ageTimer = this._register(new InlineTimer(() => this.redraw()));
  private readonly drawn = new DrawnEditors();
  private snapshotItems: StackMarkSnapshot[] = [];
  private readonly clock: () => number;

  constructor(private readonly deps: StackMarksDeps) {
    super();
    this.clock = deps.clock ?? Date.now;
    this.type = this._register(createInlineErrorDecorationType());
    this._register(vscode.window.onDidChangeVisibleTextEditors(() => this.redraw()));
    this._register(vscode.workspace.onDidChangeTextDocument((event) => this.onEdit(event)));
    this._register(toDisposable(() => this.clear()));
  }

  add(mark: StackMark): void {
    const key = `${mark.file}:${mark.line}`;
    const previous = this.marks.get(key);
    this.marks.delete(key);
    this.marks.set(key, { ...mark, hits: (previous?.hits ?? 0) + 1 });
    while (this.marks.size > MAX_MARKS) this.marks.delete(this.marks.keys().next().value as string);
    this.redrawSoon.trigger();
  }

  /** Keeps the marks of the functions still tailed. */
  retain(functionNames: ReadonlySet<string>): void {
    let changed = false;
    for (const [key, mark] of this.marks) {
      if (mark.functionName === undefined || !functionNames.has(mark.functionName)) {
        this.marks.delete(key);
        changed = true;
      }
    }
    if (changed) this.redraw();
  }

  /** Trace ids arrive after the error line (on REPORT): refresh the hovers. */
  update(): void {
    if (this.marks.size > 0) this.redrawSoon.trigger();
  }

  clear(): void {
    this.marks.clear();
    this.redrawSoon.dispose();
    this.ageTimer.cancel();
    this.drawn.clear([this.type]);
    this.snapshotItems = [];
  }

  snapshot(): StackMarkSnapshot[] {
    return this.snapshotItems.map((item) => ({ ...item }));
  }

  /** The newest mark (for tests and for the caller's own checks). */
  latest(): StackMark | undefined {
    return [...this.marks.values()].pop();
  }

  private redraw(): void {
    if (this.isDisposed) return;
    const now = this.clock();
    const items: StackMarkSnapshot[] = [];
    let nextAge: number | undefined;
    for (const editor of vscode.window.visibleTextEditors) {
      const file = editor.document.uri.scheme === 'file' ? editor.document.uri.fsPath : undefined;
      const decorations: vscode.DecorationOptions[] = [];
      const keys: string[] = [];
      for (const mark of this.marks.values()) {
        if (mark.file !== file || mark.line > editor.document.lineCount) continue;
        const text = stackMarkText(mark.title, mark.at, now);
        const traceId = this.deps.traceIdOf(mark.functionName, mark.requestId);
        nextAge = Math.min(nextAge ?? Infinity, ageRefreshMs(mark.at, now));
        items.push({ file: mark.file, line: mark.line, text });
        keys.push(`${mark.line}:${text}:${traceId ?? ''}:${mark.hits}`);
        decorations.push({ range: editor.document.lineAt(mark.line - 1).range, hoverMessage: this.hover(mark, traceId), renderOptions: { after: { contentText: ` ${text}` } } });
      }
      this.drawn.draw(editor, keys.join('\n'), () => editor.setDecorations(this.type, decorations));
    }
    this.drawn.forgetHidden();
    this.snapshotItems = items;
    if (nextAge !== undefined) this.ageTimer.schedule(nextAge);
    else this.ageTimer.cancel();
  }

  private hover(mark: StoredMark, traceId: string | undefined): vscode.MarkdownString {
    const input = { functionName: mark.functionName, title: mark.title, frames: mark.frames, ref: mark.ref, hits: mark.hits, ...(traceId !== undefined ? { traceId } : {}) };
    return trustedHover(stackMarkHoverMarkdown(input, (file) => vscode.workspace.asRelativePath(file)), [OPEN_TRACE_COMMAND, REVEAL_TAIL_LINE_COMMAND]);
  }

  /** An edit touching a marked line clears that mark: it no longer shows the code that threw. */
  private onEdit(event: vscode.TextDocumentChangeEvent): void {
    if (event.document.uri.scheme !== 'file' || event.contentChanges.length === 0) return;
    const file = event.document.uri.fsPath;
    let changed = false;
    for (const [key, mark] of this.marks) {
      if (mark.file !== file) continue;
      if (event.contentChanges.some((change) => change.range.start.line <= mark.line - 1 && change.range.end.line >= mark.line - 1)) {
        this.marks.delete(key);
        changed = true;
      }
    }
    if (changed) this.redraw();
  }
}
