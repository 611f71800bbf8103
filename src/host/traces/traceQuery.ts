import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import { describeTimeRange, parseStoredTimeRange, resolveTimeRange } from './timeRange';
import { truncate } from './traceFormat';
import type { Config } from '../config';
import type { TraceSearchQuery } from '../../aws/xrayTraceSearch';
import type { TimeRange } from './timeRange';

const RANGE_KEY = 'serverlessLens.traces.timeRange';
const ERRORS_ONLY_KEY = 'serverlessLens.traces.errorsOnly';
const FILTER_KEY = 'serverlessLens.traces.filterExpression';
// Filter history is the user's, not the workspace's: the same annotations recur across projects.
const HISTORY_KEY = 'serverlessLens.traces.filterHistory';

/**
 * What the Traces view searches for: the time range, the errors-only toggle and the filter
 * expression. Survives reloads (workspace state); the filter history lives in global state.
 */
export class TraceQuery extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Any part of the query changed; the view reloads. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly workspaceState: vscode.Memento,
    private readonly globalState: vscode.Memento,
    private readonly config: Config,
  ) {
    super();
    let minutes = config.get('traces.timeRangeMinutes');
    this._register(
      config.onDidChangeTraces(() => {
        const next = config.get('traces.timeRangeMinutes');
        if (next !== minutes) {
          // A new default in the settings wins over the range picked earlier.
          minutes = next;
          void this.setRange({ kind: 'last', minutes: next });
        }
      }),
    );
  }

  get range(): TimeRange {
    return parseStoredTimeRange(this.workspaceState.get<unknown>(RANGE_KEY)) ?? { kind: 'last', minutes: this.config.get('traces.timeRangeMinutes') };
  }

  get errorsOnly(): boolean {
    return this.workspaceState.get<unknown>(ERRORS_ONLY_KEY) === true;
  }

  get filterExpression(): string {
    const stored = this.workspaceState.get<unknown>(FILTER_KEY);
    return typeof stored === 'string' ? stored : '';
  }

  /** True when the search is narrowed by more than its time range. */
  get isFiltered(): boolean {
    return this.errorsOnly || this.filterExpression !== '';
  }

  async setRange(range: TimeRange): Promise<void> {
    await this.workspaceState.update(RANGE_KEY, range);
    this.changed.fire();
  }

  async setErrorsOnly(errorsOnly: boolean): Promise<void> {
    if (errorsOnly === this.errorsOnly) {
      return;
    }
    await this.workspaceState.update(ERRORS_ONLY_KEY, errorsOnly);
    this.changed.fire();
  }

  /** Sets (or with `''` clears) the filter expression and remembers it in the history. */
  async setFilterExpression(expression: string): Promise<void> {
    const trimmed = expression.trim();
    if (trimmed !== '') {
      await this.remember(trimmed);
    }
    if (trimmed === this.filterExpression) {
      return;
    }
    await this.workspaceState.update(FILTER_KEY, trimmed === '' ? undefined : trimmed);
    this.changed.fire();
  }

  /** Earlier filter expressions, most recent first. */
  history(): string[] {
    const stored = this.globalState.get<unknown>(HISTORY_KEY);
    const size = this.config.get('traces.filterHistorySize');
    return Array.isArray(stored) ? stored.filter((item): item is string => typeof item === 'string').slice(0, size) : [];
  }

  /** The search to run now (a "last N minutes" range ends at `nowMs`). */
  toSearch(nowMs: number): TraceSearchQuery {
    const { start, end } = resolveTimeRange(this.range, nowMs);
    const query: TraceSearchQuery = { startTime: start, endTime: end };
    if (this.filterExpression !== '') {
      query.filterExpression = this.filterExpression;
    }
    if (this.errorsOnly) {
      query.errorsOnly = true;
    }
    return query;
  }

  /** `Last 15 min · errors only · service("checkout")…` for the view's description. */
  describe(): string {
    const parts = [describeTimeRange(this.range)];
    if (this.errorsOnly) {
      parts.push('errors only');
    }
    if (this.filterExpression !== '') {
      parts.push(truncate(this.filterExpression, 40));
    }
    return parts.join(' · ');
  }

  private async remember(expression: string): Promise<void> {
    const size = this.config.get('traces.filterHistorySize');
    const next = [expression, ...this.history().filter((item) => item !== expression)].slice(0, size);
    await this.globalState.update(HISTORY_KEY, next);
  }
}
