/**
 * The logs of a trace through the real CloudWatchLogsClient against the local endpoint: Insights
 * per chunk of ≤ 50 groups, and the FilterLogEvents fallback (denied or missing StartQuery) with
 * empty pages, de-duplication and the line cap. Plans come from the real planner over the
 * scorekeep fixture trace.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fetchTraceLogs } from '../../../src/aws/traceLogs';
import type { TraceLogsProgress } from '../../../src/aws/traceLogs';
import { buildTrace } from '../../../src/core/traceBuilder';
import { planTraceLogQuery } from '../../../src/core/traceLogQuery';
import type { Span, Trace } from '../../../src/shared/traceModel';
import { startTestConnection } from '../../support/awsTestConnection';
import type { TestConnection } from '../../support/awsTestConnection';
import { singleFixtureTrace } from '../core/fixtureTraces';

const REQUEST = 'ac086670-6373-11e7-a174-f31b3397f190';
const TRACE = '1-59602603-23fc5b688855d396af79b496';
const GROUP = '/aws/lambda/random-name';

let conn: TestConnection;
let trace: Trace;

/** One invocation's lines; only the traced one (the fixture's) names the trace in its REPORT. */
function lines(requestId: string, at: number, group = GROUP): { timestamp: number; message: string; logStreamName: string }[] {
  const xray = requestId === REQUEST ? `XRAY TraceId: ${TRACE}\tSegmentId: 1fb07842d944e714\tSampled: true\n` : '';
  const stream = `2017/07/08/[$LATEST]${group.length.toString(16).padStart(32, '0')}`;
  return [
    { timestamp: at, message: `START RequestId: ${requestId} Version: $LATEST\n`, logStreamName: stream },
    { timestamp: at + 5, message: `${new Date(at + 5).toISOString()}\t${requestId}\tINFO\tsaving user\n`, logStreamName: stream },
    { timestamp: at + 20, message: `END RequestId: ${requestId}\n`, logStreamName: stream },
    { timestamp: at + 20, message: `REPORT RequestId: ${requestId}\tDuration: 19.8 ms\tBilled Duration: 20 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t\n${xray}`, logStreamName: stream },
  ];
}

/** `count` functions, each invoked once at the trace's start plus `i` ms. */
function manyFunctions(count: number): Trace {
  const template = trace.spans.find((span) => span.lambda?.requestId !== undefined);
  assert.ok(template);
  const spans = Array.from({ length: count }, (_, i) => {
    const span: Span = structuredClone(template);
    span.id = `span-${i}`;
    span.lambda = { requestId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, functionName: `fn-${i}` };
    span.startMs = i;
    span.endMs = i + 30;
    return span;
  });
  return { ...trace, spans };
}

before(async () => {
  conn = await startTestConnection();
  trace = buildTrace({ documents: singleFixtureTrace('xray-api-responses/awsdocs-xray-BatchGetTraces-scorekeep-with-lambda.json').documents });
});
after(async () => {
  await conn.close();
});
beforeEach(() => {
  conn.server.resetStats();
  conn.server.clearFaults();
  conn.server.insightsSupported = true;
  conn.server.insightsRunningPolls = 1;
  conn.server.logsEmptyPages = 0;
  conn.server.logsPageSize = 50;
  const at = trace.startEpochMs + 1268;
  // The fixture's invocation, another request in the same group, and noise outside the window.
  conn.server.setLogEvents(GROUP, [...lines(REQUEST, at), ...lines('11111111-2222-4333-8444-555555555555', at + 100), ...lines(REQUEST, at - 3_600_000)]);
});

