import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadSampleTraces } from '../../support/sampleTraces';
import { startLocalXRayServer } from '../../support/localXRayServer';

describe('sample traces', () => {
  test('newest starts at rebaseTo, ids carry their start epoch, every outcome is present', () => {
    const rebaseTo = new Date('2026-11-20T12:00:00Z');
    const samples = loadSampleTraces({ rebaseTo });
    assert.equal(samples.length, 40);
    assert.equal(samples[0]?.startTime, rebaseTo.getTime() / 1000);
    for (const sample of samples) {
      assert.match(sample.id, /^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
      assert.equal(Number.parseInt(sample.id.slice(2, 10), 16), Math.floor(sample.startTime));
      for (const document of sample.documents) {
        const parsed = JSON.parse(document) as { trace_id?: string };
        if (parsed.trace_id !== undefined) assert.equal(parsed.trace_id, sample.id);
      }
    }
    assert.ok(samples.every((s, i) => i === 0 || s.startTime < samples[i - 1]!.startTime), 'newest first');
    assert.ok(rebaseTo.getTime() / 1000 - samples[samples.length - 1]!.startTime < 10 * 60, 'all within the default 15-minute view');
    for (const status of ['ok', 'error', 'fault', 'throttle'] as const) {
      assert.ok(samples.some((s) => s.status === status), status);
    }
    assert.ok(samples.some((s) => s.coldStart));
    assert.equal(new Set(samples.map((s) => s.source)).size, 5, 'four fixtures and generated traces');
    // Same options, same traces.
    assert.deepEqual(loadSampleTraces({ rebaseTo }), samples);
  });
});

describe('localXRayServer', () => {
  test('answers every trace for a filter it does not model, and records the filter', async () => {
    const server = await startLocalXRayServer({ traces: loadSampleTraces({ count: 6 }) });
    try {
      const now = Date.now() / 1000;
      const response = await fetch(`${server.url}/TraceSummaries`, {
        method: 'POST',
        body: JSON.stringify({ StartTime: now - 3600, EndTime: now + 60, FilterExpression: 'edge("a", "b") { error }' }),
      });
      const body = (await response.json()) as { TraceSummaries: unknown[] };
      assert.equal(body.TraceSummaries.length, 6);
      assert.deepEqual(server.unsupportedFilters, ['edge("a", "b") { error }']);
      const unknown = await fetch(`${server.url}/Nope`, { method: 'POST', body: '{}' });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.headers.get('x-amzn-errortype'), 'UnknownOperationException');
    } finally {
      await server.close();
    }
  });

  test('the CLI prints its URL, serves the samples and exits when stdin closes', async () => {
    const script = join(__dirname, '../../support/localXRayServer.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--port', '0'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const match = /LOCAL_XRAY_URL=(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', () => reject(new Error(`exited early: ${out}`)));
    });
    const now = Date.now() / 1000;
    const response = await fetch(`${url}/TraceSummaries`, { method: 'POST', body: JSON.stringify({ StartTime: now - 900, EndTime: now + 60 }) });
    assert.equal(((await response.json()) as { TraceSummaries: unknown[] }).TraceSummaries.length, 40);
    child.stdin.end();
    assert.equal(await exited, 0);
  });
});
