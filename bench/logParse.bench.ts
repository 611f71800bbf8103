/**
 * Parses 1,000,000 Lambda log lines of mixed formats (shapes taken from the real samples in
 * test/fixtures/lambda-logs, request ids varied per invocation) and reports lines per second and
 * peak memory (rss sampled during the run, and heapUsed). Writes .bench/log-parse.json.
 * Exits 0 always. Run: node --import tsx bench/logParse.bench.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseLambdaLogLine } from '../src/core/lambdaLogParser';

const LINES = 1_000_000;

function requestId(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `c793869b-ee49-115b-a5b6-${hex}`;
}

/** One invocation's events in the formats the samples show; ~10 lines per invocation. */
function invocation(n: number, ts: string): string[] {
  const id = requestId(n);
  const cold = n % 50 === 0;
  const lines = [
    `START RequestId: ${id} Version: $LATEST\n`,
    `${ts}\t${id}\tINFO\t a picture just got uploaded to the S3 original-dinner-time-images bucket!\n`,
    `${ts}\t${id}\tINFO\tEVENT\r{\r  "key": "value${n}"\r}\n`,
    `[INFO]\t${ts}\t${id}\t## EVENT {'key': 'value'}\n`,
    `{"timestamp":"${ts}","level":"INFO","requestId":"${id}","message":"order ${n} processed"}`,
    `{"level":"INFO","message":"Lambda invocation event","service":"orders","timestamp":"${ts}","xray_trace_id":"1-66bc8205-21f8b5190da519d22b2b${(n % 65536).toString(16).padStart(4, '0')}","cold_start":${cold},"function_request_id":"${id}"}`,
    `2020/03/27 03:40:05 processing record ${n}`,
    `END RequestId: ${id}\n`,
    `REPORT RequestId: ${id}\tDuration: ${(n % 900) + 0.83} ms\tBilled Duration: ${(n % 900) + 1} ms\tMemory Size: 128 MB\tMax Memory Used: ${60 + (n % 60)} MB\t${cold ? 'Init Duration: 166.62 ms\t' : ''}XRAY TraceId: 1-5d9d007f-0a8c7fd02b1c480aed55ef0\tSegmentId: 3d752f0a1bbe37e1\tSampled: true\t\n`,
    `{"time":"${ts}","type":"platform.report","record":{"requestId":"${id}","status":"success","metrics":{"durationMs":12.5,"billedDurationMs":13,"memorySizeMB":128,"maxMemoryUsedMB":67}}}`,
  ];
  if (n % 100 === 7) lines.push(`${ts}\t${id}\tERROR\tInvoke Error \t{"errorType":"TypeError","errorMessage":"x is not a function","stack":["TypeError: x is not a function","    at Runtime.handler (/var/task/index.js:25:11)"]}\n`);
  if (n % 500 === 3) lines.push(`${ts} ${id} Task timed out after 3.00 seconds\n\n`);
  return lines;
}

function main(): void {
  const lines: string[] = [];
  const base = Date.parse('2024-05-01T10:00:00Z');
  for (let n = 0; lines.length < LINES; n++) lines.push(...invocation(n, new Date(base + n * 37).toISOString()));
  lines.length = LINES;
  globalThis.gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const kinds: Record<string, number> = {};
  const start = performance.now();
  for (let i = 0; i < lines.length; i++) {
    const parsed = parseLambdaLogLine(lines[i] as string, { timestamp: base + i });
    kinds[parsed.kind] = (kinds[parsed.kind] ?? 0) + 1;
    if ((i & 0xffff) === 0) {
      const usage = process.memoryUsage();
      peakRss = Math.max(peakRss, usage.rss);
      peakHeap = Math.max(peakHeap, usage.heapUsed);
    }
  }
  const seconds = (performance.now() - start) / 1000;
  const after = process.memoryUsage();
  peakRss = Math.max(peakRss, after.rss);
  peakHeap = Math.max(peakHeap, after.heapUsed);
  const linesPerSecond = Math.round(LINES / seconds);
  const result = { lines: LINES, seconds: Number(seconds.toFixed(3)), linesPerSecond, peakRssMb: Math.round(peakRss / 2 ** 20), peakHeapUsedMb: Math.round(peakHeap / 2 ** 20), baselineRssMb: Math.round(before.rss / 2 ** 20), kinds };
  console.log(`bench log-parse lines/s ${linesPerSecond} (${LINES} lines in ${result.seconds} s)`);
  console.log(`bench log-parse peak rss ${result.peakRssMb} MB (baseline ${result.baselineRssMb} MB, input held in memory)`);
  console.log(`bench log-parse peak heapUsed ${result.peakHeapUsedMb} MB`);
  mkdirSync(join(process.cwd(), '.bench'), { recursive: true });
  writeFileSync(join(process.cwd(), '.bench', 'log-parse.json'), `${JSON.stringify(result, null, 2)}\n`);
}

try {
  main();
} catch (error) {
  console.log(`bench log-parse failed: ${error instanceof Error ? error.message : String(error)}`);
}
process.exit(0);
