import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServiceGraph } from '../../../src/core/serviceGraph/buildServiceGraph';
import { pathOfTrace } from '../../../src/core/serviceGraph/tracePath';
import { buildTrace } from '../../../src/core/traceBuilder';
import type { GraphCounts, GraphEdge, GraphNode, LatencyStats } from '../../../src/shared/serviceGraphModel';
import type { SpanStatus, Trace } from '../../../src/shared/traceModel';
import { generateGraphTraceSet } from '../../builders/graphTraceSet';
import type { ExpectedStats } from '../../builders/graphTraceSet';

const set = generateGraphTraceSet({ traces: 300, seed: 11 });
const traces: Trace[] = set.traces.map((trace) => buildTrace({ traceId: trace.id, documents: trace.documents }));
// Caps above the set's size, so every id can be compared.
const graph = buildServiceGraph(traces, { maxTraceIdsPerNode: 10_000, maxFailingTraceIds: 10_000, maxEvidence: 10_000 });

function expectedCounts(statuses: readonly SpanStatus[]): GraphCounts {
  const count = (status: SpanStatus): number => statuses.filter((s) => s === status).length;
  return { total: statuses.length, ok: count('ok'), errors: count('error'), faults: count('fault'), throttles: count('throttle') };
}

/** Nearest rank, written out independently of the code under test. */
function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.max(1, rank) - 1] ?? Number.NaN;
}

function assertLatency(latency: LatencyStats | undefined, durations: readonly number[], what: string): void {
  assert.ok(latency, `${what} has latency`);
  const sorted = [...durations].sort((a, b) => a - b);
  assert.equal(latency.count, sorted.length, `${what} count`);
  assert.equal(latency.minMs, sorted[0], `${what} min`);
  assert.equal(latency.maxMs, sorted[sorted.length - 1], `${what} max`);
  assert.equal(latency.p50Ms, percentile(sorted, 50), `${what} p50`);
  assert.equal(latency.p95Ms, percentile(sorted, 95), `${what} p95`);
  assert.equal(latency.p99Ms, percentile(sorted, 99), `${what} p99`);
  assert.ok(Math.abs(latency.meanMs - sorted.reduce((a, b) => a + b, 0) / sorted.length) < 0.001, `${what} mean`);
  assert.equal(latency.histogram.reduce((sum, bucket) => sum + bucket.count, 0), sorted.length, `${what} histogram holds every request`);
  for (const value of sorted) {
    const holders: unknown[] = latency.histogram.filter((bucket) => value >= bucket.fromMs && value < bucket.toMs);
    assert.equal(holders.length, 1, `${what}: ${value} ms falls in exactly one bucket`);
  }
}

function assertStats(actual: GraphNode | GraphEdge | undefined, expected: ExpectedStats, id: string): void {
  assert.ok(actual, `${id} exists`);
  assert.deepEqual(actual.counts, expectedCounts(expected.statuses), `${id} counts`);
  assertLatency(actual.latency, expected.durations, id);
  assert.equal(actual.source, 'traces');
}

