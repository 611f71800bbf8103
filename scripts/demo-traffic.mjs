// The demo's traffic generator: runs examples/ in a Lambda-like runtime in this process and sends
// orders through it, reporting X-Ray segments over UDP and OpenTelemetry spans and logs over
// OTLP/HTTP to the local receivers (Serverless Lens: Start Local Receivers). Loopback only.
//   node scripts/demo-traffic.mjs [--xray 127.0.0.1:2000] [--otlp http://127.0.0.1:4318]
//                                 [--rate 2] [--count N] [--logs] [--report file.json] [--exit-with-stdin]
//                                 [--app examples/]   (the app folder; it must lie inside this repository)
// Defaults come from AWS_XRAY_DAEMON_ADDRESS and OTEL_EXPORTER_OTLP_ENDPOINT when set.
// Runs until Ctrl+C, or with --count sends N requests, waits until the queues are drained and exits.
// Prints `DEMO_TRAFFIC_READY` once the first request is about to go out.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { tsImport } from 'tsx/esm/api';

const repo = resolve(new URL('..', import.meta.url).pathname);
const argv = process.argv.slice(2);
const value = (name) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const xrayAddress = value('--xray') ?? process.env.AWS_XRAY_DAEMON_ADDRESS ?? '127.0.0.1:2000';
const otlpUrl = value('--otlp') ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://127.0.0.1:4318';
const count = value('--count') !== undefined ? Number(value('--count')) : undefined;
const rate = value('--rate') !== undefined ? Number(value('--rate')) : 2;
const reportFile = value('--report');

const { startTraffic, formatStats } = await tsImport('./demo/traffic.ts', import.meta.url);

let handle;
async function stop(code) {
  if (handle) {
    await handle.stop();
    writeReport();
    console.log(`demo-traffic: stopped. ${formatStats(handle.stats())}`);
  }
  process.exit(code);
}

function writeReport() {
  if (!reportFile || !handle) return;
  writeFileSync(reportFile, `${JSON.stringify({ stats: handle.stats(), failures: handle.failures }, null, 2)}\n`);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stop(0));
if (argv.includes('--exit-with-stdin')) {
  process.stdin.on('end', () => void stop(0));
  process.stdin.resume();
}

try {
  handle = await startTraffic({ appDir: resolve(value('--app') ?? resolve(repo, 'examples')), xrayAddress, otlpUrl, ratePerSecond: rate, count, printLogs: argv.includes('--logs') });
  console.log(`DEMO_TRAFFIC_READY xray=${xrayAddress} otlp=${otlpUrl} payments=${handle.paymentsUrl} functions=${handle.functions.map((fn) => fn.name).join(',')}`);
  const summary = setInterval(() => {
    console.log(`demo-traffic: ${formatStats(handle.stats())}`);
    writeReport();
  }, 10_000);
  if (count !== undefined) {
    await handle.done;
    clearInterval(summary);
    await stop(0);
  }
} catch (error) {
  console.error(`demo-traffic: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
