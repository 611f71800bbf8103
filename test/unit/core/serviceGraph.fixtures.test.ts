import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServiceGraph } from '../../../src/core/serviceGraph/buildServiceGraph';
import { pathOfTrace } from '../../../src/core/serviceGraph/tracePath';
import { buildTrace } from '../../../src/core/traceBuilder';
import type { ServiceGraph } from '../../../src/shared/serviceGraphModel';
import type { Trace } from '../../../src/shared/traceModel';
import { fixtureText, fixtureTraces, segmentFixtureNames } from './fixtureTraces';

const API_FIXTURES = [
  'xray-api-responses/awsdocs-xray-BatchGetTraces-scorekeep-with-lambda.json',
  'xray-api-responses/awscli-example-batch-get-traces-scorekeep.json',
  'xray-api-responses/grafana-xray-datasource-trace-parsed-documents-dynamodb-error-nodejs-stack.json',
  'xray-api-responses/grafana-xray-datasource-trace-parsed-documents-dotnet-sql.json',
];

function tracesOf(path: string): Trace[] {
  return fixtureTraces(path).map((trace) => buildTrace({ ...(trace.id === undefined ? {} : { traceId: trace.id }), documents: trace.documents }));
}

/** Durations in ms of the documents (and their direct subsegments) of a BatchGetTraces fixture, by id. */
function documentDurations(path: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const trace of fixtureTraces(path)) {
    for (const raw of trace.documents) {
      const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { id: string; start_time: number; end_time: number; subsegments?: Array<{ id: string; start_time: number; end_time: number }> };
      for (const item of [doc, ...(doc.subsegments ?? [])]) out.set(item.id, Math.round((item.end_time - item.start_time) * 1e6) / 1e3);
    }
  }
  return out;
}

function assertConsistent(graph: ServiceGraph, what: string): void {
  const ids = new Set(graph.nodes.map((node) => node.id));
  assert.equal(ids.size, graph.nodes.length, `${what}: node ids are unique`);
  for (const node of graph.nodes) {
    assert.equal(node.id, `${node.type}:${node.name}`, `${what}: ${node.id} is type:name`);
    const { counts } = node;
    assert.equal(counts.total, counts.ok + counts.errors + counts.faults + counts.throttles, `${what}: ${node.id} counts add up`);
    if (node.latency) assert.ok(node.latency.p50Ms <= node.latency.p95Ms && node.latency.p95Ms <= node.latency.p99Ms);
  }
  for (const edge of graph.edges) {
    assert.ok(ids.has(edge.from) && ids.has(edge.to), `${what}: ${edge.id} joins known nodes`);
    assert.notEqual(edge.from, edge.to);
  }
  // Structured-clone and JSON safe: the graph is posted to the webview as it is.
  assert.deepEqual(JSON.parse(JSON.stringify(graph)), graph);
}

