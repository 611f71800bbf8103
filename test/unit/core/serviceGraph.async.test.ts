import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServiceGraph } from '../../../src/core/serviceGraph/buildServiceGraph';
import type { ServiceGraphOptions } from '../../../src/core/serviceGraph/buildServiceGraph';
import { buildTrace } from '../../../src/core/traceBuilder';
import { xrayToW3c } from '../../../src/core/traceIds';
import type { GraphEdge, ServiceGraph } from '../../../src/shared/serviceGraphModel';
import type { Trace } from '../../../src/shared/traceModel';
import { lambdaInvocation, segment, subsegment } from '../../builders/segmentBuilder';
import type { SegmentBuilder } from '../../builders/segmentBuilder';

const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/orders-queue';
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:orders-queue';
const PRODUCER_ID = '1-6553f100-aaaaaaaaaaaaaaaaaaaaaaaa';
const CONSUMER_ID = '1-6553f101-bbbbbbbbbbbbbbbbbbbbbbbb';

function traceOf(id: string, ...documents: SegmentBuilder[]): Trace {
  return buildTrace({ traceId: id, documents: documents.map((doc) => doc.traceId(id).json()) });
}

/** An API → `orders-fn` trace whose function sends to `orders-queue` at 50 ms; `send` is that subsegment. */
function producer(messageId?: string, id = PRODUCER_ID): { trace: Trace; send: SegmentBuilder } {
  const pair = lambdaInvocation('orders-fn', { offsetMs: 0 });
  const send = subsegment('SQS').namespace('aws').at(50, 20)
    .aws({ operation: 'SendMessage', queue_url: QUEUE, ...(messageId === undefined ? {} : { message_id: messageId }) });
  pair.invocation.child(send);
  return { trace: traceOf(id, pair.service, pair.fn), send };
}

/** A `shipper-fn` invocation starting at `offsetMs`; `decorate` adds the evidence under test. */
function consumer(offsetMs: number, decorate: (pair: ReturnType<typeof lambdaInvocation>) => void = () => {}, id = CONSUMER_ID): Trace {
  const pair = lambdaInvocation('shipper-fn', { offsetMs });
  pair.invocation.child(subsegment('DynamoDB').namespace('aws').at(offsetMs + 10, 5).aws({ operation: 'PutItem', table_name: 'shipments' }));
  decorate(pair);
  return traceOf(id, pair.service, pair.fn);
}

function asyncEdges(graph: ServiceGraph): GraphEdge[] {
  return graph.edges.filter((edge) => edge.kind !== 'sync');
}

function build(traces: Trace[], options?: ServiceGraphOptions): ServiceGraph {
  return buildServiceGraph(traces, options);
}

