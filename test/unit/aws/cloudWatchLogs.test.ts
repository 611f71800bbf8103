/**
 * FilterLogEvents paging and the Invoke Error lookup, through the real CloudWatchLogsClient
 * against the local endpoint's JSON 1.1 protocol. The error lines are the real ones the fixture
 * app's minified bundles produce under `/var/task`.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { filterLogEvents, findInvocationError, LogsReadError } from '../../../src/aws/cloudWatchLogs';
import type { LogEvent } from '../../../src/aws/cloudWatchLogs';
import { startTestConnection } from '../../support/awsTestConnection';
import type { TestConnection } from '../../support/awsTestConnection';
import { buildSourceApp, runHandler } from '../../support/sourceAppBuild';
import type { CapturedFailure, SourceApp } from '../../support/sourceAppBuild';

const GROUP = '/aws/lambda/orders-create-order';
const T0 = Date.parse('2026-11-20T12:00:00Z');
const REQUEST_A = '3f1c2b1e-0d5a-4f7e-9b61-aa0000000001';
const REQUEST_B = '3f1c2b1e-0d5a-4f7e-9b61-bb0000000002';

let conn: TestConnection;
let app: SourceApp;
let missingField: CapturedFailure;
let typeError: CapturedFailure;

async function collect(pages: AsyncIterable<LogEvent[]>): Promise<LogEvent[][]> {
  const out: LogEvent[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

/** The runtime's line for this request: the captured line with its request id replaced. */
function invokeErrorLine(failure: CapturedFailure, requestId: string): string {
  return failure.invokeErrorLine.replace('\treq-1\t', `\t${requestId}\t`);
}

function invocation(requestId: string, at: number, failure: CapturedFailure): Array<{ timestamp: number; message: string }> {
  return [
    { timestamp: at, message: `START RequestId: ${requestId} Version: $LATEST\n` },
    { timestamp: at + 5, message: `${new Date(at + 5).toISOString()}\t${requestId}\tINFO\tcreating order\n` },
    { timestamp: at + 9, message: `${invokeErrorLine(failure, requestId)}\n` },
    { timestamp: at + 10, message: `END RequestId: ${requestId}\n` },
    { timestamp: at + 10, message: `REPORT RequestId: ${requestId}\tDuration: 9.81 ms\tBilled Duration: 10 ms\tMemory Size: 256 MB\tMax Memory Used: 74 MB\t\n` },
  ];
}

before(async () => {
  conn = await startTestConnection();
  app = await buildSourceApp();
  missingField = await runHandler(app, 'CreateOrderFunction', { body: '{}' });
  typeError = await runHandler(app, 'CreateOrderFunction', { body: '{"customerId":"c-1"}' });
});
after(async () => {
  await conn.close();
  app.dispose();
});
beforeEach(() => {
  conn.server.resetStats();
  conn.server.clearFaults();
  conn.server.logsPageSize = 50;
  conn.server.logsEmptyPages = 0;
});

describe('filterLogEvents', () => {
  test('keeps paging through empty pages while a nextToken comes back, and yields events in order', async () => {
    const events = Array.from({ length: 120 }, (_, i) => ({ timestamp: T0 + i * 1000, message: `line ${i}` }));
    conn.server.setLogEvents(GROUP, events);
    conn.server.logsEmptyPages = 2;
    const pages = await collect(filterLogEvents(conn.factory.logs(), { logGroupName: GROUP, startTime: T0, endTime: T0 + 200_000, signal: new AbortController().signal }));
    assert.deepEqual(pages.map((page) => page.length), [50, 50, 20], 'empty pages are not yielded');
    assert.deepEqual(pages.flat().map((event) => event.message), events.map((event) => event.message));
    const requests = conn.server.requests.filter((request) => request.operation === 'FilterLogEvents');
    assert.equal(requests.length, 5, 'two empty pages, then three with events');
    assert.ok(requests.slice(1).every((request) => request.nextToken !== undefined));
    assert.equal(requests[0]?.logGroupName, GROUP);
  });

  test('stops after maxPages even if the service keeps returning a token', async () => {
    conn.server.setLogEvents(GROUP, [{ timestamp: T0, message: 'only' }]);
    conn.server.logsEmptyPages = 10;
    const pages = await collect(filterLogEvents(conn.factory.logs(), { logGroupName: GROUP, startTime: T0 - 1, endTime: T0 + 1, maxPages: 3, signal: new AbortController().signal }));
    assert.deepEqual(pages, []);
    assert.equal(conn.server.requests.length, 3);
  });

  test('sends the window in epoch milliseconds and the filter pattern', async () => {
    conn.server.setLogEvents(GROUP, [
      { timestamp: T0 - 1, message: 'before ERROR' },
      { timestamp: T0, message: 'at ERROR' },
      { timestamp: T0 + 10, message: 'at INFO' },
      { timestamp: T0 + 60_001, message: 'after ERROR' },
    ]);
    const pages = await collect(filterLogEvents(conn.factory.logs(), { logGroupName: GROUP, startTime: T0, endTime: T0 + 60_000, filterPattern: 'ERROR', signal: new AbortController().signal }));
    assert.deepEqual(pages.flat().map((event) => event.message), ['at ERROR']);
    assert.equal(conn.server.requests[0]?.filterPattern, 'ERROR');
  });

  test('a missing log group is the SDK ResourceNotFoundException', async () => {
    await assert.rejects(collect(filterLogEvents(conn.factory.logs(), { logGroupName: '/aws/lambda/never-invoked', startTime: T0, endTime: T0 + 1, signal: new AbortController().signal })), { name: 'ResourceNotFoundException' });
  });
});

