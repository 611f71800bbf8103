import { COMMANDS } from './commandIds';
import { askFilterExpression } from '../traces/filterExpressionInput';
import { pickTimeRange } from '../traces/timeRangePicker';
import type * as vscode from 'vscode';
import type { CommandRunner } from './commandRunner';
import type { TraceQuery } from '../traces/traceQuery';
import type { TracesTreeProvider } from '../traces/tracesTreeProvider';

/** The Traces view's title-bar commands: they change the query, and the view reloads. */
export function registerTracesViewCommands(runner: CommandRunner, tree: TracesTreeProvider, query: TraceQuery): vscode.Disposable[] {
  return [
    // Resolves when the first page is shown (tests and keybindings can await it).
    runner.register(COMMANDS.refreshTraces, () => tree.reload()),
    runner.register(COMMANDS.loadMoreTraces, () => tree.loadMore()),
    runner.register(COMMANDS.showErrorsOnly, () => query.setErrorsOnly(true)),
    runner.register(COMMANDS.showAllTraces, () => query.setErrorsOnly(false)),
    runner.register(COMMANDS.clearFilter, () => query.setFilterExpression('')),
    runner.register(COMMANDS.pickTimeRange, async () => {
      const range = await pickTimeRange(query.range);
      if (range !== undefined) {
        await query.setRange(range);
      }
    }),
    runner.register(COMMANDS.setFilterExpression, async (arg: unknown) => {
      // A string argument sets the filter without asking (used by tests and other commands).
      const expression = typeof arg === 'string' ? arg : await askFilterExpression(query.filterExpression, query.history());
      if (expression !== undefined) {
        await query.setFilterExpression(expression);
      }
    }),
  ];
}
