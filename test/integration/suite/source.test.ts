import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

import { ENV_SOURCE_APP, TEST_REGION } from '../testEnv';
import type { SourceAppExpectations, SourceTraceExpectation } from '../testEnv';
import { activatedApi, primaryUrl, setSetting, waitFor } from './helpers';

/** The 1-based line of `// @throws:<marker>` or `// @calls:<marker>`, read from the source (never from a map). */
function markerLine(file: string, marker: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((line) => new RegExp(`// @(?:throws|calls):${marker}\\b`).test(line));
  assert.ok(index >= 0, `marker ${marker} in ${file}`);
  return index + 1;
}

function sourceApp(): SourceAppExpectations | undefined {
  const text = process.env[ENV_SOURCE_APP];
  return text ? (JSON.parse(text) as SourceAppExpectations) : undefined;
}

function workspaceFolder(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return folder.uri.fsPath;
}

async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Fails instead of hanging when a command asks for input the test cannot give. */
async function run<T>(what: string, command: Thenable<T>, timeoutMs = 25_000): Promise<T> {
  return Promise.race([command, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not finish within ${timeoutMs} ms`)), timeoutMs))]);
}

suite('Jump to source', function () {
  let app: SourceAppExpectations;
  let appDir: string;

  suiteSetup(async function () {
    const found = sourceApp();
    // runElectron.ts does not build the fixture app (it needs esbuild in the runner); code-server does.
    if (!found) this.skip();
    app = found;
    appDir = join(workspaceFolder(), app.folder);
    await activatedApi();
    if (vscode.workspace.getConfiguration('serverlessLens').get('aws.endpointUrl') !== primaryUrl()) {
      await setSetting('serverlessLens.aws.endpointUrl', primaryUrl());
      await setSetting('serverlessLens.aws.region', TEST_REGION);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });

  setup(closeAllEditors);
  suiteTeardown(closeAllEditors);

  function expectation(index: number): SourceTraceExpectation {
    const found = app.traces[index];
    assert.ok(found, `source trace ${index}`);
    return found;
  }

  async function assertOpenedAtMarker(expected: SourceTraceExpectation): Promise<void> {
    const file = join(appDir, expected.file);
    const line = markerLine(file, expected.marker);
    const editor = await waitFor('an editor on the original source', () => (vscode.window.activeTextEditor?.document.uri.fsPath === file ? vscode.window.activeTextEditor : undefined));
    assert.equal(editor.selection.active.line + 1, line, `the selection is on the ${expected.marker} line`);
    assert.equal(editor.selection.anchor.line + 1, line);
    const visible = editor.visibleRanges.some((range) => range.start.line < line && range.end.line >= line - 1);
    assert.ok(visible, 'the line is revealed');
  }

  test('Go to Source on the failing Invocation span of a minified CJS bundle opens the original .ts line that threw', async () => {
    const expected = expectation(0);
    await run('goToSource', vscode.commands.executeCommand('serverlessLens.goToSource', expected.traceId, expected.spanId));
    await assertOpenedAtMarker(expected);
  });

  test('Go to Source on the function segment follows its cause to the Invocation span', async () => {
    const expected = expectation(0);
    await run('goToSource', vscode.commands.executeCommand('serverlessLens.goToSource', expected.traceId, expected.functionSpanId));
    await assertOpenedAtMarker(expected);
  });

  test('Go to Source of an ESM bundle (X-Ray drops its paths) resolves through the Invoke Error log line', async () => {
    const expected = expectation(1);
    await run('goToSource', vscode.commands.executeCommand('serverlessLens.goToSource', expected.traceId));
    await assertOpenedAtMarker(expected);
  });

  test('a stack frame of the details pane opens its own original line (goToSource with a frame)', async () => {
    const expected = expectation(0);
    const handler = join(appDir, 'src/handlers/createOrder.ts');
    await run('openFrame', vscode.commands.executeCommand('serverlessLens.goToSource', expected.traceId, expected.spanId, { exceptionIndex: 0, frameIndex: 1 }));
    const editor = await waitFor('the calling frame\'s file', () => (vscode.window.activeTextEditor?.document.uri.fsPath === handler ? vscode.window.activeTextEditor : undefined));
    assert.equal(editor.selection.active.line + 1, markerLine(handler, 'create-order-total'));
    // ESM: X-Ray kept no path for the frame; the log frame at the same index stands in for it.
    const esm = expectation(1);
    await run('openFrame', vscode.commands.executeCommand('serverlessLens.goToSource', esm.traceId, esm.spanId, { exceptionIndex: 0, frameIndex: 0 }));
    await assertOpenedAtMarker(esm);
  });

  test('a malformed frame argument is refused instead of falling back to the line that threw', async () => {
    const expected = expectation(0);
    for (const frame of [{ exceptionIndex: -1, frameIndex: 0 }, { exceptionIndex: 0, frameIndex: '1' }, 'frame 1', null]) {
      // The command runner reports the refusal and resolves; no editor may open.
      const result = await run('goToSource', vscode.commands.executeCommand('serverlessLens.goToSource', expected.traceId, expected.spanId, frame));
      assert.equal(result, undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(vscode.window.activeTextEditor, undefined, `no editor opened for the frame ${JSON.stringify(frame)}`);
    }
    // The panel's calls still work: with a valid frame, and without one.
    await run('openFrame', vscode.commands.executeCommand('serverlessLens.goToSource', expected.traceId, expected.spanId, { exceptionIndex: 0, frameIndex: 0 }));
    await assertOpenedAtMarker(expected);
    await closeAllEditors();
    await run('goToSource', vscode.commands.executeCommand('serverlessLens.goToSource', expected.traceId, expected.spanId));
    await assertOpenedAtMarker(expected);
  });

  test('Resolve Stack Trace from Clipboard links every own frame to its marked line', async () => {
    await vscode.env.clipboard.writeText(app.clipboardStack);
    const uri = await run('resolveStackTrace', vscode.commands.executeCommand<vscode.Uri | undefined>('serverlessLens.resolveStackTrace'));
    assert.ok(uri, 'the command returned the document it opened');
    const document = await vscode.workspace.openTextDocument(uri);
    assert.match(document.getText(), /TypeError: Cannot read properties of undefined/);
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', uri);
    const targets = links.map((link) => link.target).filter((target): target is vscode.Uri => target !== undefined);
    const validate = join(appDir, 'src/lib/validate.ts');
    const handler = join(appDir, 'src/handlers/createOrder.ts');
    const expected = [`${validate}#${markerLine(validate, 'validate-total-items')}`, `${handler}#${markerLine(handler, 'create-order-total')}`];
    assert.deepEqual(
      targets.map((target) => `${target.fsPath}#${/^L(\d+)/.exec(target.fragment)?.[1] ?? '?'}`),
      expected,
    );
  });

  test('Resolve Stack Trace says so when the clipboard holds no stack', async () => {
    await vscode.env.clipboard.writeText('just some text, no frames here');
    const before = vscode.workspace.textDocuments.filter((doc) => doc.uri.scheme === 'serverless-lens-stack').length;
    const result = await run('resolveStackTrace', vscode.commands.executeCommand('serverlessLens.resolveStackTrace'));
    assert.equal(result, undefined);
    assert.equal(vscode.workspace.textDocuments.filter((doc) => doc.uri.scheme === 'serverless-lens-stack').length, before);
  });
});
