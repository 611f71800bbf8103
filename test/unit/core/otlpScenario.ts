/**
 * Instrumented code run with the real OpenTelemetry JS SDK, shared by the OTLP decoder, mapping
 * and receiver tests: an orders function (a Lambda handler span with FaaS attributes, calls to
 * DynamoDB, SQS, an HTTP payment service and Postgres, a validation step that throws) and a
 * notifier consuming the queue, linked to the producer span.
 */
import { SpanKind, SpanStatusCode, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { Span, SpanContext, Tracer } from '@opentelemetry/api';

export const ORDERS_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:orders-api';
export const INVOCATION_ID = 'c6af9ac6-7b61-11e6-9a41-93e812345678';

export const ORDERS_RESOURCE = {
  'service.name': 'orders-api',
  'cloud.provider': 'aws',
  'cloud.platform': 'aws_lambda',
  'cloud.region': 'us-east-1',
  'faas.name': 'orders-api',
  'aws.log.group.names': ['/aws/lambda/orders-api'],
};

export const NOTIFIER_RESOURCE = { 'service.name': 'notifier', 'cloud.platform': 'aws_lambda', 'faas.name': 'notifier' };

export interface ScenarioResult {
  handler: SpanContext;
  dynamo: SpanContext;
  payment: SpanContext;
  enqueue: SpanContext;
  validate: SpanContext;
  query: SpanContext;
  consumer: SpanContext;
  /** The error `validateOrder` threw, with the stack the SDK recorded. */
  thrown: Error;
}

class OrderValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OrderValidationError';
  }
}

function validateOrder(order: { quantity: number }): void {
  if (order.quantity <= 0) {
    throw new OrderValidationError(`quantity must be positive, got ${order.quantity}`);
  }
}

function child(tracer: Tracer, parent: Span, name: string, kind: SpanKind, attributes: Record<string, string | number | boolean | string[]>): Span {
  return tracer.startSpan(name, { kind, attributes }, trace.setSpan(ROOT_CONTEXT, parent));
}

/** Runs the orders handler with `ordersTracer` and the queue consumer with `notifierTracer`. */
export function runOrderScenario(ordersTracer: Tracer, notifierTracer: Tracer): ScenarioResult {
  const handler = ordersTracer.startSpan('orders-api', {
    kind: SpanKind.SERVER,
    attributes: {
      'faas.trigger': 'http',
      'faas.invocation_id': INVOCATION_ID,
      'faas.coldstart': true,
      'cloud.resource_id': ORDERS_FUNCTION_ARN,
      'cloud.account.id': '123456789012',
      'http.request.method': 'POST',
      'url.full': 'https://api.example.com/orders?src=web',
      'user_agent.original': 'curl/8.5.0',
      'client.address': '198.51.100.7',
      'http.response.status_code': 500,
    },
  });

  const dynamo = child(ordersTracer, handler, 'DynamoDB.PutItem', SpanKind.CLIENT, {
    'rpc.system': 'aws-api',
    'rpc.service': 'DynamoDB',
    'rpc.method': 'PutItem',
    'cloud.region': 'us-east-1',
    'aws.request_id': 'TPEIDNDUROMLPOV17U4A79555NVV4KQNSO5AEMVJF66Q9ASUAAJG',
    'aws.dynamodb.table_names': ['orders'],
    'http.status_code': 200,
    'db.system': 'dynamodb',
  });
  dynamo.end();

  const payment = child(ordersTracer, handler, 'POST', SpanKind.CLIENT, {
    'http.request.method': 'POST',
    'url.full': 'https://payments.example.com/charge',
    'server.address': 'payments.example.com',
    'server.port': 443,
    'http.response.status_code': 503,
  });
  payment.setStatus({ code: SpanStatusCode.ERROR });
  payment.end();

  const query = child(ordersTracer, handler, 'SELECT orders', SpanKind.CLIENT, {
    'db.system': 'postgresql',
    'db.name': 'orders',
    'db.user': 'app',
    'server.address': 'db.internal',
    'db.statement': 'SELECT id FROM orders WHERE customer = $1',
  });
  query.end();

  const enqueue = child(ordersTracer, handler, 'orders-queue send', SpanKind.PRODUCER, {
    'rpc.system': 'aws-api',
    'rpc.service': 'SQS',
    'rpc.method': 'SendMessage',
    'messaging.system': 'aws_sqs',
    'messaging.destination.name': 'orders-queue',
    'messaging.url': 'https://sqs.us-east-1.amazonaws.com/123456789012/orders-queue',
  });
  enqueue.end();

  const validate = child(ordersTracer, handler, 'validateOrder', SpanKind.INTERNAL, {});
  let thrown: Error | undefined;
  try {
    validateOrder({ quantity: 0 });
  } catch (error) {
    thrown = error as Error;
    validate.recordException(thrown);
    validate.setStatus({ code: SpanStatusCode.ERROR, message: thrown.message });
  }
  validate.end();
  handler.setStatus({ code: SpanStatusCode.ERROR, message: 'validation failed' });
  handler.end();

  const consumer = notifierTracer.startSpan('orders-queue process', {
    kind: SpanKind.CONSUMER,
    attributes: { 'faas.trigger': 'pubsub', 'faas.invocation_id': '0d3b8f3c-1111-4a1e-9c1e-6a0e5c2f7b11', 'messaging.system': 'aws_sqs' },
    links: [{ context: enqueue.spanContext(), attributes: { 'messaging.message.id': 'm-1' } }],
  });
  consumer.end();

  if (thrown === undefined) throw new Error('the scenario did not throw');
  return {
    handler: handler.spanContext(),
    dynamo: dynamo.spanContext(),
    payment: payment.spanContext(),
    enqueue: enqueue.spanContext(),
    validate: validate.spanContext(),
    query: query.spanContext(),
    consumer: consumer.spanContext(),
    thrown,
  };
}

/** 1-based line of `validateOrder`'s `throw` in this file, read from the error's own stack. */
export function throwLine(error: Error): number {
  const frame = (error.stack ?? '').split('\n').find((line) => line.includes('otlpScenario'));
  const match = /:(\d+):\d+\)?$/.exec(frame ?? '');
  if (match?.[1] === undefined) throw new Error(`no frame of otlpScenario in ${error.stack}`);
  return Number(match[1]);
}
