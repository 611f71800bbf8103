/**
 * The demo traffic end to end, against plain listeners: the built examples/ handlers run in the
 * Lambda-like runtime, the real aws-xray-sdk-core sends segment documents over UDP, the real
 * OpenTelemetry exporters send spans and log records over OTLP/HTTP, and the failures they report
 * resolve, through the build's source maps and the project's own frame resolver, to the lines
 * marked `@bug:` in the TypeScript.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseLambdaErrorPayload } from '../../../src/core/invokeErrorParser';
import { parseStackText } from '../../../src/core/stackFrames';
import type { ParsedFrame } from '../../../src/core/stackFrames';
import { resolveFrames } from '../../../src/local/frameResolver';
import { SourceMapStore } from '../../../src/local/sourceMapStore';
import { assertLoopback, startTraffic } from '../../../scripts/demo/traffic';
import type { TrafficHandle } from '../../../scripts/demo/traffic';
import { DEMO_BUGS, copyDemoApp, markerLine } from '../../support/demoApp';
import { segmentDocuments, startDemoSinks } from '../../support/demoSinks';
import type { DemoSinks } from '../../support/demoSinks';

type Doc = Record<string, unknown>;
type OtlpAttribute = { key: string; value: Record<string, unknown> };

let sinks: DemoSinks;
let app: { dir: string; dispose(): void };
let traffic: TrafficHandle;
let docs: Doc[];

before(async () => {
  sinks = await startDemoSinks();
  app = copyDemoApp('unit');
  // The first seven requests of the cycle: every path except the slow payment review.
  traffic = await startTraffic({ appDir: app.dir, xrayAddress: sinks.xrayAddress, otlpUrl: sinks.otlpUrl, ratePerSecond: 20, count: 7, log: () => undefined });
  await traffic.done;
  await traffic.stop();
  // UDP delivery on loopback is immediate, but give the last datagrams a moment.
  await new Promise((resolve) => setTimeout(resolve, 200));
  docs = segmentDocuments(sinks.datagrams);
});

after(async () => {
  await sinks?.close();
  app?.dispose();
});

const byOrigin = (origin: string, name?: string): Doc[] => docs.filter((d) => d.origin === origin && (name === undefined || d.name === name));
const subsegments = (doc: Doc): Doc[] => ((doc.subsegments as Doc[] | undefined) ?? []).flatMap((sub) => [sub, ...subsegments(sub)]);
const attr = (attributes: OtlpAttribute[] | undefined, key: string): unknown => {
  const value = attributes?.find((a) => a.key === key)?.value;
  return value === undefined ? undefined : (value.stringValue ?? value.boolValue ?? value.intValue ?? value.arrayValue);
};
const otlpJson = (path: string): Doc[] => sinks.otlp.filter((r) => r.path === path).map((r) => JSON.parse(r.body) as Doc);
const logRecords = (): Doc[] =>
  otlpJson('/v1/logs').flatMap((body) => (body.resourceLogs as Doc[]).flatMap((rl) => (rl.scopeLogs as Doc[]).flatMap((sl) => (sl.logRecords as Doc[]).map((r) => ({ ...r, resource: rl.resource })))));

describe('X-Ray documents over UDP', () => {
  test('every datagram is a daemon datagram: the JSON header line, then one segment document', () => {
    assert.ok(sinks.datagrams.length > 20, `${sinks.datagrams.length} datagrams`);
    for (const datagram of sinks.datagrams) assert.deepEqual(JSON.parse(datagram.slice(0, datagram.indexOf('\n'))), { format: 'json', version: 1 });
  });

  test('each X-Ray-traced function reports AWS::Lambda and AWS::Lambda::Function segments named as the template deploys it', () => {
    for (const name of ['orders-demo-api', 'orders-demo-worker']) {
      const service = byOrigin('AWS::Lambda', name);
      const fn = byOrigin('AWS::Lambda::Function', name);
      assert.ok(service.length > 0 && fn.length === service.length, `${name}: ${service.length} service, ${fn.length} function segments`);
      for (const doc of fn) {
        assert.deepEqual((doc.aws as Doc).function_arn, `arn:aws:lambda:us-east-1:123456789012:function:${name}`);
        assert.ok(service.some((s) => s.id === doc.parent_id && s.trace_id === doc.trace_id), 'the function segment is the service segment\'s child');
      }
      for (const doc of service) assert.match(String((doc.aws as Doc).request_id), /^[0-9a-f-]{36}$/);
    }
  });

  test('the first invocation of a function is a cold start with an Initialization subsegment, later ones are warm', () => {
    const fn = byOrigin('AWS::Lambda::Function', 'orders-demo-api').sort((a, b) => Number(a.start_time) - Number(b.start_time));
    const names = (doc: Doc): string[] => ((doc.subsegments as Doc[]) ?? []).map((s) => String(s.name));
    assert.deepEqual(names(fn[0]!), ['Initialization', 'Invocation', 'Overhead']);
    assert.ok(fn.slice(1).some((doc) => !names(doc).includes('Initialization')), 'a warm invocation');
  });

  test('API requests are traced from the API Gateway stage through the function', () => {
    const stages = byOrigin('AWS::ApiGateway::Stage');
    assert.equal(stages.length, 7);
    const faulted = stages.filter((s) => s.fault === true);
    assert.equal(faulted.length, 1, 'the quantity-zero request is a 502');
    assert.equal(((faulted[0]!.http as Doc).response as Doc).status, 502);
    const service = byOrigin('AWS::Lambda', 'orders-demo-api');
    for (const stage of stages) {
      const lambda = ((stage.subsegments as Doc[]) ?? []).find((s) => s.name === 'Lambda');
      assert.ok(service.some((s) => s.trace_id === stage.trace_id && s.parent_id === lambda?.id), 'the Lambda service segment continues the API trace');
    }
  });

  test('DynamoDB and SQS calls are aws subsegments with the table name and queue URL', () => {
    const all = byOrigin('AWS::Lambda::Function').flatMap(subsegments);
    const dynamo = all.filter((s) => s.name === 'DynamoDB');
    const sqs = all.filter((s) => s.name === 'SQS');
    assert.ok(dynamo.length > 0 && sqs.length > 0);
    for (const sub of dynamo) {
      assert.equal(sub.namespace, 'aws');
      assert.equal((sub.aws as Doc).table_name, 'orders-demo-orders');
      assert.match(String((sub.aws as Doc).operation), /^(PutItem|GetItem|UpdateItem)$/);
    }
    const queues = new Set(sqs.map((s) => (s.aws as Doc).queue_url));
    assert.deepEqual([...queues].sort(), ['https://sqs.us-east-1.amazonaws.com/123456789012/orders-demo-notifications', 'https://sqs.us-east-1.amazonaws.com/123456789012/orders-demo-orders']);
    assert.ok(sqs.every((s) => (s.aws as Doc).operation === 'SendMessage' && typeof (s.aws as Doc).message_id === 'string'));
    const payments = all.filter((s) => String((s.http as Doc | undefined)?.request && ((s.http as Doc).request as Doc).url).includes('/v1/charges'));
    assert.ok(payments.length > 0 && payments.every((s) => s.namespace === 'remote'), 'the payment call is a remote HTTP subsegment');
  });

  test('the SQS hop links the worker\'s trace to the api trace that sent the message', () => {
    const apiSends = byOrigin('AWS::Lambda::Function', 'orders-demo-api').flatMap((doc) => subsegments(doc).filter((s) => s.name === 'SQS').map((s) => ({ trace: doc.trace_id, id: s.id })));
    const workers = byOrigin('AWS::Lambda', 'orders-demo-worker');
    const links = workers.flatMap((doc) => (doc.links as Doc[] | undefined) ?? []);
    assert.ok(links.length >= 4, `${links.length} links`);
    for (const link of links) assert.ok(apiSends.some((send) => send.trace === link.trace_id && send.id === link.id), `link ${JSON.stringify(link)} points at an api SendMessage`);
    assert.ok(workers.every((w) => !w.parent_id), 'an SQS-triggered invocation starts its own trace');
  });

  test('the api failure is recorded with its exception and /var/task frames, as Lambda shows them', () => {
    const failing = byOrigin('AWS::Lambda::Function', 'orders-demo-api').find((d) => d.fault === true);
    assert.ok(failing);
    const withCause = subsegments(failing).find((s) => ((s.cause as Doc | undefined)?.exceptions as Doc[] | undefined)?.length);
    const exception = ((withCause?.cause as Doc).exceptions as Doc[])[0]!;
    assert.equal(exception.type, 'RangeError');
    assert.equal(exception.message, 'quantity of sd-card-128 must be at least 1, got 0');
    assert.equal(((exception.stack as Doc[])[0] as Doc).path, '/var/task/api.js');
  });
});

describe('OpenTelemetry over OTLP/HTTP', () => {
  const spans = (): Doc[] =>
    otlpJson('/v1/traces').flatMap((body) => (body.resourceSpans as Doc[]).flatMap((rs) => (rs.scopeSpans as Doc[]).flatMap((ss) => (ss.spans as Doc[]).map((span) => ({ ...span, resource: rs.resource })))));

  test('the notifier\'s invocations are SERVER spans with the FaaS attributes and a link to the worker trace', () => {
    const invocations = spans().filter((s) => s.name === 'orders-demo-notifier');
    assert.ok(invocations.length >= 4);
    const workerTraces = new Set(byOrigin('AWS::Lambda', 'orders-demo-worker').map((d) => String(d.trace_id).replace(/^1-/, '').replace('-', '')));
    for (const span of invocations) {
      assert.equal(span.kind, 2);
      const attributes = span.attributes as OtlpAttribute[];
      assert.match(String(attr(attributes, 'faas.invocation_id')), /^[0-9a-f-]{36}$/);
      assert.equal(attr(attributes, 'cloud.resource_id'), 'arn:aws:lambda:us-east-1:123456789012:function:orders-demo-notifier');
      assert.equal(typeof attr(attributes, 'faas.coldstart'), 'boolean');
      assert.equal(attr((span.resource as Doc).attributes as OtlpAttribute[], 'faas.name'), 'orders-demo-notifier');
      const links = span.links as Doc[];
      assert.ok(links.length > 0 && links.every((link) => workerTraces.has(String(link.traceId))), 'linked to the worker trace that queued the message');
      assert.equal(Number.parseInt(String(span.traceId).slice(0, 8), 16) > 1_700_000_000, true, 'X-Ray-compatible trace id (epoch seconds first)');
    }
    assert.ok(invocations.some((s) => attr(s.attributes as OtlpAttribute[], 'faas.coldstart') === true));
  });

  test('the missing-email failure is an exception event with the stack trace and an ERROR status', () => {
    const failing = spans().filter((s) => (s.status as Doc | undefined)?.code === 2 && s.name === 'format notification');
    assert.ok(failing.length > 0);
    const event = (failing[0]!.events as Doc[]).find((e) => e.name === 'exception');
    const attributes = event?.attributes as OtlpAttribute[];
    assert.equal(attr(attributes, 'exception.type'), 'TypeError');
    assert.match(String(attr(attributes, 'exception.stacktrace')), /at \S+ \(\/var\/task\/notifier\.js:1:\d+\)/);
  });

  test('every function\'s Lambda log lines go to /v1/logs with the trace context of their invocation', () => {
    const records = logRecords();
    const text = (r: Doc): string => String((r.body as Doc).stringValue);
    for (const name of ['orders-demo-api', 'orders-demo-worker', 'orders-demo-notifier']) {
      const own = records.filter((r) => attr((r.resource as Doc).attributes as OtlpAttribute[], 'faas.name') === name);
      assert.ok(own.some((r) => text(r).startsWith('START RequestId: ')), `${name} START`);
      assert.ok(own.some((r) => /^REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 256 MB/.test(text(r))), `${name} REPORT`);
      assert.ok(own.every((r) => /^[0-9a-f]{32}$/.test(String(r.traceId)) && /^[0-9a-f]{16}$/.test(String(r.spanId))), `${name} trace context`);
    }
    const apiReport = records.find((r) => text(r).startsWith('REPORT') && text(r).includes('XRAY TraceId: 1-'));
    assert.ok(apiReport, 'X-Ray-traced functions carry the XRAY line in REPORT');
    assert.ok(records.some((r) => text(r).includes('\tERROR\tInvoke Error \t{"errorType":"RangeError"')));
  });
});

describe('the failures lead back to the marked lines of the TypeScript', () => {
  const store = new SourceMapStore();
  async function firstOwnFrame(frames: ParsedFrame[], logicalId: string): Promise<{ file: string; line: number } | undefined> {
    const fn = traffic.functions.find((f) => f.logicalId === logicalId)!;
    const resolved = await resolveFrames(frames, { store, workspaceFolders: [app.dir], buildDir: fn.buildDir });
    const first = resolved.find((r) => r.resolved !== undefined)?.resolved;
    return first === undefined ? undefined : { file: first.file, line: first.line };
  }

  test('the api\'s Invoke Error line resolves to the quantity-zero bug in src/lib/orders.ts', async () => {
    const failure = traffic.failures.find((f) => f.scenario === 'quantity-zero');
    assert.ok(failure);
    const line = logRecords()
      .map((r) => String((r.body as Doc).stringValue))
      .find((text) => text.includes(`${failure.requestId}\tERROR\tInvoke Error`));
    assert.ok(line, 'the Invoke Error line of the failed request');
    const site = await firstOwnFrame(parseLambdaErrorPayload(line).frames, 'Api');
    const bug = DEMO_BUGS['quantity-zero'];
    assert.deepEqual(site, { file: join(app.dir, bug.file), line: markerLine(app.dir, bug.file, '@bug:quantity-zero') });
  });

  test('the notifier\'s exception.stacktrace resolves to the missing-email bug in src/lib/notifications.ts', async () => {
    const body = sinks.otlp.filter((r) => r.path === '/v1/traces').map((r) => r.body).join('\n');
    const match = /"exception\.stacktrace","value":\{"stringValue":"((?:[^"\\]|\\.)*)"/.exec(body);
    assert.ok(match?.[1]);
    const site = await firstOwnFrame(parseStackText(JSON.parse(`"${match[1]}"`) as string, { origin: 'otel' }).frames, 'Notifier');
    const bug = DEMO_BUGS['missing-email'];
    assert.deepEqual(site, { file: join(app.dir, bug.file), line: markerLine(app.dir, bug.file, '@bug:missing-email') });
  });
});

test('the traffic refuses to send anywhere but loopback', () => {
  assert.doesNotThrow(() => assertLoopback('x', '127.0.0.1'));
  assert.throws(() => assertLoopback('The OTLP endpoint', '10.0.0.5'), /loopback/);
  assert.throws(() => assertLoopback('x', 'collector.example.com'), /loopback/);
});
