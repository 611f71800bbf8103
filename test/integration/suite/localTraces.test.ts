import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

import type { LocalReceiversSnapshot, ServerlessLensApi, TraceRowsBySource, TracesRefreshCounts } from '../../../src/shared/extensionApi';
import { activatedApi, extension, primaryUrl, setSetting, showTracesView, waitFor } from './helpers';

/** The daemon's datagram header, as every X-Ray SDK writes it before the document. */
const DAEMON_HEADER = '{"format": "json", "version": 1}\n';

function fixture(path: string): string {
  return readFileSync(join(extension().extensionPath, 'test', 'fixtures', path), 'utf8');
}

/** `5B8EFFF798038103D269B633813FC60C` → `1-5b8efff7-98038103d269b633813fc60c`. */
function xrayIdOfW3c(w3c: string): string {
  const hex = w3c.toLowerCase();
  return `1-${hex.slice(0, 8)}-${hex.slice(8)}`;
}

function portOf(address: string | undefined): number {
  const port = Number(/:(\d+)$/.exec(address ?? '')?.[1]);
  assert.ok(port > 0, `no port in "${address}"`);
  return port;
}

async function sendDatagram(port: number, text: string): Promise<void> {
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => socket.send(Buffer.from(text, 'utf8'), port, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
  } finally {
    socket.close();
  }
}

async function postJson(port: number, path: string, body: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await response.arrayBuffer();
  return response.status;
}

async function bindUdp(port = 0): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => resolve());
  });
  return socket;
}

