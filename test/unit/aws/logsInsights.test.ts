/**
 * The Insights query lifecycle through the real CloudWatchLogsClient against the local endpoint:
 * Scheduled → Running (partial rows) → Complete, units in seconds, abort → StopQuery, and the
 * typed failures.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StopQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import { InsightsQueryError, parseInsightsTimestamp, runInsightsQuery } from '../../../src/aws/logsInsights';
import type { InsightsProgress } from '../../../src/aws/logsInsights';
import { insightsQueryString } from '../../../src/core/traceLogQuery';
import { startTestConnection } from '../../support/awsTestConnection';
import type { TestConnection } from '../../support/awsTestConnection';

const GROUP = '/aws/lambda/orders';
const T0 = Date.parse('2026-11-20T12:00:00Z');
const REQUEST = '3f1c2b1e-0d5a-4f7e-9b61-aa0000000001';
const OTHER = '3f1c2b1e-0d5a-4f7e-9b61-bb0000000002';
const TRACE = '1-691f0e40-0123456789abcdef01234567';

let conn: TestConnection;

function invocation(requestId: string, at: number): { timestamp: number; message: string }[] {
  return [
    { timestamp: at, message: `START RequestId: ${requestId} Version: $LATEST\n` },
    { timestamp: at + 5, message: `${new Date(at + 5).toISOString()}\t${requestId}\tINFO\tcreating order\n` },
    { timestamp: at + 6, message: `${new Date(at + 6).toISOString()}\t${requestId}\tINFO\ttrace ${TRACE}\n` },
    { timestamp: at + 10, message: `END RequestId: ${requestId}\n` },
    { timestamp: at + 10, message: `REPORT RequestId: ${requestId}\tDuration: 9.81 ms\tBilled Duration: 10 ms\tMemory Size: 256 MB\tMax Memory Used: 74 MB\t\n` },
  ];
}

function input(signal: AbortSignal): Parameters<typeof runInsightsQuery>[1] {
  return {
    logGroupNames: [GROUP],
    startTime: Math.floor(T0 / 1000) - 60,
    endTime: Math.ceil(T0 / 1000) + 60,
    queryString: insightsQueryString([REQUEST], [], 10_000),
    signal,
    pollIntervalMs: 10,
  };
}

before(async () => {
  conn = await startTestConnection();
});
after(async () => {
  await conn.close();
});
beforeEach(() => {
  conn.server.resetStats();
  conn.server.clearFaults();
  conn.server.insightsRunningPolls = 1;
  conn.server.insightsSupported = true;
  conn.server.setLogEvents(GROUP, [...invocation(REQUEST, T0), ...invocation(OTHER, T0 + 1000)]);
});

describe('runInsightsQuery', () => {
  test('polls Scheduled → Running with partial rows → Complete, with times in seconds', async () => {
    conn.server.insightsRunningPolls = 2;
    const seen: InsightsProgress[] = [];
    const rows = await runInsightsQuery(conn.factory.logs(), input(new AbortController().signal), (progress) => seen.push(progress));
    assert.deepEqual(seen.map((p) => `${p.status}:${p.rows.length}`), ['Scheduled:0', 'Running:1', 'Running:3']);
    assert.equal(rows.length, 5, 'START, two app lines, END, REPORT of the one request');
    assert.ok(rows.every((row) => row.requestId === REQUEST && row.logGroup === GROUP));
    assert.equal(rows[0]?.timestamp, T0, 'Insights timestamps parse back to epoch ms');
    assert.match(rows[0]?.message ?? '', /^START RequestId/);
    const start = conn.server.requests.find((r) => r.operation === 'StartQuery');
    assert.equal(start?.body?.startTime, Math.floor(T0 / 1000) - 60, 'StartQuery in epoch seconds');
    assert.deepEqual(start?.body?.logGroupNames, [GROUP]);
    assert.equal(conn.server.requests.filter((r) => r.operation === 'GetQueryResults').length, 4);
    assert.equal(conn.server.stoppedQueries.length, 0, 'a completed query is not stopped');
  });

  test('abort while running stops the query on the server and rethrows the abort', async () => {
    conn.server.insightsRunningPolls = 1_000;
    const controller = new AbortController();
    const promise = runInsightsQuery(conn.factory.logs(), { ...input(controller.signal), pollIntervalMs: 20 }, (progress) => {
      if (progress.status === 'Running') controller.abort();
    });
    await assert.rejects(promise, (error: Error) => error.name === 'AbortError');
    assert.equal(conn.server.stoppedQueries.length, 1);
    assert.ok(conn.server.requests.some((r) => r.operation === 'StopQuery' && r.status === 200));
  });

  test('MalformedQueryException, LimitExceededException and access denied are typed', async () => {
    conn.server.failNext('malformedQuery', 'StartQuery');
    await assert.rejects(runInsightsQuery(conn.factory.logs(), input(new AbortController().signal)), (error: unknown) => error instanceof InsightsQueryError && error.reason === 'malformedQuery');
    conn.server.failNext('limitExceeded', 'StartQuery');
    await assert.rejects(runInsightsQuery(conn.factory.logs(), input(new AbortController().signal)), (error: unknown) => error instanceof InsightsQueryError && error.reason === 'limitExceeded');
    conn.server.failNext('accessDenied', 'StartQuery');
    await assert.rejects(
      runInsightsQuery(conn.factory.logs(), input(new AbortController().signal)),
      (error: unknown) => error instanceof InsightsQueryError && error.classified?.kind === 'accessDenied' && error.classified.missingAction === 'logs:StartQuery',
    );
  });

  test('a query the service cancels is a typed failure', async () => {
    conn.server.insightsRunningPolls = 1_000;
    const logs = conn.factory.logs();
    const done = runInsightsQuery(logs, { ...input(new AbortController().signal), pollIntervalMs: 30 }, (progress) => {
      // Someone else (the console, another window) stops it.
      if (progress.status === 'Running') void logs.send(new StopQueryCommand({ queryId: progress.queryId }));
    });
    await assert.rejects(done, (error: unknown) => error instanceof InsightsQueryError && error.reason === 'cancelled');
  });

  test('timestamps in the forms Insights prints', () => {
    assert.equal(parseInsightsTimestamp('2026-11-20 12:00:00.123'), T0 + 123);
    assert.equal(parseInsightsTimestamp('2026-11-20T12:00:00.123Z'), T0 + 123);
    assert.equal(parseInsightsTimestamp(String(T0)), T0);
    assert.equal(parseInsightsTimestamp('garbage'), 0);
  });
});
