/**
 * "Tail Function Logs…" end to end in VS Code: the command with `TailCommandArgs` (as the service
 * map and the lenses call it) tails a function of the test workspace through the real Live Tail
 * client; the local endpoint emits events through its test control endpoint; the lines reach the
 * tail (parsed, tagged, posted to the tail view) within a second of the frame going out; the
 * status bar says a tail runs; Stop Log Tail stops it and closes the stream at the endpoint.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

import { TEST_REGION } from '../testEnv';
import type { ServerlessLensTestApi, TailLineSnapshot, TailSessionSnapshot } from '../../../src/shared/extensionApi';
import { TAIL_VIEW_TYPE } from '../../../src/shared/tailMessages';
import { activatedApi, primaryUrl, setSetting, waitFor } from './helpers';

/** A function of the test workspace's template.yaml (FunctionName: orders-api-CreateOrder). */
const FUNCTION = 'orders-api-CreateOrder';
const GROUP = `/aws/lambda/${FUNCTION}`;
const REQUEST = '5b0e2f7a-9c1d-4e3f-8a6b-7c8d9e0f1a2b';
const TRACE = '1-65f1a2b3-4c5d6e7f8a9b0c1d2e3f4a5b';

type TailApi = Required<Pick<ServerlessLensTestApi, 'tailLines' | 'tailSessions'>>;

function tailApi(testing: ServerlessLensTestApi): TailApi {
  const { tailLines, tailSessions } = testing;
  assert.ok(tailLines && tailSessions, 'the test API has the tail methods');
  return { tailLines, tailSessions };
}

