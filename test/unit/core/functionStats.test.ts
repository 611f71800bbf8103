import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTrace } from '../../../src/core/traceBuilder';
import {
  formatAge,
  formatDuration,
  formatLensTitle,
  formatLensTooltip,
  functionStatsOf,
  functionTracesFilter,
  invocationsOf,
  nearestRank,
} from '../../../src/core/functionStats';
import type { FunctionStats } from '../../../src/core/functionStats';
import type { Trace } from '../../../src/shared/traceModel';
import { lambdaInvocation, segment, TRACE_EPOCH_SECONDS } from '../../builders/segmentBuilder';
import { loadSampleTraces } from '../../support/sampleTraces';
import { expectedFunctionStats } from '../../integration/expectations';
import { fixtureTraces } from './fixtureTraces';

const FN = 'orders-api-ListOrders';

function traceId(n: number): string {
  return `1-6553f100-${n.toString(16).padStart(24, '0')}`;
}

function requestId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

interface Run {
  durationMs: number;
  coldStart?: boolean;
  outcome?: 'ok' | 'error' | 'fault';
}

/** One trace per run, a second apart, each with one invocation of `fn` lasting `durationMs`. */
function tracesOf(runs: readonly Run[], fn = FN, firstId = 1): Trace[] {
  return runs.map((run, index) => {
    const i = index + firstId - 1;
    const pair = lambdaInvocation(fn, { offsetMs: i * 1000, coldStart: run.coldStart === true, requestId: requestId(i + 1) });
    pair.fn.at(i * 1000 + 200, run.durationMs);
    if (run.outcome === 'fault') pair.invocation.fault('TypeError', `boom ${i}`);
    if (run.outcome === 'error') pair.fn.error();
    return buildTrace({ traceId: traceId(i + 1), documents: [pair.service.json(), pair.fn.json()] });
  });
}

function close(actual: number | undefined, expected: number): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-6, `${actual} ≈ ${expected}`);
}

function statsOf(traces: Trace[], fn = FN): FunctionStats {
  const stats = functionStatsOf(traces).get(fn);
  assert.ok(stats, `stats for ${fn}`);
  return stats;
}

describe('functionStats: counts and percentiles over built traces', () => {
  // 20 invocations of 10, 20, …, 200 ms: nearest rank gives p50 = 10th value, p95 = 19th, p99 = 20th.
  const runs: Run[] = Array.from({ length: 20 }, (_, i) => ({
    durationMs: (i + 1) * 10,
    coldStart: i % 7 === 0,
    outcome: i === 4 || i === 15 ? 'fault' : i === 9 ? 'error' : 'ok',
  }));
  const traces = tracesOf(runs);

  test('invocations, errors, faults and cold starts are counted once per function segment', () => {
    const stats = statsOf(traces);
    assert.equal(stats.invocations, 20);
    assert.equal(stats.errors, 3);
    assert.equal(stats.faults, 2);
    assert.equal(stats.coldStarts, 3); // runs 0, 7 and 14
  });

  test('percentiles are nearest-rank over the actual durations', () => {
    const { durations } = statsOf(traces);
    assert.equal(durations.samples, 20);
    close(durations.p50, 100);
    close(durations.p95, 190);
    close(durations.p99, 200);
  });

  test('the last error is the newest failure, with its exception, trace and span', () => {
    const last = statsOf(traces).lastError;
    assert.ok(last);
    assert.equal(last.type, 'TypeError');
    assert.equal(last.message, 'boom 15');
    assert.equal(last.traceId, traceId(16));
    assert.equal(last.fault, true);
    const trace = traces[15] as Trace;
    assert.equal(trace.spans.find((span) => span.id === last.spanId)?.name, 'Invocation', 'the span that records the exception');
    close(last.epochMs, TRACE_EPOCH_SECONDS * 1000 + 15_000 + 200 + 160);
  });

  test('the order of the traces does not change the numbers', () => {
    const forward = statsOf(traces);
    const backward = statsOf([...traces].reverse());
    assert.deepEqual(backward, forward);
  });

  test('a trace seen twice counts once', () => {
    assert.equal(statsOf([...traces, ...traces]).invocations, 20);
  });
});

