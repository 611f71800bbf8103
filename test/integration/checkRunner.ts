/**
 * How the Playwright checks of the workbench run, for the UI checks and the demo end-to-end run
 * alike: each check is timed and logged with what it saw; they build on each other, so after the
 * first failure the rest are recorded as not run, and the page is kept as a screenshot.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Page } from 'playwright-core';
import type { CheckResult } from './uiChecks';
import { consoleText, isNoise } from './workbenchBrowser';

/** Runs one check: `body` returns what it saw (shown after ✓) or throws. */
export type Check = (name: string, body: () => Promise<string | void>) => Promise<void>;

export interface CheckRunnerOptions {
  /** `UI`, `demo`: starts each check's name. */
  prefix: string;
  page: Page;
  /** Each check's result is pushed here. */
  results: CheckResult[];
  log: (line: string) => void;
  /** Where the page is saved when a check fails. */
  failureScreenshot: string;
}

export async function screenshot(page: Page, path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await page.mouse.move(0, 0);
  await page.screenshot({ path });
}

/** Logs the workbench's console errors (but for known noise) while the checks run. */
export function logWorkbenchErrors(page: Page, log: (line: string) => void): void {
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    void consoleText(message).then((text) => {
      if (!isNoise(text)) log(`workbench error: ${text}`);
    });
  });
}

export function checkRunner(options: CheckRunnerOptions): Check {
  const { prefix, page, results, log } = options;
  let broken: string | undefined;
  return async (name, body) => {
    const full = `${prefix}: ${name}`;
    if (broken !== undefined) {
      results.push({ name: full, ok: false, detail: `not run: "${broken}" failed` });
      log(`  ✗ ${full} (not run: an earlier ${prefix} check failed)`);
      return;
    }
    const started = Date.now();
    try {
      const detail = await body();
      results.push({ name: full, ok: true, ...(detail ? { detail } : {}) });
      log(`  ✓ ${full}${detail ? ` — ${detail}` : ''} (${Date.now() - started} ms)`);
    } catch (error) {
      broken = full;
      const message = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
      results.push({ name: full, ok: false, detail: message });
      log(`  ✗ ${full}: ${message}`);
      await screenshot(page, options.failureScreenshot).then(
        () => log(`    screenshot of the page: ${options.failureScreenshot}`),
        () => undefined,
      );
    }
  };
}
