/**
 * The OTLP/HTTP receiver fed by the real OpenTelemetry JS exporters (OTLP/JSON and protobuf,
 * gzip, logs), by the opentelemetry-proto example requests, and by wrong methods, paths, content
 * types, oversized and garbage bodies: it answers as the OTLP/HTTP spec says and stays up with
 * its counters right.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { w3cToXray } from '../../../src/core/traceIds';
import { ProtobufReader } from '../../../src/core/otlp/protobufReader';
import { LocalReceivers } from '../../../src/local/receivers';
import type { InMemoryLocalTraceStore } from '../../../src/local/localTraceStore';
import type { Trace } from '../../../src/shared/traceModel';
import { seededRandom } from '../../builders/seededRandom';
import { waitFor } from '../../support/waitFor';
import { INVOCATION_ID, NOTIFIER_RESOURCE, ORDERS_RESOURCE, runOrderScenario } from '../core/otlpScenario';
import type { ScenarioResult } from '../core/otlpScenario';

const FIXTURES = new URL('../../fixtures/otlp/', import.meta.url);

/** Runs the orders scenario through real exporters of the given kind. */
async function exportScenario(makeExporter: () => SpanExporter): Promise<ScenarioResult> {
  const orders = new TracerProvider({ resource: resourceFromAttributes(ORDERS_RESOURCE), spanProcessors: [new SimpleSpanProcessor({ exporter: makeExporter() })] });
  const notifier = new TracerProvider({ resource: resourceFromAttributes(NOTIFIER_RESOURCE), spanProcessors: [new SimpleSpanProcessor({ exporter: makeExporter() })] });
  const result = runOrderScenario(orders.getTracer('orders'), notifier.getTracer('notifier'));
  await orders.forceFlush();
  await notifier.forceFlush();
  await orders.shutdown();
  await notifier.shutdown();
  return result;
}

/**
 * What must not depend on the wire encoding: names, kinds, depth, status, lambda facts. Sorted:
 * siblings that start in the same millisecond are ordered by their (random) ids.
 */
function shape(t: Trace): unknown {
  return t.spans
    .map((span) => [span.name, span.kind, span.serviceType, span.status, span.depth, span.lambda?.requestId, span.coldStart, span.cause?.exceptions[0]?.type, span.cause?.exceptions[0]?.stack[0]?.line])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
}

