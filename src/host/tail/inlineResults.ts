/**
 * While a function is tailed, its latest invocation result sits after its handler's export line:
 * `✓ 182 ms · 96/512 MB · 2 s ago` or `✗ TypeError: boom · 5 s ago`, with a hover holding the
 * invocation's log lines. Only visible editors are drawn; new lines coalesce into at most four
 * redraws a second; the age refreshes once a second (once a minute after a minute) and only
 * while a result is on screen.
 */
import * as vscode from 'vscode';
import { findHandlerExport, handlerLanguageOf } from '../../core/handlerExportLine';
import { ageRefreshMs, inlineResultText, truncate } from '../../core/tailInsightText';
import { Throttler } from '../delay';
import { Disposable, toDisposable } from '../lifecycle';
import { OPEN_TRACE_COMMAND } from '../source/errorHoverText';
import { DrawnEditors, trustedHover } from '../ui/inlineDecorations';
import { REVEAL_TAIL_LINE_COMMAND, invocationHoverMarkdown } from './inlineHoverText';
import { InlineTimer } from './inlineTimer';
import type { TailInvocation, TailInvocationLog } from '../../core/tailInvocations';
import type { FunctionEntry } from '../../shared/projectModel';
import type { ProjectIndexService } from '../source/projectIndexService';
import type { TailFeed } from './tailFeed';

/** What the test API reports: the drawn results, 1-based lines. */
export interface InlineResultSnapshot {
  file: string;
  line: number;
  text: string;
  functionName: string;
}

export interface InlineResultsDeps {
  feed: Pick<TailFeed, 'activeFunctions'>;
  invocations: TailInvocationLog;
  index: Pick<ProjectIndexService, 'onDidChange'>;
  /** The project function of a tailed function (shared with the stack resolver). */
  entryOf: (functionName: string, projectFunctionId?: string) => FunctionEntry | undefined;
  clock?: () => number;
}

interface Placed {
  invocation: TailInvocation;
  entry: FunctionEntry;
}

const REDRAW_MS = 250;

export class InlineResults extends Disposable {
  private readonly resultType: vscode.TextEditorDecorationType;
  private readonly errorType: vscode.TextEditorDecorationType;
  private readonly redrawSoon = this._register(new Throttler(REDRAW_MS, () => this.redraw()));
  private readonly ageTimer = this._register(new InlineTimer(() => this.redraw()));
  /** What each visible editor shows now, so an unchanged second costs no `setDecorations`. */
  private readonly drawn = new DrawnEditors();
  private snapshotItems: InlineResultSnapshot[] = [];
  private readonly exportLines = new Map<string, { version: number; line: number | undefined }>();
  private readonly clock: () => number;

  constructor(private readonly deps: InlineResultsDeps) {
    super();
    this.clock = deps.clock ?? Date.now;
    const after = { margin: '0 0 0 2em', fontStyle: 'normal' };
    this.resultType = this._register(vscode.window.createTextEditorDecorationType({ after: { ...after, color: new vscode.ThemeColor('serverlessLens.inlineResult.foreground') } }));
    this.errorType = this._register(vscode.window.createTextEditorDecorationType({ after: { ...after, color: new vscode.ThemeColor('serverlessLens.inlineError.foreground') } }));
    this._register(vscode.window.onDidChangeVisibleTextEditors(() => this.redraw()));
    // The handler line moves when the user edits above it.
    this._register(vscode.workspace.onDidChangeTextDocument((event) => {
      if (this.snapshotItems.some((item) => item.file === event.document.uri.fsPath)) this.redrawSoon.trigger();
    }));
    this._register(deps.index.onDidChange(() => this.update()));
    this._register(toDisposable(() => this.clearEditors()));
  }

  /** New lines arrived or tails changed: redraw soon (coalesced). */
  update(): void {
    this.redrawSoon.trigger();
  }

  /** Removes every result (the tails stopped). */
  clear(): void {
    this.redrawSoon.dispose();
    this.ageTimer.cancel();
    this.clearEditors();
  }

