/**
 * The UI phase of the integration lane: a workbench with the development extension loaded (no
 * test payload), driven the way a person uses it, against the same local X-Ray server. Each
 * check counts as one test. The checks form a chain (each needs the previous one's state), so
 * after the first failure the rest are reported as failed without waiting for their timeouts.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';

import type { CodeServer } from './codeServer';
import { workbenchUrl } from './codeServer';
import type { ExpectedTrace } from './testEnv';
import { consoleText, isNoise, newWorkbenchContext, runFromPalette } from './workbenchBrowser';

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
  screenshots: { tracesView: string; timeline: string };
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

async function screenshot(page: Page, path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await page.mouse.move(0, 0);
  await page.screenshot({ path });
}

export async function runUiChecks(options: UiCheckOptions): Promise<CheckResult[]> {
  const { browser, server, log } = options;
  const context = await newWorkbenchContext(browser);
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    void consoleText(message).then((text) => {
      if (!isNoise(text)) log(`workbench error: ${text}`);
    });
  });
  const results: CheckResult[] = [];
  let broken: string | undefined;
  const check = async (name: string, body: () => Promise<string | void>): Promise<void> => {
    const full = `UI: ${name}`;
    if (broken !== undefined) {
      results.push({ name: full, ok: false, detail: `not run: "${broken}" failed` });
      log(`  ✗ ${full} (not run: an earlier UI check failed)`);
      return;
    }
    const started = Date.now();
    try {
      const detail = await body();
      results.push({ name: full, ok: true, ...(detail ? { detail } : {}) });
      log(`  ✓ ${full}${detail ? ` — ${detail}` : ''} (${Date.now() - started} ms)`);
    } catch (error) {
      broken = full;
      const message = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
      results.push({ name: full, ok: false, detail: message });
      log(`  ✗ ${full}: ${message}`);
      await screenshot(page, options.failureScreenshot).then(
        () => log(`    screenshot of the page: ${options.failureScreenshot}`),
        () => undefined,
      );
    }
  };

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
      const failing = timeline(page).locator('[role="treeitem"][data-status="fault"], [role="treeitem"][data-status="error"]');
      const target = (await failing.count()) > 0 ? failing.last() : (await rows.count()) > 1 ? rows.nth(1) : rows.first();
      const spanId = await target.getAttribute('data-span-id');
      await target.click();
      const selected = timeline(page).locator(`[role="treeitem"][data-span-id="${spanId ?? ''}"][aria-selected="true"]`);
      await selected.waitFor({ timeout: 10_000 });
      await clearNotifications(page);
      await screenshot(page, options.screenshots.timeline);
      return `selected span ${spanId ?? '?'}`;
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
  } finally {
    await context.close().catch(() => undefined);
  }
  return results;
}
