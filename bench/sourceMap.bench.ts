/**
 * Source-map resolution on a ~5 MB map: first-use load time (read, parse, first lookup) and the
 * per-frame cost of 10,000 lookups once loaded. The bundle is built with esbuild (minified, one
 * long line, sourcesContent) from generated TypeScript modules, as `sam build` would.
 * Target: per frame well under 1 ms. Exits 0 always.
 * Run: node --import tsx bench/sourceMap.bench.ts
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { SourceMapStore } from '../src/local/sourceMapStore';

const FRAMES = 10_000;
const MODULES = 180;
const FUNCTIONS_PER_MODULE = 40;

function moduleSource(index: number): string {
  const lines: string[] = [`// Generated module ${index}: enough distinct code to make the map realistic.`];
  for (let fn = 0; fn < FUNCTIONS_PER_MODULE; fn++) {
    lines.push(
      `export function handler${index}_${fn}(input: { value?: number; items?: number[] }): number {`,
      `  const base = (input.value ?? ${fn}) * ${index + 1};`,
      `  if (base > ${1000 + fn}) throw new Error('too large in module ${index} function ${fn}');`,
      `  return (input.items ?? []).reduce((sum, item) => sum + item * base, 0) + helper${index}_${fn}(base);`,
      '}',
      `function helper${index}_${fn}(value: number): number {`,
      `  return value % ${fn + 7} === 0 ? value / 2 : value + ${fn};`,
      '}',
    );
  }
  return lines.join('\n');
}

async function buildBundle(dir: string): Promise<string> {
  mkdirSync(join(dir, 'src'), { recursive: true });
  const imports: string[] = [];
  for (let index = 0; index < MODULES; index++) {
    writeFileSync(join(dir, 'src', `module${index}.ts`), moduleSource(index));
    imports.push(`export * from './module${index}';`);
  }
  writeFileSync(join(dir, 'src', 'index.ts'), imports.join('\n'));
  const outfile = join(dir, '.aws-sam', 'build', 'BigFunction', 'index.js');
  await build({ entryPoints: [join(dir, 'src', 'index.ts')], outfile, bundle: true, minify: true, platform: 'node', format: 'cjs', target: 'es2022', sourcemap: 'linked', sourcesContent: true, logLevel: 'silent' });
  return outfile;
}

function randomColumns(lineLength: number, count: number): number[] {
  let seed = 42;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  return Array.from({ length: count }, () => 1 + Math.floor(next() * lineLength));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sl-bench-map-'));
  try {
    const bundle = await buildBundle(dir);
    const mapBytes = statSync(`${bundle}.map`).size;
    const bundleBytes = statSync(bundle).size;
    const store = new SourceMapStore();
    const loadStart = performance.now();
    const loaded = await store.load(bundle);
    const firstLookup = loaded.map?.resolver.resolve({ line: 1, column: 1 });
    const loadMs = performance.now() - loadStart;
    if (!loaded.map || !firstLookup) throw new Error(loaded.why ?? 'no mapping');
    const resolver = loaded.map.resolver;
    // The bundle is minified: most code sits on a few very long lines, like real Lambda stacks.
    const columns = randomColumns(bundleBytes, FRAMES);
    const start = performance.now();
    let resolved = 0;
    for (const column of columns) if (resolver.resolve({ line: 1, column })) resolved++;
    const perFrameUs = ((performance.now() - start) * 1000) / FRAMES;
    const storeStart = performance.now();
    for (const column of columns.slice(0, 1000)) await store.resolve(bundle, 1, column);
    const storeUs = ((performance.now() - storeStart) * 1000) / 1000;
    const lineStart = performance.now();
    const firstLine = resolver.resolveLine(1, { label: 'handler7_3', innermost: true });
    const lineFirstMs = performance.now() - lineStart;
    const lineRepeatStart = performance.now();
    for (let i = 0; i < 100; i++) resolver.resolveLine(1, { columns: [columns[i] ?? 1] });
    const lineRepeatUs = ((performance.now() - lineRepeatStart) * 1000) / 100;
    const mb = (mapBytes / 1024 / 1024).toFixed(1);
    console.log(`bench source-map load ${mb} MB map: ${loadMs.toFixed(0)} ms to first resolved frame (read + parse + decode)`);
    console.log(`bench source-map resolve ${FRAMES} frames: ${perFrameUs.toFixed(2)} µs/frame (target < 1000 µs), ${resolved} resolved`);
    console.log(`bench source-map store.resolve (async, mtime check at most once a second): ${storeUs.toFixed(1)} µs/frame`);
    console.log(`bench source-map resolveLine (no column): first ${lineFirstMs.toFixed(1)} ms (candidates ${firstLine?.candidates ?? 0}), then ${lineRepeatUs.toFixed(1)} µs/frame`);
    const outDir = new URL('../.bench/', import.meta.url);
    mkdirSync(outDir, { recursive: true });
    const results = { mapBytes, bundleBytes, frames: FRAMES, loadMs, perFrameUs, storeUs, lineFirstMs, lineRepeatUs, candidates: firstLine?.candidates ?? 0 };
    writeFileSync(new URL('source-map.json', outDir), `${JSON.stringify({ name: 'source-map', results }, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.log(`bench source-map failed: ${error instanceof Error ? error.message : String(error)}`);
});
