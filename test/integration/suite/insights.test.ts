import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

import { formatDuration } from '../../../src/core/functionStats';
import type { ServerlessLensApi } from '../../../src/shared/extensionApi';
import { ENV_SOURCE_APP } from '../testEnv';
import type { ExpectedFunction, ExpectedProblem } from '../testEnv';
import { activatedApi, expectations, sameIds, setSetting, settleUntil, showTracesView, waitFor } from './helpers';

const LENS_FUNCTION = 'orders-api-ListOrders';
const PROBLEMS_SOURCE = 'Serverless Lens';

function workspaceFile(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return vscode.Uri.joinPath(folder.uri, ...relative.split('/'));
}

/** The title the lens must show, up to the last error's age (which depends on the clock). */
function expectedTitle(fn: ExpectedFunction): RegExp {
  const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
  const parts = [plural(fn.invocations, 'invocation')];
  if (fn.errors > 0) parts.push(plural(fn.errors, 'error'));
  parts.push(`p95 ${formatDuration(fn.p95Ms)}`);
  if (fn.coldStarts > 0) parts.push(plural(fn.coldStarts, 'cold start'));
  const escaped = parts.join(' · ').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const last = fn.errors > 0 ? ` · last: ${fn.lastErrorType ?? '(error|fault)'} .+` : '';
  return new RegExp(`^${escaped}${last}$`);
}

/** `waitFor` for probes that must await (the lens provider is asked through a command). */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function resolvedLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  // The second argument resolves that many lenses, as the editor does for the visible ones.
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
}

function ourProblems(): [vscode.Uri, vscode.Diagnostic[]][] {
  return vscode.languages
    .getDiagnostics()
    .map(([uri, diagnostics]): [vscode.Uri, vscode.Diagnostic[]] => [uri, diagnostics.filter((d) => d.source === PROBLEMS_SOURCE)])
    .filter(([, diagnostics]) => diagnostics.length > 0);
}

/** Waits for the problem at its line and checks what it says. */
async function assertProblem(problem: ExpectedProblem): Promise<void> {
  const uri = workspaceFile(problem.file);
  const diagnostic = await waitFor(
    `a problem at ${problem.file}:${problem.line}`,
    () => vscode.languages.getDiagnostics(uri).find((d) => d.source === PROBLEMS_SOURCE && d.range.start.line === problem.line - 1),
    30_000,
  );
  assert.ok(diagnostic.message.startsWith(`${problem.exceptionType}: `), diagnostic.message);
  assert.match(diagnostic.message, problem.failures === 1 ? /\(1 failure, / : new RegExp(`\\(${problem.failures} failures, last `));
  assert.equal(diagnostic.severity, problem.fault ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  const code = diagnostic.code;
  assert.ok(typeof code === 'object' && code.target.scheme === 'command' && code.target.path === 'serverlessLens.openTrace', 'the code links to the trace');
  const ours = vscode.languages.getDiagnostics(uri).filter((d) => d.source === PROBLEMS_SOURCE && d.range.start.line === problem.line - 1);
  assert.equal(ours.length, 1, `one problem per line and exception at ${problem.file}:${problem.line}`);
}

suite('Insights: handler lenses and problems', () => {
  let api: ServerlessLensApi;
  const primary = (): string[] => expectations().primary.traces.map((t) => t.id);

  suiteSetup(async () => {
    api = await activatedApi();
    await showTracesView();
    // The lenses read the traces the view fetched: every row's full trace, no request of their own.
    await settleUntil(api, 'the sample traces', (rows) => sameIds(rows, primary()));
  });

  suiteTeardown(async () => {
    await setSetting('serverlessLens.codeLens.enabled', undefined);
    await setSetting('serverlessLens.problems.enabled', undefined);
    await vscode.commands.executeCommand('serverlessLens.clearFilter');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a lens above the handler export shows the numbers of the sample traces', async () => {
    const expected = expectations().primary.functions.find((fn) => fn.functionName === LENS_FUNCTION);
    assert.ok(expected, `the sample traces have invocations of ${LENS_FUNCTION}`);
    const uri = workspaceFile('orders.ts');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const exportLine = document.getText().split('\n').findIndex((line) => line.startsWith('export const list'));
    assert.ok(exportLine >= 0);

    const title = expectedTitle(expected);
    const lens = await eventually(`a lens matching ${title.source}`, async () => {
      const lenses = await resolvedLenses(uri);
      return lenses.find((item) => item.range.start.line === exportLine && item.command !== undefined && title.test(item.command.title));
    });
    assert.equal(lens.command?.command, 'serverlessLens.showFunctionTraces');
    assert.deepEqual(lens.command?.arguments, [LENS_FUNCTION]);
  });

  test('each handler of a shared file gets its own lens', async () => {
    const uri = workspaceFile('orders.ts');
    const lenses = await resolvedLenses(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    const createLine = document.getText().split('\n').findIndex((line) => line.startsWith('export async function create'));
    const create = lenses.find((item) => item.range.start.line === createLine);
    assert.ok(create?.command, 'a lens above create()');
    assert.deepEqual(create.command.arguments, ['orders-api-CreateOrder']);
  });

  test('the lens command filters the Traces view to the function', async () => {
    await vscode.commands.executeCommand('serverlessLens.showFunctionTraces', LENS_FUNCTION);
    // The local server answers an expression it does not model with every trace; the view must still load.
    await settleUntil(api, 'the view after filtering', (rows) => rows.length > 0);
    assert.equal(api.testing.tracesState(), 'ready');
    await vscode.commands.executeCommand('serverlessLens.clearFilter');
    await settleUntil(api, 'the sample traces again', (rows) => sameIds(rows, primary()));
  });

  test('serverlessLens.codeLens.enabled turns the lenses off and on without a reload', async () => {
    const uri = workspaceFile('orders.ts');
    await setSetting('serverlessLens.codeLens.enabled', false);
    await eventually('no lenses', async () => ((await resolvedLenses(uri)).length === 0 ? true : undefined));
    await setSetting('serverlessLens.codeLens.enabled', undefined);
    await eventually('lenses again', async () => ((await resolvedLenses(uri)).length > 0 ? true : undefined));
  });

  test('failures become problems at the line that threw, and go when problems are turned off', async function () {
    if (process.env[ENV_SOURCE_APP] === undefined) {
      // runElectron.ts does not build the fixture app whose failures these are; code-server does.
      this.skip();
    }
    const wanted = expectations().primary.problems ?? [];
    assert.ok(wanted.length > 0, 'the runner serves failures of the fixture app and declares their problems');
    for (const problem of wanted) await assertProblem(problem);
    await setSetting('serverlessLens.problems.enabled', false);
    await waitFor('no problems', () => (ourProblems().length === 0 ? true : undefined));
    await setSetting('serverlessLens.problems.enabled', true);
    for (const problem of wanted) await assertProblem(problem);
  });
});
