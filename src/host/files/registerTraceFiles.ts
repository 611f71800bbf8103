import type * as vscode from 'vscode';
import { loadAwsModules } from '../connection/awsModules';
import type { CommandRunner } from '../commands/commandRunner';
import type { ConnectionController } from '../connection/connectionController';
import type { ComponentLogger } from '../logger';
import type { LoadedTrace } from '../timeline/awsTraceSource';
import type { TimelinePanels } from '../timeline/timelinePanels';
import type { TimelinePanelDeps } from '../timeline/traceTimelinePanel';
import { TraceFileEditors } from './traceFileEditors';
import { TraceFileSniffer } from './traceFileSniffer';
import { registerTraceFileCommands } from './traceFileCommands';

export interface TraceFilesDeps {
  runner: CommandRunner;
  panels: TimelinePanels;
  /** The same dependencies the timeline panels get: a file's timeline is the same view. */
  timeline: TimelinePanelDeps;
  connections: ConnectionController;
  /** The built trace, read the way the timeline reads it (local store, then AWS). */
  loadTrace(traceId: string, signal: AbortSignal): Promise<LoadedTrace>;
  /** The raw documents of a local trace, when the local store exposes them. */
  localDocuments?(traceId: string): readonly unknown[] | undefined;
  log: ComponentLogger;
}

/** The raw BatchGetTraces documents of one trace through the current connection (for export). */
async function awsDocuments(connections: ConnectionController, log: ComponentLogger, traceId: string, signal: AbortSignal): Promise<readonly string[] | undefined> {
  const connection = await connections.get();
  const { traceFetcher } = await loadAwsModules();
  const fetcher = new traceFetcher.TraceFetcher(connection.xray(), log);
  const result = await fetcher.fetch([traceId], { concurrency: 1, signal: connection.requestSignal(signal) });
  return result.traces.find((trace) => trace.id === traceId)?.documents;
}

/**
 * Trace files: the "Trace File" custom editor, the "Open as Trace" button for JSON files that look
 * like traces, and the open and export commands. Returns the editors (export and "Go to source"
 * find file traces there) and what the caller must own.
 */
export function registerTraceFiles(deps: TraceFilesDeps): { files: TraceFileEditors; disposables: vscode.Disposable[] } {
  const options = {};
  const files = new TraceFileEditors({ timeline: deps.timeline, log: deps.log, options });
  const sniffer = new TraceFileSniffer();
  const commands = registerTraceFileCommands({
    runner: deps.runner,
    files,
    panels: deps.panels,
    options,
    exportDeps: {
      files,
      loadTrace: (traceId, signal) => deps.loadTrace(traceId, signal),
      ...(deps.localDocuments === undefined ? {} : { localDocuments: (traceId: string) => deps.localDocuments?.(traceId) }),
      awsDocuments: (traceId, signal) => awsDocuments(deps.connections, deps.log, traceId, signal),
      log: deps.log,
    },
  });
  return { files, disposables: [files, sniffer, ...commands] };
}
