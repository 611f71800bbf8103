/**
 * Tail at 5,000 events per second for 30 s: a local endpoint in a child process (so its frame
 * encoding does not count against the consumer) streams StartLiveTail frames, one per second as
 * AWS does but unsampled (AWS would sample above 500/s; here the consumer must take them all),
 * to a LogTail whose consumer parses every line with `parseLambdaLogLine` into a RingBuffer.
 * Measures the consumer's event-loop delay (p99, target < 50 ms) and memory (rss / heapUsed at
 * start, middle and end: flat), and events received against those the endpoint queued and
 * wrote to the client (it reports both at the end). Writes .bench/tail.json. Exits 0 always.
 * Run: node --import tsx bench/tail.bench.ts
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { AwsClientFactory } from '../src/aws/clientFactory';
import { LogTail } from '../src/aws/liveTail';
import { parseLambdaLogLine } from '../src/core/lambdaLogParser';
import { RingBuffer } from '../src/core/ringBuffer';
import type { ParsedLogLine } from '../src/shared/logModel';
import { CapturingLogger, TEST_PROFILE, useFakeAwsHome } from '../test/support/awsTestConnection';
import { startLocalXRayServer } from '../test/support/localXRayServer';

const RATE = 5_000;
const SECONDS = 30;
const GROUP = '/aws/lambda/orders-create-order';
const ARN = `arn:aws:logs:us-east-1:123456789012:log-group:${GROUP}`;
const TICK_MS = 20;

/** What the endpoint process reports when asked: events queued, and events written to clients. */
interface SentReport { pushed: number; sent: number }

function isSentReport(message: unknown): message is SentReport {
  return typeof message === 'object' && message !== null && typeof (message as Partial<SentReport>).pushed === 'number' && typeof (message as Partial<SentReport>).sent === 'number';
}

function line(n: number): string {
  const id = `c793869b-ee49-115b-a5b6-${n.toString(16).padStart(12, '0')}`;
  const ts = new Date().toISOString();
  switch (n % 5) {
    case 0: return `START RequestId: ${id} Version: $LATEST\n`;
    case 1: return `${ts}\t${id}\tINFO\tprocessing order ${n}\n`;
    case 2: return `{"timestamp":"${ts}","level":"INFO","requestId":"${id}","message":"order ${n} processed"}`;
    case 3: return `END RequestId: ${id}\n`;
    default: return `REPORT RequestId: ${id}\tDuration: ${(n % 900) + 0.83} ms\tBilled Duration: ${(n % 900) + 1} ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\t\n`;
  }
}

/** Child process: the endpoint, emitting RATE events per second for SECONDS, then exiting. */
async function serve(): Promise<void> {
  const server = await startLocalXRayServer();
  server.liveTail.updateIntervalMs = 1000;
  server.liveTail.maxEventsPerUpdate = RATE * 2;
  server.liveTail.mirrorToFilterLogEvents = false;
  process.send?.({ url: server.url });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  const until = Date.now() + SECONDS * 1000;
  let n = 0;
  const perTick = (RATE * TICK_MS) / 1000;
  const timer = setInterval(() => {
    if (Date.now() >= until) return;
    server.liveTail.pushTailEvents(GROUP, Array.from({ length: perTick }, () => ({ message: line(n++) })));
  }, TICK_MS);
  // The received/sent ratio needs what was really written: the setInterval can fall behind RATE on
  // a loaded machine, and events still queued when the session closes are never written.
  process.on('message', (message) => {
    if (message === 'report') process.send?.({ pushed: n, sent: server.liveTail.eventsSent } satisfies SentReport);
  });
  const stop = (): void => {
    clearInterval(timer);
    void server.close().then(() => process.exit(0));
  };
  setTimeout(stop, (SECONDS + 3) * 1000);
  process.on('disconnect', stop);
}

interface MemorySample { at: string; rssMb: number; heapUsedMb: number }

function memory(at: string): MemorySample {
  const usage = process.memoryUsage();
  return { at, rssMb: Math.round(usage.rss / 2 ** 20), heapUsedMb: Math.round(usage.heapUsed / 2 ** 20) };
}

function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(process.argv[1] ?? 'bench/tail.bench.ts', ['--serve'], { execArgv: process.execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ child, url: (message as { url: string }).url }));
    child.once('exit', (code) => reject(new Error(`endpoint process exited with ${code}`)));
  });
}

