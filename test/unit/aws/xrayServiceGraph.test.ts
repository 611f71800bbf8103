import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { XRayClient } from '@aws-sdk/client-xray';
import { classifyAwsError } from '../../../src/aws/awsErrors';
import { fetchServiceGraph, ServiceGraphReadError } from '../../../src/aws/xrayServiceGraph';
import { buildServiceGraph } from '../../../src/core/serviceGraph/buildServiceGraph';
import { mergeServiceGraph, serviceTypeOfXRay } from '../../../src/core/serviceGraph/mergeServiceGraph';
import { parseServiceGraphJson } from '../../../src/core/serviceGraph/serviceGraphSnapshot';
import type { ServiceGraphSnapshot } from '../../../src/core/serviceGraph/serviceGraphSnapshot';
import { buildTrace } from '../../../src/core/traceBuilder';
import { loadSampleTraces } from '../../support/sampleTraces';
import { useTestConnection, FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY } from '../../support/awsTestConnection';
import { fixtureText } from '../core/fixtureTraces';

const NOW = new Date('2026-11-20T12:00:00Z');
const HOUR = 60 * 60 * 1000;
const samples = loadSampleTraces({ rebaseTo: NOW, count: 30 });
const LAST_15_MINUTES = { startTime: new Date(NOW.getTime() - 15 * 60_000), endTime: new Date(NOW.getTime() + 1000) };
const GRAPH_FIXTURE = 'xray-api-responses/awsdocs-xray-GetServiceGraph-ec2-dynamodb-sns.json';
const MALFORMED_FIXTURE = 'xray-api-responses/awscli-example-get-service-graph.TRUNCATED-MALFORMED.json';

function summary(snapshot: ServiceGraphSnapshot): string[] {
  return snapshot.services
    .map((service) => `${service.type}|${service.name}|${service.stats?.total ?? '-'}|${service.edges.map((edge) => `${snapshot.services.find((s) => s.referenceId === edge.referenceId)?.name}:${edge.stats?.total}`).sort().join(',')}`)
    .sort();
}

