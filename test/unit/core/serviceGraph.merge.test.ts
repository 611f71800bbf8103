import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServiceGraph } from '../../../src/core/serviceGraph/buildServiceGraph';
import { mergeServiceGraph, serviceTypeOfXRay } from '../../../src/core/serviceGraph/mergeServiceGraph';
import { combineSnapshots, parseServiceGraphJson, ServiceGraphFormatError, snapshotFromResponse } from '../../../src/core/serviceGraph/serviceGraphSnapshot';
import { buildTrace } from '../../../src/core/traceBuilder';
import type { Trace } from '../../../src/shared/traceModel';
import { LocalServiceGraph } from '../../support/localXRayServiceGraph';
import { fixtureText, fixtureTraces } from './fixtureTraces';
import { generateGraphTraceSet } from '../../builders/graphTraceSet';

const GRAPH_FIXTURE = 'xray-api-responses/awsdocs-xray-GetServiceGraph-ec2-dynamodb-sns.json';
const MALFORMED_FIXTURE = 'xray-api-responses/awscli-example-get-service-graph.TRUNCATED-MALFORMED.json';
const SCOREKEEP = 'xray-api-responses/awsdocs-xray-BatchGetTraces-scorekeep-with-lambda.json';

function stored(path: string): Array<{ id: string; documents: string[] }> {
  return fixtureTraces(path).map((trace) => ({ id: trace.id ?? '', documents: trace.documents.map((doc) => (typeof doc === 'string' ? doc : JSON.stringify(doc))) }));
}

function built(traces: ReadonlyArray<{ id: string; documents: string[] }>): Trace[] {
  return traces.map((trace) => buildTrace({ traceId: trace.id, documents: trace.documents }));
}

/** GetServiceGraph as the local endpoint computes it, independently of the code under test. */
function xrayGraphOf(traces: ReadonlyArray<{ id: string; documents: string[] }>) {
  return snapshotFromResponse(new LocalServiceGraph().compute(traces, 0, 4_000_000_000));
}

