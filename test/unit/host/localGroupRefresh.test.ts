// When the Traces view's Local group is redrawn: change detection over what the rows show (fed
// by the real local trace store with real segment documents) and the once-a-second rate limit.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RefreshLimiter, localRowFacts, sameLocalGroupView } from '../../../src/host/traces/localGroupRefresh';
import type { LimiterClock, LocalGroupView } from '../../../src/host/traces/localGroupRefresh';
import { localGroupDescription } from '../../../src/host/local/localSourceText';
import { createLocalTraceStore } from '../../../src/local/localTraceStore';
import type { InMemoryLocalTraceStore } from '../../../src/local/localTraceStore';

type Doc = Record<string, unknown>;

function fixtureDoc(name: string): Doc {
  return JSON.parse(readFileSync(join(__dirname, '../../fixtures/xray-segments', name), 'utf8')) as Doc;
}

/** Files a document as the UDP receiver does (id, trace id and in-progress read from it). */
function receive(store: InMemoryLocalTraceStore, doc: Doc): void {
  store.addDocument(String(doc['trace_id']), String(doc['id']), doc, JSON.stringify(doc).length, doc['in_progress'] === true);
}

/** What the Local group would show for the store's traces, as the Traces view builds it. */
function viewOf(store: InMemoryLocalTraceStore): LocalGroupView {
  const summaries = store.summaries();
  const description = localGroupDescription({ running: true, udp: '127.0.0.1:2000', otlp: '127.0.0.1:4318', traceCount: summaries.length, shownCount: summaries.length, counters: store.counters() });
  return { description, contextValue: 'localSource.running', rows: summaries.map((summary) => localRowFacts(summary, store.get(summary.id)?.coldStart)) };
}

const COMPLETE = fixtureDoc('awsdocs-xray-minimal-complete-segment.json');
const IN_PROGRESS = fixtureDoc('awsdocs-xray-in-progress-segment.json');
const FAILING = fixtureDoc('otel-contrib-ddbSample-go-sdk-deep-nesting-remote-exceptions.minified.json');

describe('Local group change detection', () => {
  test('nothing shown yet: the first view is a change', () => {
    const store = createLocalTraceStore();
    receive(store, COMPLETE);
    assert.equal(sameLocalGroupView(undefined, viewOf(store)), false);
  });

  test('the same segment sent again (the SDKs re-flush) changes no row: no redraw', () => {
    const store = createLocalTraceStore();
    receive(store, COMPLETE);
    receive(store, FAILING);
    const shown = viewOf(store);
    const summaryBefore = store.summaries()[0];
    receive(store, structuredClone(FAILING));
    receive(store, structuredClone(COMPLETE));
    assert.notEqual(store.summaries()[0], summaryBefore, 'the store rebuilt the summaries');
    assert.equal(sameLocalGroupView(shown, viewOf(store)), true);
  });

  test('a new trace is a change', () => {
    const store = createLocalTraceStore();
    receive(store, COMPLETE);
    const shown = viewOf(store);
    receive(store, FAILING);
    assert.equal(sameLocalGroupView(shown, viewOf(store)), false);
  });

  test('an in-progress segment completing changes its duration and partial mark: a change', () => {
    const store = createLocalTraceStore();
    receive(store, IN_PROGRESS);
    const shown = viewOf(store);
    receive(store, { ...IN_PROGRESS, in_progress: undefined, end_time: 1.478293361449e9, fault: true });
    const next = viewOf(store);
    assert.equal(next.rows.length, shown.rows.length);
    assert.equal(sameLocalGroupView(shown, next), false);
  });

  test('each fact of a row counts: status, duration, cold start, entry point, id, order', () => {
    const store = createLocalTraceStore();
    receive(store, COMPLETE);
    receive(store, FAILING);
    const shown = viewOf(store);
    const [first, second] = shown.rows;
    assert.ok(first !== undefined && second !== undefined);
    const variants: LocalGroupView[] = [
      { ...shown, rows: [{ ...first, status: first.status === 'ok' ? 'fault' : 'ok' }, second] },
      { ...shown, rows: [{ ...first, durationMs: first.durationMs + 1 }, second] },
      { ...shown, rows: [{ ...first, coldStart: first.coldStart !== true }, second] },
      { ...shown, rows: [{ ...first, entryPoint: `${first.entryPoint}x` }, second] },
      { ...shown, rows: [{ ...first, id: `${first.id}0` }, second] },
      { ...shown, rows: [second, first] },
      { ...shown, rows: [first] },
    ];
    for (const variant of variants) assert.equal(sameLocalGroupView(shown, variant), false, JSON.stringify(variant.rows));
    assert.equal(sameLocalGroupView(shown, { ...shown, rows: shown.rows.map((row) => ({ ...row })) }), true);
  });

  test("the group's own line counts (a malformed datagram, a stop), the received counters do not", () => {
    const store = createLocalTraceStore();
    receive(store, COMPLETE);
    const shown = viewOf(store);
    store.count('datagrams', 40);
    store.count('segments', 40);
    assert.equal(sameLocalGroupView(shown, viewOf(store)), true, 'received counters are only in the tooltip');
    store.count('malformed');
    assert.equal(sameLocalGroupView(shown, viewOf(store)), false);
    assert.equal(sameLocalGroupView(shown, { ...shown, contextValue: 'localSource.stopped' }), false);
    assert.equal(sameLocalGroupView({ ...shown, rows: [] }, { ...shown, rows: [], message: 'Receivers stopped' }), false);
  });
});

