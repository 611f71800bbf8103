import * as vscode from 'vscode';
import { COMMANDS } from '../commands/commandIds';
import { UserFacingError } from '../commands/commandRunner';
import { traceIdArgument } from '../commands/openTraceCommand';
import type { CommandRunner } from '../commands/commandRunner';
import type { TimelinePanels } from '../timeline/timelinePanels';
import type { TraceFileOptions } from '../../core/traceFiles/traceFileTypes';
import { readTraceFile } from './traceFileDocument';
import { pickTrace, TRACE_FILE_VIEW_TYPE } from './traceFileEditors';
import type { TraceFileEditors } from './traceFileEditors';
import { exportOptionsArgument, exportTrace } from './traceExport';
import type { TraceExportDeps } from './traceExport';


export interface TraceFileCommandDeps {
  runner: CommandRunner;
  files: TraceFileEditors;
  panels: TimelinePanels;
  options: TraceFileOptions;
  exportDeps: TraceExportDeps;
}

async function askFile(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: 'Serverless Lens: Open Trace File',
    openLabel: 'Open Trace',
    canSelectMany: false,
    filters: { 'Trace files': ['json', 'jsonl', 'ndjson', 'txt'], 'All files': ['*'] },
  });
  return picked?.[0];
}

/**
 * Opens a trace file in the Trace File editor. The file is read here first, so a file that is
 * not a trace is refused with the reason instead of an empty editor, and a file of several traces
 * asks which one to show.
 */
async function openTraceFile(deps: TraceFileCommandDeps, arg: unknown): Promise<void> {
  const uri = arg instanceof vscode.Uri ? arg : await askFile();
  if (uri === undefined) return;
  const content = await readTraceFile(uri, deps.options);
  if (content.traceCount === 0) throw new UserFacingError(content.emptyReason());
  const index = content.traceCount > 1 ? await pickTrace(content) : 0;
  if (index === undefined) return;
  const open = deps.files.editorOf(uri);
  if (open !== undefined) {
    if (index !== open.traceIndex) open.showIndex(index);
    open.reveal();
    return;
  }
  deps.files.willOpen(uri, content, index);
  await vscode.commands.executeCommand('vscode.openWith', uri, TRACE_FILE_VIEW_TYPE);
}

/** The trace to export: the argument, else the active trace editor's or timeline's, else a choice of the open ones. */
async function exportTarget(deps: TraceFileCommandDeps, arg: unknown): Promise<string | undefined> {
  if (typeof arg === 'string' && deps.files.find(arg) !== undefined) return arg;
  const fromArg = traceIdArgument(arg);
  if (fromArg !== undefined) return fromArg;
  const active = deps.files.active()?.trace?.id || deps.panels.activeId();
  if (active) return active;
  const open = [...new Set([...deps.files.snapshots().map((item) => item.traceId).filter((id): id is string => !!id), ...deps.panels.ids()])];
  if (open.length === 0) throw new UserFacingError('Open a trace first: Export Trace writes the trace shown in a timeline or a trace file.');
  if (open.length === 1) return open[0];
  return vscode.window.showQuickPick(open, { title: 'Serverless Lens: Export Trace', placeHolder: 'Choose the trace to export' });
}

export function registerTraceFileCommands(deps: TraceFileCommandDeps): vscode.Disposable[] {
  const { runner } = deps;
  return [
    runner.register(COMMANDS.openTraceFile, (arg: unknown) => openTraceFile(deps, arg)),
    runner.register(COMMANDS.openAsTrace, (arg: unknown) => {
      const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
      if (uri === undefined) throw new UserFacingError('Open a trace file in the editor first.');
      return openTraceFile(deps, uri);
    }),
    runner.register(COMMANDS.chooseTraceInFile, () => deps.files.chooseTrace()),
    runner.register(COMMANDS.exportTrace, async (arg: unknown, options: unknown) => {
      const traceId = await exportTarget(deps, arg);
      if (traceId === undefined) return undefined;
      return exportTrace(deps.exportDeps, traceId, exportOptionsArgument(options));
    }),
  ];
}