describe('buildServiceGraph over the real samples', () => {
  test('the Scorekeep trace with Lambda: EB → Lambda service → function → SNS topic, EB → DynamoDB table', () => {
    const path = API_FIXTURES[0] ?? '';
    const graph = buildServiceGraph(tracesOf(path));
    assert.deepEqual(graph.nodes.map((node) => node.id), [
      'client:Clients',
      'dynamodb:scorekeep-user',
      'elasticBeanstalk:Scorekeep',
      'lambda:random-name',
      'lambdaFunction:random-name',
      'sns:awseb-e-ruag3jyweb-stack-NotificationTopic-6B829NT9V5O9',
    ]);
    assert.deepEqual(graph.edges.map((edge) => edge.id), [
      'client:Clients->elasticBeanstalk:Scorekeep',
      'elasticBeanstalk:Scorekeep->dynamodb:scorekeep-user',
      'elasticBeanstalk:Scorekeep->lambda:random-name',
      'lambda:random-name->lambdaFunction:random-name',
      'lambdaFunction:random-name->sns:awseb-e-ruag3jyweb-stack-NotificationTopic-6B829NT9V5O9',
    ]);
    const durations = documentDurations(path);
    const node = (id: string) => graph.nodes.find((candidate) => candidate.id === id);
    const edge = (id: string) => graph.edges.find((candidate) => candidate.id === id);
    assert.equal(node('lambda:random-name')?.latency?.p50Ms, durations.get('1fb07842d944e714'));
    assert.equal(node('lambdaFunction:random-name')?.latency?.p99Ms, durations.get('00f91aa01f4984fd'));
    assert.equal(node('dynamodb:scorekeep-user')?.latency?.p95Ms, durations.get('17ba309b32c7fbaf'), 'the inferred segment measures the table');
    // The caller's `Lambda` subsegment measures the call, network included.
    assert.equal(edge('elasticBeanstalk:Scorekeep->lambda:random-name')?.latency?.p50Ms, durations.get('0c544c1b1bbff948'));
    assert.equal(node('lambda:random-name')?.functionName, 'random-name');
    assert.equal(node('sns:awseb-e-ruag3jyweb-stack-NotificationTopic-6B829NT9V5O9')?.resource, 'arn:aws:sns:us-west-2:123456789012:awseb-e-ruag3jyweb-stack-NotificationTopic-6B829NT9V5O9');
    assert.deepEqual(node('client:Clients')?.counts, { total: 1, ok: 1, errors: 0, faults: 0, throttles: 0 });
    assert.ok(graph.nodes.every((candidate) => candidate.traceIds.length === 1 && candidate.source === 'traces'));
    assert.deepEqual(graph.nodes.filter((candidate) => candidate.root).map((candidate) => candidate.id), ['client:Clients']);
  });

  test('a DynamoDB call that faulted: the edge counts the caller\'s outcome, the table its own', () => {
    const graph = buildServiceGraph(tracesOf(API_FIXTURES[2] ?? ''));
    const table = graph.nodes.find((node) => node.type === 'dynamodb');
    const call = graph.edges.find((edge) => edge.to === table?.id);
    assert.equal(table?.health, 'fault');
    assert.equal(call?.counts.total, 1);
    assert.notEqual(call?.health, 'ok');
    assert.deepEqual(call?.failingTraceIds, tracesOf(API_FIXTURES[2] ?? '').map((trace) => trace.id));
  });

  test('the .NET sample: a web service calling ECS, SSM and (from ECS) a SQL database', () => {
    const graph = buildServiceGraph(tracesOf(API_FIXTURES[3] ?? ''));
    const types = new Map(graph.nodes.map((node) => [node.id, node.type]));
    assert.ok([...types.values()].includes('sql'));
    assert.ok([...types.values()].includes('ecs'));
    assert.ok(graph.edges.some((edge) => types.get(edge.from) === 'ecs' && types.get(edge.to) === 'sql'));
  });

  test('every sample builds a consistent graph, and pathOfTrace stays inside it', () => {
    const all: Trace[] = [];
    for (const path of API_FIXTURES) all.push(...tracesOf(path));
    for (const name of segmentFixtureNames()) all.push(buildTrace({ documents: [fixtureText(`xray-segments/${name}`)] }));
    for (const trace of all) {
      const graph = buildServiceGraph([trace]);
      assertConsistent(graph, trace.id || 'a sample');
      const path = pathOfTrace(graph, trace);
      // A single-trace graph is the trace's path.
      assert.deepEqual([...path.nodeIds].sort(), graph.nodes.map((node) => node.id).sort());
      assert.deepEqual([...path.edgeIds].sort(), graph.edges.map((edge) => edge.id).sort());
    }
    const together = buildServiceGraph(all);
    assertConsistent(together, 'all samples');
    assert.equal(together.traceCount, all.length);
  });

  test('the Go SDK sample: retries and connection steps nested in a call are part of the call', () => {
    const trace = buildTrace({ documents: [fixtureText('xray-segments/otel-contrib-ddbSample-go-sdk-deep-nesting-remote-exceptions.minified.json')] });
    const graph = buildServiceGraph([trace]);
    assert.deepEqual(graph.nodes.map((node) => node.id), ['client:Clients', 'dynamodb:does_not_exist', 'dynamodb:xray_sample_table', 'internal:DDB']);
  });

  test('an in-progress span is counted but has no duration to measure', () => {
    const trace = buildTrace({ documents: [fixtureText('xray-segments/awsdocs-xray-in-progress-segment.json')] });
    const graph = buildServiceGraph([trace]);
    const service = graph.nodes.find((node) => node.type !== 'client');
    assert.equal(service?.counts.total, 1);
    assert.equal(service?.latency, undefined);
  });

  test('no traces: an empty graph', () => {
    assert.deepEqual(buildServiceGraph([]), { nodes: [], edges: [], traceCount: 0, startEpochMs: 0, endEpochMs: 0, mergedServiceGraph: false });
  });
});
