/**
 * A generated set of traces for the service map with KNOWN totals: every request and call the
 * generator writes into a document is also written into `expected` (status and duration per node
 * and per edge, async hops with their evidence), so tests compare the built graph with what was
 * generated rather than with numbers copied from a previous run.
 *
 * Producer traces: client → `shop-api/prod` (API Gateway) → `orders-fn` (Lambda service and
 * function) → DynamoDB `orders` (with or without X-Ray's inferred segment), SQS `order-events`
 * (SendMessage recording `message_id`), HTTP `payments.example.com`. Some SQS sends get a consumer
 * trace, `shipper-fn` → DynamoDB `shipments`, whose hop is evidenced by a span link, an
 * AWSTraceHeader parent, a message id annotation, a queue-naming annotation plus timing, or
 * nothing at all. Producer traces start 10 s apart, so the only publish within the 2 s timing
 * window before a consumer is its own.
 */
import type { SpanStatus } from '../../src/shared/traceModel';
import { seededRandom } from './seededRandom';
import { segment, subsegment, TRACE_EPOCH_SECONDS } from './segmentBuilder';
import type { SegmentBuilder } from './segmentBuilder';

export type ConsumerEvidence = 'link' | 'header' | 'messageId' | 'timing' | 'none';

export interface ExpectedStats {
  statuses: SpanStatus[];
  durations: number[];
  traceIds: Set<string>;
  failingTraceIds: Set<string>;
}

export interface ExpectedGraph {
  nodes: Map<string, ExpectedStats>;
  edges: Map<string, ExpectedStats>;
  /** Async edge id → evidence kinds expected on it. */
  evidence: Map<string, Set<string>>;
  /** Consumer traces by the evidence they carry. */
  consumers: Map<ConsumerEvidence, string[]>;
}

export interface GraphTraceSet {
  traces: Array<{ id: string; documents: string[] }>;
  expected: ExpectedGraph;
}

export interface GraphTraceSetOptions {
  /** Producer traces; consumer traces come on top. */
  traces: number;
  seed?: number;
  /** Share of SQS sends that get a consumer trace; default 0.7. */
  consumerShare?: number;
}

export const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/order-events';
const SPACING_MS = 10_000;
const EVIDENCE: ConsumerEvidence[] = ['link', 'header', 'messageId', 'timing', 'none'];

function emptyStats(): ExpectedStats {
  return { statuses: [], durations: [], traceIds: new Set(), failingTraceIds: new Set() };
}

class Expectations {
  readonly graph: ExpectedGraph = { nodes: new Map(), edges: new Map(), evidence: new Map(), consumers: new Map() };

  private add(map: Map<string, ExpectedStats>, id: string, status: SpanStatus, durationMs: number, traceId: string): void {
    let stats = map.get(id);
    if (stats === undefined) map.set(id, (stats = emptyStats()));
    stats.statuses.push(status);
    stats.durations.push(durationMs);
    stats.traceIds.add(traceId);
    if (status !== 'ok') stats.failingTraceIds.add(traceId);
  }

  node(id: string, status: SpanStatus, durationMs: number, traceId: string): void {
    this.add(this.graph.nodes, id, status, durationMs, traceId);
  }

  edge(id: string, status: SpanStatus, durationMs: number, traceId: string, evidence?: string): void {
    this.add(this.graph.edges, id, status, durationMs, traceId);
    if (evidence !== undefined) {
      const kinds = this.graph.evidence.get(id) ?? new Set<string>();
      kinds.add(evidence);
      this.graph.evidence.set(id, kinds);
    }
  }

  consumer(kind: ConsumerEvidence, traceId: string): void {
    const list = this.graph.consumers.get(kind) ?? [];
    list.push(traceId);
    this.graph.consumers.set(kind, list);
  }
}

