/**
 * The multi-select picker of "Tail Function Logs…": the workspace's functions (project index)
 * at once, then the account's (Lambda ListFunctions, page by page, while the picker shows a busy
 * bar). More than 10 log groups cannot be tailed at once: the picker says so as soon as the
 * selection passes the limit and refuses to accept it.
 */
import * as vscode from 'vscode';
import type { LambdaFunctionInfo } from '../../aws/lambdaFunctions';
import { MAX_TAIL_LOG_GROUPS } from '../../core/tailTargets';
import { defaultLogGroupName } from '../../core/traceLogQuery';
import type { FunctionEntry } from '../../shared/projectModel';
import type { AwsConnection } from '../connection/awsConnection';
import type { ComponentLogger } from '../logger';
import type { TailTarget } from './tailSession';
import { loadTailModules } from './tailModules';

interface FunctionItem extends vscode.QuickPickItem {
  functionName: string;
  logGroupName: string;
  target?: TailTarget;
}

export interface TailPickResult {
  functionNames: string[];
  /** Targets already known from the account listing (their ARNs), so they need no lookup. */
  targets: TailTarget[];
}

export interface TailPickerInput {
  projectFunctions: readonly FunctionEntry[];
  /** The connection, or why there is none (the account part then says so). */
  connection: () => Promise<AwsConnection>;
  log: ComponentLogger;
  /** Seeds the target cache with what ListFunctions returned. */
  remember: (connection: AwsConnection, infos: readonly LambdaFunctionInfo[]) => void;
}

const TITLE = 'Serverless Lens: Tail Function Logs';

/** Shows the picker; resolves undefined when the user dismissed it. */
export async function pickTailFunctions(input: TailPickerInput): Promise<TailPickResult | undefined> {
  const picker = vscode.window.createQuickPick<FunctionItem>();
  picker.title = TITLE;
  picker.canSelectMany = true;
  picker.matchOnDescription = true;
  picker.matchOnDetail = true;
  picker.placeholder = `Pick up to ${MAX_TAIL_LOG_GROUPS} functions to tail (Live Tail takes at most ${MAX_TAIL_LOG_GROUPS} log groups)`;
  picker.ignoreFocusOut = true;
  const workspace = workspaceItems(input.projectFunctions);
  const account: FunctionItem[] = [];
  let accountNote: string | undefined = 'Account: loading functions…';
  const render = (): void => {
    const selected = new Set(picker.selectedItems.map((item) => item.functionName));
    const separator = (label: string): FunctionItem => ({ label, kind: vscode.QuickPickItemKind.Separator, functionName: '', logGroupName: '' });
    const seen = new Set(workspace.map((item) => item.functionName));
    const accountOnly = account.filter((item) => !seen.has(item.functionName));
    // Workspace items gain the account's ARN when the listing has them.
    for (const item of workspace) {
      const fromAccount = account.find((candidate) => candidate.functionName === item.functionName);
      if (fromAccount?.target !== undefined) {
        item.target = fromAccount.target;
        item.logGroupName = fromAccount.logGroupName;
      }
    }
    const items = [
      ...(workspace.length > 0 ? [separator('Workspace'), ...workspace] : []),
      separator(accountNote ?? 'Account'),
      ...accountOnly.map((item) => ({ ...item, description: markWorkspace(item, input.projectFunctions) ?? item.description })),
    ];
    picker.items = items;
    picker.selectedItems = items.filter((item) => selected.has(item.functionName) && item.kind !== vscode.QuickPickItemKind.Separator);
  };
  render();
  const controller = new AbortController();
  picker.busy = true;
  void loadAccount(input, controller.signal, (infos, done, error) => {
    account.push(...infos.map(accountItem));
    accountNote = error !== undefined ? `Account: could not list functions (${error})` : done ? `Account (${account.length} function${account.length === 1 ? '' : 's'})` : `Account: loading functions… (${account.length} so far)`;
    if (done) picker.busy = false;
    render();
  });
  picker.onDidChangeSelection((selection) => {
    const groups = new Set(selection.map((item) => item.logGroupName)).size;
    picker.title = groups > MAX_TAIL_LOG_GROUPS ? `${TITLE}: ${groups} log groups picked, Live Tail takes at most ${MAX_TAIL_LOG_GROUPS}` : selection.length > 0 ? `${TITLE} (${selection.length} picked)` : TITLE;
  });
  try {
    return await new Promise<TailPickResult | undefined>((resolve) => {
      picker.onDidAccept(() => {
        const selection = picker.selectedItems;
        const groups = new Set(selection.map((item) => item.logGroupName)).size;
        if (selection.length === 0) return;
        if (groups > MAX_TAIL_LOG_GROUPS) {
          void vscode.window.showWarningMessage(`You picked ${groups} log groups; Live Tail tails at most ${MAX_TAIL_LOG_GROUPS} at once. Deselect ${groups - MAX_TAIL_LOG_GROUPS} and accept again.`);
          return;
        }
        resolve({ functionNames: selection.map((item) => item.functionName), targets: selection.flatMap((item) => (item.target !== undefined ? [item.target] : [])) });
        picker.hide();
      });
      picker.onDidHide(() => resolve(undefined));
      picker.show();
    });
  } finally {
    controller.abort();
    picker.dispose();
  }
}

