/**
 * `serverlessLens.tailFunctionLogs` (the picker, or `TailCommandArgs` from the service map and the
 * lenses), `serverlessLens.stopTail` and `serverlessLens.showTail`.
 */
import * as vscode from 'vscode';
import { splitAtGroupLimit, MAX_TAIL_LOG_GROUPS } from '../../core/tailTargets';
import { defaultLogGroupName, functionNameOf } from '../../core/traceLogQuery';
import type { CommandRunner } from '../commands/commandRunner';
import { UserFacingError } from '../commands/commandRunner';
import { COMMANDS } from '../commands/commandIds';
import type { ConnectionController } from '../connection/connectionController';
import type { IDisposable } from '../lifecycle';
import type { ComponentLogger } from '../logger';
import type { ProjectIndexService } from '../source/projectIndexService';
import type { TailCommandArgs } from './tailFeed';
import { pickTailFunctions } from './tailPicker';
import type { TailSessions } from './tailSessions';

export interface TailCommandDeps {
  runner: CommandRunner;
  tails: TailSessions;
  connections: ConnectionController;
  projectIndex: ProjectIndexService;
  log: ComponentLogger;
  remember: Parameters<typeof pickTailFunctions>[0]['remember'];
}

/** Validates what another feature (or a test) passed; undefined means "ask with the picker". */
export function tailCommandArgs(arg: unknown): string[] | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const names = (arg as TailCommandArgs).functionNames;
  if (!Array.isArray(names)) return undefined;
  const valid = names.filter((name): name is string => typeof name === 'string').map((name) => functionNameOf(name)).filter((name): name is string => name !== undefined);
  if (valid.length === 0) throw new UserFacingError('Tail Function Logs was given no valid function name.');
  return [...new Set(valid)];
}

export function registerTailCommands(deps: TailCommandDeps): IDisposable[] {
  return [
    deps.runner.register(COMMANDS.tailFunctionLogs, (arg: unknown) => tailFunctionLogs(deps, arg)),
    deps.runner.register(COMMANDS.stopTail, (arg: unknown) => stopTail(deps.tails, arg)),
    deps.runner.register(COMMANDS.showTail, () => {
      if (!deps.tails.show()) throw new UserFacingError('No log tail is open. Run "Serverless Lens: Tail Function Logs…" to start one.');
    }),
  ];
}

/**
 * Resolves once the tail started (its view open) with its session id, a plain object: a command's
 * result may be serialised (the palette runs it through the renderer).
 */
async function tailFunctionLogs(deps: TailCommandDeps, arg: unknown): Promise<{ id: string } | undefined> {
  let names = tailCommandArgs(arg);
  let known: Parameters<TailSessions['start']>[2] = [];
  if (names === undefined) {
    await Promise.race([deps.projectIndex.ready(), new Promise((resolve) => setTimeout(resolve, 1_500))]);
    const picked = await pickTailFunctions({
      projectFunctions: deps.projectIndex.snapshot().functions,
      connection: () => deps.connections.get(),
      log: deps.log,
      remember: deps.remember,
    });
    if (picked === undefined) return undefined;
    names = picked.functionNames;
    known = picked.targets;
  } else {
    // From another feature: keep the first 10 groups and say which functions were left out.
    const { kept, dropped } = splitAtGroupLimit(names, (name) => deps.projectIndex.findFunction(name)?.logGroup ?? defaultLogGroupName(name));
    if (dropped.length > 0) {
      void vscode.window.showWarningMessage(`Live Tail tails at most ${MAX_TAIL_LOG_GROUPS} log groups at once: tailing ${kept.join(', ')}; left out ${dropped.join(', ')}.`);
    }
    names = kept;
  }
  const chosen = names;
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Starting the log tail of ${chosen.join(', ')}…`, cancellable: true }, async (_progress, token) => {
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      const session = await deps.tails.start(chosen, controller.signal, known);
      return { id: session.id };
    } finally {
      subscription.dispose();
    }
  });
}

async function stopTail(tails: TailSessions, arg: unknown): Promise<void> {
  const running = tails.sessions().filter((session) => session.isRunning);
  if (typeof arg === 'string') return tails.stop(arg);
  if (running.length === 0) {
    void vscode.window.showInformationMessage('No log tail is running.');
    return;
  }
  if (running.length === 1) return tails.stop(running[0]?.id);
  const choice = await vscode.window.showQuickPick(
    [{ label: '$(debug-stop) Stop all tails', id: undefined as string | undefined }, ...running.map((session) => ({ label: session.targets.map((t) => t.functionName).join(', '), description: session.status.state, id: session.id as string | undefined }))],
    { title: 'Serverless Lens: Stop Log Tail', placeHolder: 'Which tail?' },
  );
  if (choice !== undefined) await tails.stop(choice.id);
}
