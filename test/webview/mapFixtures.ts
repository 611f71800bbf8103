/**
 * Service graphs for the map tests and bench: one built by the real `buildServiceGraph` from the
 * real X-Ray samples in test/fixtures, and generated ones of any size (seeded, from the contract
 * types) with every service type, async edges with evidence, and hostile names on demand.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildServiceGraph } from '../../src/core/serviceGraph/buildServiceGraph';
import { buildTrace } from '../../src/core/traceBuilder';
import type { GraphCounts, GraphEdge, GraphEdgeKind, GraphHealth, GraphNode, LatencyStats, ServiceGraph } from '../../src/shared/serviceGraphModel';
import type { ServiceType, Trace } from '../../src/shared/traceModel';
import { seededRandom } from '../builders/seededRandom';

const FIXTURES = join(__dirname, '..', 'fixtures', 'xray-api-responses');

/** The traces of the BatchGetTraces samples (scorekeep with Lambda, and the plain scorekeep one). */
export function sampleTraces(): Trace[] {
  const files = ['awsdocs-xray-BatchGetTraces-scorekeep-with-lambda.json', 'awscli-example-batch-get-traces-scorekeep.json'];
  const traces: Trace[] = [];
  for (const file of files) {
    const response = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as { Traces: { Id: string; Segments: { Document: string }[] }[] };
    for (const raw of response.Traces) {
      traces.push(buildTrace({ traceId: raw.Id, documents: raw.Segments.map((s) => s.Document) }));
    }
  }
  return traces;
}

export function sampleGraph(): ServiceGraph {
  return buildServiceGraph(sampleTraces());
}

const TYPES: ServiceType[] = ['apiGateway', 'lambdaFunction', 'lambda', 'dynamodb', 'sqs', 'sns', 's3', 'eventbridge', 'stepFunctions', 'http', 'awsService', 'sql', 'ecs', 'ec2', 'internal'];

function latency(random: () => number, count: number): LatencyStats {
  const base = 5 + random() * 200;
  const histogram = Array.from({ length: 12 }, (_, i) => ({ fromMs: Math.round(base * i * 0.5), toMs: Math.round(base * (i + 1) * 0.5), count: Math.round(count * Math.exp(-((i - 3) ** 2) / 6) * 0.3) }));
  return { count, minMs: base * 0.2, maxMs: base * 6, meanMs: base * 1.5, p50Ms: base * 1.3, p95Ms: base * 3.2, p99Ms: base * 4.8, histogram };
}

function counts(random: () => number, total: number): { counts: GraphCounts; health: GraphHealth } {
  const roll = random();
  const errors = roll < 0.2 ? Math.ceil(total * 0.05) : 0;
  const faults = roll > 0.85 ? Math.ceil(total * 0.02) : 0;
  const throttles = roll > 0.5 && roll < 0.58 ? Math.ceil(total * 0.01) : 0;
  const health: GraphHealth = faults > 0 ? 'fault' : throttles > 0 ? 'throttle' : errors > 0 ? 'error' : 'ok';
  return { counts: { total, ok: total - errors - faults - throttles, errors, faults, throttles }, health };
}

export interface SyntheticGraphOptions {
  seed?: number;
  /** Names that would run script if they were ever parsed as HTML. */
  hostileNames?: boolean;
}

export const HOSTILE_NAME = '<img src=x onerror="document.title=\'pwned\'">orders';

/** A layered graph of `size` nodes: a client, then services calling downstream, some async hops. */
export function syntheticGraph(size: number, options: SyntheticGraphOptions = {}): ServiceGraph {
  const random = seededRandom(options.seed ?? 7);
  const nodes: GraphNode[] = [];
  for (let i = 0; i < size; i++) {
    // Every type appears once early on, then at random.
    const type: ServiceType = i === 0 ? 'client' : (TYPES[i <= TYPES.length ? i - 1 : Math.floor(random() * TYPES.length)] as ServiceType);
    const hostile = options.hostileNames === true && i % 5 === 1;
    const name = i === 0 ? 'Clients' : hostile ? `${HOSTILE_NAME}-${i}` : `${['orders', 'payments', 'users', 'audit'][i % 4]}-${type}-${i}`;
    const total = 10 + Math.floor(random() * 1000);
    const { counts: c, health } = counts(random, total);
    nodes.push({
      id: `${type}:${name}`,
      name,
      type,
      ...(type === 'lambdaFunction' ? { functionName: name, functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}` } : {}),
      counts: c,
      latency: latency(random, total),
      health,
      source: 'traces',
      traceIds: [`1-5759e988-bd862e3fe1be46a99427${String(i).padStart(4, '0')}`],
      traceCount: 1,
      root: i === 0,
    });
  }
  const edges: GraphEdge[] = [];
  for (let i = 1; i < size; i++) {
    // Each node is called by one earlier node (a tree that grows in layers), some by two.
    const parents = [Math.floor(random() * Math.min(i, Math.max(1, Math.ceil(i / 3))))];
    if (i > 4 && random() < 0.25) parents.push(Math.floor(random() * i));
    for (const p of new Set(parents)) {
      const from = nodes[p] as GraphNode;
      const to = nodes[i] as GraphNode;
      const kind: GraphEdgeKind = random() < 0.1 ? (random() < 0.5 ? 'linked' : 'inferred') : 'sync';
      const total = Math.max(1, Math.floor(to.counts.total * (0.3 + random() * 0.7)));
      const { counts: c, health } = counts(random, total);
      const failing = c.errors + c.faults + c.throttles > 0 ? [`1-5759e988-bd862e3fe1be46a9942${String(i).padStart(5, '0')}`] : [];
      edges.push({
        id: `${from.id}->${to.id}${kind === 'sync' ? '' : `#${kind}`}`,
        from: from.id,
        to: to.id,
        kind,
        counts: c,
        latency: latency(random, total),
        health,
        source: 'traces',
        ...(kind === 'sync' ? {} : { evidence: [{ kind: kind === 'linked' ? 'spanLink' : 'messageId', description: `SQS message 5fea7756-${i} sent in trace A received in trace B`, fromTraceId: 'A', toTraceId: 'B' }] }),
        failingTraceIds: failing,
      });
    }
  }
  return { nodes, edges, traceCount: size * 3, startEpochMs: 1_700_000_000_000, endEpochMs: 1_700_000_900_000, mergedServiceGraph: false };
}