function workspaceItems(entries: readonly FunctionEntry[]): FunctionItem[] {
  const items: FunctionItem[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    // Only a literal name can be tailed before the account says what was deployed.
    if (entry.functionName === undefined || seen.has(entry.functionName)) continue;
    seen.add(entry.functionName);
    items.push({
      label: `$(file-code) ${entry.functionName}`,
      description: entry.logicalId,
      detail: `${entry.logGroup ?? defaultLogGroupName(entry.functionName)} · ${vscode.workspace.asRelativePath(entry.templatePath)}`,
      functionName: entry.functionName,
      logGroupName: entry.logGroup ?? defaultLogGroupName(entry.functionName),
    });
  }
  return items;
}

function accountItem(info: LambdaFunctionInfo): FunctionItem {
  const item: FunctionItem = {
    label: `$(symbol-function) ${info.functionName}`,
    description: info.runtime,
    detail: info.logGroupName,
    functionName: info.functionName,
    logGroupName: info.logGroupName,
  };
  if (info.logGroupArn !== undefined) item.target = { functionName: info.functionName, logGroupName: info.logGroupName, logGroupArn: info.logGroupArn };
  return item;
}

/** A deployed function whose generated name matches a workspace function's pattern. */
function markWorkspace(item: FunctionItem, entries: readonly FunctionEntry[]): string | undefined {
  for (const entry of entries) {
    try {
      if (entry.functionName === undefined && new RegExp(entry.namePattern).test(item.functionName)) return `${item.description ?? ''} · workspace ${entry.logicalId}`.replace(/^ · /, '');
    } catch {
      // A pattern the index built is always valid; a broken one simply marks nothing.
    }
  }
  return undefined;
}

async function loadAccount(input: TailPickerInput, signal: AbortSignal, onPage: (infos: LambdaFunctionInfo[], done: boolean, error?: string) => void): Promise<void> {
  try {
    const connection = await input.connection();
    const { lambdaFunctions } = await loadTailModules();
    for await (const page of lambdaFunctions.listFunctions(connection.lambdaClient(), connection.requestSignal(signal))) {
      input.remember(connection, page);
      onPage(page, false);
    }
    onPage([], true);
  } catch (error) {
    if (signal.aborted) return;
    input.log.warn(`listing functions for the tail picker failed: ${String(error)}`);
    const name = typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string' ? (error as { name: string }).name : 'error';
    onPage([], true, name === 'AccessDeniedException' ? 'lambda:ListFunctions is not allowed' : name);
  }
}