async function post(path: string, body: unknown): Promise<{ status: number; json: { delivered?: number; message?: string } }> {
  const response = await fetch(`${primaryUrl()}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as { delivered?: number; message?: string } };
}

/** Emits events; resolves with how many went out on open streams and when the endpoint answered. */
async function emit(events: { message: string; timestamp?: number }[]): Promise<{ delivered: number; at: number }> {
  const { status, json } = await post('/__test/liveTail/emit', { logGroupIdentifier: GROUP, events });
  assert.equal(status, 200, json.message);
  return { delivered: json.delivered ?? 0, at: Date.now() };
}

function sessionOf(api: TailApi): TailSessionSnapshot | undefined {
  return api.tailSessions().find((session) => session.functions.includes(FUNCTION));
}

/**
 * How long the tail view's page may take to load. VS Code for the web loads a webview page only
 * after installing a fresh service worker for it, and the worker's activation waits for the
 * previous worker's resource fetches still in flight (VS Code answers or times them out within
 * 30 s; a page closed mid-load leaves its fetch to the timeout). Measured here: 1.6 to 5.4 s from
 * the panel's creation, growing with the machine's load. Lines that arrive before are replayed to
 * the page, so nothing is lost; the page only has to come.
 */
const VIEW_PAGE_MS = 45_000;

function tailViewTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(TAIL_VIEW_TYPE));
}

suite('Live tail', function () {
  let api: TailApi;

  suiteSetup(async () => {
    const testing = (await activatedApi()).testing;
    api = tailApi(testing);
    if (vscode.workspace.getConfiguration('serverlessLens').get('aws.endpointUrl') !== primaryUrl()) {
      await setSetting('serverlessLens.aws.endpointUrl', primaryUrl());
      await setSetting('serverlessLens.aws.region', TEST_REGION);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // The endpoint's GetFunctionConfiguration must know the function (as the template declares it).
    const registered = await post('/__test/lambda/functions', { [FUNCTION]: { Timeout: 10, MemorySize: 256, Runtime: 'nodejs20.x' } });
    assert.equal(registered.status, 200, registered.json.message);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('serverlessLens.stopTail');
    for (const tab of tailViewTabs()) await vscode.window.tabGroups.close(tab);
  });

  test('tails a workspace function given by name; emitted lines reach the tail within a second', async function () {
    this.timeout(90_000);
    await vscode.commands.executeCommand('serverlessLens.tailFunctionLogs', { functionNames: [FUNCTION] });
    const session = await waitFor('a tail session of the function', () => sessionOf(api));
    assert.deepEqual(session.logGroups, [GROUP]);
    await waitFor('the tail view tab', () => (tailViewTabs().length > 0 ? true : undefined));
    assert.equal(tailViewTabs()[0]?.label, `Tail: ${FUNCTION}`);
    // The page loads while the stream connects (the two are independent): wait for it from now.
    // Only the active tab of its group has a page, so a timeout says where the tab is.
    const viewPage = waitFor('the tail view page', () => (sessionOf(api)?.viewReady === true ? true : undefined), VIEW_PAGE_MS).catch((error: unknown) => {
      const tabs = vscode.window.tabGroups.all.map((group) => group.tabs.map((t) => `${t.label}${t.isActive ? ' (active)' : ''}`));
      throw new Error(`${error instanceof Error ? error.message : String(error)}; tabs by group: ${JSON.stringify(tabs)}`);
    });
    viewPage.catch(() => undefined);
    await waitFor('the Live Tail stream', () => (sessionOf(api)?.state === 'live' ? true : undefined), 20_000);

    // The first emit waits until the endpoint has the stream open (it queues nothing before).
    const deadline = Date.now() + 20_000;
    let first = await emit([{ message: `START RequestId: ${REQUEST} Version: $LATEST\n` }]);
    while (first.delivered === 0) {
      assert.ok(Date.now() < deadline, 'no open Live Tail session at the endpoint');
      await new Promise((resolve) => setTimeout(resolve, 200));
      first = await emit([{ message: `START RequestId: ${REQUEST} Version: $LATEST\n` }]);
    }
    await waitFor('the START line', () => api.tailLines().find((line) => line.kind === 'start'));
    // Lines that came before the page loaded are replayed to it (its `init`).
    await viewPage;
    await waitFor('the START line in the view', () => ((sessionOf(api)?.postedLines ?? 0) >= 1 ? true : undefined));

    // Latency: from the frame leaving the endpoint to the line parsed in the extension and posted to the view.
    const latencies: number[] = [];
    const viewLatencies: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const marker = `latency probe ${i} ${Date.now()}`;
      const postedBefore = sessionOf(api)?.postedLines ?? 0;
      const sentAt = Date.now();
      const { delivered } = await emit([{ message: `2026-03-13T10:00:0${i}.000Z\t${REQUEST}\tINFO\t${marker}\n` }]);
      assert.equal(delivered, 1);
      const line = await waitFor(`line ${i}`, () => api.tailLines().find((candidate) => candidate.message === marker), 5_000);
      latencies.push((line.receivedAt ?? Date.now()) - sentAt);
      await waitFor(`line ${i} posted to the view`, () => ((sessionOf(api)?.postedLines ?? 0) > postedBefore ? true : undefined), 5_000);
      viewLatencies.push((sessionOf(api)?.lastPostedAt ?? Date.now()) - sentAt);
    }
    console.log(`[tail] emit → line parsed in the extension: ${latencies.join(', ')} ms; → posted to the tail view: ${viewLatencies.join(', ')} ms`);
    assert.ok(Math.max(...latencies) < 1000, `every line within 1 s of the endpoint emitting it: ${latencies.join(', ')} ms`);
    assert.ok(Math.max(...viewLatencies) < 1000, `every line posted to the view within 1 s: ${viewLatencies.join(', ')} ms`);

    await emit([
      { message: `2026-03-13T10:00:09.000Z\t${REQUEST}\tERROR\tsomething failed\n` },
      { message: `END RequestId: ${REQUEST}\n` },
      { message: `REPORT RequestId: ${REQUEST}\tDuration: 182.00 ms\tBilled Duration: 183 ms\tMemory Size: 256 MB\tMax Memory Used: 96 MB\t\nXRAY TraceId: ${TRACE}\tSegmentId: 0123456789abcdef\tSampled: true\t\n` },
    ]);
    const report = await waitFor('the REPORT line', () => api.tailLines().find((line) => line.kind === 'report'));
    assert.equal(report.functionName, FUNCTION);
    assert.equal(report.requestId, REQUEST);
    assert.match(report.message, /^REPORT 182 ms \(billed 183 ms\) · 96\/256 MB/);
    const lines: TailLineSnapshot[] = api.tailLines().filter((line) => line.sessionId === session.id);
    assert.ok(lines.every((line) => line.functionName === FUNCTION), 'every line is tagged with its function');
    assert.deepEqual(lines.map((line) => line.seq), lines.map((_, i) => lines[0]!.seq + i), 'seqs increase by one');
    const text = await waitFor('the status bar item', () => sessionOf(api)?.statusBarText);
    assert.match(text, /^\$\((pulse|warning)\) Tail · 1 fn · [\d.]+k? ev\/s$/);
  });

  test('the same functions again show the running tail; Stop Log Tail stops it and closes the stream', async function () {
    this.timeout(30_000);
    const before = api.tailSessions().length;
    await vscode.commands.executeCommand('serverlessLens.tailFunctionLogs', { functionNames: [FUNCTION] });
    assert.equal(api.tailSessions().length, before, 'no second session for the same function');
    await vscode.commands.executeCommand('serverlessLens.stopTail');
    await waitFor('the tail stopped', () => (sessionOf(api)?.running === false ? true : undefined));
    assert.equal(sessionOf(api)?.state, 'stopped');
    // The endpoint sees the stream closed: nothing is delivered any more.
    const deadline = Date.now() + 10_000;
    let delivered = (await emit([{ message: 'after stop' }])).delivered;
    while (delivered > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      delivered = (await emit([{ message: 'after stop' }])).delivered;
    }
    assert.equal(delivered, 0);
    assert.equal(sessionOf(api)?.statusBarText, undefined, 'the status bar item is hidden');
  });
});