describe('findInvocationError', () => {
  const query = (requestId: string, extra: { logGroup?: string } = {}): Parameters<typeof findInvocationError>[1] => ({
    logGroup: extra.logGroup ?? GROUP,
    requestId,
    start: T0 - 60_000,
    end: T0 + 120_000,
    signal: new AbortController().signal,
  });

  test('picks the Invoke Error line of the requested invocation, with the columns of the real stack', async () => {
    conn.server.setLogEvents(GROUP, [...invocation(REQUEST_A, T0, missingField), ...invocation(REQUEST_B, T0 + 30_000, typeError)]);
    conn.server.logsPageSize = 2;
    conn.server.logsEmptyPages = 1;
    const found = await findInvocationError(conn.factory.logs(), query(REQUEST_B));
    assert.ok(found);
    assert.equal(found.errorType, 'TypeError');
    assert.equal(found.errorMessage, typeError.errorMessage);
    assert.ok(found.event.message.includes(REQUEST_B));
    const own = found.frames.filter((frame) => !frame.isRuntime);
    assert.ok(own.length >= 2 && own.every((frame) => frame.path === '/var/task/createOrder.js' && frame.line === 1 && (frame.column ?? 0) > 1), JSON.stringify(found.frames));
    assert.equal(conn.server.requests[0]?.filterPattern, `"${REQUEST_B}"`);

    const other = await findInvocationError(conn.factory.logs(), query(REQUEST_A));
    assert.equal(other?.errorType, 'Error');
    assert.equal(other?.errorMessage, 'missing field: customerId');
  });

  test('reads JSON-format error records', async () => {
    const stackTrace = typeError.stack.split('\n');
    const record = { timestamp: new Date(T0).toISOString(), level: 'ERROR', requestId: REQUEST_A, message: { errorType: typeError.errorType, errorMessage: typeError.errorMessage, stackTrace } };
    conn.server.setLogEvents(GROUP, [{ timestamp: T0, message: JSON.stringify({ time: new Date(T0).toISOString(), type: 'platform.start', record: { requestId: REQUEST_A } }) }, { timestamp: T0 + 3, message: JSON.stringify(record) }]);
    const found = await findInvocationError(conn.factory.logs(), query(REQUEST_A));
    assert.equal(found?.errorType, 'TypeError');
    assert.ok(found?.frames.some((frame) => frame.column !== undefined));
  });

  test('no log group, or no error line for the request, is undefined', async () => {
    conn.server.setLogEvents(GROUP, invocation(REQUEST_A, T0, missingField));
    assert.equal(await findInvocationError(conn.factory.logs(), query(REQUEST_A, { logGroup: '/aws/lambda/never-invoked' })), undefined);
    assert.equal(await findInvocationError(conn.factory.logs(), query(REQUEST_B)), undefined);
  });

  test('access denied becomes a classified LogsReadError naming logs:FilterLogEvents', async () => {
    conn.server.setLogEvents(GROUP, invocation(REQUEST_A, T0, missingField));
    conn.server.failNext('accessDenied', 'FilterLogEvents');
    await assert.rejects(findInvocationError(conn.factory.logs(), query(REQUEST_A)), (error: unknown) => {
      assert.ok(error instanceof LogsReadError);
      assert.equal(error.classified.kind, 'accessDenied');
      assert.equal(error.classified.missingAction, 'logs:FilterLogEvents');
      assert.match(error.message, /CloudWatchLogsReadOnlyAccess/);
      return true;
    });
  });

  test('throttling of the logs read says to back off, not to tune the X-Ray trace fetch', async () => {
    conn.server.setLogEvents(GROUP, invocation(REQUEST_A, T0, missingField));
    conn.server.throttleNext(1, 'FilterLogEvents');
    await assert.rejects(findInvocationError(conn.factory.logs(), query(REQUEST_A)), (error: unknown) => {
      assert.ok(error instanceof LogsReadError);
      assert.equal(error.classified.kind, 'throttled');
      assert.match(error.message, /throttling CloudWatch Logs FilterLogEvents requests/);
      assert.match(error.message, /wait a few seconds, then try again/);
      assert.doesNotMatch(error.message, /fetchConcurrency|X-Ray/);
      return true;
    });
  });

  test('cancellation rethrows the abort', async () => {
    conn.server.setLogEvents(GROUP, invocation(REQUEST_A, T0, missingField));
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(findInvocationError(conn.factory.logs(), { ...query(REQUEST_A), signal: controller.signal }), (error: unknown) => !(error instanceof LogsReadError));
  });
});
