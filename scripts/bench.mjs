// `npm run bench`: builds, then runs every bench/*.bench.ts in its own process and prints their
// figures. Benchmarks measure; they are not timed tests and do not fail on a missed target, but
// each prints its target beside the figure. Results are also written to .bench/*.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const benchDir = join(root, 'bench');
const outDir = join(root, '.bench');
const only = process.argv.slice(2);

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const build = spawnSync(process.execPath, ['esbuild.mjs', '--tests'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  process.exit(build.status ?? 1);
}

const files = readdirSync(benchDir)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => only.length === 0 || only.some((word) => name.includes(word)))
  .sort();

const figures = [];
let broken = 0;
for (const file of files) {
  console.log(`\n── ${file}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', join('bench', file)], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 15 * 60 * 1000,
  });
  process.stdout.write(result.stdout ?? '');
  for (const line of (result.stdout ?? '').split('\n')) {
    if (line.startsWith('bench ')) {
      figures.push(line);
    }
  }
  if (result.status !== 0) {
    broken += 1;
    console.log(`${file} exited with ${result.status ?? result.signal}`);
  }
}

console.log('\n── figures');
for (const line of figures) {
  console.log(line);
}
const written = existsSync(outDir) ? readdirSync(outDir).filter((name) => name.endsWith('.json')) : [];
console.log(`\n${figures.length} figures from ${files.length} benchmarks (${written.length} JSON files in .bench/)`);
if (broken > 0) {
  console.log(`${broken} benchmark(s) did not complete`);
  process.exit(1);
}
