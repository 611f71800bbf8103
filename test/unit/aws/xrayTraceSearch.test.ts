import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyAwsError } from '../../../src/aws/awsErrors';
import { effectiveFilterExpression, searchTraceSummaries, searchWindows } from '../../../src/aws/xrayTraceSearch';
import type { TraceSummary } from '../../../src/shared/traceModel';
import { loadSampleTraces } from '../../support/sampleTraces';
import { useTestConnection } from '../../support/awsTestConnection';

const NOW = new Date('2026-11-20T12:00:00Z');
const HOUR = 60 * 60 * 1000;
const samples = loadSampleTraces({ rebaseTo: NOW, count: 30 });

async function collect(pages: AsyncIterable<TraceSummary[]>): Promise<TraceSummary[][]> {
  const out: TraceSummary[][] = [];
  for await (const page of pages) {
    out.push(page);
  }
  return out;
}

function lastMinutes(minutes: number): { startTime: Date; endTime: Date } {
  return { startTime: new Date(NOW.getTime() - minutes * 60_000), endTime: new Date(NOW.getTime() + 1000) };
}

describe('searchTraceSummaries', () => {
  const conn = useTestConnection({ traces: samples }, (server) => {
    server.summariesPageSize = 100;
    server.emptyLeadingPages = 0;
  });

  test('pages through NextToken and yields each page newest first', async () => {
    conn.server.summariesPageSize = 7;
    const pages = await collect(searchTraceSummaries(conn.factory.xray(), lastMinutes(15), new AbortController().signal));
    assert.equal(pages.length, Math.ceil(samples.length / 7));
    const rows = pages.flat();
    assert.deepEqual(rows.map((r) => r.id), samples.map((s) => s.id));
    for (const page of pages) {
      assert.deepEqual(page, [...page].sort((a, b) => b.startEpochMs - a.startEpochMs));
    }
    assert.ok(conn.server.requests.slice(1).every((r) => r.nextToken !== undefined));
  });

  test('skips empty pages that still carry a NextToken', async () => {
    conn.server.emptyLeadingPages = 2;
    const pages = await collect(searchTraceSummaries(conn.factory.xray(), lastMinutes(15), new AbortController().signal));
    assert.equal(pages.length, 1);
    assert.equal(pages[0]?.length, samples.length);
    assert.equal(conn.server.requests.length, 3);
  });

  test('splits a 24-hour range into windows of at most 6 hours, newest first', async () => {
    const query = { startTime: new Date(NOW.getTime() - 24 * HOUR), endTime: NOW };
    const pages = await collect(searchTraceSummaries(conn.factory.xray(), query, new AbortController().signal));
    const windows = conn.server.requests.map((r) => ({ start: r.startTime ?? 0, end: r.endTime ?? 0 }));
    assert.equal(windows.length, 4);
    for (const w of windows) {
      assert.ok(w.end - w.start <= 6 * 3600, `window ${w.end - w.start} s`);
    }
    for (let i = 1; i < windows.length; i += 1) {
      assert.ok(windows[i]!.end <= windows[i - 1]!.start + 0.001, 'newest window first');
    }
    assert.equal(windows[0]?.end, NOW.getTime() / 1000);
    assert.equal(windows[windows.length - 1]?.start, NOW.getTime() / 1000 - 24 * 3600);
    assert.equal(pages.flat().length, samples.length);
  });

  test('errors-only combines with the user filter', async () => {
    assert.equal(effectiveFilterExpression({ errorsOnly: true }), 'error OR fault OR throttle');
    assert.equal(effectiveFilterExpression({ filterExpression: 'service("orders-api/prod") OR responsetime > 1', errorsOnly: true }), '(service("orders-api/prod") OR responsetime > 1) AND (error OR fault OR throttle)');
    assert.equal(effectiveFilterExpression({ filterExpression: '  ' }), undefined);

    const errorsOnly = (await collect(searchTraceSummaries(conn.factory.xray(), { ...lastMinutes(15), errorsOnly: true }, new AbortController().signal))).flat();
    const expected = samples.filter((s) => s.status !== 'ok').map((s) => s.id);
    assert.deepEqual(errorsOnly.map((r) => r.id), expected);
    assert.ok(errorsOnly.some((r) => r.status === 'throttle') && errorsOnly.some((r) => r.status === 'fault') && errorsOnly.some((r) => r.status === 'error'));

    const combined = (await collect(searchTraceSummaries(conn.factory.xray(), { ...lastMinutes(15), filterExpression: 'http.method = "POST"', errorsOnly: true }, new AbortController().signal))).flat();
    assert.ok(combined.length > 0 && combined.length < errorsOnly.length);
    assert.ok(combined.every((r) => r.http?.method === 'POST' && r.status !== 'ok'));
    assert.equal(conn.server.requests[1]?.filterExpression, '(http.method = "POST") AND (error OR fault OR throttle)');
    assert.deepEqual(conn.server.unsupportedFilters, []);
  });

  test('retries a throttled page with back-off', async () => {
    conn.server.throttleNext(2, 'GetTraceSummaries');
    const rows = (await collect(searchTraceSummaries(conn.factory.xray(), lastMinutes(15), new AbortController().signal))).flat();
    assert.equal(rows.length, samples.length);
    assert.equal(conn.server.requests.filter((r) => r.status === 429).length, 2);
  });

  test('an invalid filter expression surfaces as invalidRequest with the service message', async () => {
    conn.server.failNext('invalidRequest', 'GetTraceSummaries');
    const error = await collect(searchTraceSummaries(conn.factory.xray(), { ...lastMinutes(15), filterExpression: 'http.status = ' }, new AbortController().signal)).then(() => undefined, (e: unknown) => e);
    const classified = classifyAwsError(error, { operation: 'GetTraceSummaries' });
    assert.equal(classified.kind, 'invalidRequest');
    assert.match(classified.message, /Invalid filter expression: unexpected token at position 7/);
  });

  test('abort stops the search promptly, during a call and between pages', async () => {
    conn.server.latencyMs = 3000;
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const error = await collect(searchTraceSummaries(conn.factory.xray(), lastMinutes(15), controller.signal)).then(() => undefined, (e: unknown) => e);
    assert.equal(classifyAwsError(error).kind, 'cancelled');
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);

    conn.server.latencyMs = 0;
    conn.server.summariesPageSize = 5;
    const between = new AbortController();
    const iterator = searchTraceSummaries(conn.factory.xray(), lastMinutes(15), between.signal);
    const first = await iterator.next();
    assert.equal(first.value?.length, 5);
    between.abort();
    await assert.rejects(iterator.next(), { name: 'AbortError' });
  });

  test('searchWindows covers the range exactly', () => {
    const windows = searchWindows(new Date(0), new Date(13 * HOUR));
    assert.deepEqual(windows.map((w) => [w.start.getTime() / HOUR, w.end.getTime() / HOUR]), [[7, 13], [1, 7], [0, 1]]);
    assert.deepEqual(searchWindows(new Date(5), new Date(5)), []);
  });
});
