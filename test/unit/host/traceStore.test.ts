import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TraceFetcher } from '../../../src/aws/xrayTraceFetcher';
import { buildTrace } from '../../../src/core/traceBuilder';
import { TraceNotFoundError, TraceStore } from '../../../src/host/traces/traceStore';
import { useTestConnection } from '../../support/awsTestConnection';
import { loadSampleTraces } from '../../support/sampleTraces';

const samples = loadSampleTraces({ count: 12 });
const signal = (): AbortSignal => new AbortController().signal;

describe('TraceStore: the per-connection cache of built traces', () => {
  const conn = useTestConnection({ traces: samples });

  function store(maxSpans?: number): TraceStore {
    return new TraceStore({
      fetcher: new TraceFetcher(conn.factory.xray(), conn.logger),
      build: buildTrace,
      logger: conn.logger,
      concurrency: () => 4,
      ...(maxSpans === undefined ? {} : { maxSpans }),
    });
  }

  const batchCalls = (): number => conn.server.requests.filter((r) => r.operation === 'BatchGetTraces').length;

  test('get builds the trace once and serves it from the cache afterwards', async () => {
    const cache = store();
    const id = samples[0]!.id;
    const first = await cache.get(id, signal());
    assert.equal(first.id, id);
    assert.ok(first.spans.length > 0);
    const calls = batchCalls();
    const second = await cache.get(id, signal());
    assert.equal(second, first);
    assert.equal(batchCalls(), calls, 'a cached trace is not fetched again');
  });

  test('callers asking for the same trace at once share one fetch', async () => {
    conn.server.latencyMs = 40;
    const cache = store();
    const id = samples[1]!.id;
    const [a, b, c] = await Promise.all([cache.get(id, signal()), cache.get(id, signal()), cache.get(id, signal())]);
    assert.equal(a, b);
    assert.equal(b, c);
    assert.equal(batchCalls(), 1);
  });

  test('prefetch reports each trace as it is built and skips what is cached', async () => {
    const cache = store();
    const ids = samples.slice(0, 7).map((s) => s.id);
    await cache.get(ids[0]!, signal());
    const seen: string[] = [];
    const built = await cache.prefetch(ids, { signal: signal(), onTrace: (trace) => seen.push(trace.id) });
    assert.deepEqual(new Set(seen), new Set(ids.slice(1)));
    assert.equal(built.length, 6);
    for (const id of ids) assert.ok(cache.peek(id), `${id} is cached`);
  });

  test('an unknown id is reported as not found', async () => {
    const cache = store();
    await assert.rejects(cache.get('1-5759e988-bd862e3fe1be46a994272793', signal()), TraceNotFoundError);
  });

  test('the cache stays within its span budget, dropping the least recently used trace first', async () => {
    const ids = samples.slice(0, 3).map((s) => s.id);
    const sizes = await Promise.all(ids.map(async (id) => (await store().get(id, signal())).spans.length));
    // Room for the two most recent traces only.
    const cache = store(sizes[1]! + sizes[2]!);
    await cache.get(ids[0]!, signal());
    await cache.get(ids[1]!, signal());
    await cache.get(ids[2]!, signal());
    assert.equal(cache.peek(ids[0]!), undefined, 'the oldest trace was evicted');
    assert.ok(cache.peek(ids[1]!));
    assert.ok(cache.peek(ids[2]!));
  });

  test('traces() lists what is cached and onDidAdd tells each new trace, without another request', async () => {
    const cache = store();
    const added: string[] = [];
    const subscription = cache.onDidAdd((trace) => added.push(trace.id));
    const ids = samples.slice(0, 3).map((s) => s.id);
    await cache.prefetch(ids, { signal: signal() });
    assert.deepEqual(new Set(added), new Set(ids));
    const calls = batchCalls();
    assert.deepEqual(new Set(cache.traces().map((trace) => trace.id)), new Set(ids));
    assert.equal(batchCalls(), calls, 'reading the cache makes no request');
    subscription.dispose();
    await cache.get(samples[3]!.id, signal());
    assert.equal(added.length, 3, 'a disposed listener hears nothing');
  });

  test('a failing listener does not fail the fetch, and clear() is announced', async () => {
    const cache = store();
    cache.onDidAdd(() => {
      throw new Error('listener bug');
    });
    let cleared = 0;
    cache.onDidClear(() => (cleared += 1));
    const trace = await cache.get(samples[4]!.id, signal());
    assert.equal(trace.id, samples[4]!.id);
    cache.clear();
    assert.equal(cleared, 1);
    assert.deepEqual(cache.traces(), []);
  });
});