describe('fetchServiceGraph through the real SDK', () => {
  const conn = useTestConnection({ traces: samples }, (server) => {
    server.serviceGraph.pageSize = Number.POSITIVE_INFINITY;
    server.serviceGraph.fixedResponse = undefined;
  });

  test('agrees with the graph built from the same traces: merging adds nothing', async () => {
    const snapshot = await fetchServiceGraph(conn.factory.xray(), LAST_15_MINUTES, new AbortController().signal);
    assert.equal(conn.server.requests.length, 1);
    assert.equal(conn.server.requests[0]?.operation, 'GetServiceGraph');
    const graph = buildServiceGraph(samples.map((sample) => buildTrace({ traceId: sample.id, documents: sample.documents })));
    for (const service of snapshot.services.filter((candidate) => candidate.stats !== undefined)) {
      if (service.name === 'SNS') continue; // named by topic on our map, matched through its caller below
      const node = graph.nodes.find((candidate) => candidate.id === `${serviceTypeOfXRay(service.type, service.name)}:${service.name}`);
      assert.ok(node, `${service.type} ${service.name} is on the map`);
      assert.equal(node.counts.total, service.stats?.total, `${service.type} ${service.name}`);
    }
    const merged = mergeServiceGraph(graph, snapshot);
    assert.equal(merged.mergedServiceGraph, false);
    assert.deepEqual(merged.nodes.map((node) => node.id), graph.nodes.map((node) => node.id));
  });

  test('pages through NextToken within one window', async () => {
    const whole = await fetchServiceGraph(conn.factory.xray(), LAST_15_MINUTES, new AbortController().signal);
    conn.server.resetStats();
    conn.server.serviceGraph.pageSize = 2;
    const paged = await fetchServiceGraph(conn.factory.xray(), LAST_15_MINUTES, new AbortController().signal);
    assert.equal(conn.server.requests.length, Math.ceil(whole.services.length / 2));
    assert.ok(conn.server.requests.slice(1).every((request) => request.nextToken !== undefined));
    assert.deepEqual(summary(paged), summary(whole), 'edges to services on other pages are kept');
  });

  test('retries throttled calls with back-off', async () => {
    conn.server.throttleNext(2, 'GetServiceGraph');
    const snapshot = await fetchServiceGraph(conn.factory.xray(), LAST_15_MINUTES, new AbortController().signal);
    assert.ok(snapshot.services.length > 0);
    assert.deepEqual(conn.server.requests.map((request) => request.status), [429, 429, 200]);
  });

  test('splits a 24-hour range into windows of at most 6 hours and combines them', async () => {
    const day = { startTime: new Date(NOW.getTime() - 24 * HOUR), endTime: new Date(NOW.getTime() + 1000) };
    const snapshot = await fetchServiceGraph(conn.factory.xray(), day, new AbortController().signal);
    const windows = conn.server.requests.map((request) => [request.startTime ?? 0, request.endTime ?? 0]);
    assert.equal(windows.length, 5);
    for (const [start, end] of windows) assert.ok((end ?? 0) - (start ?? 0) <= 6 * 3600);
    assert.equal(snapshot.startEpochMs, day.startTime.getTime());
    assert.equal(snapshot.endEpochMs, day.endTime.getTime());
    conn.server.resetStats();
    const recent = await fetchServiceGraph(conn.factory.xray(), LAST_15_MINUTES, new AbortController().signal);
    assert.deepEqual(summary(snapshot), summary(recent), 'the traces sit in one window; the others add nothing');
  });

  test('the documented sample response reads the same over the wire as from the file', async () => {
    conn.server.serviceGraph.fixedResponse = JSON.parse(fixtureText(GRAPH_FIXTURE)) as Record<string, unknown>;
    const snapshot = await fetchServiceGraph(conn.factory.xray(), LAST_15_MINUTES, new AbortController().signal);
    assert.deepEqual(summary(snapshot), summary(parseServiceGraphJson(fixtureText(GRAPH_FIXTURE))));
    const merged = mergeServiceGraph(buildServiceGraph([]), snapshot);
    assert.ok(merged.nodes.some((node) => node.id === 'ec2:xray-sample.elasticbeanstalk.com' && node.counts.total === 4));
  });

  test('access denied surfaces as the SDK error, classified with the missing action', async () => {
    conn.server.failNext('accessDenied', 'GetServiceGraph');
    const error = await fetchServiceGraph(conn.factory.xray(), LAST_15_MINUTES, new AbortController().signal).then(() => undefined, (e: unknown) => e);
    const classified = classifyAwsError(error, { operation: 'GetServiceGraph' });
    assert.equal(classified.kind, 'accessDenied');
    assert.match(classified.message, /xray:GetServiceGraph/);
  });

  test('abort stops a slow call promptly', async () => {
    conn.server.latencyMs = 3000;
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const error = await fetchServiceGraph(conn.factory.xray(), LAST_15_MINUTES, controller.signal).then(() => undefined, (e: unknown) => e);
    assert.equal(classifyAwsError(error).kind, 'cancelled');
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  });
});

describe('fetchServiceGraph with an unreadable answer', () => {
  test('the truncated CLI sample gives a clear error, not a crash', async () => {
    const body = fixtureText(MALFORMED_FIXTURE);
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        response.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new XRayClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: { accessKeyId: FAKE_ACCESS_KEY_ID, secretAccessKey: FAKE_SECRET_ACCESS_KEY },
      maxAttempts: 1,
    });
    try {
      const error = await fetchServiceGraph(client, LAST_15_MINUTES, new AbortController().signal).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof ServiceGraphReadError, `got ${String(error)}`);
      assert.match(error.message, /service graph answer is not valid JSON/);
      assert.equal(classifyAwsError(error, { operation: 'GetServiceGraph' }).kind, 'unknown');
    } finally {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