describe('async stitching', () => {
  test('an SQS span link becomes a linked edge from the queue to the consumer, with the event age', () => {
    const { trace, send } = producer();
    const linked = consumer(300, (pair) => pair.fn.set('links', [{ trace_id: PRODUCER_ID, id: send.id, attributes: { 'messaging.system': 'aws_sqs' } }]));
    const graph = build([trace, linked]);
    const [edge, ...others] = asyncEdges(graph);
    assert.equal(others.length, 0);
    assert.equal(edge?.id, 'sqs:orders-queue->lambda:shipper-fn#linked');
    assert.equal(edge?.kind, 'linked');
    assert.deepEqual(edge?.counts, { total: 1, ok: 1, errors: 0, faults: 0, throttles: 0 });
    // The consumer starts at 300 ms, the SendMessage at 50 ms.
    assert.equal(edge?.latency?.p50Ms, 250);
    assert.equal(edge?.evidence?.[0]?.kind, 'spanLink');
    assert.equal(edge?.evidence?.[0]?.fromTraceId, PRODUCER_ID);
    assert.equal(edge?.evidence?.[0]?.toTraceId, CONSUMER_ID);
    assert.match(edge?.evidence?.[0]?.description ?? '', /SendMessage/);
    assert.ok(!graph.edges.some((candidate) => candidate.id === 'client:Clients->lambda:shipper-fn'), 'a linked consumer has no client');
    assert.ok(graph.edges.some((candidate) => candidate.id === 'lambdaFunction:orders-fn->sqs:orders-queue'));
  });

  test('OTLP-style links with a W3C trace id find the producer too', () => {
    const { trace, send } = producer();
    const linked = consumer(300, (pair) => pair.fn.set('links', [{ trace_id: xrayToW3c(PRODUCER_ID), id: send.id }]));
    assert.deepEqual(asyncEdges(build([trace, linked])).map((edge) => edge.id), ['sqs:orders-queue->lambda:shipper-fn#linked']);
  });

  test('a link to a trace that was not read is anchored by the queue the consumer names, and dropped otherwise', () => {
    const naming = consumer(300, (pair) => {
      pair.fn.set('links', [{ trace_id: PRODUCER_ID, id: 'ffffffffffffffff' }]);
      pair.invocation.child(subsegment('## handle').at(320, 5).annotate('eventSourceARN', QUEUE_ARN));
    });
    const [edge] = asyncEdges(build([naming]));
    assert.equal(edge?.id, 'sqs:orders-queue->lambda:shipper-fn#linked');
    assert.equal(edge?.latency, undefined, 'no event age without the producer');
    assert.match(edge?.evidence?.[0]?.description ?? '', /not in the traces read/);
    const silent = consumer(300, (pair) => pair.fn.set('links', [{ trace_id: PRODUCER_ID, id: 'ffffffffffffffff' }]));
    assert.deepEqual(asyncEdges(build([silent])), []);
  });

  test('an AWSTraceHeader-carried parent in another trace becomes a linked edge', () => {
    const { trace, send } = producer();
    const child = consumer(400, (pair) => pair.service.parent(send.id));
    const graph = build([trace, child]);
    const [edge] = asyncEdges(graph);
    assert.equal(edge?.id, 'sqs:orders-queue->lambda:shipper-fn#linked');
    assert.equal(edge?.evidence?.[0]?.kind, 'awsTraceHeader');
    assert.equal(edge?.latency?.p50Ms, 350);
    assert.match(edge?.evidence?.[0]?.description ?? '', /AWSTraceHeader/);
  });

  test('a declared parent found nowhere draws nothing', () => {
    const { trace } = producer();
    const child = consumer(400, (pair) => pair.service.parent('0123456789abcdef'));
    const graph = build([trace, child]);
    assert.deepEqual(asyncEdges(graph), []);
    assert.ok(!graph.edges.some((edge) => edge.to === 'lambda:shipper-fn'), 'its caller is outside the traces: no client either');
  });

  test('the same message id on the producer call and in the consumer gives an inferred edge', () => {
    const { trace } = producer('5fea7756-0ea4-451a-a703-a558b933e274');
    const receiver = consumer(5_000, (pair) => pair.invocation.child(subsegment('## handle').at(5_020, 5).metadata('default', 'MessageId', '5fea7756-0ea4-451a-a703-a558b933e274')));
    const [edge, ...others] = asyncEdges(build([trace, receiver]));
    assert.equal(others.length, 0);
    assert.equal(edge?.id, 'sqs:orders-queue->lambda:shipper-fn#inferred');
    assert.equal(edge?.evidence?.[0]?.kind, 'messageId');
    assert.match(edge?.evidence?.[0]?.description ?? '', /5fea7756-0ea4-451a-a703-a558b933e274/);
  });

  test('different message ids, or an id only on the producer side, infer nothing', () => {
    const { trace } = producer('id-1');
    const other = consumer(300, (pair) => pair.invocation.child(subsegment('## handle').at(320, 5).annotate('messageId', 'id-2')));
    assert.deepEqual(asyncEdges(build([trace, other])), []);
  });

  test('timing infers a hop only when the consumer names the queue and starts within the window', () => {
    const { trace } = producer();
    const named = (offsetMs: number, queue = QUEUE_ARN): Trace => consumer(offsetMs, (pair) => pair.invocation.child(subsegment('## handle').at(offsetMs + 20, 5).annotate('eventSourceARN', queue)));
    const [edge] = asyncEdges(build([trace, named(300)]));
    assert.equal(edge?.id, 'sqs:orders-queue->lambda:shipper-fn#inferred');
    assert.equal(edge?.evidence?.[0]?.kind, 'timing');
    assert.match(edge?.evidence?.[0]?.description ?? '', /250 ms after SendMessage/);
    assert.deepEqual(asyncEdges(build([trace, named(5_000)])), [], 'too late for the 2 s window');
    assert.deepEqual(asyncEdges(build([trace, named(300, 'arn:aws:sqs:us-east-1:123456789012:another-queue')])), [], 'another queue');
    assert.deepEqual(asyncEdges(build([trace, named(300)], { timingWindowMs: 0 })), [], 'timing off');
    assert.deepEqual(asyncEdges(build([named(300)])), [], 'no publish at all');
  });

  test('nothing is inferred without evidence, however well the timing matches', () => {
    const { trace } = producer('m-1');
    const graph = build([trace, consumer(120)]);
    assert.deepEqual(asyncEdges(graph), []);
    assert.ok(graph.edges.some((edge) => edge.id === 'client:Clients->lambda:shipper-fn'), 'the consumer stays an entry of its own');
  });

  test('the strongest evidence wins: a linked consumer with a message id is not also inferred', () => {
    const { trace, send } = producer('m-7');
    const both = consumer(300, (pair) => {
      pair.fn.set('links', [{ trace_id: PRODUCER_ID, id: send.id }]);
      pair.invocation.child(subsegment('## handle').at(320, 5).annotate('message_id', 'm-7').annotate('queue_url', QUEUE));
    });
    assert.deepEqual(asyncEdges(build([trace, both])).map((edge) => [edge.id, edge.evidence?.map((e) => e.kind)]), [['sqs:orders-queue->lambda:shipper-fn#linked', ['spanLink']]]);
  });

  test('a link to a span that is not a publish goes from the producer service', () => {
    const api = segment('web').at(0, 500).http('POST', 'https://web.example.com/');
    const producerTrace = traceOf(PRODUCER_ID, api);
    const linked = consumer(700, (pair) => pair.fn.set('links', [{ trace_id: PRODUCER_ID, id: api.id }]));
    assert.deepEqual(asyncEdges(build([producerTrace, linked])).map((edge) => edge.id), ['internal:web->lambda:shipper-fn#linked']);
  });

  test('links within the same trace are not async hops', () => {
    const self = consumer(0, (pair) => pair.fn.set('links', [{ trace_id: CONSUMER_ID, id: pair.service.id }]));
    assert.deepEqual(asyncEdges(build([self])), []);
  });

  test('an SNS publish and an EventBridge PutEvents stitch by message id to their topic and bus', () => {
    const pair = lambdaInvocation('notifier', {});
    pair.invocation.child(
      subsegment('SNS').namespace('aws').at(10, 5).aws({ operation: 'Publish', topic_arn: 'arn:aws:sns:us-east-1:123456789012:alerts' }).metadata('sns', 'MessageId', 'sns-1'),
      subsegment('EventBridge').namespace('aws').at(20, 5).aws({ operation: 'PutEvents', event_bus_name: 'orders-bus' }).metadata('events', 'EventId', 'ev-1'),
    );
    const publisher = traceOf(PRODUCER_ID, pair.service, pair.fn);
    const snsConsumer = consumer(2_000, (p) => p.invocation.child(subsegment('## handle').at(2_010, 5).annotate('snsMessageId', 'sns-1')), CONSUMER_ID);
    const busConsumer = buildTrace({ traceId: '1-6553f102-cccccccccccccccccccccccc', documents: (() => {
      const p = lambdaInvocation('audit-fn', { offsetMs: 3_000 });
      p.invocation.child(subsegment('## handle').at(3_010, 5).annotate('eventId', 'ev-1'));
      return [p.service.traceId('1-6553f102-cccccccccccccccccccccccc').json(), p.fn.traceId('1-6553f102-cccccccccccccccccccccccc').json()];
    })() });
    assert.deepEqual(asyncEdges(build([publisher, snsConsumer, busConsumer])).map((edge) => edge.id).sort(), [
      'eventbridge:orders-bus->lambda:audit-fn#inferred',
      'sns:alerts->lambda:shipper-fn#inferred',
    ]);
  });
});
