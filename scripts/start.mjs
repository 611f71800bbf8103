// `npm start`: the demo. Builds the extension, opens examples/ (an orders app: API, queue worker,
// notifier) in a real VS Code with the extension loaded and its local receivers on, and runs the
// app in a Lambda-like runtime with live traffic (scripts/demo-traffic.mjs): traces, failures and
// logs appear in the Traces view under Local. No AWS account needed; nothing leaves 127.0.0.1.
//   npm start                    desktop `code` if it is on the PATH, otherwise code-server + a URL to open
//   npm start -- --code-server   use code-server even when `code` is on the PATH
//   npm start -- --logs          also print the functions' Lambda log lines here
//   npm start -- --check         (or SLENS_START_CHECK=1) start everything on free ports, check with
//                                headless Chromium that failing traces appear under Local, print OK, exit
// Stops everything it started on Ctrl+C / SIGTERM and puts examples/.vscode/settings.json back.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { tsImport } from 'tsx/esm/api';

const repo = resolve(new URL('..', import.meta.url).pathname);
const examples = join(repo, 'examples');
const args = new Set(process.argv.slice(2));
const checkMode = args.has('--check') || process.env.SLENS_START_CHECK === '1';
const forceCodeServer = args.has('--code-server') || checkMode;
const CHECK_TIMEOUT_MS = 4 * 60_000;
const RECEIVERS_TIMEOUT_MS = 5 * 60_000;

const importTs = (path) => tsImport(path, import.meta.url);
const { ensureCodeServer, startCodeServer, workbenchUrl } = await importTs('../test/integration/codeServer.ts');
const { startDemoSession } = await importTs('./demo/demoSession.ts');

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
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(' ')} exited with ${result.status ?? result.signal}`);
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Starts the traffic once the extension's receivers listen (VS Code may take a while to start). */
async function trafficWhenReady(session) {
  console.log(`start: waiting for VS Code to start the local receivers (UDP ${session.udpAddress}, OTLP ${session.otlpAddress})…`);
  await session.waitForReceivers(RECEIVERS_TIMEOUT_MS);
  const printLogs = args.has('--logs');
  const traffic = await session.startTraffic({ printLogs, onLine: (line) => (printLogs || line.startsWith('demo') ? console.log(line) : undefined) });
  console.log('start: the demo traffic runs (about 2 orders a second); press Ctrl+C to stop');
  return traffic;
}

async function checkLocalTraces(url) {
  const { launchChromium, newWorkbenchContext } = await importTs('../test/integration/workbenchBrowser.ts');
  const browser = await launchChromium();
  cleanups.push(() => browser.close());
  const context = await newWorkbenchContext(browser);
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  await page.locator('.part.activitybar').getByRole('tab', { name: /Serverless Lens/ }).click({ timeout: 20_000 });
  const failing = page.locator('[id="workbench.view.extension.serverlessLens"] .monaco-list-row[aria-label*="orders-demo"][aria-label*="Fault"]');
  await failing.first().waitFor({ timeout: 90_000 });
  return { count: await failing.count(), first: (await failing.first().getAttribute('aria-label')) ?? '' };
}

async function main() {
  console.log('start: building the extension');
  run(process.execPath, ['esbuild.mjs']);
  const session = await startDemoSession({ folder: examples, ephemeralPorts: checkMode, log: (line) => console.log(line) });
  cleanups.push(() => session.stop());
  console.log(`start: sample AWS endpoint ${session.endpointUrl}; receivers UDP ${session.udpAddress}, OTLP ${session.otlpAddress} (examples/.vscode/settings.json)`);

  if (!forceCodeServer && onPath('code')) {
    console.log('start: opening VS Code (`code`) on examples/ with the extension in development mode');
    const child = spawn('code', ['--new-window', `--extensionDevelopmentPath=${repo}`, examples], { env: session.env, stdio: 'inherit' });
    await new Promise((done) => child.once('exit', done));
    await trafficWhenReady(session);
    return;
  }

  const tmp = mkdtempSync(join(tmpdir(), 'slens-demo-code-server-'));
  cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));
  const entry = await ensureCodeServer(repo);
  const server = await startCodeServer({ entry, dir: tmp, env: session.env });
  cleanups.push(() => server.stop());
  const url = workbenchUrl(server, { folder: examples, extensionDevelopmentPath: repo });

  if (checkMode) {
    const timer = setTimeout(() => {
      console.error(`start --check: FAILED, no result within ${CHECK_TIMEOUT_MS / 1000} s`);
      void stopAll(1);
    }, CHECK_TIMEOUT_MS);
    try {
      const checking = checkLocalTraces(url);
      await trafficWhenReady(session);
      const { count, first } = await checking;
      clearTimeout(timer);
      console.log(`start --check: OK, the Traces view shows ${count} failing local trace rows (first: ${first})`);
      await stopAll(0);
    } catch (error) {
      clearTimeout(timer);
      console.error(`start --check: FAILED: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      await stopAll(1);
    }
    return;
  }

  console.log(`\nOpen ${url}\nin your browser (Chromium or Chrome), then Serverless Lens in the activity bar: live traces appear under Local.\n`);
  await trafficWhenReady(session);
}

main().catch((error) => {
  console.error(`start: ${error instanceof Error ? error.message : String(error)}`);
  void stopAll(1);
});
