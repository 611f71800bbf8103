import * as vscode from 'vscode';
import { COMMANDS } from './commandIds';
import { UserFacingError } from './commandRunner';
import { openTrace, traceIdArgument } from './openTraceCommand';
import type { CommandRunner } from './commandRunner';
import type { TraceSources } from '../timeline/traceSources';
import type { TimelinePanels } from '../timeline/timelinePanels';

/** Commands on one trace: open its timeline, copy its id, open it in the AWS console. */
export function registerTraceCommands(runner: CommandRunner, panels: TimelinePanels, source: TraceSources): vscode.Disposable[] {
  const requireId = (arg: unknown): string => {
    const id = traceIdArgument(arg);
    if (id === undefined) {
      throw new UserFacingError('Choose a trace in the Traces view first.');
    }
    return id;
  };
  return [
    runner.register(COMMANDS.openTrace, (arg: unknown) => openTrace(panels, arg)),
    runner.register(COMMANDS.copyTraceId, async (arg: unknown) => {
      const id = requireId(arg);
      await vscode.env.clipboard.writeText(id);
      vscode.window.setStatusBarMessage(`$(copy) Copied ${id}`, 3000);
    }),
    runner.register(COMMANDS.openTraceInConsole, async (arg: unknown) => {
      const id = requireId(arg);
      await vscode.env.openExternal(vscode.Uri.parse(await source.consoleUrl(id)));
    }),
  ];
}
