import * as vscode from 'vscode';
import { formatLensTitle, formatLensTooltip } from '../../core/functionStats';
import { findHandlerExport, handlerLanguageOf } from '../../core/handlerExportLine';
import { COMMANDS } from '../commands/commandIds';
import { Disposable, toDisposable } from '../lifecycle';
import { Debouncer } from '../delay';
import { HandlerStats } from './handlerStats';
import type { FunctionEntry } from '../../shared/projectModel';
import type { Config } from '../config';
import type { ComponentLogger } from '../logger';
import type { HandlerIndex } from './handlerStats';
import type { InsightTraces } from './insightTraces';

/** The languages handlers are written in; `provideCodeLenses` is only asked for these. */
export const HANDLER_DOCUMENTS: vscode.DocumentSelector = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'python'].map((language) => ({ language, scheme: 'file' }));

const REFRESH_DEBOUNCE_MS = 500;
// "4 min ago" goes stale; a minute is the title's resolution.
const RELATIVE_TIME_REFRESH_MS = 60_000;

/** A lens above one function's handler; resolved lazily with the function's stats. */
export class HandlerCodeLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly entry: FunctionEntry,
    /** More than one function's lens on this line: say which is which. */
    readonly shared: boolean,
  ) {
    super(range);
  }
}

export interface HandlerCodeLensDeps {
  index: HandlerIndex;
  traces: InsightTraces;
  config: Config;
  logger: ComponentLogger;
}

/**
 * Lenses above handler exports with what the cached traces say about the function. Providing is
 * a line scan of the open document; the statistics are computed in `resolveCodeLens`, only for
 * lenses on screen, from traces already fetched (no AWS call on scroll or typing).
 */
export class HandlerCodeLensProvider extends Disposable implements vscode.CodeLensProvider<HandlerCodeLens> {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly stats: HandlerStats;
  private readonly refresh = this._register(new Debouncer(REFRESH_DEBOUNCE_MS, () => this.changed.fire()));
  private enabled: boolean;
  private hasLenses = false;

  constructor(private readonly deps: HandlerCodeLensDeps) {
    super();
    this.stats = new HandlerStats(() => deps.traces.traces(), deps.index);
    this.enabled = deps.config.get('codeLens.enabled');
    const onTraces = (): void => {
      this.stats.tracesChanged();
      if (this.hasLenses) this.refresh.trigger();
    };
    this._register(deps.traces.onDidAdd(onTraces));
    this._register(deps.traces.onDidReset(onTraces));
    this._register(
      deps.index.onDidChange(() => {
        this.stats.indexChanged();
        this.refresh.trigger();
      }),
    );
    this._register(deps.config.onDidChangeCodeLens(() => this.onSettingChanged()));
    const timer = setInterval(() => {
      if (this.hasLenses) this.changed.fire();
    }, RELATIVE_TIME_REFRESH_MS);
    this._register(toDisposable(() => clearInterval(timer)));
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<HandlerCodeLens[]> {
    const language = handlerLanguageOf(document.languageId);
    if (!this.enabled || language === undefined) return [];
    try {
      await this.deps.index.ready();
    } catch (error) {
      this.deps.logger.warn(`no handler lenses: the project index failed: ${String(error)}`);
      return [];
    }
    if (token.isCancellationRequested) return [];
    const path = document.uri.fsPath;
    const entries = this.deps.index.snapshot().functions.filter((entry) => entry.handlerFile === path);
    if (entries.length === 0) return [];
    const text = document.getText();
    const lines = entries.map((entry) => findHandlerExport(text, entry.handlerExport, language)?.line ?? 0);
    this.hasLenses = true;
    return entries.map((entry, i) => {
      const line = lines[i] as number;
      const shared = lines.filter((other) => other === line).length > 1;
      // The lens sits above the export; an export that the scan cannot find puts it on the first line.
      return new HandlerCodeLens(new vscode.Range(line, 0, line, 0), entry, shared);
    });
  }

  resolveCodeLens(lens: HandlerCodeLens, token: vscode.CancellationToken): HandlerCodeLens | undefined {
    const result = this.stats.forEntry(lens.entry, () => token.isCancellationRequested);
    if (result === undefined) return undefined;
    const prefix = lens.shared ? `${lens.entry.logicalId}: ` : '';
    const name = result.deployedName ?? lens.entry.functionName;
    const now = Date.now();
    if (result.stats === undefined) {
      const title = `${prefix}No recent traces for ${lens.entry.functionName ?? lens.entry.logicalId}`;
      // Without a deployed name there is nothing to filter on: the lens is a label then.
      lens.command = name === undefined ? { title, command: '' } : { title, command: COMMANDS.showFunctionTraces, arguments: [name], tooltip: `Show the traces of ${name}` };
      return lens;
    }
    lens.command = {
      title: `${prefix}${formatLensTitle(result.stats, now)}`,
      tooltip: `${formatLensTooltip(result.stats, now)}\nClick to show these traces.`,
      command: COMMANDS.showFunctionTraces,
      arguments: [name],
    };
    return lens;
  }

  private onSettingChanged(): void {
    const enabled = this.deps.config.get('codeLens.enabled');
    if (enabled === this.enabled) return;
    this.enabled = enabled;
    this.deps.logger.info(`handler lenses ${enabled ? 'on' : 'off'}`);
    if (!enabled) this.hasLenses = false;
    this.changed.fire();
  }
}