/** The endpoint's counts, or undefined when it does not answer within 2 s (it never blocks the bench). */
function requestSentReport(child: ChildProcess): Promise<SentReport | undefined> {
  return new Promise((resolve) => {
    const timeout = setTimeout(() => {
      child.off('message', onMessage);
      resolve(undefined);
    }, 2000);
    const onMessage = (message: unknown): void => {
      if (!isSentReport(message)) return;
      clearTimeout(timeout);
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.send('report');
  });
}

async function main(): Promise<void> {
  const home = useFakeAwsHome();
  const { child, url } = await startChild();
  const factory = new AwsClientFactory({ profile: TEST_PROFILE, region: 'us-east-1', endpointUrl: url }, new CapturingLogger());
  const ring = new RingBuffer<ParsedLogLine>(10_000);
  const controller = new AbortController();
  const tail = new LogTail(factory.logs());
  let received = 0;
  let batches = 0;
  let sampledBatches = 0;
  // The consumer's longest synchronous call: the part of the delay the batch size decides, less
  // noisy than p99 on a loaded machine.
  let longestCallMs = 0;
  const done = tail.start({
    logGroupArns: [ARN],
    signal: controller.signal,
    onBatch: (events, info) => {
      batches += 1;
      if (info.sampled) sampledBatches += 1;
      received += events.length;
      const startedAt = performance.now();
      for (const event of events) ring.push(parseLambdaLogLine(event.message, { timestamp: event.timestamp }));
      longestCallMs = Math.max(longestCallMs, performance.now() - startedAt);
    },
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  globalThis.gc?.();
  const samples: MemorySample[] = [memory('start')];
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  child.send('go');
  await new Promise((resolve) => setTimeout(resolve, (SECONDS / 2) * 1000));
  samples.push(memory('middle'));
  await new Promise((resolve) => setTimeout(resolve, (SECONDS / 2) * 1000 + 2500));
  delay.disable();
  samples.push(memory('end'));
  const rate = tail.eventsPerSecond();
  // Asked before the abort ends the session, after the last update (endpoint stops at SECONDS).
  const report = await requestSentReport(child);
  controller.abort();
  await done;
  factory.dispose();
  child.disconnect();
  home.restore();
  const p99 = delay.percentile(99) / 1e6;
  const result = {
    rate: RATE, seconds: SECONDS, pushed: report?.pushed, sent: report?.sent, received, batches, sampledBatches, longestCallMs: Number(longestCallMs.toFixed(2)), ringSize: ring.size, eventsPerSecondLast10s: Math.round(rate),
    eventLoopDelayMs: { p50: Number((delay.percentile(50) / 1e6).toFixed(2)), p99: Number(p99.toFixed(2)), max: Number((delay.max / 1e6).toFixed(2)) },
    memory: samples,
  };
  const ratio = report && report.sent > 0 ? `${((received / report.sent) * 100).toFixed(1)}%` : 'unknown';
  console.log(`bench tail events received/sent ${received}/${report?.sent ?? '?'} (${ratio}; endpoint queued ${report?.pushed ?? '?'} of ${RATE * SECONDS}) in ${batches} calls, longest ${longestCallMs.toFixed(1)} ms (${RATE}/s for ${SECONDS} s, ring ${ring.size})`);
  console.log(`bench tail event-loop delay p99 ${result.eventLoopDelayMs.p99} ms (target < 50 ms; p50 ${result.eventLoopDelayMs.p50}, max ${result.eventLoopDelayMs.max})`);
  console.log(`bench tail memory rss ${samples.map((s) => s.rssMb).join(' → ')} MB, heapUsed ${samples.map((s) => s.heapUsedMb).join(' → ')} MB (start → middle → end; target flat)`);
  mkdirSync(join(process.cwd(), '.bench'), { recursive: true });
  writeFileSync(join(process.cwd(), '.bench', 'tail.json'), `${JSON.stringify(result, null, 2)}\n`);
}

if (process.argv.includes('--serve')) {
  void serve();
} else {
  main()
    .catch((error: unknown) => console.log(`bench tail failed: ${error instanceof Error ? error.message : String(error)}`))
    .finally(() => process.exit(0));
}
