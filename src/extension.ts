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
import { registerTraceFiles } from './host/files/registerTraceFiles';
import { withTraceFilesTestApi } from './host/files/traceFilesTestApi';
import { createExtensionApi, failedExtensionApi, withServiceMapTestApi, withTailInsightsTestApi, withTailTestApi } from './host/testApi';
import { registerServiceMap } from './host/map/registerServiceMap';
import { registerTailInsights } from './host/tail/inlineInsights';
import { registerTailCommands } from './host/tail/tailCommands';
import { openTailFrame } from './host/tail/tailFrames';
import { TailSessions } from './host/tail/tailSessions';
import { TailStatusBar } from './host/tail/tailStatusBar';
import { AwsTraceSource } from './host/timeline/awsTraceSource';
import { TraceSources } from './host/timeline/traceSources';
import { LocalTraceService } from './host/local/localTraceService';
import { LocalStatusBar } from './host/local/localStatusBar';
import { registerLocalCommands } from './host/local/localCommands';
import { localEvidenceLookup } from './host/local/localEvidence';
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
  // Local receivers: idle (nothing loaded) until started; created before the views that follow them.
  const local = own(new LocalTraceService({ config, globalState: context.globalState, log: logger.for('local'), showLogs: () => logger.show() }));
  const tree = own(new TracesTreeProvider({ connections, query, config, contextKeys, logger, local }));
  own(new ConnectionStatusBar(connections, contextKeys));
  own(new LocalStatusBar(local));
  // Timeline, "Go to source" and trace commands read the local store first, then AWS.
  const source = new TraceSources(new AwsTraceSource(connections), local);
  const runner = new CommandRunner(logger, connections);
  const projectIndex = own(new ProjectIndexService(logger.for('project')));
  // One navigator for "Go to source", the Logs tab's frame links and the Problems view: one
  // source-map cache, one cache of the invocations' log stacks. Created before all of them, so
  // it is disposed after them.
  const sourceLog = logger.for('source');
  const evidence = own(new InvocationEvidence(connections, sourceLog));
  const navigator = own(new SourceNavigator({ index: projectIndex, evidence, config, log: sourceLog, localEvidence: localEvidenceLookup(local) }));
  const openLogFrame: TimelinePanelDeps['openLogFrame'] = async (trace, functionSpanId, frames, frameIndex) => {
    await runner.run('serverlessLens.openLogFrame', () => navigator.openStackFrame(trace, functionSpanId, frames, frameIndex), []);
  };
  const timelineDeps: TimelinePanelDeps = { extensionUri: context.extensionUri, source, logger: logger.for('timeline'), openLogFrame };
  const panels = own(new TimelinePanels(timelineDeps));
  own(registerTimelinePanelSerializer(panels, logger.for('timeline')));
  // Trace files: the Trace File editor shows a file's trace in the same timeline; export writes
  // the raw documents of a file, the local store or AWS. "Go to source" finds file traces first.
  const traceFiles = registerTraceFiles({ runner, panels, timeline: timelineDeps, connections, loadTrace: (id, signal) => source.load(id, signal), localDocuments: (id) => local.documents(id), log: logger.for('files') });
  owned.push(...traceFiles.disposables);
  const traces: Pick<TraceSources, 'load'> = { load: (id, signal, prefer) => Promise.resolve(traceFiles.files.loaded(id) ?? source.load(id, signal, prefer)) };

  const signIn = own(new SignIn(connections, logger));
  owned.push(
    ...registerTracesViewCommands(runner, tree, query),
    ...registerTraceCommands(runner, panels, source),
    ...registerConnectionCommands(runner, new ConnectionPicker(config), signIn, logger),
  );
  owned.push(...registerSourceCommands({ runner, projectIndex, navigator, traces }));
  owned.push(...registerInsights({ config, connections, runner, logger, projectIndex, navigator, local }));
  owned.push(...registerLocalCommands(runner, local, contextKeys));
  local.autoStart();
  // Log tails: one owner for every session, its views, the status bar and the TailFeed consumers.
  const tailLog = logger.for('tail');
  const tails = own(
    new TailSessions({
      config,
      connections,
      projectIndex,
      extensionUri: context.extensionUri,
      log: tailLog,
      openFrame: async (functionName, frames, frameIndex) => {
        await runner.run('serverlessLens.openTailFrame', () => openTailFrame(navigator, projectIndex, functionName, frames, frameIndex), []);
      },
    }),
  );
  const tailStatus = own(new TailStatusBar(tails));
  owned.push(...registerTailCommands({ runner, tails, connections, projectIndex, log: tailLog, remember: (connection, infos) => tails.rememberFunctions(connection, infos) }));
  // Inline results at handlers, stack marks and alert rules, fed by the tails.
  const tailInsights = own(registerTailInsights({ feed: tails, projectIndex, navigator, config, logger }));
  // The service map: idle until opened; draws what the Traces view lists.
  // A timeline shown by any means highlights its trace's path on the map (read as the timeline reads it).
  const map = registerServiceMap({ extensionUri: context.extensionUri, tree, query, connections, runner, projectIndex, log: logger.for('map'), timelines: panels, loadTrace: (id, signal) => traces.load(id, signal) });
  owned.push(...map.disposables);
  return withServiceMapTestApi(withTraceFilesTestApi(withTailInsightsTestApi(withTailTestApi(createExtensionApi(tree, panels, { local }), { tails, tailStatus }), tailInsights), traceFiles.files), map.controller);
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