describe('buildServiceGraph over a generated set with known totals', () => {
  test('has exactly the generated nodes and edges', () => {
    assert.deepEqual(graph.nodes.map((node) => node.id).sort(), [...set.expected.nodes.keys()].sort());
    assert.deepEqual(graph.edges.map((edge) => edge.id).sort(), [...set.expected.edges.keys()].sort());
    assert.equal(graph.traceCount, traces.length);
    assert.equal(graph.mergedServiceGraph, false);
  });

  test('node counts, rates and percentiles are exactly the generated ones', () => {
    for (const [id, expected] of set.expected.nodes) {
      const node = graph.nodes.find((candidate) => candidate.id === id);
      assertStats(node, expected, id);
      assert.deepEqual(new Set(node?.traceIds), expected.traceIds, `${id} trace ids`);
      assert.equal(node?.traceCount, expected.traceIds.size);
    }
  });

  test('edge counts, percentiles and failing traces are exactly the generated ones', () => {
    for (const [id, expected] of set.expected.edges) {
      const edge = graph.edges.find((candidate) => candidate.id === id);
      assertStats(edge, expected, id);
      assert.deepEqual(new Set(edge?.failingTraceIds), expected.failingTraceIds, `${id} failing traces`);
    }
  });

  test('async hops carry the generated evidence and nothing is inferred for consumers without evidence', () => {
    for (const [id, kinds] of set.expected.evidence) {
      const edge = graph.edges.find((candidate) => candidate.id === id);
      assert.deepEqual(new Set(edge?.evidence?.map((evidence) => evidence.kind)), kinds, id);
    }
    const silent = new Set(set.expected.consumers.get('none'));
    assert.ok(silent.size > 0, 'the set has consumers without evidence');
    for (const edge of graph.edges.filter((candidate) => candidate.kind !== 'sync')) {
      for (const evidence of edge.evidence ?? []) assert.ok(!silent.has(evidence.toTraceId), `${evidence.toTraceId} has no evidence yet was stitched`);
    }
  });

  test('health is the worst outcome, and the client node is the only root', () => {
    const worst = (counts: GraphCounts): string => (counts.faults > 0 ? 'fault' : counts.throttles > 0 ? 'throttle' : counts.errors > 0 ? 'error' : 'ok');
    for (const item of [...graph.nodes, ...graph.edges]) assert.equal(item.health, worst(item.counts), item.id);
    assert.deepEqual(graph.nodes.filter((node) => node.root).map((node) => node.id), ['client:Clients']);
  });

  test('trace id lists are capped, newest first, and say so', () => {
    const capped = buildServiceGraph(traces, { maxTraceIdsPerNode: 5, maxFailingTraceIds: 3, maxEvidence: 2 });
    const api = capped.nodes.find((node) => node.id === 'apiGateway:shop-api/prod');
    assert.equal(api?.traceIds.length, 5);
    assert.equal(api?.traceCountCapped, true);
    assert.equal(api?.traceCount, 300);
    const starts = new Map(traces.map((trace) => [trace.id, trace.startEpochMs]));
    const newest = [...traces].filter((trace) => trace.spans.some((span) => span.name === 'shop-api/prod')).sort((a, b) => b.startEpochMs - a.startEpochMs).slice(0, 5).map((trace) => trace.id);
    assert.deepEqual(api?.traceIds, newest);
    for (const edge of capped.edges) {
      assert.ok(edge.failingTraceIds.length <= 3);
      const times = edge.failingTraceIds.map((id) => starts.get(id) ?? 0);
      assert.deepEqual(times, [...times].sort((a, b) => b - a), `${edge.id} newest first`);
      assert.ok((edge.evidence?.length ?? 0) <= 2);
    }
  });

  test('ids are stable: the same traces in another order give the same graph', () => {
    const shuffled = [...traces].reverse();
    const again = buildServiceGraph(shuffled, { maxTraceIdsPerNode: 10_000, maxFailingTraceIds: 10_000, maxEvidence: 10_000 });
    assert.deepEqual(again.nodes.map((node) => [node.id, node.counts, node.latency]), graph.nodes.map((node) => [node.id, node.counts, node.latency]));
    assert.deepEqual(again.edges.map((edge) => [edge.id, edge.counts, edge.latency]), graph.edges.map((edge) => [edge.id, edge.counts, edge.latency]));
  });

  test('pathOfTrace gives the nodes and edges of one producer and one consumer', () => {
    const linked = set.expected.consumers.get('link')?.[0];
    const consumerTrace = traces.find((trace) => trace.id === linked);
    assert.ok(consumerTrace);
    const consumerPath = pathOfTrace(graph, consumerTrace);
    assert.deepEqual(consumerPath.nodeIds.sort(), ['dynamodb:shipments', 'lambda:shipper-fn', 'lambdaFunction:shipper-fn', 'sqs:order-events']);
    assert.ok(consumerPath.edgeIds.includes('sqs:order-events->lambda:shipper-fn#linked'));
    assert.ok(!consumerPath.edgeIds.includes('client:Clients->lambda:shipper-fn'), 'a stitched consumer was not called by a client');
    const producerId = consumerTrace.spans.flatMap((span) => span.links ?? [])[0]?.traceId;
    const producerTrace = traces.find((trace) => trace.id === producerId);
    assert.ok(producerTrace);
    const producerPath = pathOfTrace(graph, producerTrace);
    for (const id of ['client:Clients->apiGateway:shop-api/prod', 'apiGateway:shop-api/prod->lambda:orders-fn', 'lambdaFunction:orders-fn->sqs:order-events', 'sqs:order-events->lambda:shipper-fn#linked']) {
      assert.ok(producerPath.edgeIds.includes(id), id);
    }
    const edgeIds = new Set(graph.edges.map((edge) => edge.id));
    assert.ok(producerPath.edgeIds.every((id) => edgeIds.has(id)));
  });
});
