import * as vscode from 'vscode';
import { functionTracesFilter } from '../../core/functionStats';
import { COMMANDS } from '../commands/commandIds';
import { UserFacingError } from '../commands/commandRunner';
import { TRACES_VIEW_ID } from '../traces/tracesTreeProvider';
import { FailureProblems } from './failureProblems';
import { HANDLER_DOCUMENTS, HandlerCodeLensProvider } from './handlerCodeLensProvider';
import { InsightTraces } from './insightTraces';
import type { CommandRunner } from '../commands/commandRunner';
import type { Config } from '../config';
import type { ConnectionController } from '../connection/connectionController';
import type { IDisposable } from '../lifecycle';
import type { Logger } from '../logger';
import type { ProjectIndexService } from '../source/projectIndexService';
import type { SourceNavigator } from '../source/sourceNavigator';
import type { LocalTraceService } from '../local/localTraceService';

export interface InsightsDeps {
  config: Config;
  connections: ConnectionController;
  runner: CommandRunner;
  logger: Logger;
  projectIndex: ProjectIndexService;
  /**
   * The navigator "Go to source" uses, owned by the caller: problems resolve failures exactly as
   * the jump does (source maps, the invocation's log stack) and share its caches.
   */
  navigator: SourceNavigator;
  /** The local receivers' traces, which lenses and problems read as well. */
  local?: LocalTraceService;
}

/**
 * The editor features fed by the traces already fetched: lenses above handlers and failures in
 * the Problems view, plus the lens's command. Returns what the caller owns, newest last.
 */
export function registerInsights(deps: InsightsDeps): IDisposable[] {
  const log = deps.logger.for('insights');
  const index = deps.projectIndex;
  const traces = new InsightTraces(deps.connections, deps.local);
  const lenses = new HandlerCodeLensProvider({ index, traces, config: deps.config, logger: log });
  const problems = new FailureProblems({ traces, resolver: deps.navigator, index, config: deps.config, logger: log });
  return [
    traces,
    lenses,
    vscode.languages.registerCodeLensProvider(HANDLER_DOCUMENTS, lenses),
    problems,
    deps.runner.register(COMMANDS.showFunctionTraces, (arg: unknown) => showFunctionTraces(arg)),
  ];
}

/**
 * Filters the Traces view to one function through the filter box's own command (so the filter
 * lands in its history and the view's description) and reveals the view.
 */
async function showFunctionTraces(arg: unknown): Promise<void> {
  if (typeof arg !== 'string' || arg.trim() === '') {
    throw new UserFacingError('Use the lens above a handler to show its traces.');
  }
  await vscode.commands.executeCommand(COMMANDS.setFilterExpression, functionTracesFilter(arg.trim()));
  await vscode.commands.executeCommand(`${TRACES_VIEW_ID}.focus`);
}
