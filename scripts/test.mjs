// Runs every test lane in order and ends with one summary line, `N passed, N failed`.
//   node scripts/test.mjs            all lanes: static checks, unit, webview, integration
//   node scripts/test.mjs unit       one lane (unit | webview | integration | static)
// Lanes: static (tsc, eslint), unit (plain Node, node:test), webview (headless Chromium, node:test),
// integration (a real VS Code: code-server driven by Chromium, mocha inside the extension host).
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const runDir = join(root, '.test-run');
const requested = process.argv.slice(2);
const lanes = requested.length > 0 ? requested : ['static', 'unit', 'webview', 'integration'];

let passed = 0;
let failed = 0;
const failures = [];

function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...options.env } });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', () => resolve(127));
  });
}

function findTests(dir) {
  const out = [];
  if (!existsSync(dir)) {
    return out;
  }
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      out.push(...findTests(path));
    } else if (name.endsWith('.test.ts')) {
      out.push(relative(root, path));
    }
  }
  return out.sort();
}

/** A check that is not a test runner of its own counts as one test. */
async function check(name, command, args) {
  console.log(`\n── ${name}`);
  const code = await run(command, args);
  if (code === 0) {
    passed += 1;
  } else {
    failed += 1;
    failures.push(name);
  }
  return code;
}

async function nodeTestLane(lane, dir) {
  const files = findTests(join(root, dir));
  if (files.length === 0) {
    console.log(`\n── ${lane}: no tests found in ${dir}`);
    return;
  }
  const tap = join(runDir, `${lane}.tap`);
  rmSync(tap, { force: true });
  console.log(`\n── ${lane} tests (${files.length} files)`);
  const code = await run(process.execPath, [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ]);
  const counts = readTapCounts(tap);
  passed += counts.pass;
  failed += counts.fail;
  if (code !== 0 && counts.fail === 0) {
    // The runner itself failed (a file that did not load, a crash): count it.
    failed += 1;
    failures.push(`${lane} runner exited with ${code}`);
  } else if (counts.fail > 0) {
    failures.push(`${counts.fail} ${lane} test(s)`);
  }
}

function readTapCounts(path) {
  const counts = { pass: 0, fail: 0 };
  if (!existsSync(path)) {
    return counts;
  }
  const text = readFileSync(path, 'utf8');
  // The final `# pass N` / `# fail N` lines are the totals of the whole run.
  for (const match of text.matchAll(/^# (pass|fail) (\d+)$/gm)) {
    counts[match[1]] = Number(match[2]);
  }
  return counts;
}

async function integrationLane() {
  console.log('\n── build (extension, webview, test suite)');
  const buildCode = await run(process.execPath, ['esbuild.mjs', '--tests']);
  if (buildCode !== 0) {
    failed += 1;
    failures.push('build for integration tests');
    return;
  }
  const resultFile = join(runDir, 'integration.json');
  rmSync(resultFile, { force: true });
  console.log('\n── integration tests (code-server)');
  const code = await run(process.execPath, ['--import', 'tsx', 'test/integration/runCodeServer.ts', '--result', resultFile]);
  if (existsSync(resultFile)) {
    const result = JSON.parse(readFileSync(resultFile, 'utf8'));
    passed += result.passed;
    failed += result.failed;
    if (result.failed > 0) {
      failures.push(`${result.failed} integration test(s)`);
    }
  }
  if (code !== 0 && !existsSync(resultFile)) {
    failed += 1;
    failures.push(`integration runner exited with ${code}`);
  }
}

mkdirSync(runDir, { recursive: true });
const started = Date.now();
// The browser lanes need Debian's Chromium and code-server: install them when missing, so
// `npm test` alone works on a fresh machine (the script does nothing when both are there).
if ((lanes.includes('webview') || lanes.includes('integration')) && process.env.SLENS_SKIP_SETUP !== '1') {
  console.log('\n── set-up (Chromium, code-server: installed only when missing)');
  if ((await run('bash', ['scripts/setup-test-machine.sh'])) !== 0) {
    failed += 1;
    failures.push('set-up of Chromium and code-server (scripts/setup-test-machine.sh; needs apt-get as root or sudo)');
  }
}
for (const lane of lanes) {
  switch (lane) {
    case 'static':
      await check('typecheck (tsc --noEmit)', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']);
      await check('lint (eslint, layer boundaries)', process.execPath, ['node_modules/eslint/bin/eslint.js', '.']);
      break;
    case 'unit':
      await nodeTestLane('unit', 'test/unit');
      break;
    case 'webview':
      console.log('\n── build (webview bundle)');
      if ((await run(process.execPath, ['esbuild.mjs'])) !== 0) {
        failed += 1;
        failures.push('build for webview tests');
        break;
      }
      await nodeTestLane('webview', 'test/webview');
      break;
    case 'integration':
      await integrationLane();
      break;
    default:
      console.error(`unknown lane: ${lane}`);
      process.exit(2);
  }
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (failures.length > 0) {
  console.log(`\nFailed: ${failures.join('; ')}`);
}
console.log(`\nlanes: ${lanes.join(', ')} in ${seconds} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
