/**
 * The integration lane: a real VS Code (code-server 4.100.3 = VS Code 1.100.3) driven by headless
 * Chromium, against local X-Ray servers on 127.0.0.1 (../../../shared/docs/vscode-in-ci.md).
 *
 *   node --import tsx test/integration/runCodeServer.ts --result .test-run/integration.json [--keep] [--no-ui] [--update-screenshots]
 *
 * 1. The extension-host suite (test/integration/suite, built to out/test/suite/index.js by
 *    `node esbuild.mjs --tests`) runs through the workbench `payload`; its counts come from the
 *    result line the suite prints.
 * 2. The UI checks (uiChecks.ts) drive a workbench without the test payload, the way a person
 *    does, and save screenshots to .test-run/screenshots/ (to docs/images/, the README's, with
 *    --update-screenshots).
 * The result file `{ "passed": n, "failed": m, ... }` is written even when something breaks, and
 * every process started here is stopped, within a hard overall timeout.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';

import { ensureCodeServer, startCodeServer, workbenchUrl } from './codeServer';
import type { CodeServer } from './codeServer';
import { TEST_PROFILE, TEST_REGION } from './testEnv';
import type { ExpectedTrace, SuiteResult } from './testEnv';
import { SOURCE_APP_FOLDER, buildSourceAppTraces } from './sourceAppTraces';
import { startTestServers } from './testServers';
import { prepareTestWorkspace, writeWorkspaceSettings } from './testWorkspace';
import { runUiChecks } from './uiChecks';
import { runDemoE2e } from './e2e/demoE2e';
import type { CheckResult } from './uiChecks';
import { launchChromium, newWorkbenchContext, runExtensionTests } from './workbenchBrowser';

const OVERALL_TIMEOUT_MS = 8 * 60_000;
const TEST_RUN_TIMEOUT_MS = 4 * 60_000;

const repo = resolve(__dirname, '../..');
const args = process.argv.slice(2);
const resultFile = argValue('--result');
const keepTemp = args.includes('--keep');
const withUi = !args.includes('--no-ui');
const screenshotDir = args.includes('--update-screenshots') ? join(repo, 'docs/images') : join(repo, '.test-run/screenshots');

interface LaneReport extends SuiteResult {
  suite?: SuiteResult & { exitCode: number };
  checks: CheckResult[];
  seconds?: number;
}

const report: LaneReport = { passed: 0, failed: 0, checks: [] };
const cleanups: { name: string; run: () => Promise<void> }[] = [];
const started = Date.now();
let finishing = false;

function argValue(name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

function log(line: string): void {
  console.log(line);
}

/** Records a lane-level check (not a mocha test) as one passed or failed test. */
function record(name: string, ok: boolean, detail?: string): void {
  report.checks.push({ name, ok, ...(detail ? { detail } : {}) });
  if (ok) report.passed += 1;
  else report.failed += 1;
}

async function finish(exitCode: number): Promise<never> {
  if (!finishing) {
    finishing = true;
    // Reverse order: browser before code-server before the X-Ray servers before the temp dir.
    for (const cleanup of cleanups.reverse()) {
      await Promise.race([cleanup.run().catch((error: unknown) => log(`cleanup ${cleanup.name}: ${String(error)}`)), new Promise((r) => setTimeout(r, 10_000))]);
    }
    report.seconds = Math.round((Date.now() - started) / 100) / 10;
    if (resultFile) {
      writeFileSync(resultFile, `${JSON.stringify(report, null, 2)}\n`);
    }
    log(`\nintegration: ${report.passed} passed, ${report.failed} failed in ${report.seconds} s`);
  }
  process.exit(exitCode);
}

/** The trace the UI opens by id: the richest failing trace makes the most telling screenshot. */
function pickTraceToOpen(traces: ExpectedTrace[]): string {
  const failing = traces.filter((t) => t.status !== 'ok');
  const pool = failing.length > 0 ? failing : traces;
  const richest = [...pool].sort((a, b) => b.spans - a.spans)[0];
  if (!richest) throw new Error('the local X-Ray server serves no traces in the default time range');
  return richest.id;
}

