import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTrace } from '../../../src/core/traceBuilder';
import { xrayToW3c } from '../../../src/core/traceIds';
import { parseLambdaLogLine } from '../../../src/core/lambdaLogParser';
import { createLocalTraceStore, resolveLimits, DEFAULT_LOCAL_TRACE_LIMITS } from '../../../src/local/localTraceStore';
import type { InMemoryLocalTraceStore } from '../../../src/local/localTraceStore';
import { fixtureTraces } from '../core/fixtureTraces';

type Doc = Record<string, unknown>;

/** Files a document the way the receivers do (id, trace id and in-progress read from it). */
function add(store: InMemoryLocalTraceStore, doc: Doc): string {
  return store.addDocument(String(doc['trace_id']), String(doc['id']), doc, JSON.stringify(doc).length, doc['in_progress'] === true);
}

function traceId(n: number): string {
  return `1-5f2aebcc-${n.toString(16).padStart(24, '0')}`;
}

function segment(trace: string, id: string, start: number, extra: Doc = {}): Doc {
  return { trace_id: trace, id, name: `svc-${id}`, start_time: start, end_time: start + 0.5, ...extra };
}

const SCOREKEEP = fixtureTraces('xray-api-responses/awsdocs-xray-BatchGetTraces-scorekeep-with-lambda.json')[0];

