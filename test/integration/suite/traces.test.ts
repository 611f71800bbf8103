import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

import type { ServerlessLensApi } from '../../../src/shared/extensionApi';
import { TEST_REGION } from '../testEnv';
import { activatedApi, alternateUrl, expectations, primaryUrl, sameIds, setSetting, settleUntil, showTracesView } from './helpers';

suite('Traces view', () => {
  let api: ServerlessLensApi;
  const primary = (): string[] => expectations().primary.traces.map((t) => t.id);

  suiteSetup(async () => {
    api = await activatedApi();
    await showTracesView();
  });

  teardown(async () => {
    // Leave the connection and the query as the runner set them, for the next test and the UI phase.
    await setSetting('serverlessLens.aws.endpointUrl', primaryUrl());
    await setSetting('serverlessLens.aws.region', TEST_REGION);
    await vscode.commands.executeCommand('serverlessLens.showAllTraces');
  });

  test('lists the local endpoint\'s traces, newest first', async () => {
    await vscode.commands.executeCommand('serverlessLens.refreshTraces');
    const rows = await settleUntil(api, 'the sample traces', (r) => sameIds(r, primary()));
    assert.equal(rows.length, expectations().primary.traces.length);
    assert.equal(api.testing.tracesState(), 'ready');
  });

  test('each row has the status the server reports (a fault trace shows as a fault)', async () => {
    const rows = await settleUntil(api, 'the sample traces', (r) => sameIds(r, primary()));
    const expected = expectations().primary.traces;
    const fault = expected.find((t) => t.status === 'fault');
    assert.ok(fault, 'the sample set has a fault trace');
    assert.equal(rows.find((r) => r.id === fault.id)?.status, 'fault');
    assert.deepEqual(
      rows.map((r) => `${r.id} ${r.status}`),
      expected.map((t) => `${t.id} ${t.status}`),
    );
  });

  test('cold starts are marked once the full traces are fetched', async () => {
    const expected = expectations().primary.traces;
    const coldIds = expected.filter((t) => t.coldStart).map((t) => t.id);
    assert.ok(coldIds.length > 0, 'the sample set has a cold start');
    const rows = await settleUntil(api, 'cold-start marks', (r) => sameIds(r, primary()) && coldIds.every((id) => r.find((row) => row.id === id)?.coldStart));
    assert.deepEqual(
      rows.filter((r) => r.coldStart).map((r) => r.id),
      coldIds,
    );
  });

  test('changing serverlessLens.aws.endpointUrl takes effect without a reload', async () => {
    const alternate = expectations().alternate.traces.map((t) => t.id);
    assert.notDeepEqual(alternate, primary());
    await setSetting('serverlessLens.aws.endpointUrl', alternateUrl());
    await settleUntil(api, 'the second server\'s traces', (r) => sameIds(r, alternate));
    await setSetting('serverlessLens.aws.endpointUrl', primaryUrl());
    await settleUntil(api, 'the first server\'s traces again', (r) => sameIds(r, primary()));
  });

  test('changing serverlessLens.aws.region reconnects without a reload', async () => {
    // The local endpoint serves every region alike: what matters is that the new connection loads.
    await setSetting('serverlessLens.aws.region', 'eu-west-1');
    await settleUntil(api, 'traces over the eu-west-1 connection', (r) => sameIds(r, primary()));
    assert.equal(api.testing.tracesState(), 'ready');
  });

  test('the errors-only toggle keeps only failing traces', async () => {
    const failing = expectations().primary.traces.filter((t) => t.status !== 'ok').map((t) => t.id);
    assert.ok(failing.length > 0 && failing.length < primary().length);
    await vscode.commands.executeCommand('serverlessLens.showErrorsOnly');
    const rows = await settleUntil(api, 'only failing traces', (r) => sameIds(r, failing));
    assert.ok(rows.every((r) => r.status !== 'ok'));
    await vscode.commands.executeCommand('serverlessLens.showAllTraces');
    await settleUntil(api, 'all traces again', (r) => sameIds(r, primary()));
  });
});
