/**
 * How long `buildServiceGraph` takes for 10,000 traces of the generated shop (API Gateway →
 * Lambda → DynamoDB / SQS / HTTP, with SQS consumers stitched by links, AWSTraceHeader parents,
 * message ids and timing). The traces are built once beforehand: the figure is the graph alone,
 * what the map pays on every refresh. Target: under 300 ms.
 * Run: node --import tsx bench/serviceGraph.bench.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildServiceGraph } from '../src/core/serviceGraph/buildServiceGraph';
import { buildTrace } from '../src/core/traceBuilder';
import { generateGraphTraceSet } from '../test/builders/graphTraceSet';

const TRACES = 10_000;
const TARGET_MS = 300;
const WARM_UPS = 3;
const RUNS = 9;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

// About 1.4 traces per producer (consumers included); trim to exactly TRACES.
const set = generateGraphTraceSet({ traces: Math.ceil(TRACES / 1.3), seed: 1 });
const traces = set.traces.slice(0, TRACES).map((trace) => buildTrace({ traceId: trace.id, documents: trace.documents }));
if (traces.length !== TRACES) throw new Error(`generated ${traces.length} traces, expected ${TRACES}`);
const spans = traces.reduce((sum, trace) => sum + trace.spans.length, 0);

for (let i = 0; i < WARM_UPS; i++) buildServiceGraph(traces);
const times: number[] = [];
const cpuTimes: number[] = [];
let nodes = 0;
let edges = 0;
for (let i = 0; i < RUNS; i++) {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const graph = buildServiceGraph(traces);
  const used = process.cpuUsage(cpu);
  times.push(performance.now() - start);
  cpuTimes.push((used.user + used.system) / 1000);
  nodes = graph.nodes.length;
  edges = graph.edges.length;
}
const ms = Math.round(median(times) * 10) / 10;
// On a busy machine wall time includes waiting for a core; CPU time says what the build itself costs.
const cpuMs = Math.round(median(cpuTimes) * 10) / 10;
const pass = ms < TARGET_MS;
console.log(`bench service-graph ${TRACES} traces (${spans} spans, ${nodes} nodes, ${edges} edges): ${ms.toFixed(1)} ms (median of ${RUNS}, CPU ${cpuMs.toFixed(1)} ms; target < ${TARGET_MS} ms${pass ? '' : ', OUTSIDE target'})`);

const outDir = new URL('../.bench/', import.meta.url);
mkdirSync(outDir, { recursive: true });
writeFileSync(new URL('service-graph.json', outDir), `${JSON.stringify({ name: 'service-graph', date: new Date().toISOString(), target: { buildMs: TARGET_MS }, pass, results: [{ traces: TRACES, spans, nodes, edges, ms, cpuMs }] }, null, 2)}\n`);
