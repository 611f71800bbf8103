/**
 * How long `buildTrace` takes on synthetic traces of 1,000, 10,000 and 100,000 spans, from the
 * JSON strings BatchGetTraces returns (parsing included, as in the extension).
 * Run: node --import tsx bench/modelBuild.bench.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildTrace } from '../src/core/traceBuilder';
import { syntheticTraceDocuments } from '../test/builders/syntheticTrace';

const SIZES = [1_000, 10_000, 100_000];
const WARM_UPS = 2;
const RUNS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function measure(spans: number): number {
  const documents = syntheticTraceDocuments(spans, 1);
  for (let i = 0; i < WARM_UPS; i++) buildTrace({ documents });
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const trace = buildTrace({ documents });
    times.push(performance.now() - start);
    if (trace.spans.length !== spans) throw new Error(`built ${trace.spans.length} spans, expected ${spans}`);
  }
  return median(times);
}

const results = SIZES.map((spans) => {
  const ms = Math.round(measure(spans) * 10) / 10;
  console.log(`bench model-build ${spans} spans: ${ms.toFixed(1)} ms (median of ${RUNS}, JSON parsing included)`);
  return { spans, ms };
});

const outDir = new URL('../.bench/', import.meta.url);
mkdirSync(outDir, { recursive: true });
writeFileSync(new URL('model-build.json', outDir), `${JSON.stringify({ name: 'model-build', results }, null, 2)}\n`);