class Dice {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  status(): SpanStatus {
    const roll = this.next();
    return roll < 0.05 ? 'fault' : roll < 0.08 ? 'throttle' : roll < 0.13 ? 'error' : 'ok';
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
}

function withStatus(builder: SegmentBuilder, status: SpanStatus): SegmentBuilder {
  if (status === 'fault') return builder.fault('InternalFailure', 'generated fault', { stack: [] });
  if (status === 'throttle') return builder.throttle();
  if (status === 'error') return builder.error();
  return builder;
}

function traceIdOf(index: number, consumer: boolean): string {
  const epoch = (TRACE_EPOCH_SECONDS + Math.floor((index * SPACING_MS) / 1000)).toString(16);
  return `1-${epoch}-${consumer ? 'c' : 'a'}${index.toString(16).padStart(23, '0')}`;
}

const LAMBDA_ARN = (name: string): string => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

interface Send {
  traceId: string;
  spanId: string;
  messageId: string;
  startMs: number;
}

/** A call subsegment inside `parent` at [at, at + duration), recorded as node request + edge call. */
function call(dice: Dice, expect: Expectations, traceId: string, docs: SegmentBuilder[], from: string, builder: SegmentBuilder, toId: string, at: number, duration: number, inferred?: () => SegmentBuilder): void {
  const status = dice.status();
  withStatus(builder.at(at, duration), status);
  expect.edge(`${from}->${toId}`, status, duration, traceId);
  expect.node(toId, status, duration, traceId);
  if (inferred !== undefined) docs.push(withStatus(inferred().traceId(traceId).inferred().parent(builder.id).at(at, duration), status));
}

function producer(dice: Dice, expect: Expectations, index: number): { documents: string[]; id: string; send?: Send } {
  const id = traceIdOf(index, false);
  const t = index * SPACING_MS;
  const apiMs = dice.int(400, 1400);
  const invokeMs = apiMs - dice.int(10, 15);
  const serviceMs = invokeMs - dice.int(5, 10);
  const functionMs = serviceMs - dice.int(10, 15);
  const invocationMs = functionMs - 5;
  const docs: SegmentBuilder[] = [];
  const apiStatus = dice.status();
  const api = withStatus(segment('shop-api/prod').traceId(id).origin('AWS::ApiGateway::Stage').http('POST', 'https://shop.example.com/prod/orders').at(t, apiMs), apiStatus);
  expect.node('client:Clients', apiStatus, apiMs, id);
  expect.edge('client:Clients->apiGateway:shop-api/prod', apiStatus, apiMs, id);
  expect.node('apiGateway:shop-api/prod', apiStatus, apiMs, id);
  const invoke = subsegment('Lambda').namespace('aws').aws({ operation: 'Invoke', function_name: 'orders-fn', region: 'us-east-1' });
  const invokeStatus = dice.status();
  withStatus(invoke.at(t + 5, invokeMs), invokeStatus);
  expect.edge('apiGateway:shop-api/prod->lambda:orders-fn', invokeStatus, invokeMs, id);
  api.child(invoke);
  docs.push(api);
  const serviceStatus = dice.status();
  const service = withStatus(segment('orders-fn').traceId(id).origin('AWS::Lambda').parent(invoke.id).set('resource_arn', LAMBDA_ARN('orders-fn')).aws({ request_id: `req-${index}` }).at(t + 10, serviceMs), serviceStatus);
  expect.node('lambda:orders-fn', serviceStatus, serviceMs, id);
  docs.push(service);
  const fnStatus = dice.status();
  const fnStart = t + 20;
  const fn = withStatus(segment('orders-fn').traceId(id).origin('AWS::Lambda::Function').parent(service.id).aws({ function_arn: LAMBDA_ARN('orders-fn') }).at(fnStart, functionMs), fnStatus);
  expect.node('lambdaFunction:orders-fn', fnStatus, functionMs, id);
  expect.edge('lambda:orders-fn->lambdaFunction:orders-fn', fnStatus, functionMs, id);
  docs.push(fn);
  const invocation = subsegment('Invocation').at(fnStart + 1, invocationMs);
  fn.child(invocation);
  const from = 'lambdaFunction:orders-fn';
  let at = fnStart + 2;
  const ddbMs = dice.int(5, 50);
  const ddb = subsegment('DynamoDB').namespace('aws').aws({ operation: 'GetItem', table_name: 'orders', region: 'us-east-1' });
  call(dice, expect, id, docs, from, ddb, 'dynamodb:orders', at, ddbMs, dice.chance(0.5) ? () => segment('DynamoDB').origin('AWS::DynamoDB::Table').aws({ operation: 'GetItem', table_name: 'orders' }) : undefined);
  invocation.child(ddb);
  at += ddbMs + 1;
  let send: Send | undefined;
  if (dice.chance(0.6)) {
    const sqsMs = dice.int(5, 40);
    const messageId = `msg-${index.toString(16).padStart(8, '0')}-5fea7756`;
    const sqs = subsegment('SQS').namespace('aws').aws({ operation: 'SendMessage', queue_url: QUEUE_URL, region: 'us-east-1', message_id: messageId });
    call(dice, expect, id, docs, from, sqs, 'sqs:order-events', at, sqsMs);
    invocation.child(sqs);
    send = { traceId: id, spanId: sqs.id, messageId, startMs: at };
    at += sqsMs + 1;
  }
  if (dice.chance(0.5)) {
    const httpMs = dice.int(20, 200);
    const http = subsegment('payments.example.com').namespace('remote').http('POST', 'https://payments.example.com/charge', 200);
    call(dice, expect, id, docs, from, http, 'http:payments.example.com', at, httpMs);
    invocation.child(http);
  }
  return { id, documents: docs.map((doc) => doc.json()), ...(send === undefined ? {} : { send }) };
}

function consumer(dice: Dice, expect: Expectations, index: number, send: Send): { documents: string[]; id: string } {
  const id = traceIdOf(index, true);
  const evidence = dice.pick(EVIDENCE);
  expect.consumer(evidence, id);
  const lagMs = dice.int(30, 800);
  const t = send.startMs + lagMs;
  const serviceMs = dice.int(100, 400);
  const functionMs = serviceMs - 20;
  const serviceStatus = dice.status();
  const service = withStatus(segment('shipper-fn').traceId(id).origin('AWS::Lambda').set('resource_arn', LAMBDA_ARN('shipper-fn')).aws({ request_id: `c-${index}` }).at(t, serviceMs), serviceStatus);
  if (evidence === 'header') service.parent(send.spanId);
  expect.node('lambda:shipper-fn', serviceStatus, serviceMs, id);
  if (evidence === 'none') {
    expect.node('client:Clients', serviceStatus, serviceMs, id);
    expect.edge('client:Clients->lambda:shipper-fn', serviceStatus, serviceMs, id);
  } else {
    const linked = evidence === 'link' || evidence === 'header';
    const kind = linked ? 'linked' : 'inferred';
    const evidenceKind = evidence === 'link' ? 'spanLink' : evidence === 'header' ? 'awsTraceHeader' : evidence;
    expect.edge(`sqs:order-events->lambda:shipper-fn#${kind}`, serviceStatus, lagMs, id, evidenceKind);
  }
  const fnStatus = dice.status();
  const fn = withStatus(segment('shipper-fn').traceId(id).origin('AWS::Lambda::Function').parent(service.id).aws({ function_arn: LAMBDA_ARN('shipper-fn') }).at(t + 10, functionMs), fnStatus);
  if (evidence === 'link') fn.set('links', [{ trace_id: send.traceId, id: send.spanId, attributes: { 'messaging.system': 'aws_sqs' } }]);
  expect.node('lambdaFunction:shipper-fn', fnStatus, functionMs, id);
  expect.edge('lambda:shipper-fn->lambdaFunction:shipper-fn', fnStatus, functionMs, id);
  const invocation = subsegment('Invocation').at(t + 11, functionMs - 5);
  fn.child(invocation);
  const handler = subsegment('## handleRecord').at(t + 12, functionMs - 10);
  if (evidence === 'messageId') handler.annotate('message_id', send.messageId);
  if (evidence === 'timing') handler.annotate('queue_url', QUEUE_URL);
  invocation.child(handler);
  const docs: SegmentBuilder[] = [service, fn];
  const put = subsegment('DynamoDB').namespace('aws').aws({ operation: 'PutItem', table_name: 'shipments', region: 'us-east-1' });
  call(dice, expect, id, docs, 'lambdaFunction:shipper-fn', put, 'dynamodb:shipments', t + 13, dice.int(5, 30));
  handler.child(put);
  return { id, documents: docs.map((doc) => doc.json()) };
}

export function generateGraphTraceSet(options: GraphTraceSetOptions): GraphTraceSet {
  const dice = new Dice(options.seed ?? 7);
  const expect = new Expectations();
  const traces: GraphTraceSet['traces'] = [];
  const share = options.consumerShare ?? 0.7;
  for (let index = 0; index < options.traces; index++) {
    const made = producer(dice, expect, index);
    traces.push({ id: made.id, documents: made.documents });
    if (made.send !== undefined && dice.chance(share)) traces.push(consumer(dice, expect, index, made.send));
  }
  return { traces, expected: expect.graph };
}
