import * as vscode from 'vscode';
import { registerConnectionCommands } from './host/commands/connectionCommands';
import { registerSourceCommands } from './host/commands/sourceCommands';
import type { TimelinePanelDeps } from './host/timeline/traceTimelinePanel';
import { CommandRunner } from './host/commands/commandRunner';
import { registerTraceCommands } from './host/commands/traceCommands';
import { registerTracesViewCommands } from './host/commands/tracesViewCommands';
import { Config } from './host/config';
import { ConnectionController } from './host/connection/connectionController';
import { ConnectionPicker } from './host/connection/connectionPicker';
import { ConnectionStatusBar } from './host/connection/connectionStatusBar';
import { SignIn } from './host/connection/signIn';
import { InvocationEvidence } from './host/source/invocationEvidence';
import { ProjectIndexService } from './host/source/projectIndexService';
import { SourceNavigator } from './host/source/sourceNavigator';
import { ContextKeys } from './host/contextKeys';
import { registerInsights } from './host/insights/registerInsights';
import { toDisposable, disposeAll } from './host/lifecycle';
import type { IDisposable } from './host/lifecycle';
import { Logger, describeError } from './host/logger';
import { createExtensionApi, failedExtensionApi } from './host/testApi';
import { AwsTraceSource } from './host/timeline/awsTraceSource';
import { registerTimelinePanelSerializer } from './host/timeline/timelinePanelSerializer';
import { TimelinePanels } from './host/timeline/timelinePanels';
import { TraceQuery } from './host/traces/traceQuery';
import { TracesTreeProvider } from './host/traces/tracesTreeProvider';
import type { ServerlessLensApi } from './shared/extensionApi';

/**
 * Builds the services and registers them; nothing else. No AWS call and no SDK load happen here:
 * the Traces view opens the connection when it is first shown.
 */
export function activate(context: vscode.ExtensionContext): ServerlessLensApi {
  const started = performance.now();
  let logger: Logger | undefined;
  // One owner for everything, disposed newest first: VS Code disposes `subscriptions` in the
  // order they were pushed, which would close the log channel before the services that log on
  // shutdown (a connection logs when it closes).
  const owned: IDisposable[] = [];
  context.subscriptions.push(toDisposable(() => disposeAll(owned)));
  try {
    logger = new Logger();
    owned.push(logger);
    const api = compose(owned, logger, context);
    logger.for('activation').info(`activated in ${Math.round(performance.now() - started)} ms`);
    return api;
  } catch (error) {
    reportActivationFailure(error, logger);
    return failedExtensionApi();
  }
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions, which VS Code disposes.
}

function compose(owned: IDisposable[], logger: Logger, context: vscode.ExtensionContext): ServerlessLensApi {
  const own = <T extends IDisposable>(disposable: T): T => {
    owned.push(disposable);
    return disposable;
  };
  const config = own(new Config());
  const contextKeys = new ContextKeys();
  const connections = own(new ConnectionController(config, logger, extensionVersion(context)));
  const query = own(new TraceQuery(context.workspaceState, context.globalState, config));
  const tree = own(new TracesTreeProvider({ connections, query, config, contextKeys, logger }));
  own(new ConnectionStatusBar(connections, contextKeys));
  const source = new AwsTraceSource(connections);
  const runner = new CommandRunner(logger, connections);
  const projectIndex = own(new ProjectIndexService(logger.for('project')));
  // One navigator for "Go to source", the Logs tab's frame links and the Problems view: one
  // source-map cache, one cache of the invocations' log stacks. Created before all of them, so
  // it is disposed after them.
  const sourceLog = logger.for('source');
  const evidence = own(new InvocationEvidence(connections, sourceLog));
  const navigator = own(new SourceNavigator({ index: projectIndex, evidence, config, log: sourceLog }));
  const openLogFrame: TimelinePanelDeps['openLogFrame'] = async (trace, functionSpanId, frames, frameIndex) => {
    await runner.run('serverlessLens.openLogFrame', () => navigator.openStackFrame(trace, functionSpanId, frames, frameIndex), []);
  };
  const panels = own(new TimelinePanels({ extensionUri: context.extensionUri, source, logger: logger.for('timeline'), openLogFrame }));
  own(registerTimelinePanelSerializer(panels, logger.for('timeline')));

  const signIn = own(new SignIn(connections, logger));
  owned.push(
    ...registerTracesViewCommands(runner, tree, query),
    ...registerTraceCommands(runner, panels, source),
    ...registerConnectionCommands(runner, new ConnectionPicker(config), signIn, logger),
  );
  owned.push(...registerSourceCommands({ runner, projectIndex, navigator, traces: source }));
  owned.push(...registerInsights({ config, connections, runner, logger, projectIndex, navigator }));
  return createExtensionApi(tree, panels);
}

function extensionVersion(context: vscode.ExtensionContext): string {
  const manifest: unknown = context.extension.packageJSON;
  const version = typeof manifest === 'object' && manifest !== null ? (manifest as { version?: unknown }).version : undefined;
  return typeof version === 'string' ? version : 'dev';
}

/** Says visibly that activation failed, without opening the log unasked. */
function reportActivationFailure(error: unknown, logger: Logger | undefined): void {
  logger?.for('activation').error('activation failed', error);
  const actions = logger !== undefined ? ['Show Logs'] : [];
  void vscode.window.showErrorMessage(`Serverless Lens failed to start: ${describeError(error)}`, ...actions).then((choice) => {
    if (choice !== undefined) {
      logger?.show();
    }
  });
}
