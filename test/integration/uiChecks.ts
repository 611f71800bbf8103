/**
 * The UI phase of the integration lane: a workbench with the development extension loaded (no
 * test payload), driven the way a person uses it, against the same local X-Ray server. Each
 * check counts as one test. The checks form a chain (each needs the previous one's state), so
 * after the first failure the rest are reported as failed without waiting for their timeouts.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';

import type { CodeServer } from './codeServer';
import { workbenchUrl } from './codeServer';
import type { ExpectedTrace, SourceAppExpectations } from './testEnv';
import { checkRunner, logWorkbenchErrors, screenshot } from './checkRunner';
import { newWorkbenchContext, runFromPalette } from './workbenchBrowser';
import { runMapUiChecks } from './mapUiChecks';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface UiCheckOptions {
  browser: Browser;
  server: CodeServer;
  folder: string;
  repo: string;
  /** Traces the Traces view should list (newest first) and the one to open by id. */
  traces: ExpectedTrace[];
  traceToOpen: string;
  /** The built fixture app in the workspace and its failing traces; without it "Go to source" is not checked. */
  sourceApp?: SourceAppExpectations;
  screenshots: { tracesView: string; timeline: string; serviceMap?: string };
  /** Where a screenshot of the page goes when a check fails, to see what went wrong. */
  failureScreenshot: string;
  log: (line: string) => void;
}

const SIDEBAR_ROWS = '[id="workbench.view.extension.serverlessLens"] .monaco-list-row';

function timeline(page: Page): FrameLocator {
  // Webview content sits two iframes deep: the webview host frame, then the content frame.
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

function timelineRows(page: Page): Locator {
  return timeline(page).locator('[role="treeitem"]');
}

async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  // The Explorer lists the workspace once the remote connection and the folder are up.
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
}

async function clearNotifications(page: Page): Promise<void> {
  // Toasts about unrelated things (the marketplace being unreachable) would spoil the screenshots.
  await runFromPalette(page, 'Notifications: Clear All Notifications').catch(() => undefined);
  await page.keyboard.press('Escape');
}

/** Drags the sidebar's sash so trace rows (entry point, status, duration, age) fit on one line. */
async function widenSidebar(page: Page, width: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width - 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 8 });
  await page.mouse.up();
}

/**
 * The selected row's details: its exception (type, message, frame links) and the Go to source
 * button. The details come from the host after the click, so everything here waits for them.
 */
async function failingSpanDetails(page: Page): Promise<string> {
  const frame = timeline(page);
  const selected = frame.locator('[role="treeitem"][aria-selected="true"]');
  const name = ((await selected.locator('.tl-label').textContent({ timeout: 10_000 })) ?? '').trim();
  if (!(await selected.evaluate((row) => row.classList.contains('has-source')))) {
    throw new Error(`the selected span "${name}" records no exception: the opened trace shows no failing span with one`);
  }
  const exception = frame.locator('.tl-details .tl-exception').first();
  await exception.waitFor({ timeout: 20_000 });
  const title = ((await frame.locator('.tl-details .tl-details-title').textContent()) ?? '').trim();
  if (title !== name) throw new Error(`the details show "${title}", not the selected span "${name}"`);
  await frame.locator('.tl-details .tl-go-to-source').waitFor({ timeout: 5_000 });
  const type = ((await exception.locator('.tl-exception-type').textContent()) ?? '').trim();
  if (type === '') throw new Error('the exception has no type text');
  const links = await frame.locator('.tl-details .tl-frame-link').count();
  const dimmed = await frame.locator('.tl-details .tl-frame-runtime').count();
  return `"${name}": ${type}, ${links} frame link(s), ${dimmed} runtime frame(s)`;
}

/** 1-based line of the `@throws:<marker>` comment in the workspace copy of the fixture app. */
function markerLine(workspace: string, appFolder: string, file: string, marker: string): number {
  const lines = readFileSync(join(workspace, appFolder, file), 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(`@throws:${marker}`));
  if (index < 0) throw new Error(`no @throws:${marker} comment in ${file}`);
  return index + 1;
}