describe('functionStats: invocations of a trace', () => {
  test('the service segment alone is one invocation, without a duration', () => {
    const pair = lambdaInvocation(FN, { requestId: requestId(1) });
    const trace = buildTrace({ traceId: traceId(1), documents: [pair.service.set('fault', true).json()] });
    const [only, ...rest] = invocationsOf(trace);
    assert.equal(rest.length, 0);
    assert.equal(only?.functionName, FN);
    assert.equal(only?.durationMs, undefined);
    assert.equal(only?.outcome, 'fault');
    assert.equal(statsOf([trace]).durations.samples, 0);
  });

  test('function segments sharing a request id are one invocation', () => {
    const pair = lambdaInvocation(FN, { requestId: requestId(7) });
    const again = lambdaInvocation(FN, { offsetMs: 500, requestId: requestId(7) });
    const trace = buildTrace({ traceId: traceId(2), documents: [pair.service.json(), pair.fn.json(), again.service.json(), again.fn.json()] });
    assert.equal(invocationsOf(trace).length, 1);
  });

  test('a cause reference leads to the span that records the exception', () => {
    const pair = lambdaInvocation(FN, { requestId: requestId(3) });
    pair.invocation.fault('ValidationError', 'missing customerId', { exceptionId: 'abcdef0123456789' });
    pair.fn.set('fault', true).causeReference('abcdef0123456789');
    const trace = buildTrace({ traceId: traceId(3), documents: [pair.service.json(), pair.fn.json()] });
    const [invocation] = invocationsOf(trace);
    assert.equal(invocation?.error?.type, 'ValidationError');
    assert.equal(invocation?.error?.spanId, pair.invocation.id);
  });

  test('a failing downstream call under Invocation names the exception when the function does not', () => {
    const pair = lambdaInvocation(FN, { requestId: requestId(4) });
    const call = segment('DynamoDB').namespace('aws').at(210, 20).fault('ResourceNotFoundException', 'no table', { remote: true });
    pair.invocation.child(call.without('trace_id'));
    pair.fn.error();
    const trace = buildTrace({ traceId: traceId(4), documents: [pair.service.json(), pair.fn.json()] });
    const [invocation] = invocationsOf(trace);
    assert.equal(invocation?.outcome, 'error');
    assert.equal(invocation?.error?.type, 'ResourceNotFoundException');
  });

  test('functions are kept apart by name', () => {
    const stats = functionStatsOf([...tracesOf([{ durationMs: 10 }]), ...tracesOf([{ durationMs: 30 }, { durationMs: 50 }], 'orders-api-CreateOrder', 10)]);
    assert.deepEqual([...stats.keys()].sort(), ['orders-api-CreateOrder', FN]);
    assert.equal(stats.get('orders-api-CreateOrder')?.invocations, 2);
  });
});

describe('functionStats: the sample data', () => {
  test('the X-Ray documentation trace with a Lambda function: one cold invocation of 1,740 ms', () => {
    const [fixture] = fixtureTraces('xray-api-responses/awsdocs-xray-BatchGetTraces-scorekeep-with-lambda.json');
    assert.ok(fixture);
    const trace = buildTrace({ documents: fixture.documents });
    const stats = statsOf([trace], 'random-name');
    assert.equal(stats.invocations, 1);
    assert.equal(stats.coldStarts, 1);
    assert.equal(stats.errors, 0);
    close(stats.durations.p50, 1740);
    close(stats.durations.p99, 1740);
  });

  test('the generated samples agree with the numbers read straight from their documents', () => {
    const samples = loadSampleTraces({ rebaseTo: new Date(TRACE_EPOCH_SECONDS * 1000) });
    const built = functionStatsOf(samples.map((sample) => buildTrace({ traceId: sample.id, documents: sample.documents })));
    const expected = expectedFunctionStats(samples);
    assert.ok(expected.length >= 5, 'every route of the generator is there');
    for (const want of expected) {
      const got = built.get(want.functionName);
      assert.ok(got, want.functionName);
      assert.equal(got.invocations, want.invocations, `${want.functionName} invocations`);
      assert.equal(got.errors, want.errors, `${want.functionName} errors`);
      assert.equal(got.coldStarts, want.coldStarts, `${want.functionName} cold starts`);
      assert.equal(got.lastError?.type, want.lastErrorType, `${want.functionName} last error`);
      close(got.durations.p95, want.p95Ms);
    }
    const charge = expected.find((item) => item.functionName === 'payments-api-Charge');
    assert.ok(charge !== undefined && charge.errors > 0, 'the samples have failing invocations');
  });
});