describe('InMemoryLocalTraceStore', () => {
  test('assembles a real multi-document trace arriving root last, into the same Trace as the builder makes', () => {
    assert.ok(SCOREKEEP !== undefined);
    const docs = SCOREKEEP.documents.map((text) => JSON.parse(String(text)) as Doc);
    const store = createLocalTraceStore();
    // Root (no parent_id) last.
    const ordered = [...docs.filter((d) => d['parent_id'] !== undefined), ...docs.filter((d) => d['parent_id'] === undefined)];
    assert.equal(ordered.at(-1)?.['parent_id'], undefined);
    for (const doc of ordered) assert.equal(add(store, doc), 'added');
    const id = String(docs[0]?.['trace_id']);
    const trace = store.get(id);
    assert.ok(trace);
    const expected = buildTrace({ traceId: id, documents: docs });
    assert.equal(trace.spans.length, expected.spans.length);
    assert.deepEqual(trace.rootIds, expected.rootIds);
    assert.deepEqual(trace.services, expected.services);
    assert.equal(trace.coldStart, true, 'the Initialization subsegment marks the cold start');
    const summaries = store.summaries();
    assert.equal(summaries.length, 1);
    assert.equal(summaries[0]?.id, id);
    assert.equal(store.documents(id).length, docs.length);
  });

  test('a complete document replaces its in-progress copy; a stale in-progress copy is ignored', () => {
    const store = createLocalTraceStore();
    const t = traceId(1);
    const open = { trace_id: t, id: 'aaaaaaaaaaaaaaaa', name: 'api', start_time: 1_700_000_000, in_progress: true };
    assert.equal(add(store, open), 'added');
    assert.equal(store.get(t)?.inProgress, true);
    const closed = { ...open, in_progress: undefined, end_time: 1_700_000_001, fault: true };
    delete (closed as Doc)['in_progress'];
    assert.equal(add(store, closed), 'replaced');
    assert.equal(store.get(t)?.inProgress, false);
    assert.equal(store.get(t)?.status, 'fault');
    assert.equal(add(store, open), 'duplicate', 'an in-progress copy after the complete one is stale');
    assert.equal(store.documents(t).length, 1);
    assert.equal(store.get(t)?.inProgress, false);
  });

  test('late subsegments join their trace, under their parent', () => {
    const store = createLocalTraceStore();
    const t = traceId(2);
    add(store, segment(t, '1111111111111111', 1_700_000_000));
    assert.equal(store.get(t)?.spans.length, 1);
    add(store, { type: 'subsegment', trace_id: t, id: '2222222222222222', parent_id: '1111111111111111', name: 'DynamoDB', namespace: 'aws', start_time: 1_700_000_000.1, end_time: 1_700_000_000.2 });
    const trace = store.get(t);
    assert.equal(trace?.spans.length, 2);
    assert.equal(trace?.spans.find((s) => s.id === '2222222222222222')?.parentId, '1111111111111111');
  });

  test('W3C ids and tracing headers find the trace; unknown ids give undefined', () => {
    const store = createLocalTraceStore();
    const t = traceId(3);
    add(store, segment(t, '3333333333333333', 1_700_000_000));
    const w3c = xrayToW3c(t);
    assert.ok(w3c);
    assert.equal(store.get(w3c)?.id, t);
    assert.equal(store.get(`Root=${t};Parent=53995c3f42cd8ad8;Sampled=1`)?.id, t);
    assert.equal(store.get(traceId(99)), undefined);
    assert.deepEqual(store.documents(traceId(99)), []);
  });

  test('the trace cap evicts the least recently updated trace first, and counts it', () => {
    const store = createLocalTraceStore({ limits: { maxTraces: 3 } });
    for (let n = 1; n <= 3; n++) add(store, segment(traceId(n), `${n}`.repeat(16), 1_700_000_000 + n));
    // Trace 1 gets a late subsegment: it becomes the most recently updated.
    add(store, { type: 'subsegment', trace_id: traceId(1), id: 'abababababababab', parent_id: '1111111111111111', name: 'x', start_time: 1_700_000_001.1, end_time: 1_700_000_001.2 });
    add(store, segment(traceId(4), '4444444444444444', 1_700_000_004));
    add(store, segment(traceId(5), '5555555555555555', 1_700_000_005));
    assert.equal(store.size(), 3);
    assert.equal(store.get(traceId(2)), undefined, 'oldest untouched trace went first');
    assert.equal(store.get(traceId(3)), undefined);
    assert.ok(store.get(traceId(1)));
    assert.equal(store.counters().evictedTraces, 2);
    assert.deepEqual(store.summaries().map((s) => s.id), [traceId(5), traceId(4), traceId(1)], 'newest first');
    store.setLimits({ maxTraces: 1 });
    assert.equal(store.size(), 1);
    assert.ok(store.get(traceId(5)));
    assert.equal(store.counters().evictedTraces, 4);
  });

  test('the bytes-per-trace cap drops documents and counts them; other traces are unaffected', () => {
    const store = createLocalTraceStore({ limits: { maxBytesPerTrace: 1000 } });
    const t = traceId(6);
    let added = 0;
    for (let i = 0; i < 20; i++) {
      const outcome = add(store, { type: 'subsegment', trace_id: t, id: i.toString(16).padStart(16, '0'), parent_id: 'ffffffffffffffff', name: 'n'.repeat(100), start_time: 1_700_000_000, end_time: 1_700_000_001 });
      if (outcome === 'added') added += 1;
    }
    assert.ok(added > 0 && added < 20);
    assert.equal(store.counters().droppedBytes, 20 - added);
    assert.equal(store.documents(t).length, added);
    assert.equal(add(store, segment(traceId(7), '7777777777777777', 1_700_000_000)), 'added');
  });

  test('the total-bytes budget evicts the least recently updated traces, never the newest', () => {
    const store = createLocalTraceStore({ limits: { maxTotalBytes: 2000 } });
    const padded = (n: number): Doc => segment(traceId(300 + n), (n + 1).toString(16).padStart(16, '0'), 1_700_000_000 + n, { metadata: { pad: 'p'.repeat(400) } });
    const size = JSON.stringify(padded(0)).length;
    for (let n = 0; n < 10; n++) add(store, padded(n));
    const kept = Math.floor(2000 / size);
    assert.equal(store.size(), kept);
    assert.ok(store.bytes() <= 2000);
    assert.equal(store.counters().evictedTraces, 10 - kept);
    assert.ok(store.get(traceId(309)), 'the newest is kept');
    assert.equal(store.get(traceId(300)), undefined, 'the oldest went first');
  });

  test('the rate cap admits maxDatagramsPerSecond units per second', () => {
    let now = 10_000;
    const store = createLocalTraceStore({ limits: { maxDatagramsPerSecond: 100 }, now: () => now });
    let admitted = 0;
    for (let i = 0; i < 250; i++) if (store.admit()) admitted += 1;
    assert.equal(admitted, 100);
    assert.equal(store.admissible(), 0);
    now += 1000;
    assert.equal(store.admissible(), 100);
    assert.equal(store.admit(60), true);
    assert.equal(store.admit(60), false);
  });

  test('change notifications are coalesced to at most four a second and name the changed traces', async () => {
    const store = createLocalTraceStore();
    const calls: (readonly string[])[] = [];
    const off = store.onDidChange((ids) => calls.push(ids));
    const started = Date.now();
    let n = 0;
    while (Date.now() - started < 1100) {
      add(store, segment(traceId(100 + (n % 7)), (n + 1).toString(16).padStart(16, '0'), 1_700_000_000 + n));
      n += 1;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    off();
    assert.ok(n > 20, `sent ${n} documents`);
    // Changes kept coming for 1.1 s: at most one notification per 250 ms (plus the trailing one).
    const span = Date.now() - started;
    assert.ok(calls.length >= 2 && calls.length <= Math.ceil(span / 250) + 1, `${calls.length} notifications for ${n} changes in ${span} ms`);
    const named = new Set(calls.flat());
    for (let k = 0; k < 7; k++) assert.ok(named.has(traceId(100 + k)));
    const after = calls.length;
    add(store, segment(traceId(200), 'cccccccccccccccc', 1_700_000_000));
    store.flush();
    assert.equal(calls.length, after, 'an unsubscribed listener hears nothing');
  });

  test('logs join their trace; records without a trace id are only counted; clear resets everything', () => {
    const store = createLocalTraceStore();
    const t = traceId(8);
    add(store, segment(t, '8888888888888888', 1_700_000_000));
    const line = parseLambdaLogLine('2024-01-01T00:00:00.000Z\tc6af9ac6-7b61-11e6-9a41-93e812345678\tERROR\tboom', { timestamp: 1 });
    assert.equal(store.addLog({ timestamp: 1, traceId: xrayToW3c(t) ?? '', parsed: line }), true);
    assert.equal(store.addLog({ timestamp: 2, parsed: line }), false);
    assert.equal(store.logs(t).length, 1);
    assert.equal(store.logs(t)[0]?.traceId, t, 'stored under the X-Ray form');
    assert.equal(store.counters().logRecords, 2);
    store.clear();
    assert.equal(store.size(), 0);
    assert.deepEqual(store.summaries(), []);
    assert.deepEqual(store.counters(), { datagrams: 0, otlpRequests: 0, segments: 0, spans: 0, logRecords: 0, malformed: 0, droppedRate: 0, droppedBytes: 0, evictedTraces: 0 });
  });

  test('limits fall back to the defaults for missing or invalid values', () => {
    assert.deepEqual(resolveLimits(undefined), DEFAULT_LOCAL_TRACE_LIMITS);
    assert.deepEqual(resolveLimits({ maxTraces: -1, maxBytesPerTrace: Number.NaN, maxDatagramsPerSecond: 10.7 }), { ...DEFAULT_LOCAL_TRACE_LIMITS, maxDatagramsPerSecond: 10 });
  });

  test('a failing listener or logger does not break the store', () => {
    const store = createLocalTraceStore({ logger: () => { throw new Error('logger down'); } });
    store.onDidChange(() => { throw new Error('listener down'); });
    const seen: string[] = [];
    store.onDidChange((ids) => seen.push(...ids));
    add(store, segment(traceId(9), '9999999999999999', 1_700_000_000));
    store.reportMalformed('test', 'bad');
    store.flush();
    assert.deepEqual(seen, [traceId(9)]);
    assert.equal(store.counters().malformed, 1);
  });
});
