/**
 * The logs-of-a-trace plan over the scorekeep fixture (a Java app invoking `random-name`), built
 * with the real `buildTrace`, plus crafted traces for chunking and hostile ids.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTrace } from '../../../src/core/traceBuilder';
import {
  DEFAULT_MARGIN_MS,
  defaultLogGroupName,
  functionNameOf,
  insightsStringLiteral,
  invocationsOfTrace,
  planTraceLogQuery,
} from '../../../src/core/traceLogQuery';
import type { Span, Trace } from '../../../src/shared/traceModel';
import { singleFixtureTrace } from './fixtureTraces';

const REQUEST_ID = 'ac086670-6373-11e7-a174-f31b3397f190';
const TRACE_ID = '1-59602603-23fc5b688855d396af79b496';

function scorekeep(): Trace {
  return buildTrace({ documents: singleFixtureTrace('xray-api-responses/awsdocs-xray-BatchGetTraces-scorekeep-with-lambda.json').documents });
}

/** A trace with `count` invocations of distinct functions, cloned from the fixture's Lambda span. */
function manyFunctions(count: number, patch: (span: Span, index: number) => void = () => {}): Trace {
  const base = scorekeep();
  const template = base.spans.find((span) => span.lambda?.requestId !== undefined);
  assert.ok(template);
  const spans = Array.from({ length: count }, (_, i) => {
    const span: Span = structuredClone(template);
    span.id = `span-${i}`;
    span.lambda = { requestId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, functionName: `fn-${i}` };
    span.startMs = i * 10;
    span.endMs = i * 10 + 5;
    patch(span, i);
    return span;
  });
  return { ...base, spans };
}

describe('invocationsOfTrace', () => {
  test('merges the Lambda service and function segments of one request', () => {
    const trace = scorekeep();
    const invocations = invocationsOfTrace(trace);
    assert.equal(invocations.length, 1);
    const [invocation] = invocations;
    assert.ok(invocation);
    assert.equal(invocation.requestId, REQUEST_ID);
    assert.equal(invocation.functionName, 'random-name');
    assert.deepEqual(invocation.logGroups, ['/aws/lambda/random-name']);
    assert.deepEqual(invocation.spanIds.sort(), ['00f91aa01f4984fd', '1fb07842d944e714']);
    assert.equal(invocation.startEpochMs, trace.startEpochMs + 115);
    assert.equal(invocation.endEpochMs, trace.startEpochMs + 3010);
  });

  test('prefers recorded log groups, then the resolver, then the default', () => {
    const recorded = manyFunctions(3, (span, i) => {
      if (i === 0 && span.lambda) span.lambda.logGroups = ['/custom/recorded'];
    });
    const groups = invocationsOfTrace(recorded, { logGroupOf: (name) => (name === 'fn-1' ? '/custom/resolved' : undefined) }).map((i) => i.logGroups);
    assert.deepEqual(groups, [['/custom/recorded'], ['/custom/resolved'], ['/aws/lambda/fn-2']]);
  });

  test('names from ARNs and hostile ids', () => {
    assert.equal(functionNameOf('arn:aws:lambda:us-west-2:123456789012:function:orders:live'), 'orders');
    assert.equal(functionNameOf('bad name'), undefined);
    assert.equal(defaultLogGroupName('arn:aws:lambda:us-west-2:123456789012:function:orders'), '/aws/lambda/orders');
    const rejected: string[] = [];
    const trace = manyFunctions(2, (span, i) => {
      if (i === 0 && span.lambda) span.lambda.requestId = 'x" or @message like "';
      if (i === 1 && span.lambda) span.lambda.logGroups = ['/ok', 'bad group"'];
    });
    const invocations = invocationsOfTrace(trace, {}, rejected);
    assert.deepEqual(invocations.map((i) => i.functionName), ['fn-1']);
    assert.deepEqual(invocations[0]?.logGroups, ['/ok']);
    assert.deepEqual(rejected, ['x" or @message like "', 'bad group"']);
  });
});

describe('planTraceLogQuery', () => {
  test('one Insights query in seconds, a FilterLogEvents plan in milliseconds, with the margin', () => {
    const trace = scorekeep();
    const plan = planTraceLogQuery(trace);
    assert.equal(plan.traceId, TRACE_ID);
    assert.equal(plan.w3cTraceId, '5960260323fc5b688855d396af79b496');
    assert.equal(plan.windowStartMs, trace.startEpochMs - DEFAULT_MARGIN_MS);
    assert.equal(plan.windowEndMs, trace.startEpochMs + trace.durationMs + DEFAULT_MARGIN_MS);
    assert.equal(plan.insights.length, 1);
    const [query] = plan.insights;
    assert.ok(query);
    assert.deepEqual(query.logGroupNames, ['/aws/lambda/random-name']);
    assert.equal(query.startTime, Math.floor((trace.startEpochMs - DEFAULT_MARGIN_MS) / 1000));
    assert.equal(query.endTime, Math.ceil((trace.startEpochMs + trace.durationMs + DEFAULT_MARGIN_MS) / 1000));
    assert.ok(query.startTime < 10_000_000_000, 'seconds, not milliseconds');
    assert.equal(
      query.queryString,
      `fields @timestamp, @message, @logStream, @log, @requestId | filter @requestId in ["${REQUEST_ID}"] or @message like "${TRACE_ID}" or @message like "5960260323fc5b688855d396af79b496" | sort @timestamp asc | limit 10000`,
    );
    assert.deepEqual(plan.filterLogEvents, [
      {
        logGroupName: '/aws/lambda/random-name',
        startTime: trace.startEpochMs + 115 - DEFAULT_MARGIN_MS,
        endTime: trace.startEpochMs + 3010 + DEFAULT_MARGIN_MS,
        filterPattern: `?"${REQUEST_ID}" ?"${TRACE_ID}" ?"5960260323fc5b688855d396af79b496"`,
      },
    ]);
  });

  test('more than 50 groups split into chunks of 50 sharing one query string', () => {
    const plan = planTraceLogQuery(manyFunctions(120), { marginMs: 0, lineLimit: 500 });
    assert.deepEqual(plan.insights.map((q) => q.logGroupNames.length), [50, 50, 20]);
    assert.equal(new Set(plan.insights.map((q) => q.queryString)).size, 1);
    assert.ok(plan.insights[0]?.queryString.endsWith('| limit 500'));
    assert.equal(plan.filterLogEvents.length, 120);
    assert.equal(plan.filterLogEvents[7]?.filterPattern.split(' ')[0], '?"00000000-0000-4000-8000-000000000007"');
  });

  test('no Lambda invocation, no query', () => {
    const trace = scorekeep();
    const plan = planTraceLogQuery({ ...trace, spans: trace.spans.filter((span) => span.lambda === undefined) });
    assert.deepEqual(plan.insights, []);
    assert.deepEqual(plan.filterLogEvents, []);
  });

  test('string literals escape quotes and backslashes', () => {
    assert.equal(insightsStringLiteral('a"b\\c'), '"a\\"b\\\\c"');
  });
});
