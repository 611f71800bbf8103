import * as vscode from 'vscode';
import { COMMANDS } from '../commands/commandIds';
import { UserFacingError } from '../commands/commandRunner';
import { handlerExportLine } from '../source/handlerLocation';
import type { ProjectIndexService } from '../source/projectIndexService';
import type { ExportFormat } from '../../shared/mapMessages';
import type { GraphEdge, GraphNode } from '../../shared/serviceGraphModel';
import type { Trace } from '../../shared/traceModel';

/** The command the log-tail feature contributes; the map hands it `{ functionNames }`. */
export const TAIL_FUNCTION_LOGS = 'serverlessLens.tailFunctionLogs';

export function isLambdaNode(node: GraphNode): boolean {
  return node.type === 'lambdaFunction' || node.type === 'lambda';
}

/** The deployed function name of a Lambda node (X-Ray names both nodes after the function). */
export function functionNameOf(node: GraphNode): string {
  return node.functionName ?? node.name;
}

/** X-Ray's string literal: backslash and double quote escaped. */
function quoted(name: string): string {
  return `"${name.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
}

/** `service("orders-fn")`, or `service("a") OR service("b")` for a group. */
export function filterExpressionFor(nodes: readonly GraphNode[]): string {
  return [...new Set(nodes.map((node) => node.name))].map((name) => `service(${quoted(name)})`).join(' OR ');
}

export async function filterTracesByNodes(nodes: readonly GraphNode[]): Promise<void> {
  if (nodes.length === 0) return;
  await vscode.commands.executeCommand(COMMANDS.setFilterExpression, filterExpressionFor(nodes));
}

/**
 * Opens the handler of a Lambda node's function: the project index matches the deployed name
 * (or ARN) to a function of the workspace templates; several candidates become a quick pick.
 * Returns the file opened.
 */
export async function goToHandler(node: GraphNode, index: ProjectIndexService): Promise<vscode.Uri | undefined> {
  if (!isLambdaNode(node)) throw new UserFacingError(`${node.name} is not a Lambda function.`);
  const name = functionNameOf(node);
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Serverless Lens: reading the project' }, () => index.ready());
  const matches = index.findFunctions(node.functionArn ?? name).filter((match) => match.entry.handlerFile !== undefined);
  if (matches.length === 0) {
    throw new UserFacingError(`No function in the workspace matches ${name}: open the folder with its template.yaml, serverless.yml or cdk.out, or check that the handler file exists.`);
  }
  let chosen = matches[0];
  if (matches.length > 1) {
    const picked = await vscode.window.showQuickPick(
      matches.map((match) => ({ label: match.entry.logicalId, description: vscode.workspace.asRelativePath(match.entry.handlerFile ?? ''), detail: match.entry.templatePath, match })),
      { title: `Handler of ${name}`, placeHolder: 'Several functions of the workspace match this name' },
    );
    if (picked === undefined) return undefined;
    chosen = picked.match;
  }
  const file = chosen?.entry.handlerFile;
  if (chosen === undefined || file === undefined) return undefined;
  const line = await handlerExportLine(file, chosen.entry.handlerExport);
  const uri = vscode.Uri.file(file);
  const editor = await vscode.window.showTextDocument(uri, { preview: false });
  const position = new vscode.Position(Math.max(0, line - 1), 0);
  editor.selection = new vscode.Selection(position, position);
  editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return uri;
}

export async function tailLogs(node: GraphNode): Promise<void> {
  if (!isLambdaNode(node)) throw new UserFacingError(`${node.name} is not a Lambda function.`);
  const commands = await vscode.commands.getCommands(true);
  if (!commands.includes(TAIL_FUNCTION_LOGS)) throw new UserFacingError('Tailing logs is not available in this version of Serverless Lens.');
  await vscode.commands.executeCommand(TAIL_FUNCTION_LOGS, { functionNames: [functionNameOf(node)] });
}

/** Lists the failing traces of the edges; the one picked opens in the timeline. */
export async function pickFailingTrace(edges: readonly GraphEdge[], describe: (traceId: string) => Trace | undefined, title: string): Promise<void> {
  const ids = [...new Set(edges.flatMap((edge) => edge.failingTraceIds))];
  if (ids.length === 0) {
    void vscode.window.showInformationMessage(`No failing traces on ${title}.`);
    return;
  }
  const items = ids.map((id) => {
    const trace = describe(id);
    const when = trace !== undefined ? new Date(trace.startEpochMs).toLocaleString() : '';
    return {
      label: `$(${trace?.status === 'fault' ? 'error' : trace?.status === 'throttle' ? 'watch' : 'warning'}) ${trace?.entryPoint ?? id}`,
      description: trace !== undefined ? `${Math.round(trace.durationMs)} ms · ${when}` : '',
      detail: id,
      id,
    };
  });
  const picked = await vscode.window.showQuickPick(items, { title: `Failing traces: ${title}`, placeHolder: `${ids.length} failing trace${ids.length === 1 ? '' : 's'}; pick one to open its timeline`, matchOnDetail: true });
  if (picked !== undefined) await vscode.commands.executeCommand(COMMANDS.openTrace, picked.id);
}

/** Asks where to save an export and writes it; returns the file, or undefined when cancelled. */
export async function saveExport(format: ExportFormat, data: string): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `service-map.${format}`;
  const uri = await vscode.window.showSaveDialog({
    title: `Export Service Map as ${format.toUpperCase()}`,
    saveLabel: 'Export',
    filters: format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
    ...(folder !== undefined ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
  });
  if (uri === undefined) return undefined;
  const bytes = format === 'svg' ? new TextEncoder().encode(data) : Buffer.from(data, 'base64');
  await vscode.workspace.fs.writeFile(uri, bytes);
  vscode.window.setStatusBarMessage(`$(check) Exported the service map to ${vscode.workspace.asRelativePath(uri)}`, 5000);
  return uri;
}
