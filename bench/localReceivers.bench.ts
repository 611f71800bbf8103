/**
 * The local receivers under load, sender and receiver in separate processes (a forked child sends,
 * this process receives, as an instrumented app and the editor would).
 *
 * - UDP: X-Ray daemon datagrams (traces of one segment and nine independent subsegments, the
 *   subsegments first and the root last, as the SDKs stream them) at rising paced rates for
 *   3 s each; received vs sent per rate, and the highest rate with no loss. Target ≥ 20,000
 *   segments/s (X-Ray itself accepts 2,600 per second per account by default).
 * - Assembly: every trace of the last run is built (`get`) and checked complete; time to build
 *   the Traces view rows (`summaries`) at the 1,000-trace cap.
 * - Memory at the cap: heap and RSS after garbage collection with the store full.
 * - OTLP/HTTP: spans per second through POST /v1/traces with protobuf bodies made by the real
 *   OpenTelemetry serializer (512 spans per request, 4 requests in flight).
 *
 * Writes .bench/localReceivers.json. Exits 0 always. Run: node --import tsx bench/localReceivers.bench.ts
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest, Agent } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { encodeDaemonDatagram } from '../src/core/xrayDaemonProtocol';
import { createLocalTraceStore } from '../src/local/localTraceStore';
import { LocalReceivers } from '../src/local/receivers';

const RATES = [10_000, 20_000, 30_000, 40_000, 60_000];
const SECONDS = 3;
const DOCS_PER_TRACE = 10;
const MAX_TRACES = 1000;
const OTLP_SPANS = 100_000;
const OTLP_BATCH = 512;
const OTLP_IN_FLIGHT = 4;

type ToChild = { kind: 'udp'; port: number; rate: number; seconds: number; traceBase: number } | { kind: 'otlp'; url: string; spans: number };
type FromChild = { kind: 'udpDone'; sent: number; elapsedMs: number; traces: string[] } | { kind: 'otlpDone'; requests: number; spans: number; elapsedMs: number; failed: number };

// ── Child: the sender ───────────────────────────────────────────────────────────────────────

function traceDocuments(traceNumber: number): string[] {
  const traceId = `1-${(0x65000000 + Math.floor(traceNumber / 1e6)).toString(16)}-${traceNumber.toString(16).padStart(24, '0')}`;
  const rootId = (traceNumber * 16 + 1).toString(16).padStart(16, '0');
  const start = 1_700_000_000 + traceNumber / 1000;
  const docs: string[] = [];
  for (let k = 1; k < DOCS_PER_TRACE; k++) {
    docs.push(encodeDaemonDatagram({
      type: 'subsegment', trace_id: traceId, parent_id: rootId, id: (traceNumber * 16 + 1 + k).toString(16).padStart(16, '0'),
      name: k % 3 === 0 ? 'DynamoDB' : `step-${k}`, ...(k % 3 === 0 ? { namespace: 'aws', aws: { operation: 'GetItem', table_name: 'orders' } } : {}),
      start_time: start + k * 0.001, end_time: start + k * 0.001 + 0.0005,
    }));
  }
  docs.push(encodeDaemonDatagram({ trace_id: traceId, id: rootId, name: 'orders-api', origin: 'AWS::Lambda::Function', start_time: start, end_time: start + 0.02, http: { request: { method: 'POST', url: 'https://api.example.com/orders' }, response: { status: 200 } } }));
  return docs;
}

async function sendUdp(port: number, rate: number, seconds: number, traceBase: number): Promise<FromChild> {
  const socket = createSocket('udp4');
  const total = rate * seconds;
  const tickMs = 5;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const traces: string[] = [];
  let sent = 0;
  let traceNumber = traceBase;
  let pending: string[] = [];
  const started = performance.now();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / tickMs + 1) * perTick));
    while (sent < due) {
      if (pending.length === 0) {
        pending = traceDocuments(traceNumber);
        traces.push(`1-${(0x65000000 + Math.floor(traceNumber / 1e6)).toString(16)}-${traceNumber.toString(16).padStart(24, '0')}`);
        traceNumber += 1;
      }
      socket.send(pending.shift() as string, port, '127.0.0.1');
      sent += 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const elapsedMs = performance.now() - started;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  // Only complete traces are checked for assembly.
  return { kind: 'udpDone', sent, elapsedMs, traces: pending.length === 0 ? traces : traces.slice(0, -1) };
}

async function otlpBodies(spans: number): Promise<Uint8Array[]> {
  const { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const { ProtobufTraceSerializer } = await import('@opentelemetry/otlp-transformer');
  const { SpanKind, ROOT_CONTEXT, trace } = await import('@opentelemetry/api');
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'orders-api', 'cloud.platform': 'aws_lambda', 'faas.name': 'orders-api' }), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('bench');
  const bodies: Uint8Array[] = [];
  for (let made = 0; made < spans;) {
    const root = tracer.startSpan('orders-api', { kind: SpanKind.SERVER, attributes: { 'faas.invocation_id': `req-${made}`, 'http.request.method': 'POST', 'url.full': 'https://api.example.com/orders' } });
    const context = trace.setSpan(ROOT_CONTEXT, root);
    for (let k = 1; k < DOCS_PER_TRACE; k++) {
      const attributes = k % 3 === 0 ? { 'rpc.system': 'aws-api', 'rpc.service': 'DynamoDB', 'rpc.method': 'GetItem', 'aws.dynamodb.table_names': ['orders'] } : {};
      tracer.startSpan(`step-${k}`, { kind: k % 3 === 0 ? SpanKind.CLIENT : SpanKind.INTERNAL, attributes }, context).end();
    }
    root.end();
    made += DOCS_PER_TRACE;
    const finished = exporter.getFinishedSpans();
    if (finished.length >= OTLP_BATCH || made >= spans) {
      const body = ProtobufTraceSerializer.serializeRequest([...finished]);
      if (body !== undefined) bodies.push(body);
      exporter.reset();
    }
  }
  await provider.shutdown();
  return bodies;
}

async function sendOtlp(url: string, spans: number): Promise<FromChild> {
  const bodies = await otlpBodies(spans);
  const agent = new Agent({ keepAlive: true, maxSockets: OTLP_IN_FLIGHT });
  const target = new URL(url);
  let next = 0;
  let failed = 0;
  const post = (body: Uint8Array): Promise<number> => new Promise((resolve) => {
    const req = httpRequest({ host: target.hostname, port: target.port, path: '/v1/traces', method: 'POST', agent, headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
  const started = performance.now();
  await Promise.all(Array.from({ length: OTLP_IN_FLIGHT }, async () => {
    while (next < bodies.length) {
      const body = bodies[next++] as Uint8Array;
      if ((await post(body)) !== 200) failed += 1;
    }
  }));
  const elapsedMs = performance.now() - started;
  agent.destroy();
  return { kind: 'otlpDone', requests: bodies.length, spans, elapsedMs, failed };
}

function child(): void {
  process.on('message', (message: ToChild) => {
    const work = message.kind === 'udp' ? sendUdp(message.port, message.rate, message.seconds, message.traceBase) : sendOtlp(message.url, message.spans);
    void work.then((result) => process.send?.(result));
  });
}

// ── Parent: the receiver ────────────────────────────────────────────────────────────────────

function ask(sender: ChildProcess, message: ToChild): Promise<FromChild> {
  return new Promise((resolve) => {
    sender.once('message', (reply: FromChild) => resolve(reply));
    sender.send(message);
  });
}

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
}

function mb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

async function settle(receivers: LocalReceivers, expected: number): Promise<void> {
  const deadline = Date.now() + 3000;
  let last = -1;
  while (Date.now() < deadline) {
    const seen = receivers.store.counters().datagrams;
    if (seen >= expected || seen === last) {
      if (seen >= expected) return;
    }
    last = seen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main(): Promise<void> {
  const receivers = new LocalReceivers({ udpPort: 0, otlpPort: 0, limits: { maxTraces: MAX_TRACES, maxDatagramsPerSecond: 1_000_000 } });
  const state = await receivers.start();
  const port = state.udp?.port ?? 0;
  const sender = fork(process.argv[1] ?? 'bench/localReceivers.bench.ts', ['--sender'], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const runs: { rate: number; sent: number; received: number; lossPercent: number; achievedPerSecond: number; cpuMicrosPerDatagram: number; buildMs: number; tracesComplete: number; tracesChecked: number }[] = [];
  let traceBase = 1;
  let lastTraces: string[] = [];
  try {
    for (const rate of RATES) {
      const before = receivers.store.counters().datagrams;
      const cpuBefore = process.cpuUsage();
      const reply = await ask(sender, { kind: 'udp', port, rate, seconds: SECONDS, traceBase });
      if (reply.kind !== 'udpDone') break;
      traceBase += Math.ceil(reply.sent / DOCS_PER_TRACE) + 1;
      await settle(receivers, before + reply.sent);
      const cpu = process.cpuUsage(cpuBefore);
      const received = receivers.store.counters().datagrams - before;
      // Assembly: the run's newest traces (those under the cap) are complete, root last or not.
      const checked = reply.traces.slice(-MAX_TRACES);
      const buildStart = performance.now();
      const tracesComplete = checked.filter((id) => {
        const built = receivers.store.get(id);
        return built !== undefined && built.spans.length === DOCS_PER_TRACE && built.rootIds.length === 1 && !built.inProgress;
      }).length;
      const buildMs = Math.round(performance.now() - buildStart);
      runs.push({
        buildMs,
        tracesComplete,
        tracesChecked: checked.length,
        rate,
        sent: reply.sent,
        received,
        lossPercent: Math.round(((reply.sent - received) / reply.sent) * 10000) / 100,
        achievedPerSecond: Math.round(reply.sent / (reply.elapsedMs / 1000)),
        // Receiver CPU (this process, both threads' user + system) per datagram: what the receiver
        // costs whatever else shares the machine.
        cpuMicrosPerDatagram: Math.round(((cpu.user + cpu.system) / Math.max(1, received)) * 10) / 10,
      });
      lastTraces = reply.traces;
    }

    // Assembly: the last run's newest traces (those still under the cap) are complete.
    const checked = lastTraces.slice(-MAX_TRACES);
    const assembleStart = performance.now();
    let complete = 0;
    for (const id of checked) {
      const trace = receivers.store.get(id);
      if (trace !== undefined && trace.spans.length === DOCS_PER_TRACE && trace.rootIds.length === 1) complete += 1;
    }
    const assembleMs = performance.now() - assembleStart;
    const rowsStart = performance.now();
    const rows = receivers.store.summaries().length;
    const rowsMs = performance.now() - rowsStart;

    collectGarbage();
    const memory = process.memoryUsage();
    const held = receivers.store.size();
    const heldBytes = receivers.store.bytes();

    // Memory at the byte budget: larger documents (10 KB of metadata each) filed until the
    // default 64 MB budget evicts, as the receiver files them (parsed JSON objects).
    const budgetStore = createLocalTraceStore();
    const budget = budgetStore.limits().maxTotalBytes;
    const pad = 'm'.repeat(10_000);
    for (let n = 0; budgetStore.counters().evictedTraces < 500; n++) {
      const traceId = `1-66000000-${n.toString(16).padStart(24, '0')}`;
      for (let k = 0; k < DOCS_PER_TRACE; k++) {
        const text = JSON.stringify({ type: 'subsegment', trace_id: traceId, parent_id: 'aaaaaaaaaaaaaaaa', id: (n * 16 + k).toString(16).padStart(16, '0'), name: `step-${k}`, start_time: 1_700_000_000, end_time: 1_700_000_001, metadata: { default: { pad: `${pad}${n}${k}` } } });
        budgetStore.addDocument(traceId, (n * 16 + k).toString(16).padStart(16, '0'), JSON.parse(text) as Record<string, unknown>, text.length, false);
      }
    }
    collectGarbage();
    const budgetMemory = process.memoryUsage();
    const budgetLine = `bench localReceivers memory at the byte budget: ${budgetStore.size()} traces of 100 KB, ${mb(budgetStore.bytes())} MB of documents (budget ${mb(budget)} MB); heapUsed ${mb(budgetMemory.heapUsed)} MB, rss ${mb(budgetMemory.rss)} MB after GC (the UDP store above included)`;
    budgetStore.dispose();

    // OTLP.
    const otlpBefore = receivers.store.counters();
    const otlpCpuBefore = process.cpuUsage();
    const otlp = await ask(sender, { kind: 'otlp', url: state.otlp?.endpoint ?? '', spans: OTLP_SPANS });
    const otlpCpu = process.cpuUsage(otlpCpuBefore);
    const otlpAfter = receivers.store.counters();
    const otlpSpans = otlpAfter.spans - otlpBefore.spans;
    const otlpPerSecond = otlp.kind === 'otlpDone' ? Math.round(otlpSpans / (otlp.elapsedMs / 1000)) : 0;
    const otlpCpuMicros = Math.round(((otlpCpu.user + otlpCpu.system) / Math.max(1, otlpSpans)) * 10) / 10;

    const lossless = runs.filter((run) => run.received === run.sent);
    const best = lossless.length === 0 ? 0 : Math.max(...lossless.map((run) => run.achievedPerSecond));
    for (const run of runs) {
      console.log(`bench localReceivers udp ${run.rate}/s for ${SECONDS} s: received/sent ${run.received}/${run.sent} (loss ${run.lossPercent}%, sender achieved ${run.achievedPerSecond}/s, receiver CPU ${run.cpuMicrosPerDatagram} µs per datagram; ${run.tracesComplete}/${run.tracesChecked} newest traces complete, built in ${run.buildMs} ms)`);
    }
    const cpuCosts = runs.map((run) => run.cpuMicrosPerDatagram).filter((cost) => cost > 0);
    const capacity = cpuCosts.length === 0 ? 0 : Math.round(1e6 / Math.min(...cpuCosts));
    console.log(`bench localReceivers udp highest rate with no loss ${best} segments/s (target ≥ 20,000); receiver CPU-bound capacity ≈ ${capacity} segments/s on one core (load average ${loadavg()[0]?.toFixed(1)} on this machine while measuring)`);
    console.log(`bench localReceivers assembly after the last run: ${complete}/${checked.length} traces complete (${DOCS_PER_TRACE} documents each, root last); ${rows} Traces view rows in ${Math.round(rowsMs)} ms`);
    console.log(`bench localReceivers memory at the cap: ${held} traces, ${mb(heldBytes)} MB of documents; heapUsed ${mb(memory.heapUsed)} MB, rss ${mb(memory.rss)} MB after GC; evicted ${receivers.store.counters().evictedTraces}`);
    console.log(budgetLine);
    console.log(`bench localReceivers otlp ${otlpPerSecond} spans/s (protobuf, ${OTLP_BATCH} spans per request, ${OTLP_IN_FLIGHT} in flight; ${otlpSpans}/${OTLP_SPANS} accepted; receiver CPU ${otlpCpuMicros} µs per span ≈ ${Math.round(1e6 / Math.max(0.1, otlpCpuMicros))} spans/s on one core${otlp.kind === 'otlpDone' && otlp.failed > 0 ? `, ${otlp.failed} requests failed` : ''})`);
    mkdirSync(join(process.cwd(), '.bench'), { recursive: true });
    writeFileSync(join(process.cwd(), '.bench', 'localReceivers.json'), `${JSON.stringify({ udp: runs, bestLosslessPerSecond: best, cpuBoundCapacityPerSecond: capacity, loadAverage: loadavg()[0], assembly: { complete, checked: checked.length, assembleMs, rows, rowsMs }, memory: { traces: held, documentBytes: heldBytes, heapUsed: memory.heapUsed, rss: memory.rss, budgetHeapUsed: budgetMemory.heapUsed, budgetRss: budgetMemory.rss }, otlp: { spansPerSecond: otlpPerSecond, cpuMicrosPerSpan: otlpCpuMicros, accepted: otlpSpans, sent: OTLP_SPANS } }, null, 2)}\n`);
  } finally {
    sender.kill();
    await receivers.dispose();
  }
}

if (process.argv.includes('--sender')) {
  child();
} else {
  main().catch((error: unknown) => console.log(`bench localReceivers failed: ${error instanceof Error ? error.message : String(error)}`));
}
