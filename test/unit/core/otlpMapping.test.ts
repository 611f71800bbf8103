/**
 * OTLP decoding (JSON and protobuf, from the real OpenTelemetry serializers) and the mapping of
 * OTLP spans onto the X-Ray model: FaaS conventions, span kinds, AWS/HTTP/SQL calls, errors and
 * exception stacks, links, and both forms of the trace id.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { decodeTraceRequestJson, traceRequestFromJson } from '../../../src/core/otlp/otlpJson';
import { decodeTraceRequestProtobuf, encodeExportResponseProtobuf, encodeStatusProtobuf } from '../../../src/core/otlp/otlpProtobuf';
import { countSpans, otlpTraceRequestToSegmentDocuments } from '../../../src/core/otlp/otlpToXray';
import { OtlpDecodeError } from '../../../src/core/otlp/otlpTypes';
import type { OtlpTraceRequest } from '../../../src/core/otlp/otlpTypes';
import { ProtobufReader } from '../../../src/core/otlp/protobufReader';
import { framesFromXRayException } from '../../../src/core/stackFrames';
import { buildTrace } from '../../../src/core/traceBuilder';
import { w3cToXray, xrayToW3c } from '../../../src/core/traceIds';
import type { Span, Trace } from '../../../src/shared/traceModel';
import { seededRandom } from '../../builders/seededRandom';
import { INVOCATION_ID, NOTIFIER_RESOURCE, ORDERS_FUNCTION_ARN, ORDERS_RESOURCE, runOrderScenario, throwLine } from './otlpScenario';
import type { ScenarioResult } from './otlpScenario';

interface Captured {
  spans: ReadableSpan[];
  result: ScenarioResult;
}

async function capture(): Promise<Captured> {
  const orders = new InMemorySpanExporter();
  const notifier = new InMemorySpanExporter();
  const ordersProvider = new TracerProvider({ resource: resourceFromAttributes(ORDERS_RESOURCE), spanProcessors: [new SimpleSpanProcessor({ exporter: orders })] });
  const notifierProvider = new TracerProvider({ resource: resourceFromAttributes(NOTIFIER_RESOURCE), spanProcessors: [new SimpleSpanProcessor({ exporter: notifier })] });
  const result = runOrderScenario(ordersProvider.getTracer('orders', '1.0.0'), notifierProvider.getTracer('notifier'));
  await ordersProvider.forceFlush();
  await notifierProvider.forceFlush();
  return { spans: [...orders.getFinishedSpans(), ...notifier.getFinishedSpans()], result };
}

function jsonBody(spans: ReadableSpan[]): Uint8Array {
  const body = JsonTraceSerializer.serializeRequest(spans);
  assert.ok(body);
  return body;
}

function protobufBody(spans: ReadableSpan[]): Uint8Array {
  const body = ProtobufTraceSerializer.serializeRequest(spans);
  assert.ok(body);
  return body;
}

function traceOf(request: OtlpTraceRequest, w3cTraceId: string): Trace {
  const mapped = otlpTraceRequestToSegmentDocuments(request);
  assert.equal(mapped.rejected, 0);
  const xray = w3cToXray(w3cTraceId);
  assert.ok(xray);
  return buildTrace({ traceId: xray, documents: mapped.documents.filter((doc) => doc.traceId === xray).map((doc) => doc.document) });
}

function span(trace: Trace, id: string): Span {
  const found = trace.spans.find((item) => item.id === id);
  assert.ok(found, `span ${id} in the trace`);
  return found;
}

describe('OTLP decoding', () => {
  test('JSON and protobuf from the real serializers decode to the same request', async () => {
    const { spans } = await capture();
    const fromJson = decodeTraceRequestJson(jsonBody(spans));
    const fromProtobuf = decodeTraceRequestProtobuf(protobufBody(spans));
    assert.equal(countSpans(fromJson), spans.length);
    assert.deepEqual(fromProtobuf, fromJson);
    const handler = fromJson.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)).find((item) => item.name === 'orders-api');
    assert.ok(handler);
    assert.equal(handler.kind, 2);
    assert.equal(handler.attributes['faas.coldstart'], true);
    assert.equal(handler.attributes['http.response.status_code'], 500);
    assert.equal(handler.status.code, 2);
    const original = spans.find((item) => item.name === 'orders-api');
    assert.equal(handler.traceId, original?.spanContext().traceId);
    assert.equal(handler.startTimeUnixNano, Number(BigInt(original?.startTime[0] ?? 0) * 1_000_000_000n + BigInt(original?.startTime[1] ?? 0)));
    assert.deepEqual(fromJson.resourceSpans[0]?.resource['aws.log.group.names'], ['/aws/lambda/orders-api']);
  });

  test('the opentelemetry-proto example request decodes (uppercase hex ids, string nanos)', () => {
    const request = traceRequestFromJson(JSON.parse(readFileSync(new URL('../../fixtures/otlp/opentelemetry-proto-examples-trace.json', import.meta.url), 'utf8')));
    const item = request.resourceSpans[0]?.scopeSpans[0]?.spans[0];
    assert.equal(item?.traceId, '5b8efff798038103d269b633813fc60c');
    assert.equal(item?.parentSpanId, 'eee19b7ec3c1b173');
    assert.equal(item?.startTimeUnixNano, 1544712660000000000);
    assert.equal(item?.attributes['my.span.attr'], 'some value');
    assert.equal(request.resourceSpans[0]?.scopeSpans[0]?.scope.name, 'my.library');
  });

  test('generic protobuf JSON (snake_case keys, base64 ids, enum names) is accepted too', () => {
    const request = decodeTraceRequestJson(JSON.stringify({
      resource_spans: [{ resource: { attributes: [{ key: 'service.name', value: { string_value: 'svc' } }] }, scope_spans: [{ spans: [{
        trace_id: Buffer.from('5b8efff798038103d269b633813fc60c', 'hex').toString('base64'),
        span_id: Buffer.from('eee19b7ec3c1b174', 'hex').toString('base64'),
        name: 'op', kind: 'SPAN_KIND_CLIENT', start_time_unix_nano: 1544712660000000000, end_time_unix_nano: '1544712661000000000',
        status: { code: 'STATUS_CODE_ERROR' },
        attributes: [{ key: 'n', value: { int_value: '-5' } }, { key: 'list', value: { array_value: { values: [{ bool_value: true }, { double_value: 1.5 }] } } }],
      }] }] }],
    }));
    const item = request.resourceSpans[0]?.scopeSpans[0]?.spans[0];
    assert.equal(item?.traceId, '5b8efff798038103d269b633813fc60c');
    assert.equal(item?.spanId, 'eee19b7ec3c1b174');
    assert.equal(item?.kind, 3);
    assert.equal(item?.status.code, 2);
    assert.equal(item?.attributes['n'], -5);
    assert.deepEqual(item?.attributes['list'], [true, 1.5]);
  });

  test('bodies that are not OTLP throw OtlpDecodeError only; random bytes never crash the decoder', async () => {
    assert.throws(() => decodeTraceRequestJson('not json'), OtlpDecodeError);
    assert.throws(() => decodeTraceRequestJson('[1,2,3]'), OtlpDecodeError);
    assert.deepEqual(decodeTraceRequestJson('{}'), { resourceSpans: [] });
    assert.throws(() => decodeTraceRequestProtobuf(Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0x0f])), OtlpDecodeError);
    const { spans } = await capture();
    const valid = protobufBody(spans);
    // Every truncation of a real message either decodes or throws OtlpDecodeError.
    for (let cut = 1; cut < valid.length; cut += 7) {
      try {
        decodeTraceRequestProtobuf(valid.subarray(0, cut));
      } catch (error) {
        assert.ok(error instanceof OtlpDecodeError, `cut at ${cut}: ${String(error)}`);
      }
    }
    const random = seededRandom(11);
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256));
      try {
        decodeTraceRequestProtobuf(bytes);
      } catch (error) {
        assert.ok(error instanceof OtlpDecodeError, String(error));
      }
    }
    // Attribute values nested without end are cut, not followed.
    let deep = '{"stringValue":"x"}';
    for (let i = 0; i < 5000; i++) deep = `{"arrayValue":{"values":[${deep}]}}`;
    const nested = decodeTraceRequestJson(`{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":${deep}}]}}]}`);
    assert.ok(nested.resourceSpans[0]);
  });

  test('response messages encode as the spec says', () => {
    assert.equal(encodeExportResponseProtobuf(0, '').length, 0, 'full success is an empty message');
    const partial = new ProtobufReader(encodeExportResponseProtobuf(3, 'over the limit'));
    const [field, wire] = partial.tag();
    assert.deepEqual([field, wire], [1, 2]);
    const inner = partial.message();
    assert.deepEqual(inner.tag(), [1, 0]);
    assert.equal(inner.varint(), 3);
    assert.deepEqual(inner.tag(), [2, 2]);
    assert.equal(inner.string(), 'over the limit');
    const status = new ProtobufReader(encodeStatusProtobuf(3, 'bad'));
    assert.deepEqual(status.tag(), [1, 0]);
    assert.equal(status.varint(), 3);
    assert.ok(gunzipSync !== undefined);
  });
});

describe('OTLP spans on the X-Ray model', () => {
  test('the orders scenario: FaaS function segment, AWS/HTTP/SQL subsegments, errors, stack, both id forms', async () => {
    const { spans, result } = await capture();
    const request = decodeTraceRequestProtobuf(protobufBody(spans));
    const trace = traceOf(request, result.handler.traceId);

    assert.equal(trace.id, w3cToXray(result.handler.traceId));
    assert.equal(xrayToW3c(trace.id), result.handler.traceId, 'the X-Ray form converts back to the W3C id');
    assert.deepEqual(trace.rootIds, [result.handler.spanId]);
    assert.equal(trace.warnings.length, 0, JSON.stringify(trace.warnings));

    const fn = span(trace, result.handler.spanId);
    assert.equal(fn.kind, 'segment');
    assert.equal(fn.name, 'orders-api');
    assert.equal(fn.origin, 'AWS::Lambda::Function');
    assert.equal(fn.serviceType, 'lambdaFunction');
    assert.deepEqual(fn.lambda, { requestId: INVOCATION_ID, functionArn: ORDERS_FUNCTION_ARN, functionName: 'orders-api', logGroups: ['/aws/lambda/orders-api'] });
    assert.equal(fn.coldStart, true);
    assert.equal(trace.coldStart, true);
    assert.equal(fn.http?.request?.method, 'POST');
    assert.equal(fn.http?.request?.url, 'https://api.example.com/orders?src=web');
    assert.equal(fn.http?.request?.clientIp, '198.51.100.7');
    assert.equal(fn.http?.response?.status, 500);
    assert.equal(fn.fault, true);
    assert.equal(trace.entryPoint, 'POST https://api.example.com/orders?src=web');
    assert.equal((fn.metadata['otel'] as Record<string, unknown>)['trace_id'], result.handler.traceId, 'the W3C id stays visible');

    const dynamo = span(trace, result.dynamo.spanId);
    assert.equal(dynamo.parentId, fn.id);
    assert.equal(dynamo.kind, 'subsegment');
    assert.equal(dynamo.name, 'DynamoDB');
    assert.equal(dynamo.namespace, 'aws');
    assert.equal(dynamo.serviceType, 'dynamodb');
    assert.equal(dynamo.aws?.operation, 'PutItem');
    assert.equal(dynamo.aws?.tableName, 'orders');
    assert.equal(dynamo.aws?.region, 'us-east-1');
    assert.equal(dynamo.aws?.requestId, 'TPEIDNDUROMLPOV17U4A79555NVV4KQNSO5AEMVJF66Q9ASUAAJG');
    assert.equal(dynamo.status, 'ok');

    const payment = span(trace, result.payment.spanId);
    assert.equal(payment.name, 'payments.example.com');
    assert.equal(payment.namespace, 'remote');
    assert.equal(payment.serviceType, 'http');
    assert.equal(payment.http?.request?.url, 'https://payments.example.com/charge');
    assert.equal(payment.http?.response?.status, 503);
    assert.equal(payment.fault, true);

    const queue = span(trace, result.enqueue.spanId);
    assert.equal(queue.name, 'SQS');
    assert.equal(queue.serviceType, 'sqs');
    assert.equal(queue.aws?.operation, 'SendMessage');
    assert.equal(queue.aws?.queueUrl, 'https://sqs.us-east-1.amazonaws.com/123456789012/orders-queue');

    const sql = span(trace, result.query.spanId);
    assert.equal(sql.name, 'orders@db.internal');
    assert.equal(sql.serviceType, 'sql');
    assert.equal(sql.sql?.databaseType, 'postgresql');
    assert.equal(sql.sql?.sanitizedQuery, 'SELECT id FROM orders WHERE customer = $1');

    const validate = span(trace, result.validate.spanId);
    assert.equal(validate.name, 'validateOrder');
    assert.equal(validate.serviceType, 'internal');
    assert.equal(validate.fault, true);
    const exception = validate.cause?.exceptions[0];
    assert.equal(exception?.type, 'OrderValidationError');
    assert.equal(exception?.message, result.thrown.message);
    assert.equal(exception?.remote, false);
    const top = exception?.stack[0];
    assert.match(top?.path ?? '', /otlpScenario\.ts$/, 'the innermost frame is the throwing function');
    assert.equal(top?.line, throwLine(result.thrown));
    assert.equal(top?.label, 'validateOrder');
  });

  test('exception frames keep the column of the stack trace, through the model to "Go to source" frames', async () => {
    const { spans, result } = await capture();
    // What V8 printed for the throw, read from the error itself: `…/otlpScenario.ts:<line>:<column>`.
    const printed = /otlpScenario\.ts:(\d+):(\d+)\)?$/m.exec(result.thrown.stack ?? '');
    assert.ok(printed?.[1] !== undefined && printed[2] !== undefined, String(result.thrown.stack));
    const expected = { line: Number(printed[1]), column: Number(printed[2]) };
    for (const request of [decodeTraceRequestJson(jsonBody(spans)), decodeTraceRequestProtobuf(protobufBody(spans))]) {
      const mapped = otlpTraceRequestToSegmentDocuments(request).documents.find((doc) => doc.document['id'] === result.validate.spanId);
      const cause = mapped?.document['cause'] as { exceptions: Array<{ stack: Array<Record<string, unknown>> }> } | undefined;
      const docFrame = cause?.exceptions[0]?.stack[0];
      assert.equal(docFrame?.['line'], expected.line);
      assert.equal(docFrame?.['column'], expected.column, 'the mapped document keeps the column');
      const exception = span(traceOf(request, result.handler.traceId), result.validate.spanId).cause?.exceptions[0];
      assert.ok(exception);
      assert.deepEqual({ line: exception.stack[0]?.line, column: exception.stack[0]?.column }, expected, 'the model frame has it');
      const frames = framesFromXRayException(exception);
      assert.deepEqual({ line: frames[0]?.line, column: frames[0]?.column }, expected, 'and so does the frame "Go to source" resolves');
      // Frames V8 printed without a column (none here) would stay without one; no frame gets an invented column.
      const withColumns = exception.stack.filter((frame) => frame.column !== undefined).length;
      assert.equal(withColumns, (String(result.thrown.stack).match(/:\d+:\d+\)?$/gm) ?? []).length);
    }
  });

  test('a consumer in another service: its own trace, with the producer as an async link', async () => {
    const { spans, result } = await capture();
    const request = decodeTraceRequestJson(jsonBody(spans));
    const consumer = traceOf(request, result.consumer.traceId);
    const root = span(consumer, result.consumer.spanId);
    assert.equal(root.kind, 'segment');
    assert.equal(root.name, 'notifier');
    assert.equal(root.origin, 'AWS::Lambda::Function');
    assert.equal(root.lambda?.requestId, '0d3b8f3c-1111-4a1e-9c1e-6a0e5c2f7b11');
    assert.equal(root.coldStart, false);
    assert.equal(root.links?.length, 1);
    assert.equal(root.links?.[0]?.traceId, w3cToXray(result.enqueue.traceId));
    assert.equal(root.links?.[0]?.spanId, result.enqueue.spanId);
    assert.equal(root.links?.[0]?.attributes?.['messaging.message.id'], 'm-1');
    assert.equal(root.links?.[0]?.attributes?.['otel.trace_id'], result.enqueue.traceId);
  });

  test('the proto example span: a SERVER span with a missing parent is a segment named by service.name', () => {
    const request = traceRequestFromJson(JSON.parse(readFileSync(new URL('../../fixtures/otlp/opentelemetry-proto-examples-trace.json', import.meta.url), 'utf8')));
    const trace = traceOf(request, '5b8efff798038103d269b633813fc60c');
    assert.equal(trace.id, '1-5b8efff7-98038103d269b633813fc60c');
    assert.equal(trace.spans.length, 1);
    const only = trace.spans[0];
    assert.equal(only?.name, 'my.service');
    assert.equal(only?.kind, 'segment');
    assert.equal(only?.declaredParentId, 'eee19b7ec3c1b173');
    assert.equal(only?.durationMs, 1000);
    assert.equal(trace.startEpochMs, 1544712660000);
    assert.equal((only?.metadata['otel'] as Record<string, unknown>)['name'], "I'm a server span");
  });

  test('status and HTTP codes map to error, throttle and fault; spans without ids are rejected', () => {
    const base = { spanId: '0000000000000001', traceId: '0af7651916cd43dd8448eb211c80319c', name: 'call', kind: 3, startTimeUnixNano: 1e18, endTimeUnixNano: 1e18 + 1e6, events: [], links: [], parentSpanId: '00000000000000aa' };
    const request: OtlpTraceRequest = {
      resourceSpans: [{ resource: { 'service.name': 'svc' }, scopeSpans: [{ scope: {}, spans: [
        { ...base, spanId: '0000000000000001', attributes: { 'http.response.status_code': 404, 'url.full': 'http://a.example/x', 'http.request.method': 'GET' }, status: { code: 0 } },
        { ...base, spanId: '0000000000000002', attributes: { 'http.status_code': 429, 'http.url': 'http://b.example/y', 'http.method': 'GET' }, status: { code: 0 } },
        { ...base, spanId: '0000000000000003', attributes: {}, status: { code: 2, message: 'connection reset' } },
        { ...base, spanId: '0000000000000004', kind: 1, attributes: {}, status: { code: 0 } },
        { ...base, spanId: '0000000000000005', kind: 1, attributes: {}, status: { code: 0 }, endTimeUnixNano: 0 },
        { ...base, spanId: '0000000000000000', attributes: {}, status: { code: 0 } },
        { ...base, traceId: '00000000000000000000000000000000', attributes: {}, status: { code: 0 } },
      ] }] }],
    };
    const mapped = otlpTraceRequestToSegmentDocuments(request);
    assert.equal(mapped.rejected, 2);
    assert.equal(mapped.problems.length, 2);
    const trace = buildTrace({ documents: mapped.documents.map((doc) => doc.document) });
    assert.equal(span(trace, '0000000000000001').status, 'error');
    assert.equal(span(trace, '0000000000000001').name, 'a.example');
    assert.equal(span(trace, '0000000000000002').status, 'throttle');
    assert.equal(span(trace, '0000000000000003').status, 'fault');
    assert.equal(span(trace, '0000000000000003').cause?.exceptions[0]?.message, 'connection reset');
    assert.equal(span(trace, '0000000000000003').cause?.exceptions[0]?.remote, true, 'a failed client call is a remote exception');
    assert.equal(span(trace, '0000000000000004').status, 'ok');
    assert.equal(span(trace, '0000000000000005').inProgress, true, 'a span without an end is in progress');
  });

  test('a W3C id whose first 8 hex are no epoch still converts, both ways', () => {
    const w3c = 'ffffffff0000000000000000000000aa';
    const request: OtlpTraceRequest = { resourceSpans: [{ resource: {}, scopeSpans: [{ scope: {}, spans: [{ traceId: w3c, spanId: '00000000000000bb', name: 'job', kind: 1, startTimeUnixNano: 1.7e18, endTimeUnixNano: 1.7e18 + 5e6, attributes: {}, events: [], links: [], status: { code: 0 } }] }] }] };
    const mapped = otlpTraceRequestToSegmentDocuments(request);
    assert.equal(mapped.documents[0]?.traceId, '1-ffffffff-0000000000000000000000aa');
    assert.equal(mapped.documents[0]?.w3cTraceId, w3c);
    const trace = buildTrace({ documents: mapped.documents.map((doc) => doc.document) });
    assert.equal(trace.spans[0]?.name, 'job', 'unknown_service or no service.name: the span name');
    assert.equal(xrayToW3c(trace.id), w3c);
  });
});