  snapshot(): InlineResultSnapshot[] {
    return this.snapshotItems.map((item) => ({ ...item }));
  }

  private redraw(): void {
    if (this.isDisposed) return;
    const now = this.clock();
    const byFile = this.placements();
    const items: InlineResultSnapshot[] = [];
    let nextAge: number | undefined;
    for (const editor of vscode.window.visibleTextEditors) {
      const placed = editor.document.uri.scheme === 'file' ? byFile.get(editor.document.uri.fsPath) : undefined;
      const results: vscode.DecorationOptions[] = [];
      const errors: vscode.DecorationOptions[] = [];
      const keys: string[] = [];
      for (const { invocation, entry } of placed ?? []) {
        const line = this.exportLine(editor.document, entry);
        if (line === undefined) continue;
        const { text, tone } = inlineResultText(invocation.facts, now);
        const shown = truncate(text);
        const at = invocation.facts.endedAt ?? invocation.facts.startedAt;
        if (at !== undefined) nextAge = Math.min(nextAge ?? Infinity, ageRefreshMs(at, now));
        items.push({ file: editor.document.uri.fsPath, line: line + 1, text: shown, functionName: invocation.functionName });
        keys.push(`${line}:${tone}:${shown}:${invocation.requestId}:${invocation.lines.length + invocation.droppedLines}`);
        const options: vscode.DecorationOptions = { range: editor.document.lineAt(line).range, hoverMessage: this.hover(invocation, now), renderOptions: { after: { contentText: shown } } };
        (tone === 'error' ? errors : results).push(options);
      }
      this.drawn.draw(editor, keys.join('\n'), () => {
        editor.setDecorations(this.resultType, results);
        editor.setDecorations(this.errorType, errors);
      });
    }
    this.drawn.forgetHidden();
    this.snapshotItems = items;
    if (nextAge !== undefined) this.ageTimer.schedule(nextAge);
    else this.ageTimer.cancel();
  }

  /** Latest result per handler file; when two tailed functions share a handler line, the newer result wins. */
  private placements(): Map<string, Placed[]> {
    const byFile = new Map<string, Placed[]>();
    for (const tailed of this.deps.feed.activeFunctions()) {
      const invocation = this.deps.invocations.latestResult(tailed.functionName);
      const entry = invocation !== undefined ? this.deps.entryOf(tailed.functionName, tailed.projectFunctionId) : undefined;
      if (invocation === undefined || entry?.handlerFile === undefined) continue;
      const list = byFile.get(entry.handlerFile) ?? [];
      const same = list.findIndex((other) => other.entry.handlerExport === entry.handlerExport);
      const at = (placed: Placed): number => placed.invocation.facts.endedAt ?? placed.invocation.facts.startedAt ?? 0;
      if (same < 0) list.push({ invocation, entry });
      else if (at({ invocation, entry }) >= at(list[same] as Placed)) list[same] = { invocation, entry };
      byFile.set(entry.handlerFile, list);
    }
    return byFile;
  }

  /** 0-based export line, from the document as it is now (cached per document version). */
  private exportLine(document: vscode.TextDocument, entry: FunctionEntry): number | undefined {
    const language = handlerLanguageOf(document.languageId) ?? handlerLanguageOf(document.uri.fsPath);
    if (language === undefined) return undefined;
    const key = `${document.uri.toString()}#${entry.handlerExport}`;
    const cached = this.exportLines.get(key);
    if (cached !== undefined && cached.version === document.version) return cached.line;
    const line = findHandlerExport(document.getText(), entry.handlerExport, language)?.line;
    this.exportLines.set(key, { version: document.version, line });
    return line;
  }

  private hover(invocation: TailInvocation, now: number): vscode.MarkdownString {
    return trustedHover(invocationHoverMarkdown(invocation, now), [OPEN_TRACE_COMMAND, REVEAL_TAIL_LINE_COMMAND]);
  }

  private clearEditors(): void {
    this.drawn.clear([this.resultType, this.errorType]);
    this.snapshotItems = [];
    this.exportLines.clear();
  }
}