async function freeUdpPort(): Promise<number> {
  const socket = await bindUdp();
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

function docOf(datagramFile: string): { trace_id: string } {
  const text = fixture(datagramFile);
  return JSON.parse(text.slice(text.indexOf('\n') + 1)) as { trace_id: string };
}

suite('Local traces', () => {
  let api: ServerlessLensApi;
  const receivers = (): LocalReceiversSnapshot => api.testing.localReceivers();
  const bySource = (): TraceRowsBySource => api.testing.traceRowsBySource();
  const localIds = (): string[] => bySource().local.map((row) => row.id);
  const waitForLocal = (what: string, accept: (ids: string[]) => boolean, timeoutMs = 10_000): Promise<true> =>
    waitFor(what, () => (accept(localIds()) ? true : undefined), timeoutMs);

  async function start(): Promise<LocalReceiversSnapshot> {
    await vscode.commands.executeCommand('serverlessLens.startLocalReceivers');
    return waitFor('the receivers to run', () => (receivers().running ? receivers() : undefined));
  }

  suiteSetup(async () => {
    api = await activatedApi();
    await showTracesView();
    // Port 0: the system picks free ports; the receivers report what they bound.
    await setSetting('serverlessLens.local.udpAddress', '127.0.0.1:0');
    await setSetting('serverlessLens.local.otlpAddress', '127.0.0.1:0');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('serverlessLens.stopLocalReceivers');
    await vscode.commands.executeCommand('serverlessLens.clearLocalTraces');
    await vscode.commands.executeCommand('serverlessLens.showAllTraces');
    await setSetting('serverlessLens.local.udpAddress', undefined);
    await setSetting('serverlessLens.local.otlpAddress', undefined);
    await setSetting('serverlessLens.aws.endpointUrl', primaryUrl());
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('before the receivers start, the view is not grouped', () => {
    assert.equal(receivers().running, false);
    assert.equal(bySource().grouped, false);
  });

  test('the start command binds both receivers on the configured (here: free) ports', async () => {
    const state = await start();
    assert.match(state.udp ?? '', /^127\.0\.0\.1:\d+$/);
    assert.match(state.otlp ?? '', /^127\.0\.0\.1:\d+$/);
    assert.notEqual(portOf(state.udp), 0);
    const groups = await waitFor('the Local and AWS groups', () => (bySource().grouped ? bySource().groups : undefined));
    assert.deepEqual(groups.map((group) => group.source), ['local', 'aws']);
    assert.ok(groups[0]?.description.includes(`udp ${state.udp}`), `Local group: ${groups[0]?.description}`);
    assert.ok(groups[0]?.description.includes(`otlp ${state.otlp}`), `Local group: ${groups[0]?.description}`);
  });

  test('real X-Ray daemon datagrams appear as rows under Local', async () => {
    const files = ['xray-segments/otel-contrib-serverSample-udp-datagram-with-header.txt', 'xray-segments/awsdocs-xray-daemon-udp-datagram-segment.txt'];
    const port = portOf(receivers().udp);
    for (const file of files) await sendDatagram(port, fixture(file));
    const ids = files.map((file) => docOf(file).trace_id);
    await waitForLocal(`local rows ${ids.join(', ')}`, (shown) => ids.every((id) => shown.includes(id)));
    const state = receivers();
    assert.ok((state.counters?.datagrams ?? 0) >= files.length, `datagrams counted: ${JSON.stringify(state.counters)}`);
    assert.equal(state.traceCount, bySource().local.length);
    const local = bySource().groups[0];
    assert.ok(local?.description.includes(`${state.traceCount} trace`), `Local group: ${local?.description}`);
  });

  test('an OTLP/HTTP JSON export and its logs join the Local traces', async () => {
    const port = portOf(receivers().otlp);
    const trace = fixture('otlp/opentelemetry-proto-examples-trace.json');
    const w3c = /"traceId":\s*"([0-9A-Fa-f]{32})"/.exec(trace)?.[1];
    assert.ok(w3c, 'the OTLP sample has a trace id');
    assert.equal(await postJson(port, '/v1/traces', trace), 200);
    const before = receivers().counters?.logRecords ?? 0;
    assert.equal(await postJson(port, '/v1/logs', fixture('otlp/opentelemetry-proto-examples-logs.json')), 200);
    await waitForLocal('the OTLP trace', (ids) => ids.includes(xrayIdOfW3c(w3c)));
    await waitFor('the log record to be counted', () => ((receivers().counters?.logRecords ?? 0) > before ? true : undefined));
  });

  test('malformed datagrams are counted and shown on the Local group, and the receiver stays up', async () => {
    const before = receivers().counters?.malformed ?? 0;
    const port = portOf(receivers().udp);
    // The AWS docs' own sample, verbatim: a missing comma makes it invalid JSON.
    await sendDatagram(port, `${DAEMON_HEADER}${fixture('xray-segments/awsdocs-xray-independent-subsegment.MALFORMED-missing-comma.json')}`);
    await waitFor('malformed input counted', () => ((receivers().counters?.malformed ?? 0) >= before + 1 ? true : undefined));
    await waitFor('the count on the Local group', () => (bySource().groups[0]?.description.includes('malformed') === true ? true : undefined));
    assert.equal(receivers().running, true);
  });

  test('while datagrams stream in (20 a second) the Local group redraws about once a second, and not when no row changed', async function () {
    this.timeout(40_000);
    const refreshes = (): TracesRefreshCounts => {
      const counts = api.testing.tracesRefreshes?.();
      assert.ok(counts, 'the test API counts the Traces view redraws');
      return counts;
    };
    const port = portOf(receivers().udp);
    // The AWS docs' minimal complete segment, as new traces: fresh ids, timed now.
    const sample = JSON.parse(fixture('xray-segments/awsdocs-xray-minimal-complete-segment.json')) as Record<string, unknown>;
    const datagramOf = (traceId: string, segmentId: string, startMs: number): string =>
      `${DAEMON_HEADER}${JSON.stringify({ ...sample, trace_id: traceId, id: segmentId, start_time: startMs / 1000, end_time: startMs / 1000 + 0.178 })}`;
    const before = refreshes();
    const ids: string[] = [];
    let last = '';
    const started = Date.now();
    for (let i = 0; i < 60; i += 1) {
      const now = Date.now();
      const traceId = `1-${Math.floor(now / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
      ids.push(traceId);
      last = datagramOf(traceId, randomBytes(8).toString('hex'), now);
      await sendDatagram(port, last);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + (i + 1) * 50 - Date.now())));
    }
    const streamedMs = Date.now() - started;
    const atLastSend = refreshes().local;
    await waitForLocal(`the ${ids.length} streamed traces`, (shown) => ids.every((id) => shown.includes(id)));
    // The last datagrams are not left out: one more redraw comes after the stream ends.
    await waitFor('a redraw after the last datagram', () => (refreshes().local > atLastSend ? true : undefined), 5_000);
    const streamed = refreshes();
    const redraws = streamed.local - before.local + (streamed.root - before.root);
    console.log(`[local traces] ${ids.length} datagrams in ${streamedMs} ms: ${streamed.local - before.local} Local group redraws, ${streamed.root - before.root} whole-tree redraws, ${streamed.localSkipped - before.localSkipped} skipped as unchanged`);
    assert.ok(streamed.local - before.local >= 2, `the rows appear while the stream runs, not only at its end: ${JSON.stringify(streamed)}`);
    // One at the first trace, one per second after, one at the end, and one of slack for a slow host (without the limit: about four a second).
    assert.ok(redraws <= Math.ceil(streamedMs / 1000) + 3, `at most about one redraw a second: ${redraws} in ${streamedMs} ms`);

    // The same segment again (the SDKs re-flush closed segments): counted, but no row changes.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const datagramsBefore = receivers().counters?.datagrams ?? 0;
    const quiet = refreshes();
    for (let i = 0; i < 20; i += 1) {
      await sendDatagram(port, last);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await waitFor('the repeated datagrams counted', () => ((receivers().counters?.datagrams ?? 0) >= datagramsBefore + 20 ? true : undefined));
    await waitFor('a redraw skipped as unchanged', () => (refreshes().localSkipped > quiet.localSkipped ? true : undefined), 5_000);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const after = refreshes();
    assert.equal(after.local - quiet.local, 0, `no Local redraw when no row changed: ${JSON.stringify({ quiet, after })}`);
    assert.equal(after.root - quiet.root, 0, 'no whole-tree redraw either');
  });

  test('errors only and the filter apply to local rows', async () => {
    // A real failing segment (captured from the Go SDK), sent as the SDK sends it.
    const failing = JSON.parse(fixture('xray-segments/otel-contrib-ddbSample-go-sdk-deep-nesting-remote-exceptions.minified.json')) as { trace_id: string };
    await sendDatagram(portOf(receivers().udp), `${DAEMON_HEADER}${JSON.stringify(failing)}`);
    await waitForLocal('the failing trace', (ids) => ids.includes(failing.trace_id));
    await vscode.commands.executeCommand('serverlessLens.showErrorsOnly');
    await waitForLocal('only failing local rows', (ids) => ids.length > 0 && ids.includes(failing.trace_id) && bySource().local.every((row) => row.status !== 'ok'));
    await vscode.commands.executeCommand('serverlessLens.showAllTraces');
    const server = docOf('xray-segments/otel-contrib-serverSample-udp-datagram-with-header.txt').trace_id;
    await vscode.commands.executeCommand('serverlessLens.setFilterExpression', 'service("SampleServer")');
    await waitForLocal('only the SampleServer trace', (ids) => ids.length === 1 && ids[0] === server);
    await vscode.commands.executeCommand('serverlessLens.clearFilter');
    await waitForLocal('every local row again', (ids) => ids.includes(server) && ids.includes(failing.trace_id));
  });

  test('a local trace opens in the timeline from the store, with no AWS call', async () => {
    // Any AWS call now fails (nothing listens on port 9): a loaded timeline came from the store.
    await setSetting('serverlessLens.aws.endpointUrl', 'http://127.0.0.1:9');
    const id = docOf('xray-segments/otel-contrib-serverSample-udp-datagram-with-header.txt').trace_id;
    await vscode.commands.executeCommand('serverlessLens.openTrace', id);
    const shown = await waitFor(`the timeline of ${id}`, () => (api.testing.timeline(id)?.loaded === true ? api.testing.timeline(id) : undefined), 15_000);
    assert.equal(shown?.source, 'local');
    assert.equal(shown?.sourceLabel, 'Local');
    assert.equal(shown?.canOpenInConsole, false);
  });

  test('the W3C id of an OTLP trace opens its local timeline', async () => {
    const w3c = /"traceId":\s*"([0-9A-Fa-f]{32})"/.exec(fixture('otlp/opentelemetry-proto-examples-trace.json'))?.[1] ?? '';
    await vscode.commands.executeCommand('serverlessLens.openTrace', w3c.toLowerCase());
    const id = xrayIdOfW3c(w3c);
    const shown = await waitFor(`the timeline of ${id}`, () => (api.testing.timeline(id)?.loaded === true ? api.testing.timeline(id) : undefined), 15_000);
    assert.equal(shown?.source, 'local');
    await setSetting('serverlessLens.aws.endpointUrl', primaryUrl());
  });

  test('a changed address applies without a reload: the receivers move to the new port', async () => {
    const port = await freeUdpPort();
    await setSetting('serverlessLens.local.udpAddress', `127.0.0.1:${port}`);
    await waitFor(`the UDP receiver on ${port}`, () => (receivers().udp === `127.0.0.1:${port}` ? true : undefined));
    assert.equal(receivers().running, true);
    await setSetting('serverlessLens.local.udpAddress', '127.0.0.1:0');
    await waitFor('the UDP receiver on a free port again', () => (receivers().running && receivers().udp !== `127.0.0.1:${port}` ? true : undefined));
  });

  test('a port in use gives a clear error naming the port, and nothing is left half-started', async () => {
    const blocker = await bindUdp();
    const { port } = blocker.address();
    try {
      await vscode.commands.executeCommand('serverlessLens.stopLocalReceivers');
      await waitFor('the receivers to stop', () => (receivers().running ? undefined : true));
      await setSetting('serverlessLens.local.udpAddress', `127.0.0.1:${port}`);
      await vscode.commands.executeCommand('serverlessLens.startLocalReceivers');
      const error = await waitFor('the start error', () => receivers().error);
      assert.ok(error.includes(String(port)), `error names port ${port}: ${error}`);
      assert.match(error, /in use/);
      assert.match(error, /serverlessLens\.local\.udpAddress/);
      assert.equal(receivers().running, false);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
      await setSetting('serverlessLens.local.udpAddress', '127.0.0.1:0');
    }
    const again = await start();
    assert.equal(again.error, undefined);
  });

  test('stopped receivers keep their traces; clearing them returns the view to AWS rows only', async () => {
    const kept = receivers().traceCount;
    assert.ok(kept > 0);
    await vscode.commands.executeCommand('serverlessLens.stopLocalReceivers');
    await waitFor('the Local group to say stopped', () => (bySource().groups[0]?.description.startsWith('stopped') === true ? true : undefined));
    assert.equal(bySource().local.length, kept);
    await vscode.commands.executeCommand('serverlessLens.clearLocalTraces');
    await waitFor('the view without groups', () => (bySource().grouped ? undefined : true));
    assert.deepEqual(bySource().local, []);
  });
});
