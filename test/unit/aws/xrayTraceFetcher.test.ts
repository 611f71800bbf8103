import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyAwsError } from '../../../src/aws/awsErrors';
import { TraceFetcher } from '../../../src/aws/xrayTraceFetcher';
import { loadSampleTraces } from '../../support/sampleTraces';
import type { SampleTrace } from '../../support/sampleTraces';
import { useTestConnection } from '../../support/awsTestConnection';

const samples: SampleTrace[] = loadSampleTraces({ count: 23 });
const ids = samples.map((t) => t.id);

function signal(): AbortSignal {
  return new AbortController().signal;
}

describe('TraceFetcher over BatchGetTraces', () => {
  const conn = useTestConnection({ traces: samples }, (server) => {
    server.tracesPageSize = 5;
  });

  test('fetches every trace with at most 5 ids per call and at most `concurrency` calls in flight', async () => {
    conn.server.latencyMs = 30;
    const progress: number[] = [];
    const fetcher = new TraceFetcher(conn.factory.xray(), conn.logger);
    const result = await fetcher.fetch(ids, { concurrency: 3, signal: signal(), onProgress: (done) => progress.push(done) });
    assert.equal(result.traces.length, ids.length);
    assert.deepEqual(result.missing, []);
    const byId = new Map(samples.map((t) => [t.id, t.documents]));
    for (const trace of result.traces) {
      assert.deepEqual(trace.documents, byId.get(trace.id));
      assert.equal(trace.limitExceeded, false);
    }
    const batches = conn.server.requests.filter((r) => r.operation === 'BatchGetTraces');
    assert.equal(batches.length, Math.ceil(ids.length / 5));
    assert.ok(batches.every((r) => (r.traceIds?.length ?? 0) <= 5 && (r.traceIds?.length ?? 0) >= 1));
    assert.ok(conn.server.maxInFlight <= 3, `maxInFlight ${conn.server.maxInFlight}`);
    assert.ok(conn.server.maxInFlight >= 2, 'calls should overlap');
    assert.equal(progress[progress.length - 1], ids.length);
  });

  test('follows NextToken pages of BatchGetTraces', async () => {
    conn.server.tracesPageSize = 2;
    const fetcher = new TraceFetcher(conn.factory.xray(), conn.logger);
    const result = await fetcher.fetch(ids.slice(0, 5), { concurrency: 4, signal: signal() });
    assert.equal(result.traces.length, 5);
    assert.equal(conn.server.requests.filter((r) => r.operation === 'BatchGetTraces').length, 3);
  });

  test('retries UnprocessedTraceIds in a later batch and reports unknown ids as missing', async () => {
    const unprocessed = [ids[1]!, ids[7]!];
    conn.server.unprocessedOnce(unprocessed);
    const unknown = '1-00000000-000000000000000000000000';
    const fetcher = new TraceFetcher(conn.factory.xray(), conn.logger);
    const result = await fetcher.fetch([...ids.slice(0, 10), unknown], { concurrency: 2, signal: signal() });
    assert.equal(result.traces.length, 10);
    assert.deepEqual(result.missing, [unknown]);
    const asked = conn.server.requests.flatMap((r) => r.traceIds ?? []);
    for (const id of unprocessed) {
      assert.equal(asked.filter((a) => a === id).length, 2, `${id} asked twice`);
    }
  });

  test('recovers from throttling bursts with back-off and reduced concurrency', async () => {
    conn.server.latencyMs = 10;
    conn.server.throttleEvery = { every: 3, burst: 2, operation: 'BatchGetTraces' };
    const fetcher = new TraceFetcher(conn.factory.xray(), conn.logger, { throttleBaseDelayMs: 20 });
    const result = await fetcher.fetch(ids, { concurrency: 4, signal: signal() });
    assert.equal(result.traces.length, ids.length);
    const throttled = conn.server.requests.filter((r) => r.status === 429);
    assert.ok(throttled.length >= 2, `throttled ${throttled.length}`);
    assert.match(conn.logger.text(), /throttled: concurrency 4 → 2/);
    // After the first 429 the fetcher never again runs 4 calls at once in this run.
    const firstThrottle = conn.server.requests.findIndex((r) => r.status === 429);
    const later = conn.server.requests.slice(firstThrottle + 1).filter((r) => r.at > (conn.server.requests[firstThrottle]?.finishedAt ?? 0));
    assert.ok(later.every((r) => r.inFlight <= 3), 'concurrency reduced after throttling');
  });

  test('gives up on persistent throttling with a ThrottledException', async () => {
    conn.server.throttleNext(1000, 'BatchGetTraces');
    const fetcher = new TraceFetcher(conn.factory.xray(), conn.logger, { throttleBaseDelayMs: 1 });
    await assert.rejects(fetcher.fetch(ids.slice(0, 5), { concurrency: 2, signal: signal() }), (error: unknown) => {
      assert.equal(classifyAwsError(error, { operation: 'BatchGetTraces' }).kind, 'throttled');
      return true;
    });
  });

  test('expired token → expiredCredentials', async () => {
    conn.server.failNext('expiredToken', 'BatchGetTraces');
    const fetcher = new TraceFetcher(conn.factory.xray(), conn.logger);
    const error = await fetcher.fetch(ids.slice(0, 3), { concurrency: 1, signal: signal() }).then(() => undefined, (e: unknown) => e);
    const classified = classifyAwsError(error, { operation: 'BatchGetTraces', profile: 'dev', isSsoProfile: true });
    assert.equal(classified.kind, 'expiredCredentials');
    assert.equal(classified.message, "The SSO session for profile 'dev' has expired. Sign in again with `aws sso login --profile dev`.");
  });

  test('access denied → accessDenied naming xray:BatchGetTraces', async () => {
    conn.server.failNext('accessDenied', 'BatchGetTraces');
    const fetcher = new TraceFetcher(conn.factory.xray(), conn.logger);
    const error = await fetcher.fetch(ids.slice(0, 3), { concurrency: 1, signal: signal() }).then(() => undefined, (e: unknown) => e);
    const classified = classifyAwsError(error, { operation: 'BatchGetTraces', profile: 'dev' });
    assert.equal(classified.kind, 'accessDenied');
    assert.equal(classified.missingAction, 'xray:BatchGetTraces');
    assert.match(classified.message, /xray:BatchGetTraces/);
  });

  test('abort cancels promptly', async () => {
    conn.server.latencyMs = 2000;
    const controller = new AbortController();
    const fetcher = new TraceFetcher(conn.factory.xray(), conn.logger);
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(fetcher.fetch(ids, { concurrency: 4, signal: controller.signal }), (error: unknown) => {
      assert.equal(classifyAwsError(error).kind, 'cancelled');
      return true;
    });
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  });
});

