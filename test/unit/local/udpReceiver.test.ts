/**
 * The X-Ray daemon compatible UDP receiver, fed by the real `aws-xray-sdk-core` (instrumented code
 * run here, `AWS_XRAY_DAEMON_ADDRESS` pointing at the receiver's ephemeral port, streaming
 * threshold lowered so subsegments arrive as their own datagrams), by the real datagram samples in
 * test/fixtures, and by floods and garbage.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildTrace } from '../../../src/core/traceBuilder';
import { decodeDaemonDatagram, encodeDaemonDatagram, parseDaemonAddress, formatDaemonAddress } from '../../../src/core/xrayDaemonProtocol';
import { LocalReceivers, ReceiverStartError, isLoopbackAddress, splitHostPort } from '../../../src/local/receivers';
import type { InMemoryLocalTraceStore } from '../../../src/local/localTraceStore';
import type { ReceiverCounters } from '../../../src/local/localTraceTypes';
import type { Trace } from '../../../src/shared/traceModel';
import type * as XRaySdk from 'aws-xray-sdk-core';
import { seededRandom } from '../../builders/seededRandom';
import { waitFor } from '../../support/waitFor';
import { fixtureTraces } from '../core/fixtureTraces';

const FIXTURES = new URL('../../fixtures/', import.meta.url);
const fixture = (path: string): Buffer => readFileSync(new URL(path, FIXTURES));

function sender(): Socket {
  return createSocket('udp4');
}

function send(socket: Socket, port: number, payload: Buffer | string): Promise<void> {
  return new Promise((resolve, reject) => socket.send(typeof payload === 'string' ? Buffer.from(payload) : payload, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
}

function countersSettle(store: InMemoryLocalTraceStore, datagrams: number): Promise<ReceiverCounters> {
  return waitFor(`${datagrams} datagrams`, () => {
    const counters = store.counters();
    return counters.datagrams >= datagrams ? counters : undefined;
  });
}

describe('X-Ray daemon datagrams (core/xrayDaemonProtocol)', () => {
  test('the real datagram samples decode, including the docs\' literal "\\n" separator', () => {
    const samples: [string, string, string][] = [
      ['xray-segments/awsdocs-xray-daemon-udp-datagram-segment.txt', '1-594aed87-ad72e26896b3f9d3a27054bb', '6226467e3f845502'],
      ['xray-segments/awsdocs-xray-daemon-udp-datagram-literal-backslash-n.txt', '1-5759e988-bd862e3fe1be46a994272793', 'defdfd9912dc5a56'],
      ['xray-segments/otel-contrib-serverSample-udp-datagram-with-header.txt', '1-5f2aebcc-b475d14618c51eaa28753d37', 'bda182a644eee9b3'],
    ];
    for (const [path, traceId, id] of samples) {
      const decoded = decodeDaemonDatagram(fixture(path));
      assert.ok(decoded.ok, path);
      assert.equal(decoded.traceId, traceId);
      assert.equal(decoded.id, id);
      assert.equal(decoded.inProgress, false);
    }
  });

  test('problems are named, never thrown', () => {
    const cases: [string, string][] = [
      ['', 'empty'],
      ['{"trace_id":"1-5f2aebcc-b475d14618c51eaa28753d37","id":"a","name":"x","start_time":1}', 'noHeader'],
      ['{"format":"xml","version":1}\n{}', 'badHeader'],
      ['{"format":"json","version":2}\n{}', 'badHeader'],
      ['{"format":"json","version":1}\n{"id":', 'badJson'],
      ['{"format":"json","version":1}\n[1,2]', 'notAnObject'],
      ['{"format":"json","version":1}\n{"trace_id":"1-5f2aebcc-b475d14618c51eaa28753d37"}', 'noId'],
      ['{"format":"json","version":1}\n{"id":"abc"}', 'noTraceId'],
    ];
    for (const [text, problem] of cases) {
      const decoded = decodeDaemonDatagram(Buffer.from(text));
      assert.equal(decoded.ok, false, text);
      if (!decoded.ok) assert.equal(decoded.problem, problem, text);
    }
    const random = seededRandom(7);
    for (let i = 0; i < 500; i++) {
      const bytes = Buffer.alloc(1 + Math.floor(random() * 300), 0).map(() => Math.floor(random() * 256));
      assert.doesNotThrow(() => decodeDaemonDatagram(bytes));
    }
  });

  test('AWS_XRAY_DAEMON_ADDRESS forms', () => {
    assert.deepEqual(parseDaemonAddress('127.0.0.1:2000'), { udp: { host: '127.0.0.1', port: 2000 }, tcp: { host: '127.0.0.1', port: 2000 } });
    assert.deepEqual(parseDaemonAddress('tcp:127.0.0.1:2001 udp:127.0.0.2:2000'), { udp: { host: '127.0.0.2', port: 2000 }, tcp: { host: '127.0.0.1', port: 2001 } });
    assert.deepEqual(parseDaemonAddress('udp:[::1]:2000 tcp:[::1]:2000')?.udp, { host: '::1', port: 2000 });
    assert.equal(parseDaemonAddress('127.0.0.1'), undefined);
    assert.equal(parseDaemonAddress('udp:127.0.0.1:2000'), undefined);
    assert.equal(parseDaemonAddress('127.0.0.1:99999'), undefined);
    assert.equal(formatDaemonAddress({ host: '::1', port: 2000 }), '[::1]:2000');
    assert.deepEqual(splitHostPort('tcp:127.0.0.1:2001 udp:127.0.0.1:2002'), { host: '127.0.0.1', port: 2002 });
    assert.deepEqual(splitHostPort('http://localhost:4318/v1/traces'), { host: 'localhost', port: 4318 });
    assert.deepEqual(splitHostPort('0.0.0.0'), { host: '0.0.0.0' });
    assert.equal(isLoopbackAddress('127.0.0.1'), true);
    assert.equal(isLoopbackAddress('::1'), true);
    assert.equal(isLoopbackAddress('0.0.0.0'), false);
    assert.equal(isLoopbackAddress('192.168.1.10'), false);
  });
});

describe('UDP receiver fed by the real aws-xray-sdk-core', () => {
  let receivers: LocalReceivers;
  let store: InMemoryLocalTraceStore;
  let AWSXRay: typeof XRaySdk;
  const logs: string[] = [];

  before(async () => {
    receivers = new LocalReceivers({ udpAddress: '127.0.0.1', udpPort: 0, otlp: false, logger: (level, message) => logs.push(`${level} ${message}`) });
    const state = await receivers.start();
    store = receivers.store;
    assert.ok(state.udp);
    // The SDK reads the variable when it loads, as in a real function.
    process.env['AWS_XRAY_DAEMON_ADDRESS'] = state.udp.daemonAddress;
    const module = (await import('aws-xray-sdk-core')) as unknown as { default?: typeof XRaySdk } & typeof XRaySdk;
    AWSXRay = module.default ?? module;
    AWSXRay.setLogger({ error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined });
    AWSXRay.enableManualMode();
    AWSXRay.setStreamingThreshold(1);
  });

  after(async () => {
    await receivers.dispose();
    delete process.env['AWS_XRAY_DAEMON_ADDRESS'];
  });

  test('streamed subsegments, an in-progress copy and the root sent last assemble into one trace', async () => {
    const segment = new AWSXRay.Segment('orders-api');
    segment.addAnnotation('orderId', 'o-17');
    // An in-progress copy first, as long-running requests send.
    segment.flush();
    const inProgress = await waitFor('the in-progress segment', () => store.get(segment.trace_id));
    assert.equal(inProgress.inProgress, true);

    // Three subsegments open at once: past the streaming threshold, the first to close is sent on its own.
    const validate = segment.addNewSubsegment('validate');
    const charge = segment.addNewSubsegment('charge');
    const table = charge.addNewSubsegment('DynamoDB');
    table.namespace = 'aws';
    table.addAttribute('aws', { operation: 'PutItem', table_name: 'orders', region: 'us-east-1' });
    validate.close();
    table.close();
    charge.close(new Error('card declined'));
    segment.close();

    const trace = await waitFor('the complete trace', () => {
      const built = store.get(segment.trace_id);
      return built !== undefined && !built.inProgress && built.spans.length === 4 ? built : undefined;
    });
    const documents = store.documents(segment.trace_id);
    assert.ok(documents.length >= 2, 'subsegments arrived as their own datagrams');
    assert.equal(documents.at(-1)?.['id'], segment.id, 'the root arrived last');
    assert.ok(documents.slice(0, -1).every((doc) => doc['type'] === 'subsegment'));
    const byName = new Map(trace.spans.map((span) => [span.name, span]));
    assert.equal(byName.get('orders-api')?.kind, 'segment');
    assert.equal(byName.get('validate')?.parentId, segment.id);
    assert.equal(byName.get('DynamoDB')?.parentId, charge.id);
    assert.equal(byName.get('DynamoDB')?.serviceType, 'dynamodb');
    assert.equal(byName.get('DynamoDB')?.aws?.tableName, 'orders');
    const failed = byName.get('charge');
    assert.equal(failed?.fault, true);
    assert.equal(failed?.cause?.exceptions[0]?.message, 'card declined');
    assert.ok((failed?.cause?.exceptions[0]?.stack.length ?? 0) > 0, 'the SDK records the stack');
    assert.equal(byName.get('orders-api')?.annotations['orderId'], 'o-17');
    assert.equal(store.summaries().find((summary) => summary.id === segment.trace_id)?.status, 'fault');
  });

  test('a subsegment that starts after its segment was sent joins the trace', async () => {
    const segment = new AWSXRay.Segment('notifier');
    segment.close();
    const first = await waitFor('the closed segment', () => store.get(segment.trace_id));
    assert.equal(first.spans.length, 1);
    // Work that outlives the request: the SDK sends the segment again, with the late subsegment in it.
    const late = segment.addNewSubsegment('send-email');
    late.close();
    const trace = await waitFor('the late subsegment', () => {
      const built = store.get(segment.trace_id);
      return built?.spans.length === 2 ? built : undefined;
    });
    assert.equal(trace.spans.find((span) => span.name === 'send-email')?.parentId, segment.id);
    assert.equal(store.documents(segment.trace_id).length, 1, 'the second complete copy replaced the first');
  });

  test('the SDK\'s centralized sampling gets a sample-everything rule from the same address (TCP)', async () => {
    assert.equal(receivers.state().udp?.samplingRules, true);
    const require = createRequire(import.meta.url);
    // The SDK's own client for the daemon's sampling API, configured by AWS_XRAY_DAEMON_ADDRESS.
    const connector = require('aws-xray-sdk-core/dist/lib/middleware/sampling/service_connector') as {
      fetchSamplingRules(callback: (error: Error | null, rules?: { getName(): string; isDefault(): boolean }[]) => void): void;
      fetchTargets(rules: unknown[], callback: (error: Error | null, targets?: Record<string, { rate: number; quota: number }>) => void): void;
    };
    const rules = await new Promise<{ getName(): string; isDefault(): boolean }[]>((resolve, reject) => connector.fetchSamplingRules((error, value) => (error ? reject(error) : resolve(value ?? []))));
    assert.equal(rules.length, 1);
    assert.equal(rules[0]?.getName(), 'Default');
    assert.equal(rules[0]?.isDefault(), true);
    const targets = await new Promise<Record<string, { rate: number; quota: number }>>((resolve, reject) => connector.fetchTargets(rules, (error, value) => (error ? reject(error) : resolve(value ?? {}))));
    assert.equal(targets['Default']?.rate, 1);
    assert.ok((targets['Default']?.quota ?? 0) >= 1000);
  });

  test('many concurrent traces from the SDK, each complete, none lost', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const segment = new AWSXRay.Segment(`worker-${i % 5}`);
      ids.push(segment.trace_id);
      const subs = [0, 1, 2].map((k) => segment.addNewSubsegment(`step-${k}`));
      for (const sub of subs) sub.close();
      segment.close();
    }
    const traces = await waitFor('50 traces', () => {
      const built = ids.map((id) => store.get(id));
      return built.every((trace): trace is Trace => trace !== undefined && trace.spans.length === 4 && !trace.inProgress) ? built : undefined;
    });
    assert.equal(traces.length, 50);
    const counters = store.counters();
    assert.equal(counters.malformed, 0);
    assert.equal(counters.droppedRate, 0);
    assert.equal(counters.datagrams, counters.segments);
  });
});

describe('UDP receiver with the real samples and hostile input', () => {
  let receivers: LocalReceivers;
  let store: InMemoryLocalTraceStore;
  let port: number;
  let socket: Socket;
  const logs: string[] = [];

  before(async () => {
    receivers = new LocalReceivers({ udpPort: 0, otlp: false, limits: { maxBytesPerTrace: 20_000, maxTraces: 50 }, logger: (level, message) => logs.push(`${level} ${message}`) });
    const state = await receivers.start();
    store = receivers.store;
    port = state.udp?.port ?? 0;
    socket = sender();
  });

  after(async () => {
    socket.close();
    await receivers.dispose();
  });

  test('the datagram samples arrive as traces', async () => {
    for (const name of ['awsdocs-xray-daemon-udp-datagram-segment.txt', 'awsdocs-xray-daemon-udp-datagram-literal-backslash-n.txt', 'otel-contrib-serverSample-udp-datagram-with-header.txt']) {
      await send(socket, port, fixture(`xray-segments/${name}`));
    }
    const server = await waitFor('the Go SDK server sample', () => store.get('1-5f2aebcc-b475d14618c51eaa28753d37'));
    assert.equal(server.spans[0]?.name, 'SampleServer');
    assert.equal(server.entryPoint, 'GET http://localhost:8000/');
    await waitFor('the docs samples', () => (store.get('1-594aed87-ad72e26896b3f9d3a27054bb') && store.get('1-5759e988-bd862e3fe1be46a994272793') ? true : undefined));
  });

  test('a real BatchGetTraces trace sent document by document, root last, equals the AWS path\'s model', async () => {
    const trace = fixtureTraces('xray-api-responses/awsdocs-xray-BatchGetTraces-scorekeep-with-lambda.json')[0];
    assert.ok(trace?.id);
    const docs = trace.documents.map((text) => JSON.parse(String(text)) as Record<string, unknown>);
    const ordered = [...docs.filter((d) => d['parent_id'] !== undefined).reverse(), ...docs.filter((d) => d['parent_id'] === undefined)];
    for (const doc of ordered) await send(socket, port, encodeDaemonDatagram(doc));
    const aws = buildTrace({ traceId: trace.id, documents: trace.documents });
    const local = await waitFor('the scorekeep trace', () => {
      const built = store.get(trace.id ?? '');
      return built?.spans.length === aws.spans.length ? built : undefined;
    });
    assert.deepEqual(local.spans.map((span) => [span.id, span.parentId, span.name, span.startMs, span.status]), aws.spans.map((span) => [span.id, span.parentId, span.name, span.startMs, span.status]));
    assert.equal(local.coldStart, aws.coldStart);
  });

  test('random bytes, bad headers, bad JSON and oversized documents are counted; the receiver stays up', async () => {
    const before = store.counters();
    const random = seededRandom(42);
    const garbage: Buffer[] = [];
    for (let i = 0; i < 200; i++) garbage.push(Buffer.from(Buffer.alloc(1 + Math.floor(random() * 1400)).map(() => Math.floor(random() * 256))));
    garbage.push(Buffer.from('{"format":"json","version":1}\n{"id":'));
    garbage.push(Buffer.from('{"format":"protobuf","version":1}\n{}'));
    garbage.push(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    garbage.push(Buffer.from('{"format":"json","version":1}\n"just a string"'));
    for (const payload of garbage) await send(socket, port, payload);
    // A 60 KB document is over this store's 20 KB per-trace cap.
    const huge = { trace_id: '1-5f2aebcc-000000000000000000000abc', id: 'abcabcabcabcabca', name: 'huge', start_time: 1_700_000_000, end_time: 1_700_000_001, metadata: { blob: 'x'.repeat(60_000) } };
    await send(socket, port, encodeDaemonDatagram(huge));
    const sent = garbage.length + 1;
    const counters = await countersSettle(store, before.datagrams + sent);
    assert.equal(counters.datagrams - before.datagrams, sent);
    assert.equal(counters.malformed - before.malformed, garbage.length, 'every bad datagram is counted as malformed');
    assert.equal(counters.droppedBytes - before.droppedBytes, 1, 'the oversized document is dropped by the bytes cap');
    assert.equal(store.get(huge.trace_id), undefined);
    assert.ok(logs.some((line) => line.includes('malformed')), 'malformed input is logged');
    assert.ok(logs.filter((line) => line.includes('malformed')).length < garbage.length, 'and the log is rate-limited');
    // Still up.
    await send(socket, port, fixture('xray-segments/awsdocs-xray-daemon-udp-datagram-segment.txt'));
    await countersSettle(store, counters.datagrams + 1);
  });

  test('a flood beyond the rate cap is dropped and counted, and the receiver recovers', async () => {
    store.setLimits({ maxDatagramsPerSecond: 500 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const before = store.counters();
    const flood = 5000;
    for (let i = 0; i < flood; i++) {
      const doc = { trace_id: `1-6f000000-${(i % 40).toString(16).padStart(24, '0')}`, id: (i + 1).toString(16).padStart(16, '0'), type: 'subsegment', parent_id: 'ffffffffffffffff', name: `s${i}`, start_time: 1_700_000_000, end_time: 1_700_000_001 };
      socket.send(Buffer.from(encodeDaemonDatagram(doc)), port, '127.0.0.1');
      if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const counters = store.counters();
    const received = counters.datagrams - before.datagrams;
    assert.ok(received > 1000, `received ${received} of ${flood}`);
    assert.ok(counters.droppedRate - before.droppedRate > 0, 'the cap dropped some');
    assert.equal(received, counters.segments - before.segments + (counters.droppedRate - before.droppedRate) + (counters.malformed - before.malformed), 'every datagram is accounted for');
    assert.ok(counters.segments - before.segments <= 500 * 2 + 1, 'no more than the cap per second got through');
    store.setLimits({ maxDatagramsPerSecond: 50_000 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await send(socket, port, fixture('xray-segments/otel-contrib-serverSample-udp-datagram-with-header.txt'));
    await countersSettle(store, counters.datagrams + 1);
    assert.equal(store.counters().segments, counters.segments + 1, 'accepted again after the flood');
    assert.ok(store.size() <= 50, 'the trace cap holds');
  });
});

describe('starting and stopping', () => {
  test('a port in use gives an error naming the port and the setting; nothing is left listening', async () => {
    const first = new LocalReceivers({ udpPort: 0, otlpPort: 0 });
    const state = await first.start();
    const udpPort = state.udp?.port ?? 0;
    const otlpPort = state.otlp?.port ?? 0;
    try {
      const second = new LocalReceivers({ udpPort, otlpPort: 0 });
      await assert.rejects(second.start(), (error: unknown) => {
        assert.ok(error instanceof ReceiverStartError);
        assert.equal(error.problem, 'portInUse');
        assert.equal(error.receiver, 'udp');
        assert.equal(error.port, udpPort);
        assert.match(error.message, new RegExp(`port ${udpPort} is already in use`));
        assert.match(error.message, /serverlessLens\.local\.udpAddress/);
        return true;
      });
      assert.equal(second.running, false);

      // UDP binds, OTLP cannot: the UDP socket is released again (all or nothing).
      const third = new LocalReceivers({ udpPort: 0, otlpPort, otlpSetting: 'my.otlpSetting' });
      await assert.rejects(third.start(), (error: unknown) => error instanceof ReceiverStartError && error.receiver === 'otlp' && /my\.otlpSetting/.test(error.message) && /OTEL_EXPORTER_OTLP_ENDPOINT/.test(error.message));
      assert.equal(third.running, false);
      assert.deepEqual(third.state().exposed, []);
    } finally {
      await first.dispose();
    }
    // Free again after stop.
    const again = new LocalReceivers({ udpPort, otlpPort });
    const restarted = await again.start();
    assert.equal(restarted.udp?.port, udpPort);
    await again.dispose();
  });

  test('an address that is not on this machine is explained', async () => {
    const receivers = new LocalReceivers({ udpAddress: '192.0.2.1', udpPort: 0, otlp: false });
    await assert.rejects(receivers.start(), (error: unknown) => error instanceof ReceiverStartError && error.problem === 'addressNotAvailable' && /192\.0\.2\.1/.test(error.message));
  });

  test('reconfigure moves the receivers and keeps the traces; a wider bind is reported as exposed', async () => {
    const warnings: string[] = [];
    const receivers = new LocalReceivers({ udpPort: 0, otlpPort: 0, logger: (level, message) => level === 'warn' && warnings.push(message) });
    const first = await receivers.start();
    const socket = sender();
    await send(socket, first.udp?.port ?? 0, fixture('xray-segments/awsdocs-xray-daemon-udp-datagram-segment.txt'));
    await waitFor('the sample', () => receivers.store.get('1-594aed87-ad72e26896b3f9d3a27054bb'));
    const moved = await receivers.reconfigure({ udpAddress: '0.0.0.0' });
    assert.equal(moved.udp?.host, '0.0.0.0');
    assert.deepEqual(moved.exposed.length, 1);
    assert.ok(warnings.some((line) => line.includes('reachable from other machines')));
    assert.ok(receivers.store.get('1-594aed87-ad72e26896b3f9d3a27054bb'), 'traces survive the restart');
    await receivers.reconfigure({ limits: { maxTraces: 10 } });
    assert.equal(receivers.store.limits().maxTraces, 10);
    socket.close();
    await receivers.dispose();
    assert.equal(receivers.running, false);
  });
});
