/**
 * Time from opening the Serverless Lens view to the first trace rows shown, in a real VS Code
 * (code-server driven by headless Chromium), against the local X-Ray endpoint with 50 ms latency.
 * Two figures per run, once the window's extension host is up:
 *   - open → rows: the click on the activity-bar item to the first trace row in the tree
 *     (includes activating the extension and the GetTraceSummaries round trip);
 *   - first response → rows: the endpoint's first GetTraceSummaries response to that row
 *     (our own work: mapping, tree items, rendering). Target: under 1 s.
 * Run with `node --import tsx bench/firstRows.bench.ts` (built extension in dist/ required).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { ensureCodeServer, startCodeServer, workbenchUrl } from '../test/integration/codeServer';
import { launchChromium, newWorkbenchContext } from '../test/integration/workbenchBrowser';
import { prepareTestWorkspace } from '../test/integration/testWorkspace';
import { startLocalXRayServer } from '../test/support/localXRayServer';
import { loadSampleTraces } from '../test/support/sampleTraces';

const RUNS = 3;
const LATENCY_MS = 50;
const SIDEBAR_ROWS = '[id="workbench.view.extension.serverlessLens"] .monaco-list-row';

interface RunFigures {
  openToRowsMs: number;
  /** Click to the first GetTraceSummaries request reaching the endpoint (activation, credentials). */
  openToFirstRequestMs: number;
  firstResponseToRowsMs: number;
}

const repo = resolve(__dirname, '..');

/**
 * How many extension hosts have finished starting, from code-server's logs. The click is timed
 * only once the page's extension host is up: its start-up (seconds in code-server) is VS Code's
 * cost, the same for every extension, not ours.
 */
function readyExtensionHosts(userData: string): number {
  const logs = join(userData, 'logs');
  if (!existsSync(logs)) return 0;
  let count = 0;
  for (const session of readdirSync(logs)) {
    for (const host of readdirSync(join(logs, session)).filter((name) => name.startsWith('exthost'))) {
      const file = join(logs, session, host, 'remoteexthost.log');
      if (existsSync(file) && readFileSync(file, 'utf8').includes('Eager extensions activated')) count += 1;
    }
  }
  return count;
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'slens-bench-rows-'));
  const xray = await startLocalXRayServer({ traces: loadSampleTraces(), latencyMs: LATENCY_MS });
  const workspace = prepareTestWorkspace({
    dir,
    template: join(repo, 'test/integration/workspace'),
    endpointUrl: xray.url,
    profile: 'serverless-lens-bench',
    region: 'us-east-1',
  });
  const entry = await ensureCodeServer(repo);
  const server = await startCodeServer({ entry, dir: join(dir, 'code-server'), env: workspace.env });
  const browser = await launchChromium();
  const figures: RunFigures[] = [];
  try {
    for (let run = 0; run < RUNS; run += 1) {
      xray.resetStats();
      const hostsBefore = readyExtensionHosts(join(dir, 'code-server', 'user-data'));
      const context = await newWorkbenchContext(browser);
      const page = await context.newPage();
      await page.goto(workbenchUrl(server, { folder: workspace.folder, extensionDevelopmentPath: repo }), { timeout: 60_000 });
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
      await waitFor(() => readyExtensionHosts(join(dir, 'code-server', 'user-data')) > hostsBefore, 60_000, 'the extension host');
      // Record, inside the page, the wall-clock time the first trace row is attached.
      await page.evaluate((selector) => {
        const win = window as unknown as { __firstRowAt?: number };
        const observer = new MutationObserver(() => {
          if (win.__firstRowAt === undefined && document.querySelector(selector)) {
            win.__firstRowAt = Date.now();
            observer.disconnect();
          }
        });
        observer.observe(document.body, { childList: true, subtree: true });
      }, SIDEBAR_ROWS);
      const clickedAt = Date.now();
      await page.locator('.part.activitybar').getByRole('tab', { name: /Serverless Lens/ }).click({ timeout: 20_000 });
      await page.waitForFunction(() => (window as unknown as { __firstRowAt?: number }).__firstRowAt !== undefined, undefined, { timeout: 60_000 });
      const rowsAt = await page.evaluate(() => (window as unknown as { __firstRowAt: number }).__firstRowAt);
      const firstResponse = xray.requests.find((request) => request.operation === 'GetTraceSummaries' && request.finishedAt !== undefined);
      if (!firstResponse?.finishedAt) {
        throw new Error('the endpoint saw no GetTraceSummaries response');
      }
      figures.push({ openToRowsMs: rowsAt - clickedAt, openToFirstRequestMs: firstResponse.at - clickedAt, firstResponseToRowsMs: rowsAt - firstResponse.finishedAt });
      await context.close();
    }
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    await xray.close();
    if (process.env.SLENS_KEEP) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  report(figures);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function report(figures: RunFigures[]): void {
  const openToRows = median(figures.map((figure) => figure.openToRowsMs));
  const responseToRows = median(figures.map((figure) => figure.firstResponseToRowsMs));
  const toRequest = median(figures.map((figure) => figure.openToFirstRequestMs));
  const verdict = responseToRows < 1000 ? 'meets' : 'misses';
  console.log(
    `bench traces view first rows: open → rows ${openToRows.toFixed(0)} ms (open → first request ${toRequest.toFixed(0)} ms), first response → rows ${responseToRows.toFixed(0)} ms ` +
      `(median of ${figures.length}, ${LATENCY_MS} ms endpoint latency; target < 1000 ms after the first response: ${verdict})`,
  );
  mkdirSync('.bench', { recursive: true });
  writeFileSync('.bench/first-rows.json', JSON.stringify({ name: 'first-rows', latencyMs: LATENCY_MS, runs: figures, medianOpenToRowsMs: openToRows, medianFirstResponseToRowsMs: responseToRows }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