/** A clock the test moves by hand. */
function fakeClock(): LimiterClock & { advance(ms: number): void; pending(): number } {
  let now = 0;
  let timers: { at: number; callback: () => void; handle: number }[] = [];
  let next = 1;
  return {
    now: () => now,
    setTimeout: (callback, ms) => {
      const handle = next++;
      timers.push({ at: now + ms, callback, handle });
      return handle;
    },
    clearTimeout: (handle) => {
      timers = timers.filter((timer) => timer.handle !== handle);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at)[0];
        if (due === undefined) break;
        timers = timers.filter((timer) => timer !== due);
        now = due.at;
        due.callback();
      }
      now = end;
    },
    pending: () => timers.length,
  };
}

describe('RefreshLimiter', () => {
  test('after a quiet period the first request runs at once', () => {
    const clock = fakeClock();
    const runs: number[] = [];
    const limiter = new RefreshLimiter(1000, () => runs.push(clock.now()), clock);
    limiter.request();
    assert.deepEqual(runs, [0]);
    clock.advance(5000);
    limiter.request();
    assert.deepEqual(runs, [0, 5000]);
  });

  test('requests within the interval become one run at its end', () => {
    const clock = fakeClock();
    const runs: number[] = [];
    const limiter = new RefreshLimiter(1000, () => runs.push(clock.now()), clock);
    limiter.request();
    for (let i = 0; i < 9; i += 1) {
      clock.advance(50);
      limiter.request();
    }
    assert.deepEqual(runs, [0]);
    clock.advance(1000);
    assert.deepEqual(runs, [0, 1000]);
    assert.equal(clock.pending(), 0);
  });

  test('a steady stream (20 requests a second for 5 s) runs about once a second', () => {
    const clock = fakeClock();
    const runs: number[] = [];
    const limiter = new RefreshLimiter(1000, () => runs.push(clock.now()), clock);
    for (let i = 0; i < 100; i += 1) {
      limiter.request();
      clock.advance(50);
    }
    clock.advance(2000);
    assert.ok(runs.length >= 5 && runs.length <= 6, `runs at ${runs.join(', ')}`);
    for (let i = 1; i < runs.length; i += 1) assert.ok(runs[i]! - runs[i - 1]! >= 1000, `runs at ${runs.join(', ')}`);
    assert.equal(runs.at(-1), 5000, 'the last request is not lost');
  });

  test('dispose drops a pending run', () => {
    const clock = fakeClock();
    const runs: number[] = [];
    const limiter = new RefreshLimiter(1000, () => runs.push(clock.now()), clock);
    limiter.request();
    limiter.request();
    limiter.dispose();
    clock.advance(2000);
    limiter.request();
    assert.deepEqual(runs, [0]);
    assert.equal(clock.pending(), 0);
  });
});