async function runSuite(browser: Browser, server: CodeServer, folder: string): Promise<void> {
  const context = await newWorkbenchContext(browser);
  try {
    const url = workbenchUrl(server, { folder, extensionDevelopmentPath: repo, extensionTestsPath: join(repo, 'out/test/suite/index') });
    log('\n── extension-host suite (mocha in code-server)');
    const outcome = await runExtensionTests(context, url, TEST_RUN_TIMEOUT_MS, (line) => log(`  ${line}`));
    if (outcome.result) {
      report.suite = { ...outcome.result, exitCode: outcome.exitCode };
      report.passed += outcome.result.passed;
      report.failed += outcome.result.failed;
      // Every fixture is served here (the source app included), so a skipped test hides a gap.
      const pending = outcome.result.pending ?? 0;
      record('no extension-host test skipped itself', pending === 0, pending > 0 ? `${pending} pending test(s)` : undefined);
      if (outcome.exitCode !== 0 && outcome.result.failed === 0) {
        record('extension-host suite exit code', false, `exit ${outcome.exitCode} with no failed test (a hook or the runner failed)`);
      }
    } else {
      record('extension-host suite printed its result', false, `workbench exit code ${outcome.exitCode}, no result line`);
    }
  } finally {
    await context.close().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(repo, 'out/test/suite/index.js'))) {
    throw new Error('out/test/suite/index.js is missing: run `node esbuild.mjs --tests` first');
  }
  const entry = await ensureCodeServer(repo);

  // Real failures of the built fixture app: jump-to-source needs their build output in the workspace.
  const sourceApp = await buildSourceAppTraces();
  cleanups.push({ name: 'source app build', run: async () => sourceApp.app.dispose() });
  const servers = await startTestServers(sourceApp);
  cleanups.push({ name: 'local X-Ray servers', run: () => servers.close() });
  const { primary, expectations } = servers;
  log(`local X-Ray servers: ${primary.url} (${expectations.primary.traces.length} traces), ${servers.alternate.url} (${expectations.alternate.traces.length} traces)`);

  const tmp = mkdtempSync(join(tmpdir(), 'slens-it-'));
  cleanups.push({ name: 'temp dir', run: async () => (keepTemp ? log(`kept ${tmp}`) : rmSync(tmp, { recursive: true, force: true })) });
  const workspace = prepareTestWorkspace({
    dir: tmp,
    template: join(repo, 'test/integration/workspace'),
    endpointUrl: primary.url,
    profile: TEST_PROFILE,
    region: TEST_REGION,
    extraEnv: servers.env,
    extraFolders: { [SOURCE_APP_FOLDER]: sourceApp.app.appDir },
  });

  const server = await startCodeServer({ entry, dir: join(tmp, 'code-server'), env: workspace.env });
  cleanups.push({ name: 'code-server', run: () => server.stop() });
  log(`code-server: ${server.url}`);
  const browser = await launchChromium();
  cleanups.push({ name: 'chromium', run: () => browser.close() });

  await runSuite(browser, server, workspace.folder);

  if (withUi) {
    log('\n── UI checks (workbench without the test payload)');
    // The suite changes the connection at runtime; give the UI the primary endpoint again.
    writeWorkspaceSettings(workspace.folder, { endpointUrl: primary.url, profile: TEST_PROFILE, region: TEST_REGION });
    const checks = await runUiChecks({
      browser,
      server,
      folder: workspace.folder,
      repo,
      traces: expectations.primary.traces,
      traceToOpen: pickTraceToOpen(expectations.primary.traces),
      sourceApp: sourceApp.expectations,
      // The README's pictures are refreshed on request only, so a test run leaves the tree clean.
      screenshots: { tracesView: join(screenshotDir, 'traces-view.png'), timeline: join(screenshotDir, 'timeline.png'), serviceMap: join(screenshotDir, 'service-map.png') },
      failureScreenshot: join(repo, '.test-run/ui-failure.png'),
      log,
    });
    for (const check of checks) record(check.name, check.ok, check.detail);
    log('\n── the demo end to end (a fresh `npm start` session on free ports, its own code-server)');
    const demo = await runDemoE2e({ browser, entry, repo, screenshotDir, failureScreenshot: join(repo, '.test-run/demo-failure.png'), log });
    for (const check of demo) record(check.name, check.ok, check.detail);
  }
}

const hardTimeout = setTimeout(() => {
  record('integration lane finished within its time limit', false, `over ${OVERALL_TIMEOUT_MS / 1000} s`);
  log(`integration: hard timeout after ${OVERALL_TIMEOUT_MS / 1000} s, stopping everything`);
  void finish(1);
}, OVERALL_TIMEOUT_MS);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    record('integration lane ran to the end', false, `interrupted by ${signal}`);
    void finish(1);
  });
}

main()
  .catch((error: unknown) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`integration harness failed: ${message}`);
    record('integration harness', false, message.split('\n')[0]);
  })
  .finally(() => {
    clearTimeout(hardTimeout);
    void finish(report.failed > 0 ? 1 : 0);
  });
