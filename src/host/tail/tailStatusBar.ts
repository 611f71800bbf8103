/**
 * `$(pulse) Tail · 2 fns · 34 ev/s` while any tail runs; the tooltip names the functions, the
 * source and the Live Tail minutes billed so far; a click shows the tail view. A warning mark
 * replaces the pulse while AWS samples the events. Hidden when no tail runs.
 */
import * as vscode from 'vscode';
import { tailStatusText, tailStatusTooltip } from '../../core/tailStatusText';
import type { TailStatusFigures } from '../../core/tailStatusText';
import { COMMANDS } from '../commands/commandIds';
import { Disposable, toDisposable } from '../lifecycle';
import type { TailSessions } from './tailSessions';

const REFRESH_MS = 2_000;

export class TailStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly tails: TailSessions) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('serverlessLens.tail', vscode.StatusBarAlignment.Left, 49));
    this.item.name = 'Serverless Lens: Log Tail';
    this.item.command = COMMANDS.showTail;
    this._register(tails.onDidChangeStatus(() => this.update()));
    this._register(toDisposable(() => this.stopTimer()));
    this.update();
  }

  /** What the item shows now (the extension's test API). */
  get text(): string | undefined {
    return this.timer !== undefined ? this.item.text : undefined;
  }

  private figures(): TailStatusFigures | undefined {
    const totals = this.tails.totals();
    if (totals.running.length === 0) return undefined;
    return {
      sessions: totals.running.length,
      functions: totals.functions,
      eventsPerSecond: totals.eventsPerSecond,
      billedMinutes: totals.billedMinutes,
      sampled: totals.sampled,
      sources: totals.running.map((session) => session.status.source),
      functionNames: [...new Set(totals.running.flatMap((session) => session.targets.map((t) => t.functionName)))],
    };
  }

  private update(): void {
    const figures = this.figures();
    if (figures === undefined) {
      this.item.hide();
      this.stopTimer();
      return;
    }
    this.item.text = tailStatusText(figures);
    this.item.tooltip = new vscode.MarkdownString(tailStatusTooltip(figures).map((line) => escapeMarkdown(line)).join('\n\n'));
    this.item.backgroundColor = figures.sampled ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
    this.timer ??= setInterval(() => this.update(), REFRESH_MS);
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** Function names are the user's, but Markdown would still read `*` and `_` in them. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!<>|]/g, (ch) => `\\${ch}`);
}
