import * as assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

import { ENV_SOURCE_APP, TEST_REGION } from '../testEnv';
import type { SourceAppExpectations } from '../testEnv';
import type { ServerlessLensApi } from '../../../src/shared/extensionApi';
import { activatedApi, expectations, extension, primaryUrl, setSetting, showTracesView, waitFor } from './helpers';

/** The fixture app's function whose deployed name the template's `!Sub` pattern matches. */
const CREATE_ORDER = 'orders-source-create-order';

/** A real X-Ray daemon datagram (OpenTelemetry Collector contrib's server sample): its service is `SampleServer`. */
const LOCAL_DATAGRAM = 'xray-segments/otel-contrib-serverSample-udp-datagram-with-header.txt';
const LOCAL_SERVICE = 'SampleServer';

async function sendDatagram(address: string | undefined, text: string): Promise<void> {
  const port = Number(/:(\d+)$/.exec(address ?? '')?.[1]);
  assert.ok(port > 0, `the UDP receiver's address: ${address}`);
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => socket.send(Buffer.from(text, 'utf8'), port, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
  } finally {
    socket.close();
  }
}

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
  test('opening a timeline by any means highlights its trace on the map, and so does making its tab active', async () => {
    const drawn = api.testing.serviceMap?.();
    assert.ok(drawn !== undefined && drawn.nodes.length > 0, 'the map is open and drawn');
    const label = (id: string): string => `Trace ${id.length > 16 ? `${id.slice(0, 15)}…` : id}`;
    const traces = expectations().primary.traces;
    const first = traces.find((t) => t.status !== 'ok') ?? traces[0];
    const second = traces.find((t) => first !== undefined && label(t.id) !== label(first.id));
    assert.ok(first && second, 'two traces with different tab titles to open');
    // The command itself (as Open Trace by ID, the tail and the alerts run it), not a Traces view selection.
    await vscode.commands.executeCommand('serverlessLens.openTrace', first.id);
    await waitFor(`the path of ${first.id}`, () => (api.testing.serviceMap?.()?.highlightedTraceId === first.id ? true : undefined), 20_000);
    await vscode.commands.executeCommand('serverlessLens.openTrace', second.id);
    await waitFor(`the path of ${second.id}`, () => (api.testing.serviceMap?.()?.highlightedTraceId === second.id ? true : undefined), 20_000);
    // Back to the first timeline's tab (opened just left of the second; no command of ours): its path again.
    await vscode.commands.executeCommand('workbench.action.previousEditor');
    const active = await waitFor('the first timeline active', () => (vscode.window.tabGroups.activeTabGroup.activeTab?.label === label(first.id) ? true : undefined), 5_000).catch(() => vscode.window.tabGroups.activeTabGroup.activeTab?.label);
    assert.equal(active, true, `the active tab after "previous editor": ${String(active)}`);
    await waitFor(`the path of ${first.id} again`, () => (api.testing.serviceMap?.()?.highlightedTraceId === first.id ? true : undefined), 10_000);
    const timelines = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === label(first.id) || t.label === label(second.id));
    await vscode.window.tabGroups.close(timelines);
  });

  suite('with local traces beside the AWS ones', () => {
    suiteSetup(async () => {
      await showTracesView();
      await setSetting('serverlessLens.local.udpAddress', '127.0.0.1:0');
      await setSetting('serverlessLens.local.otlpAddress', '127.0.0.1:0');
      await vscode.commands.executeCommand('serverlessLens.startLocalReceivers');
      const receivers = await waitFor('the local receivers', () => (api.testing.localReceivers().running ? api.testing.localReceivers() : undefined));
      await sendDatagram(receivers.udp, readFileSync(join(extension().extensionPath, 'test', 'fixtures', LOCAL_DATAGRAM), 'utf8'));
      await waitFor('the Local and AWS groups with a local row', () => (api.testing.traceRowsBySource().grouped && api.testing.traceRowsBySource().local.length > 0 ? true : undefined));
      if (api.testing.serviceMap?.() === undefined) await vscode.commands.executeCommand('serverlessLens.openServiceMap');
    });

    suiteTeardown(async () => {
      await api.testing.serviceMapReceive?.({ type: 'scope', scope: 'all' });
      await vscode.commands.executeCommand('serverlessLens.stopLocalReceivers');
      await vscode.commands.executeCommand('serverlessLens.clearLocalTraces');
      await setSetting('serverlessLens.local.udpAddress', undefined);
      await setSetting('serverlessLens.local.otlpAddress', undefined);
    });

    /** The map once it drew `scope` with both sides listed. */
    async function drawn(scope: 'all' | 'local' | 'aws'): Promise<NonNullable<ReturnType<NonNullable<ServerlessLensApi['testing']['serviceMap']>>>> {
      await api.testing.serviceMapSettled?.();
      return waitFor(`the map drawn with scope ${scope}`, () => {
        const map = api.testing.serviceMap?.();
        return map?.scope?.scope === scope && map.scope.local > 0 && map.scope.aws > 0 ? map : undefined;
      }, 30_000);
    }

    test('All draws both; Local only the local traces (no X-Ray service graph); AWS only the AWS ones', async () => {
      const all = await drawn('all');
      const names = (map: typeof all): Set<string> => new Set(map.nodes.map((n) => n.name));
      const awsFunctions = expectations().primary.functions.map((fn) => fn.functionName);
      assert.ok(names(all).has(LOCAL_SERVICE), `All has the local service: ${[...names(all)].join(', ')}`);
      assert.ok(awsFunctions.every((fn) => names(all).has(fn)), 'All has the AWS functions');
      assert.equal(all.traceCount, all.scope?.local !== undefined ? all.scope.local + all.scope.aws : -1, 'All draws every listed trace');
      assert.match(all.sourceLabel ?? '', /^Local \+ AWS · /);

      assert.equal(await api.testing.serviceMapReceive?.({ type: 'scope', scope: 'local' }), true);
      const local = await drawn('local');
      assert.equal(local.traceCount, local.scope?.local);
      assert.ok(names(local).has(LOCAL_SERVICE));
      assert.ok(awsFunctions.every((fn) => !names(local).has(fn)), `no AWS function on the Local map: ${[...names(local)].join(', ')}`);
      assert.equal(local.sourceLabel, 'Local receivers');

      assert.equal(await api.testing.serviceMapReceive?.({ type: 'scope', scope: 'aws' }), true);
      const aws = await drawn('aws');
      assert.equal(aws.traceCount, aws.scope?.aws);
      assert.ok(!names(aws).has(LOCAL_SERVICE), 'the local service is not on the AWS map');
      assert.ok(awsFunctions.every((fn) => names(aws).has(fn)));
      assert.match(aws.sourceLabel ?? '', /^AWS · /);
    });

    test('the choice is kept while the map stays open, and the scope control goes with the Local group', async () => {
      assert.equal((await drawn('aws')).scope?.scope, 'aws');
      await vscode.commands.executeCommand('serverlessLens.stopLocalReceivers');
      await vscode.commands.executeCommand('serverlessLens.clearLocalTraces');
      await waitFor('the view without groups', () => (api.testing.traceRowsBySource().grouped ? undefined : true));
      await api.testing.serviceMapSettled?.();
      const map = await waitFor('the map without a scope', () => {
        const snapshot = api.testing.serviceMap?.();
        return snapshot !== undefined && snapshot.scope === undefined && snapshot.nodes.length > 0 ? snapshot : undefined;
      }, 30_000);
      assert.ok(!map.nodes.some((n) => n.name === LOCAL_SERVICE));
    });
  });
});