describe('OTLP/HTTP receiver fed by the real OpenTelemetry exporters', () => {
  let receivers: LocalReceivers;
  let store: InMemoryLocalTraceStore;
  let endpoint: string;

  before(async () => {
    receivers = new LocalReceivers({ udp: false, otlpPort: 0 });
    const state = await receivers.start();
    store = receivers.store;
    assert.ok(state.otlp);
    endpoint = state.otlp.endpoint;
  });

  after(() => receivers.dispose());

  test('OTLP/JSON, protobuf and gzip-compressed protobuf give the same traces', async () => {
    const json = await exportScenario(() => new JsonTraceExporter({ url: `${endpoint}/v1/traces` }));
    const proto = await exportScenario(() => new ProtoTraceExporter({ url: `${endpoint}/v1/traces` }));
    const gzip = await exportScenario(() => new ProtoTraceExporter({ url: `${endpoint}/v1/traces`, compression: 'gzip' as never }));
    const traces = await waitFor('three orders traces', () => {
      const built = [json, proto, gzip].map((result) => store.get(w3cToXray(result.handler.traceId) ?? ''));
      return built.every((item): item is Trace => item !== undefined && item.spans.length === 6) ? built : undefined;
    });
    const [fromJson, fromProto, fromGzip] = traces;
    assert.ok(fromJson && fromProto && fromGzip);
    assert.deepEqual(shape(fromProto), shape(fromJson));
    assert.deepEqual(shape(fromGzip), shape(fromJson));
    const fn = fromJson.spans[0];
    assert.equal(fn?.origin, 'AWS::Lambda::Function');
    assert.equal(fn?.lambda?.requestId, INVOCATION_ID);
    assert.equal(fromJson.coldStart, true);
    assert.equal(fromJson.status, 'fault');
    assert.deepEqual(new Set(fromJson.spans.map((span) => span.name)), new Set(['orders-api', 'DynamoDB', 'payments.example.com', 'orders@db.internal', 'SQS', 'validateOrder']));
    // The consumer's trace, linked to the producer.
    const consumer = store.get(json.consumer.traceId);
    assert.equal(consumer?.spans[0]?.links?.[0]?.traceId, w3cToXray(json.enqueue.traceId));
    const summary = store.summaries().find((item) => item.id === fromJson.id);
    assert.equal(summary?.entryPoint, 'POST https://api.example.com/orders?src=web');
    assert.equal(summary?.hasFault, true);
    assert.equal(summary?.rootCause?.service, 'orders-api');
    const counters = store.counters();
    assert.equal(counters.spans, 21);
    assert.equal(counters.malformed, 0);
    assert.ok(counters.otlpRequests >= 2);
  });

  test('log records from the real logs exporter join their trace, parsed like Lambda logs', async () => {
    const exporter = new OTLPLogExporter({ url: `${endpoint}/v1/logs` });
    const provider = new LoggerProvider({ resource: resourceFromAttributes(ORDERS_RESOURCE), processors: [new SimpleLogRecordProcessor({ exporter })] });
    const tracerProvider = new TracerProvider({ resource: resourceFromAttributes(ORDERS_RESOURCE), spanProcessors: [new SimpleSpanProcessor({ exporter: new JsonTraceExporter({ url: `${endpoint}/v1/traces` }) })] });
    const span = tracerProvider.getTracer('orders').startSpan('orders-api', { attributes: { 'faas.invocation_id': INVOCATION_ID } });
    const context = trace.setSpan(ROOT_CONTEXT, span);
    const logger = provider.getLogger('orders');
    const invokeError = `2024-05-01T12:00:00.000Z\t${INVOCATION_ID}\tERROR\tInvoke Error \t{"errorType":"OrderValidationError","errorMessage":"quantity must be positive","stack":["OrderValidationError: quantity must be positive","    at validateOrder (/var/task/index.js:12:11)"]}`;
    logger.emit({ body: invokeError, severityNumber: SeverityNumber.ERROR, context });
    logger.emit({ body: 'order accepted', severityNumber: SeverityNumber.INFO, context, attributes: { 'faas.invocation_id': INVOCATION_ID } });
    logger.emit({ body: { message: 'structured', orderId: 'o-1' }, severityNumber: SeverityNumber.WARN, context });
    logger.emit({ body: 'no trace here', severityNumber: SeverityNumber.INFO, context: ROOT_CONTEXT });
    span.end();
    await provider.forceFlush();
    await tracerProvider.forceFlush();
    const traceId = w3cToXray(span.spanContext().traceId) ?? '';
    const logs = await waitFor('three log lines', () => (store.logs(traceId).length === 3 ? store.logs(traceId) : undefined));
    // Each record is its own export request, so they may arrive in any order.
    const byRaw = (start: string) => logs.find((line) => line.parsed.raw.startsWith(start));
    const error = byRaw('2024-05-01');
    assert.equal(error?.parsed.kind, 'invokeError');
    assert.equal(error?.parsed.requestId, INVOCATION_ID);
    assert.equal(error?.spanId, span.spanContext().spanId);
    assert.equal(error?.service, 'orders-api');
    const accepted = byRaw('order accepted');
    assert.equal(accepted?.parsed.kind, 'app');
    assert.equal(accepted?.parsed.kind === 'app' ? accepted.parsed.level : undefined, 'info', 'severity fills the level');
    assert.equal(accepted?.parsed.requestId, INVOCATION_ID, 'faas.invocation_id gives the request id');
    const structured = byRaw('{');
    assert.equal(structured?.parsed.kind === 'app' ? structured.parsed.level : undefined, 'warn');
    assert.ok(store.get(traceId), 'the span of the logs arrived too');
    assert.ok(store.counters().logRecords >= 4);
    await provider.shutdown();
    await tracerProvider.shutdown();
  });

  test('the opentelemetry-proto example requests are accepted; the logs join the example trace', async () => {
    const traceBody = readFileSync(new URL('opentelemetry-proto-examples-trace.json', FIXTURES));
    const logsBody = readFileSync(new URL('opentelemetry-proto-examples-logs.json', FIXTURES));
    const traced = await fetch(`${endpoint}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: traceBody });
    assert.equal(traced.status, 200);
    assert.equal(traced.headers.get('content-type'), 'application/json');
    assert.deepEqual(await traced.json(), {});
    const logged = await fetch(`${endpoint}/v1/logs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: logsBody });
    assert.equal(logged.status, 200);
    const id = '1-5b8efff7-98038103d269b633813fc60c';
    assert.equal(store.get(id)?.spans[0]?.name, 'my.service');
    assert.equal(store.logs(id)[0]?.parsed.raw, 'Example log record');
    assert.equal(store.logs(id)[0]?.service, 'my.service');
  });
});