describe('functionStats: nearest rank', () => {
  test('picks actual values', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    assert.equal(nearestRank(sorted, 50), 5);
    assert.equal(nearestRank(sorted, 95), 10);
    assert.equal(nearestRank(sorted, 10), 1);
    assert.equal(nearestRank(sorted, 0), 1);
    assert.equal(nearestRank([42], 99), 42);
  });
});

describe('functionStats: the lens title', () => {
  const now = TRACE_EPOCH_SECONDS * 1000;
  const base: FunctionStats = {
    functionName: FN,
    invocations: 12,
    errors: 2,
    faults: 1,
    coldStarts: 3,
    durations: { samples: 12, p50: 120, p95: 840, p99: 1250 },
    lastError: { type: 'TypeError', message: 'x is undefined', epochMs: now - 4 * 60_000 - 5_000, traceId: traceId(1), spanId: 'a', fault: true },
  };

  test('reads like the issue says', () => {
    assert.equal(formatLensTitle(base, now), '12 invocations · 2 errors · p95 840 ms · 3 cold starts · last: TypeError 4 min ago');
  });

  test('singulars, and zero parts left out', () => {
    const one: FunctionStats = { ...base, invocations: 1, errors: 1, coldStarts: 1, durations: { samples: 1, p50: 1240, p95: 1240, p99: 1240 } };
    assert.equal(formatLensTitle(one, now), '1 invocation · 1 error · p95 1.24 s · 1 cold start · last: TypeError 4 min ago');
    const { lastError: _unused, ...clean } = base;
    assert.equal(formatLensTitle({ ...clean, errors: 0, faults: 0, coldStarts: 0 }, now), '12 invocations · p95 840 ms');
    assert.equal(formatLensTitle({ ...clean, errors: 0, coldStarts: 0, durations: { samples: 0 } }, now), '12 invocations');
  });

  test('an error without an exception type says error or fault', () => {
    const last = { epochMs: now - 30_000, traceId: traceId(1), spanId: 'a', fault: false };
    assert.equal(formatLensTitle({ ...base, lastError: last }, now), '12 invocations · 2 errors · p95 840 ms · 3 cold starts · last: error just now');
  });

  test('the tooltip gives the counts behind the rates and all three percentiles', () => {
    const tooltip = formatLensTooltip(base, now);
    assert.match(tooltip, /2 errors \(17% of 12\), 1 fault/);
    assert.match(tooltip, /3 cold starts \(25% of 12\)/);
    assert.match(tooltip, /p50 120 ms · p95 840 ms · p99 1\.25 s \(nearest rank over 12 function segments\)/);
    assert.match(tooltip, /TypeError: x is undefined/);
  });

  test('durations and ages', () => {
    assert.equal(formatDuration(0.42), '0.4 ms');
    assert.equal(formatDuration(12.345), '12.3 ms');
    assert.equal(formatDuration(840.4), '840 ms');
    assert.equal(formatDuration(61_000), '61 s');
    assert.equal(formatAge(now - 59_000, now), 'just now');
    assert.equal(formatAge(now - 3 * 3_600_000, now), '3 h ago');
    assert.equal(formatAge(now - 50 * 3_600_000, now), '2 d ago');
    assert.equal(formatAge(now + 5_000, now), 'just now', 'clock skew does not give negative ages');
  });

  test('the filter expression of a function', () => {
    assert.equal(functionTracesFilter(FN), 'service(id(name: "orders-api-ListOrders", type: "AWS::Lambda::Function"))');
    assert.equal(functionTracesFilter('a"b\\c'), 'service(id(name: "a\\"b\\\\c", type: "AWS::Lambda::Function"))');
  });
});
