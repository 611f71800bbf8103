/**
 * How fast the Traces view gets 500 full traces: our TraceFetcher (5 ids per BatchGetTraces,
 * 4 calls in flight) against a sequential one-id-per-call loop, on the local X-Ray server with
 * 50 ms injected latency per call. Targets: ≥ 15x faster than sequential, ≤ 1.5x of ideal.
 * The server runs in its own process (its CLI), as AWS would: in-process, its JSON work would
 * share one thread with the client's and the figures would measure the test set-up.
 *   node --import tsx bench/fetch.bench.ts
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchGetTracesCommand } from '@aws-sdk/client-xray';
import { AwsClientFactory } from '../src/aws/clientFactory';
import type { AwsLogger } from '../src/aws/clientFactory';
import { MAX_IDS_PER_CALL, TraceFetcher } from '../src/aws/xrayTraceFetcher';
import { TEST_PROFILE, useFakeAwsHome } from '../test/support/awsTestConnection';
import { searchTraceSummaries } from '../src/aws/xrayTraceSearch';

const TRACES = 500;
const LATENCY_MS = 50;
const CONCURRENCY = 4;
/** The sequential loop takes ~25 s for 500 ids; time this many and extrapolate. */
const SEQUENTIAL_SAMPLE = 80;

const quiet: AwsLogger = { debug: () => {}, info: () => {}, warn: (m) => console.error(m), error: (m) => console.error(m) };

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** Starts the server CLI (stdin kept open: it exits when stdin closes) and reads its URL. */
function startServerProcess(): Promise<{ child: ChildProcess; url: string }> {
  const script = join(__dirname, '..', 'test', 'support', 'localXRayServer.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, '--latency', String(LATENCY_MS), '--count', String(TRACES)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const url = /LOCAL_XRAY_URL=(\S+)/.exec(out)?.[1];
      if (url) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

async function stats(url: string): Promise<{ requests: number; maxInFlight: number }> {
  const response = await fetch(`${url}/__local/stats`);
  return (await response.json()) as { requests: number; maxInFlight: number };
}

async function traceIds(factory: AwsClientFactory): Promise<string[]> {
  const ids: string[] = [];
  const query = { startTime: new Date(Date.now() - 3 * 60 * 60 * 1000), endTime: new Date(Date.now() + 60_000) };
  for await (const page of searchTraceSummaries(factory.xray(), query, new AbortController().signal)) {
    ids.push(...page.map((row) => row.id));
  }
  return ids;
}

async function main(): Promise<void> {
  const home = useFakeAwsHome();
  const { child, url } = await startServerProcess();
  const factory = new AwsClientFactory({ profile: TEST_PROFILE, region: 'us-east-1', endpointUrl: url }, quiet);
  try {
    const client = factory.xray();
    // Also the warm-up: credential resolution and the first connection are not what we measure.
    const ids = await traceIds(factory);
    if (ids.length !== TRACES) {
      throw new Error(`found ${ids.length} of ${TRACES} traces`);
    }
    const before = await stats(url);
    const pipelineStart = performance.now();
    const result = await new TraceFetcher(client, quiet).fetch(ids, { concurrency: CONCURRENCY, signal: new AbortController().signal });
    const pipelineMs = performance.now() - pipelineStart;
    if (result.traces.length !== TRACES) {
      throw new Error(`pipeline fetched ${result.traces.length} of ${TRACES} traces`);
    }
    const after = await stats(url);
    const pipelineCalls = after.requests - before.requests;
    const maxInFlight = after.maxInFlight;

    const sequentialStart = performance.now();
    for (const id of ids.slice(0, SEQUENTIAL_SAMPLE)) {
      await client.send(new BatchGetTracesCommand({ TraceIds: [id] }));
    }
    const sequentialMs = ((performance.now() - sequentialStart) / SEQUENTIAL_SAMPLE) * TRACES;

    const idealMs = (Math.ceil(TRACES / MAX_IDS_PER_CALL) / CONCURRENCY) * LATENCY_MS;
    const speedup = sequentialMs / pipelineMs;
    const ofIdeal = pipelineMs / idealMs;
    console.log(
      `bench fetch ${TRACES} traces: pipeline ${seconds(pipelineMs)}, sequential ${seconds(sequentialMs)} (${speedup.toFixed(1)}x faster; ` +
        `timed ${SEQUENTIAL_SAMPLE} calls and extrapolated), ideal ${seconds(idealMs)} (${ofIdeal.toFixed(2)}x of ideal) ` +
        `[targets: >= 15x faster, <= 1.5x of ideal; ${pipelineCalls} calls incl. GetTraceSegmentDestination, max ${maxInFlight} in flight, ${LATENCY_MS} ms latency]`,
    );
    const outDir = join(process.cwd(), '.bench');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(
      join(outDir, 'fetch.json'),
      JSON.stringify(
        {
          traces: TRACES,
          latencyMs: LATENCY_MS,
          concurrency: CONCURRENCY,
          pipelineMs: Math.round(pipelineMs),
          pipelineCalls,
          maxInFlight,
          sequentialMs: Math.round(sequentialMs),
          sequentialExtrapolatedFrom: SEQUENTIAL_SAMPLE,
          idealMs,
          speedup: Number(speedup.toFixed(2)),
          ratioToIdeal: Number(ofIdeal.toFixed(3)),
          targets: { speedupAtLeast: 15, ratioToIdealAtMost: 1.5 },
          met: speedup >= 15 && ofIdeal <= 1.5,
        },
        null,
        2,
      ) + '\n',
    );
  } finally {
    factory.dispose();
    child.stdin?.end();
    home.restore();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