describe('OTLP/HTTP answers and hostile input', () => {
  let receivers: LocalReceivers;
  let store: InMemoryLocalTraceStore;
  let endpoint: string;

  before(async () => {
    receivers = new LocalReceivers({ udp: false, otlpPort: 0, maxOtlpBodyBytes: 64 * 1024 });
    endpoint = (await receivers.start()).otlp?.endpoint ?? '';
    store = receivers.store;
  });

  after(() => receivers.dispose());

  const post = (path: string, body: BodyInit, headers: Record<string, string>): Promise<Response> => fetch(`${endpoint}${path}`, { method: 'POST', headers, body });

  test('404 elsewhere, 405 for other methods, 415 for other content types and encodings', async () => {
    const notFound = await fetch(`${endpoint}/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(notFound.status, 404);
    assert.equal(((await notFound.json()) as { code: number }).code, 5);
    assert.equal((await fetch(`${endpoint}/`)).status, 404);
    const wrongMethod = await fetch(`${endpoint}/v1/traces`);
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get('allow'), 'POST');
    const before = store.counters();
    assert.equal((await post('/v1/traces', '{}', { 'Content-Type': 'text/plain' })).status, 415);
    assert.equal((await post('/v1/traces', '{}', { 'Content-Type': 'application/xml' })).status, 415);
    assert.equal((await post('/v1/logs', '{}', { 'Content-Type': 'application/json', 'Content-Encoding': 'br' })).status, 415);
    const after = store.counters();
    assert.equal(after.otlpRequests - before.otlpRequests, 3);
    assert.equal(after.malformed - before.malformed, 3);
  });

  test('400 with a Status in the request\'s encoding for bodies that do not decode', async () => {
    const before = store.counters();
    const badJson = await post('/v1/traces', '{"resourceSpans": [', { 'Content-Type': 'application/json' });
    assert.equal(badJson.status, 400);
    const status = (await badJson.json()) as { code: number; message: string };
    assert.equal(status.code, 3);
    assert.match(status.message, /not JSON/);
    const random = seededRandom(3);
    let rejected = 0;
    for (let i = 0; i < 30; i++) {
      const bytes = Uint8Array.from({ length: 50 + Math.floor(random() * 500) }, () => Math.floor(random() * 256));
      const response = await post('/v1/traces', bytes, { 'Content-Type': 'application/x-protobuf' });
      assert.ok(response.status === 200 || response.status === 400, `status ${response.status}`);
      if (response.status === 400) {
        rejected += 1;
        assert.equal(response.headers.get('content-type'), 'application/x-protobuf');
        const reader = new ProtobufReader(new Uint8Array(await response.arrayBuffer()));
        assert.deepEqual(reader.tag(), [1, 0]);
        assert.equal(reader.varint(), 3);
      } else {
        await response.arrayBuffer();
      }
    }
    assert.ok(rejected > 20, `${rejected} of 30 random bodies rejected`);
    const badGzip = await post('/v1/traces', Uint8Array.from([0x1f, 0x8b, 1, 2, 3]), { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    assert.equal(badGzip.status, 400);
    const after = store.counters();
    assert.ok(after.malformed - before.malformed >= rejected + 2);
    assert.equal(after.otlpRequests - before.otlpRequests, 32);
  });

  test('413 over the body limit, before and after decompression; then business as usual', async () => {
    const huge = JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'blob', value: { stringValue: 'x'.repeat(200_000) } }] } }] });
    const tooBig = await post('/v1/traces', huge, { 'Content-Type': 'application/json' });
    assert.equal(tooBig.status, 413);
    const bomb = gzipSync(Buffer.from(huge));
    assert.ok(bomb.length < 64 * 1024);
    const inflated = await post('/v1/traces', bomb, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    assert.equal(inflated.status, 413);
    const fine = await post('/v1/traces', readFileSync(new URL('opentelemetry-proto-examples-trace.json', FIXTURES)), { 'Content-Type': 'application/json' });
    assert.equal(fine.status, 200);
    const ok = await post('/v1/traces', new Uint8Array(0), { 'Content-Type': 'application/x-protobuf' });
    assert.equal(ok.status, 200);
    assert.equal((await ok.arrayBuffer()).byteLength, 0, 'an empty ExportTraceServiceResponse');
  });

  test('spans without valid ids and spans over the rate cap are reported as partial success', async () => {
    const spanOf = (traceId: string, spanId: string): unknown => ({ traceId, spanId, name: 'op', kind: 1, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000100000000' });
    const before = store.counters();
    const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [spanOf('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'), spanOf('nothex', 'b7ad6b7169203332'), spanOf('0af7651916cd43dd8448eb211c80319c', '')] }] }] });
    const response = await post('/v1/traces', body, { 'Content-Type': 'application/json' });
    assert.equal(response.status, 200);
    const answer = (await response.json()) as { partialSuccess?: { rejectedSpans?: string; errorMessage?: string } };
    assert.equal(answer.partialSuccess?.rejectedSpans, '2');
    assert.match(answer.partialSuccess?.errorMessage ?? '', /without valid trace or span ids/);
    const after = store.counters();
    assert.equal(after.spans - before.spans, 3);
    assert.equal(after.malformed - before.malformed, 2);
    assert.ok(store.get('0af7651916cd43dd8448eb211c80319c'));

    // A flood of requests over a low rate cap: answered, partially rejected, counted.
    store.setLimits({ maxDatagramsPerSecond: 100 });
    await new Promise((resolve) => setTimeout(resolve, 1050));
    const spans = Array.from({ length: 50 }, (_, i) => spanOf('1af7651916cd43dd8448eb211c80319c', (i + 1).toString(16).padStart(16, '0')));
    const flood = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] });
    const mid = store.counters();
    const answers = await Promise.all(Array.from({ length: 20 }, () => post('/v1/traces', flood, { 'Content-Type': 'application/json' }).then(async (r) => ({ status: r.status, body: (await r.json()) as { partialSuccess?: { rejectedSpans?: string } } }))));
    assert.ok(answers.every((item) => item.status === 200));
    const rejectedTotal = answers.reduce((sum, item) => sum + Number(item.body.partialSuccess?.rejectedSpans ?? 0), 0);
    const end = store.counters();
    assert.equal(end.spans - mid.spans, 1000);
    assert.equal(end.droppedRate - mid.droppedRate, rejectedTotal);
    assert.ok(rejectedTotal >= 1000 - 200, `${rejectedTotal} rejected of 1000 over a 100/s cap`);
    store.setLimits({ maxDatagramsPerSecond: 50_000 });
  });
});