describe('TraceFetcher with Transaction Search', () => {
  const conn = useTestConnection({ traces: samples, transactionSearch: true, retrievalPolls: 2 });

  test('retrieves the same documents through StartTraceRetrieval + ListRetrievedTraces', async () => {
    const fetcher = new TraceFetcher(conn.factory.xray(), conn.logger, { retrieval: { firstPollDelayMs: 10, maxWaitMs: 5000 } });
    const result = await fetcher.fetch(ids.slice(0, 12), { concurrency: 4, signal: signal() });
    assert.deepEqual(result.missing, []);
    const byId = new Map(samples.map((t) => [t.id, t.documents]));
    assert.equal(result.traces.length, 12);
    for (const trace of result.traces) {
      assert.deepEqual(trace.documents, byId.get(trace.id));
    }
    const ops = conn.server.requests.map((r) => r.operation);
    assert.equal(ops.filter((o) => o === 'GetTraceSegmentDestination').length, 1);
    assert.ok(!ops.includes('BatchGetTraces'));
    assert.ok(ops.filter((o) => o === 'StartTraceRetrieval').length >= 1);
    const statuses = conn.server.requests.filter((r) => r.operation === 'ListRetrievedTraces').length;
    assert.ok(statuses >= 3, 'polled until COMPLETE');
    for (const start of conn.server.requests.filter((r) => r.operation === 'StartTraceRetrieval')) {
      assert.ok((start.endTime ?? 0) - (start.startTime ?? 0) <= 3600, 'retrieval windows stay within an hour');
    }
    // The destination is asked once per fetcher.
    await fetcher.fetch(ids.slice(12, 14), { concurrency: 4, signal: signal() });
    assert.equal(conn.server.requests.filter((r) => r.operation === 'GetTraceSegmentDestination').length, 1);
  });

  test('falls back to BatchGetTraces when GetTraceSegmentDestination is denied or unknown', async () => {
    conn.server.transactionSearch = false;
    conn.server.failNext('accessDenied', 'GetTraceSegmentDestination');
    const denied = await new TraceFetcher(conn.factory.xray(), conn.logger).fetch(ids.slice(0, 4), { concurrency: 2, signal: signal() });
    assert.equal(denied.traces.length, 4);
    assert.match(conn.logger.text(), /GetTraceSegmentDestination unavailable \(AccessDeniedException\)/);
    conn.server.segmentDestinationSupported = false;
    const unknown = await new TraceFetcher(conn.factory.xray(), conn.logger).fetch(ids.slice(0, 4), { concurrency: 2, signal: signal() });
    assert.equal(unknown.traces.length, 4);
    assert.match(conn.logger.text(), /unavailable \(UnknownOperationException\)/);
  });
});
