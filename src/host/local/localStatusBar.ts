import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import { TRACES_VIEW_ID } from '../traces/tracesTreeProvider';
import { localStatusText, localTooltipLines } from './localSourceText';
import type { LocalTraceService } from './localTraceService';

/**
 * `$(radio-tower) Local · 12 traces` while the receivers run; the tooltip has the addresses and
 * the counters (dropped, malformed). A click shows the Traces view. Hidden when they are stopped.
 */
export class LocalStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(private readonly local: LocalTraceService) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('serverlessLens.local', vscode.StatusBarAlignment.Left, 49));
    this.item.name = 'Serverless Lens: Local Receivers';
    this.item.command = { command: `${TRACES_VIEW_ID}.focus`, title: 'Show Traces' };
    this._register(local.onDidChange(() => this.update()));
    this.update();
  }

  private update(): void {
    const status = this.local.status();
    if (!status.running) {
      this.item.hide();
      return;
    }
    const count = this.local.summaries().length;
    this.item.text = localStatusText(count);
    const lines = localTooltipLines({
      running: true,
      ...(status.udp !== undefined ? { udp: status.udp } : {}),
      ...(status.otlp !== undefined ? { otlp: status.otlp } : {}),
      traceCount: count,
      shownCount: count,
      maxTraces: this.local.maxTraces(),
      ...(this.local.counters() !== undefined ? { counters: this.local.counters() } : {}),
    });
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown('**Serverless Lens: local receivers**\n\n');
    for (const line of lines) {
      tooltip.appendText(line);
      tooltip.appendMarkdown('  \n');
    }
    tooltip.appendMarkdown('\nClick to show the Traces view.');
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: `Local receivers running, ${count} traces. Show the Traces view.` };
    this.item.show();
  }
}