describe('fetchTraceLogs', () => {
  test('Insights: the invocation\'s lines, in time order, in one query', async () => {
    const progress: TraceLogsProgress[] = [];
    const result = await fetchTraceLogs(conn.factory, planTraceLogQuery(trace), new AbortController().signal, (p) => progress.push(p), { pollIntervalMs: 10 });
    assert.equal(result.source, 'insights');
    assert.equal(result.truncated, false);
    assert.equal(result.lines.length, 4);
    assert.ok(result.lines.every((line) => line.logGroup === GROUP && line.message.includes(REQUEST)));
    assert.deepEqual(result.lines.map((l) => l.timestamp), [...result.lines.map((l) => l.timestamp)].sort((a, b) => a - b));
    assert.equal(conn.server.requests.filter((r) => r.operation === 'StartQuery').length, 1);
    assert.deepEqual(progress.at(-1), { source: 'insights', lines: 4, done: 1, total: 1 });
  });

  test('more than 50 groups: one query per chunk, each with ≤ 50 groups in seconds', async () => {
    const wide = manyFunctions(60);
    for (let i = 0; i < 60; i++) {
      conn.server.setLogEvents(`/aws/lambda/fn-${i}`, lines(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, wide.startEpochMs + i, `/aws/lambda/fn-${i}`));
    }
    const result = await fetchTraceLogs(conn.factory.logs(), planTraceLogQuery(wide), new AbortController().signal, undefined, { pollIntervalMs: 10 });
    const starts = conn.server.requests.filter((r) => r.operation === 'StartQuery');
    assert.deepEqual(starts.map((r) => (r.body?.logGroupNames as unknown[]).length), [50, 10]);
    assert.ok(starts.every((r) => typeof r.body?.startTime === 'number' && r.body.startTime < 10_000_000_000));
    assert.equal(result.lines.length, 240);
    assert.equal(new Set(result.lines.map((l) => l.logGroup)).size, 60);
  });

  test('StartQuery denied: FilterLogEvents per group in ms, through empty pages, same lines', async () => {
    conn.server.failNext('accessDenied', 'StartQuery');
    conn.server.logsEmptyPages = 2;
    conn.server.logsPageSize = 3;
    const plan = planTraceLogQuery(trace);
    const result = await fetchTraceLogs(conn.factory, plan, new AbortController().signal);
    assert.equal(result.source, 'filterLogEvents');
    assert.equal(result.lines.length, 4);
    assert.ok(result.lines.every((line) => line.eventId !== undefined && line.logStream !== undefined));
    const filters = conn.server.requests.filter((r) => r.operation === 'FilterLogEvents');
    assert.equal(filters.length, 4, 'two empty pages with a token, then two pages of 3 and 1');
    assert.equal(filters[0]?.body?.startTime, plan.filterLogEvents[0]?.startTime, 'FilterLogEvents in epoch ms');
    assert.ok((filters[0]?.body?.startTime as number) > 1_000_000_000_000);
    assert.equal(filters[0]?.filterPattern, plan.filterLogEvents[0]?.filterPattern);
  });

  test('an endpoint without Insights falls back; the line cap sets truncated', async () => {
    conn.server.insightsSupported = false;
    const plan = { ...planTraceLogQuery(trace), lineLimit: 3 };
    const result = await fetchTraceLogs(conn.factory, plan, new AbortController().signal);
    assert.equal(result.source, 'filterLogEvents');
    assert.equal(result.lines.length, 3);
    assert.equal(result.truncated, true);
  });

  test('fallback de-duplicates events a throttled retry reads twice, and skips missing groups', async () => {
    conn.server.insightsSupported = false;
    conn.server.logsPageSize = 2;
    const plan = planTraceLogQuery(trace);
    const first = plan.filterLogEvents[0];
    assert.ok(first);
    // The missing group first, so that the third request (page 2 of the real group) is throttled
    // and the group is read again from its start after a back-off.
    plan.filterLogEvents.unshift({ ...first, logGroupName: '/aws/lambda/never-invoked' });
    conn.server.throttleEvery = { every: 2, burst: 1, operation: 'FilterLogEvents' };
    const result = await fetchTraceLogs(conn.factory, plan, new AbortController().signal);
    conn.server.throttleEvery = undefined;
    assert.equal(result.lines.length, 4);
    assert.equal(new Set(result.lines.map((l) => l.eventId)).size, 4);
    const reads = conn.server.requests.filter((r) => r.logGroupName === GROUP);
    assert.deepEqual(reads.map((r) => r.errorType ?? 'ok'), ['ok', 'ThrottlingException', 'ok', 'ok'], 'page 1 was read twice');
    assert.ok(conn.server.requests.some((r) => r.logGroupName === '/aws/lambda/never-invoked' && r.errorType === 'ResourceNotFoundException'));
  });

  test('other Insights failures are not hidden by the fallback', async () => {
    conn.server.failNext('malformedQuery', 'StartQuery');
    await assert.rejects(fetchTraceLogs(conn.factory, planTraceLogQuery(trace), new AbortController().signal), { name: 'InsightsQueryError' });
    assert.equal(conn.server.requests.filter((r) => r.operation === 'FilterLogEvents').length, 0);
  });
});