/** Opens the source trace, clicks Go to source, and checks the editor tab and its cursor line. */
async function goToSourceOpensLine(page: Page, workspace: string, appFolder: string, source: NonNullable<SourceAppExpectations['traces'][number]>): Promise<string> {
  const line = markerLine(workspace, appFolder, source.file, source.marker);
  // One timeline at a time: two webviews would make the frame locators ambiguous.
  await runFromPalette(page, 'View: Close All Editors');
  await runFromPalette(page, 'Serverless Lens: Open Trace by ID');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(source.traceId);
  await page.keyboard.press('Enter');
  const row = timeline(page).locator(`[role="treeitem"][data-span-id="${source.spanId}"]`);
  await row.click({ timeout: 30_000 });
  const button = timeline(page).locator('.tl-details .tl-go-to-source');
  await button.click({ timeout: 20_000 });
  return editorShowsLine(page, source, line);
}

/** Waits for the source file's editor tab and for the status bar's cursor line to be `line`. */
async function editorShowsLine(page: Page, source: NonNullable<SourceAppExpectations['traces'][number]>, line: number): Promise<string> {
  const fileName = basename(source.file);
  await page.locator('.tabs-container .tab.active', { hasText: fileName }).first().waitFor({ timeout: 30_000 });
  const status = page.locator('#status\\.editor\\.selection');
  const expected = `Ln ${line},`;
  // The cursor moves once the editor has revealed the line; poll the status bar until it says so.
  const deadline = Date.now() + 15_000;
  let shown = '';
  while (Date.now() < deadline) {
    shown = ((await status.textContent({ timeout: 5_000 }).catch(() => '')) ?? '').trim();
    if (shown.startsWith(expected)) return `${fileName} at ${shown} (marker ${source.marker})`;
    await page.waitForTimeout(250);
  }
  throw new Error(`${fileName} opened, but the status bar says "${shown}", expected line ${line} (marker ${source.marker})`);
}

/**
 * The Logs tab of a failing trace of the fixture app: opened by a click, it shows the runtime's
 * `Invoke Error` line and the REPORT summary, read from the local endpoint's CloudWatch Logs; the
 * first frame link of the user's code in that line's stack opens the line that threw.
 */
async function logsTabShowsInvocation(page: Page, workspace: string, appFolder: string, source: NonNullable<SourceAppExpectations['traces'][number]>): Promise<string> {
  await runFromPalette(page, 'View: Close All Editors');
  await runFromPalette(page, 'Serverless Lens: Open Trace by ID');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(source.traceId);
  await page.keyboard.press('Enter');
  const frame = timeline(page);
  await frame.locator('[role="treeitem"]').first().waitFor({ timeout: 30_000 });
  await frame.locator('[role="tab"][data-tab="logs"]').click({ timeout: 10_000 });
  const invokeError = frame.locator('.tl-log-line', { hasText: 'Invoke Error' }).first();
  await invokeError.waitFor({ timeout: 30_000 });
  const report = frame.locator('.tl-log-line.tl-log-kind-report .tl-log-message').first();
  const reportText = ((await report.textContent({ timeout: 5_000 })) ?? '').trim();
  if (!/^REPORT \S+ ms \(billed \d+ ms\) · 71\/256 MB/.test(reportText)) throw new Error(`the REPORT line reads "${reportText}"`);
  const verdict = ((await frame.locator('.tl-invocation .tl-verdict').first().textContent()) ?? '').trim();
  if (verdict !== 'error') throw new Error(`the invocation's verdict is "${verdict}", expected "error"`);
  const lines = await frame.locator('.tl-log-line').count();
  const summary = `${lines} log lines, "${((await invokeError.locator('.tl-log-message').textContent()) ?? '').slice(0, 60)}", ${reportText}`;
  const links = await invokeError.locator('.tl-log-frame-link').count();
  const runtime = await invokeError.locator('.tl-frame-runtime').count();
  await invokeError.locator('.tl-log-frame-link').first().click({ timeout: 10_000 });
  const opened = await editorShowsLine(page, source, markerLine(workspace, appFolder, source.file, source.marker));
  return `${summary}; ${links} frame link(s), ${runtime} runtime frame(s); the first opened ${opened}`;
}

