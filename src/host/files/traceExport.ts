import * as vscode from 'vscode';
import { exportFileName, serializeTraces, TRACE_EXPORT_FORMATS } from '../../core/traceFiles/traceFileExport';
import type { ExportableTrace, TraceExportFormat } from '../../core/traceFiles/traceFileExport';
import { UserFacingError } from '../commands/commandRunner';
import type { ComponentLogger } from '../logger';
import type { LoadedTrace } from '../timeline/awsTraceSource';
import type { TraceFileEditors } from './traceFileEditors';

/** Where export finds a trace and its raw documents. */
export interface TraceExportDeps {
  files: TraceFileEditors;
  /** The built trace, read the way the timeline reads it (local store, then AWS). */
  loadTrace(traceId: string, signal: AbortSignal): Promise<LoadedTrace>;
  /** The raw segment documents of a local trace, when the local store exposes them. */
  localDocuments?(traceId: string): readonly unknown[] | undefined;
  /** The raw segment documents of an AWS trace (BatchGetTraces `Document` strings). */
  awsDocuments(traceId: string, signal: AbortSignal): Promise<readonly string[] | undefined>;
  log: ComponentLogger;
}

/** `serverlessLens.exportTrace(traceId, { format, target })`: options that skip the pickers (scripts, tests). */
export interface ExportOptions {
  format?: TraceExportFormat;
  target?: vscode.Uri;
}

export function exportOptionsArgument(arg: unknown): ExportOptions {
  if (typeof arg !== 'object' || arg === null) return {};
  const record = arg as Record<string, unknown>;
  const format = TRACE_EXPORT_FORMATS.find((item) => item.format === record['format'])?.format;
  const target = record['target'] instanceof vscode.Uri ? record['target'] : typeof record['target'] === 'string' ? vscode.Uri.parse(record['target']) : undefined;
  return { ...(format === undefined ? {} : { format }), ...(target === undefined ? {} : { target }) };
}

interface Collected {
  input: ExportableTrace;
  /** Where the documents came from, for the message and the log. */
  origin: string;
}

/** The trace and the best documents there are: the file's, the local store's, AWS's, or the model's. */
async function collect(deps: TraceExportDeps, traceId: string, signal: AbortSignal): Promise<Collected> {
  const fromFile = deps.files.find(traceId);
  if (fromFile !== undefined) {
    return { input: { trace: fromFile.trace, documents: fromFile.documents }, origin: fromFile.sourceLabel };
  }
  const loaded = await deps.loadTrace(traceId, signal);
  if (loaded.source === 'local') {
    const documents = deps.localDocuments?.(traceId);
    return documents !== undefined && documents.length > 0
      ? { input: { trace: loaded.trace, documents }, origin: 'the local receivers' }
      : { input: { trace: loaded.trace }, origin: 'the local trace (written back from the model)' };
  }
  try {
    const documents = await deps.awsDocuments(traceId, signal);
    if (documents !== undefined && documents.length > 0) return { input: { trace: loaded.trace, documents }, origin: loaded.sourceLabel };
  } catch (error) {
    if (signal.aborted) throw error;
    deps.log.warn(`export of ${traceId}: the raw documents could not be read from AWS, writing the model back: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { input: { trace: loaded.trace }, origin: `${loaded.sourceLabel} (written back from the model)` };
}

async function pickFormat(): Promise<TraceExportFormat | undefined> {
  const picked = await vscode.window.showQuickPick(
    TRACE_EXPORT_FORMATS.map((item, index) => ({ label: item.label, description: index === 0 ? 'default' : '', detail: item.detail, format: item.format })),
    { title: 'Serverless Lens: Export Trace', placeHolder: 'Choose the file format' },
  );
  return picked?.format;
}

async function pickTarget(traceId: string, format: TraceExportFormat): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = exportFileName(traceId, format);
  return vscode.window.showSaveDialog({
    title: 'Serverless Lens: Export Trace',
    saveLabel: 'Export',
    ...(folder === undefined ? {} : { defaultUri: vscode.Uri.joinPath(folder, name) }),
    filters: { JSON: ['json'], 'All files': ['*'] },
  });
}

/**
 * Exports one trace to a file: asks the format (BatchGetTraces first) and the place, writes the
 * raw documents when a source kept them, else the model written back. Returns the file written.
 */
export async function exportTrace(deps: TraceExportDeps, traceId: string, options: ExportOptions): Promise<vscode.Uri | undefined> {
  const format = options.format ?? (await pickFormat());
  if (format === undefined) return undefined;
  const target = options.target ?? (await pickTarget(traceId, format));
  if (target === undefined) return undefined;
  const text = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Exporting trace ${traceId}`, cancellable: true },
    async (_progress, token) => {
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      try {
        const collected = await collect(deps, traceId, controller.signal);
        if (collected.input.trace.spans.length === 0 && (collected.input.documents ?? []).length === 0) {
          throw new UserFacingError(`Trace ${traceId} has no spans to export.`);
        }
        deps.log.info(`exporting ${traceId} as ${format} from ${collected.origin} to ${target.toString(true)}`);
        return serializeTraces([collected.input], format);
      } finally {
        subscription.dispose();
      }
    },
  );
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  const name = target.path.split('/').pop() ?? target.toString();
  if (options.target === undefined) {
    void vscode.window.showInformationMessage(`Exported trace ${traceId} to ${name}.`, 'Open').then((choice) => {
      if (choice === 'Open') void vscode.commands.executeCommand('vscode.open', target);
    });
  }
  return target;
}