describe('GetServiceGraph snapshots', () => {
  test('the documented sample reads into services, edges, counts and response times', () => {
    const snapshot = parseServiceGraphJson(fixtureText(GRAPH_FIXTURE));
    assert.deepEqual(snapshot.services.map((service) => [service.referenceId, service.name, service.type, service.root]), [
      [0, 'xray-sample.elasticbeanstalk.com', 'client', false],
      [1, 'awseb-e-dixzws4s9p-stack-StartupSignupsTable-4IMSMHAYX2BA', 'AWS::DynamoDB::Table', false],
      [2, 'xray-sample.elasticbeanstalk.com', 'AWS::EC2::Instance', true],
      [3, 'SNS', 'AWS::SNS', false],
    ]);
    const client = snapshot.services[0];
    assert.deepEqual(client?.edges[0]?.stats, { total: 4, ok: 3, errors: 1, throttles: 0, faults: 0, totalResponseTimeMs: 273 });
    assert.deepEqual(client?.edges[0]?.responseTimes.map((entry) => entry.valueMs), [5, 15, 157, 96]);
    assert.equal(snapshot.startEpochMs, 0, 'the sample has no top-level times');
  });

  test('merged into an empty graph, every number comes from the service graph', () => {
    const snapshot = parseServiceGraphJson(fixtureText(GRAPH_FIXTURE));
    const graph = mergeServiceGraph(buildServiceGraph([]), snapshot);
    assert.equal(graph.mergedServiceGraph, true);
    assert.deepEqual(graph.nodes.map((node) => [node.id, node.source]), [
      ['client:Clients', 'serviceGraph'],
      ['dynamodb:awseb-e-dixzws4s9p-stack-StartupSignupsTable-4IMSMHAYX2BA', 'serviceGraph'],
      ['ec2:xray-sample.elasticbeanstalk.com', 'serviceGraph'],
      ['sns:SNS', 'serviceGraph'],
    ]);
    const entry = graph.edges.find((edge) => edge.id === 'client:Clients->ec2:xray-sample.elasticbeanstalk.com');
    assert.deepEqual(entry?.counts, { total: 4, ok: 3, errors: 1, faults: 0, throttles: 0 });
    assert.equal(entry?.health, 'error');
    // Nearest rank over 5, 15, 96, 157 ms; the mean from TotalResponseTime.
    assert.equal(entry?.latency?.p50Ms, 15);
    assert.equal(entry?.latency?.p95Ms, 157);
    assert.equal(entry?.latency?.meanMs, 68.25);
    assert.equal(entry?.source, 'serviceGraph');
    assert.deepEqual(graph.nodes.filter((node) => node.root).map((node) => node.id), ['client:Clients']);
  });

  test('the truncated sample is a clear format error, not a crash', () => {
    assert.throws(() => parseServiceGraphJson(fixtureText(MALFORMED_FIXTURE)), (error: unknown) => {
      assert.ok(error instanceof ServiceGraphFormatError);
      assert.match(error.message, /^The service graph is not valid JSON/);
      assert.match(error.message, /TRUNCA/, 'says where it broke');
      return true;
    });
    assert.throws(() => snapshotFromResponse({ Nothing: [] }), ServiceGraphFormatError);
  });

  test('merging X-Ray\'s graph of the same traces adds nothing, and both count the same requests', () => {
    const set = generateGraphTraceSet({ traces: 60, seed: 3 });
    const graph = buildServiceGraph(built(set.traces));
    const snapshot = xrayGraphOf(set.traces);
    const merged = mergeServiceGraph(graph, snapshot);
    assert.equal(merged.mergedServiceGraph, false);
    assert.deepEqual(merged.nodes.map((node) => node.id), graph.nodes.map((node) => node.id));
    assert.deepEqual(merged.edges, graph.edges);
    const measured = snapshot.services.filter((candidate) => candidate.stats !== undefined);
    assert.equal(measured.length, graph.nodes.length - 1, 'every node but the client');
    for (const service of measured) {
      const node = graph.nodes.find((candidate) => candidate.id === `${serviceTypeOfXRay(service.type, service.name)}:${service.name}`);
      assert.equal(node?.counts.total, service.stats?.total, `${service.type} ${service.name}`);
      assert.equal(node?.counts.faults, service.stats?.faults, `${service.type} ${service.name} faults`);
    }
  });

  test('X-Ray naming a resource by its service (SNS) still matches the trace node through its caller', () => {
    const traces = stored(SCOREKEEP);
    const graph = buildServiceGraph(built(traces));
    const snapshot = xrayGraphOf(traces);
    assert.ok(snapshot.services.some((service) => service.name === 'SNS' && service.type === 'AWS::SNS'));
    const merged = mergeServiceGraph(graph, snapshot);
    assert.equal(merged.mergedServiceGraph, false);
    assert.ok(!merged.nodes.some((node) => node.id === 'sns:SNS'));
  });

  test('services and calls only the service graph saw are added with its numbers; measured ones are kept', () => {
    const set = generateGraphTraceSet({ traces: 40, seed: 5 });
    const read = set.traces.slice(0, 10).filter((trace) => !trace.documents.some((doc) => doc.includes('payments.example.com')));
    const graph = buildServiceGraph(built(read));
    const merged = mergeServiceGraph(graph, xrayGraphOf(set.traces));
    assert.equal(merged.mergedServiceGraph, true);
    const payments = merged.nodes.find((node) => node.id === 'http:payments.example.com');
    assert.equal(payments?.source, 'serviceGraph');
    assert.deepEqual(payments?.traceIds, []);
    assert.equal(payments?.counts.total, set.expected.nodes.get('http:payments.example.com')?.statuses.length);
    const call = merged.edges.find((edge) => edge.id === 'lambdaFunction:orders-fn->http:payments.example.com');
    assert.equal(call?.source, 'serviceGraph');
    const api = merged.nodes.find((node) => node.id === 'apiGateway:shop-api/prod');
    assert.equal(api?.source, 'traces');
    assert.deepEqual(api?.counts, graph.nodes.find((node) => node.id === 'apiGateway:shop-api/prod')?.counts, 'measured numbers win');
  });

  test('windows combine by service type and name, adding counts and response times', () => {
    const set = generateGraphTraceSet({ traces: 20, seed: 9 });
    const first = xrayGraphOf(set.traces.slice(0, 12));
    const second = xrayGraphOf(set.traces.slice(12));
    const whole = xrayGraphOf(set.traces);
    const combined = combineSnapshots([first, second]);
    const totals = (snapshot: typeof whole) => new Map(snapshot.services.map((service) => [`${service.type}|${service.name}`, [service.stats?.total, service.responseTimes.reduce((n, entry) => n + entry.count, 0), service.edges.length]]));
    assert.deepEqual(totals(combined), totals(whole));
  });
});