export async function runUiChecks(options: UiCheckOptions): Promise<CheckResult[]> {
  const { browser, server, log } = options;
  const context = await newWorkbenchContext(browser);
  const page = await context.newPage();
  logWorkbenchErrors(page, log);
  const results: CheckResult[] = [];
  const check = checkRunner({ prefix: 'UI', page, results, log, failureScreenshot: options.failureScreenshot });

  const url = workbenchUrl(server, { folder: options.folder, extensionDevelopmentPath: options.repo });

  try {
    await check('the workbench opens the workspace with the development extension', async () => {
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
      await waitForWorkbench(page);
    });

    await check('the Serverless Lens view lists traces from the local endpoint', async () => {
      await page.locator('.part.activitybar').getByRole('tab', { name: /Serverless Lens/ }).click({ timeout: 20_000 });
      const rows = page.locator(SIDEBAR_ROWS);
      await rows.first().waitFor({ timeout: 30_000 });
      // Rows appear as the first page arrives; the tree renders only what fits, so ask for a few.
      await page.waitForFunction(
        ([selector, count]) => document.querySelectorAll(selector).length >= count,
        [SIDEBAR_ROWS, Math.min(options.traces.length, 5)] as const,
        { timeout: 30_000 },
      );
      await widenSidebar(page, 460);
      await clearNotifications(page);
      await screenshot(page, options.screenshots.tracesView);
      const first = (await rows.first().getAttribute('aria-label')) ?? '';
      return `${await rows.count()} rows visible, first "${first}"`;
    });

    await check('"Serverless Lens: Open Trace by ID…" from F1 opens the timeline', async () => {
      await runFromPalette(page, 'Serverless Lens: Open Trace by ID');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(options.traceToOpen);
      await page.keyboard.press('Enter');
      await page.locator('iframe.webview.ready').first().waitFor({ timeout: 30_000 });
    });

    await check('the timeline webview renders span rows', async () => {
      const rows = timelineRows(page);
      await rows.first().waitFor({ timeout: 30_000 });
      return `${await rows.count()} span rows`;
    });

    await check('clicking a span row selects it', async () => {
      const rows = timelineRows(page);
      // The deepest failing span makes the telling screenshot: its details show the exception.
      // Rows that record exceptions (`has-source`) first: a failing parent may only mirror its child.
      const withException = timeline(page).locator('[role="treeitem"].has-source');
      const failing = timeline(page).locator('[role="treeitem"][data-status="fault"], [role="treeitem"][data-status="error"]');
      const target = (await withException.count()) > 0 ? withException.last() : (await failing.count()) > 0 ? failing.last() : (await rows.count()) > 1 ? rows.nth(1) : rows.first();
      const spanId = await target.getAttribute('data-span-id');
      await target.click();
      const selected = timeline(page).locator(`[role="treeitem"][data-span-id="${spanId ?? ''}"][aria-selected="true"]`);
      await selected.waitFor({ timeout: 10_000 });
      await clearNotifications(page);
      await screenshot(page, options.screenshots.timeline);
      return `selected span ${spanId ?? '?'}`;
    });

    await check('the details of the clicked failing span show its exception and Go to source', async () => {
      const detail = await failingSpanDetails(page);
      // Retaken now that the details arrived from the host: the picture shows the exception.
      await clearNotifications(page);
      await screenshot(page, options.screenshots.timeline);
      return detail;
    });

    await check('after a window reload the timeline comes back with its rows', async () => {
      // Reload as a person does: the command shuts the window down properly, so the workbench
      // saves its editors (and the panel's state) before the page goes away; page.reload() does not.
      await runFromPalette(page, 'Developer: Reload Window');
      await page.waitForEvent('load', { timeout: 60_000 });
      // The sidebar comes back on the Serverless Lens view, so do not wait for the Explorer here.
      await page.locator('.monaco-workbench .part.editor').waitFor({ timeout: 60_000 });
      const rows = timelineRows(page);
      await rows.first().waitFor({ timeout: 45_000 });
      return `${await rows.count()} span rows restored`;
    });

    const source = options.sourceApp?.traces[0];
    if (options.sourceApp !== undefined && source !== undefined) {
      const app = options.sourceApp;
      await check('"Go to source" in a failing trace of the built fixture app opens the line that threw', () => goToSourceOpensLine(page, options.folder, app.folder, source));
      await check('the Logs tab of a failing fixture trace shows its Invoke Error line and REPORT summary, and its first frame link opens the line that threw', () => logsTabShowsInvocation(page, options.folder, app.folder, source));
    } else {
      log('  - UI: "Go to source" not checked: the runner passed no source app traces');
    }
    // The service map: title button, a click on the fixture app's Lambda node, Go to Handler.
    if (options.sourceApp !== undefined && options.screenshots.serviceMap !== undefined) {
      await runMapUiChecks({ page, folder: options.folder, sourceApp: options.sourceApp, screenshot: options.screenshots.serviceMap }, check);
    }
  } finally {
    await context.close().catch(() => undefined);
  }
  return results;
}
