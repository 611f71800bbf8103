// `npm start`: the demo. A real VS Code with the extension loaded, on examples/, reading sample
// traces from a local X-Ray endpoint on 127.0.0.1 (no AWS account needed).
//   npm start                 desktop `code` if it is on the PATH, otherwise code-server + a URL to open
//   npm start -- --check      (or SLENS_START_CHECK=1) start everything, check with headless Chromium
//                             that the Traces view shows rows, print OK and exit
//   npm start -- --code-server   use code-server even when `code` is on the PATH
// Stops everything it started on Ctrl+C / SIGTERM.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { tsImport } from 'tsx/esm/api';

const repo = resolve(new URL('..', import.meta.url).pathname);
const examples = join(repo, 'examples');
const args = new Set(process.argv.slice(2));
const checkMode = args.has('--check') || process.env.SLENS_START_CHECK === '1';
const forceCodeServer = args.has('--code-server') || checkMode;
const PROFILE = 'serverless-lens-demo';
const REGION = 'us-east-1';
const CHECK_TIMEOUT_MS = 4 * 60_000;

// The code-server and workspace helpers are shared with the integration lane (TypeScript).
const importTs = (path) => tsImport(path, import.meta.url);
const { ensureCodeServer, startCodeServer, workbenchUrl } = await importTs('../test/integration/codeServer.ts');
const { writeFakeAwsFiles, isolatedEnv } = await importTs('../test/integration/testWorkspace.ts');

const cleanups = [];
let stopping = false;

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      console.error(`start: cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    console.log('\nstart: stopping');
    void stopAll(0);
  });
}

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: repo, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(`${command} ${commandArgs.join(' ')} exited with ${result.status ?? result.signal}`);
  }
}

/** Starts the local X-Ray server CLI and resolves with the URL it prints. */
function startXRayServer() {
  return new Promise((resolvePromise, reject) => {
    // stdin stays a pipe we hold open: the server exits by itself when it closes (if we die).
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/localXRayServer.ts', '--port', '0'], {
      cwd: repo,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    cleanups.push(async () => {
      child.stdin.end();
      child.kill('SIGTERM');
    });
    const timer = setTimeout(() => reject(new Error('the local X-Ray server printed no URL within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`the local X-Ray server exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^LOCAL_XRAY_URL=(\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolvePromise(match[1]);
      }
    });
  });
}

/** Points examples/.vscode/settings.json at the local endpoint; puts back what was there on exit. */
function writeExampleSettings(endpointUrl) {
  const dir = join(examples, '.vscode');
  const file = join(dir, 'settings.json');
  const dirExisted = existsSync(dir);
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  mkdirSync(dir, { recursive: true });
  const settings = {
    'serverlessLens.aws.endpointUrl': endpointUrl,
    'serverlessLens.aws.region': REGION,
    'serverlessLens.aws.profile': PROFILE,
  };
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
  cleanups.push(async () => {
    if (previous !== undefined) {
      writeFileSync(file, previous);
      return;
    }
    rmSync(file, { force: true });
    if (!dirExisted) {
      try {
        rmdirSync(dir);
      } catch {
        // Not empty: something else was put there meanwhile; leave it.
      }
    }
  });
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

async function checkTracesView(url) {
  const { launchChromium, newWorkbenchContext } = await importTs('../test/integration/workbenchBrowser.ts');
  const browser = await launchChromium();
  cleanups.push(() => browser.close());
  const context = await newWorkbenchContext(browser);
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  await page.locator('.part.activitybar').getByRole('tab', { name: /Serverless Lens/ }).click({ timeout: 20_000 });
  const rows = page.locator('[id="workbench.view.extension.serverlessLens"] .monaco-list-row');
  await rows.first().waitFor({ timeout: 30_000 });
  const count = await rows.count();
  const first = (await rows.first().getAttribute('aria-label')) ?? '';
  return { count, first };
}

async function main() {
  console.log('start: building the extension');
  run(process.execPath, ['esbuild.mjs']);

  const endpointUrl = await startXRayServer();
  console.log(`start: local X-Ray endpoint ${endpointUrl} (sample traces)`);
  writeExampleSettings(endpointUrl);

  const tmp = mkdtempSync(join(tmpdir(), 'slens-demo-'));
  cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));
  const env = isolatedEnv(writeFakeAwsFiles(join(tmp, 'aws'), PROFILE, REGION));

  if (!forceCodeServer && onPath('code')) {
    console.log('start: opening VS Code (`code`) on examples/ with the extension in development mode');
    const child = spawn('code', ['--new-window', `--extensionDevelopmentPath=${repo}`, examples], { env, stdio: 'inherit' });
    await new Promise((done) => child.once('exit', done));
    console.log('start: the local X-Ray endpoint keeps running for that window; press Ctrl+C here to stop it');
    return;
  }

  const entry = await ensureCodeServer(repo);
  const server = await startCodeServer({ entry, dir: join(tmp, 'code-server'), env });
  cleanups.push(() => server.stop());
  const url = workbenchUrl(server, { folder: examples, extensionDevelopmentPath: repo });

  if (checkMode) {
    const timer = setTimeout(() => {
      console.error(`start --check: FAILED, no result within ${CHECK_TIMEOUT_MS / 1000} s`);
      void stopAll(1);
    }, CHECK_TIMEOUT_MS);
    try {
      const { count, first } = await checkTracesView(url);
      clearTimeout(timer);
      console.log(`start --check: OK, the Traces view shows ${count} rows (first: ${first})`);
      await stopAll(0);
    } catch (error) {
      clearTimeout(timer);
      console.error(`start --check: FAILED: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      await stopAll(1);
    }
    return;
  }

  console.log(`\nOpen ${url}\nin your browser (Chromium or Chrome), then the Serverless Lens view in the activity bar.`);
  console.log('Press Ctrl+C to stop.\n');
}

main().catch((error) => {
  console.error(`start: ${error instanceof Error ? error.message : String(error)}`);
  void stopAll(1);
});
