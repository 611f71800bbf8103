import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';

import { ENV_SOURCE_APP, TEST_REGION } from '../testEnv';
import type { SourceAppExpectations } from '../testEnv';
import type { ServerlessLensApi } from '../../../src/shared/extensionApi';
import { activatedApi, expectations, primaryUrl, setSetting, waitFor } from './helpers';

/** The fixture app's function whose deployed name the template's `!Sub` pattern matches. */
const CREATE_ORDER = 'orders-source-create-order';

function sourceApp(): SourceAppExpectations | undefined {
  const text = process.env[ENV_SOURCE_APP];
  return text ? (JSON.parse(text) as SourceAppExpectations) : undefined;
}

suite('Service map', function () {
  this.timeout(120_000);
  let api: ServerlessLensApi;

  suiteSetup(async () => {
    api = await activatedApi();
    if (vscode.workspace.getConfiguration('serverlessLens').get('aws.endpointUrl') !== primaryUrl()) {
      await setSetting('serverlessLens.aws.endpointUrl', primaryUrl());
      await setSetting('serverlessLens.aws.region', TEST_REGION);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await vscode.commands.executeCommand('serverlessLens.clearFilter');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('opens from the Traces view command and draws the services of the listed traces', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.serverlessLens');
    await vscode.commands.executeCommand('serverlessLens.openServiceMap');
    await waitFor('the map panel', () => (api.testing.serviceMap?.() !== undefined ? true : undefined));
    await api.testing.serviceMapSettled?.();
    const map = await waitFor('a drawn map', () => {
      const snapshot = api.testing.serviceMap?.();
      return snapshot !== undefined && snapshot.nodes.length > 0 ? snapshot : undefined;
    }, 30_000);
    const names = new Set(map.nodes.map((n) => n.name));
    // Every Lambda function of the served traces (the expectations are computed from the same traces) is on the map.
    for (const fn of expectations().primary.functions) assert.ok(names.has(fn.functionName), `${fn.functionName} is on the map: ${[...names].join(', ')}`);
    assert.ok(map.traceCount > 0 && map.traceCount >= Math.min(1, api.testing.traceRows().length), 'drawn from the listed traces');
    assert.ok(map.edges.length > 0);
    const tab = vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((t) => t.label === 'Service Map');
    assert.ok(tab, 'the Service Map tab is open');
  });

  test('the page messages are validated: a forged node id changes nothing', async () => {
    assert.equal(await api.testing.serviceMapReceive?.({ type: 'goToHandler', nodeId: '' }), false);
    assert.equal(await api.testing.serviceMapReceive?.({ type: 'goToHandler', nodeId: 42 }), false);
    assert.equal(await api.testing.serviceMapReceive?.({ type: 'launchMissiles' }), false);
  });

  test('selecting a Lambda node and "Go to Handler" opens its handler in the workspace', async function () {
    const app = sourceApp();
    if (!app) this.skip();
    const map = api.testing.serviceMap?.();
    const node = map?.nodes.find((n) => n.type === 'lambdaFunction' && n.name === CREATE_ORDER);
    assert.ok(node, `${CREATE_ORDER} is on the map`);
    // The same messages the webview posts for a click and for the side panel's button.
    assert.equal(await api.testing.serviceMapReceive?.({ type: 'select', selection: { kind: 'node', id: node.id } }), true);
    assert.deepEqual(api.testing.serviceMap?.()?.selected, { kind: 'node', id: node.id });
    // (Closing all editors would close the map itself: the handler simply becomes the active editor.)
    assert.equal(await api.testing.serviceMapReceive?.({ type: 'goToHandler', nodeId: node.id }), true);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
    const handler = join(folder, app.folder, 'src', 'handlers', 'createOrder.ts');
    const editor = await waitFor('the handler file', () => (vscode.window.activeTextEditor?.document.uri.fsPath === handler ? vscode.window.activeTextEditor : undefined));
    const exportLine = editor.document.getText().split('\n').findIndex((line) => /export\s+(const|async function|function)\s+handler/.test(line));
    assert.ok(exportLine >= 0);
    assert.equal(editor.selection.active.line, exportLine, 'the cursor is on the handler export');
  });
});
