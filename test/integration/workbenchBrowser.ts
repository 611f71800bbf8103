/**
 * Headless Chromium (Debian's, through playwright-core) driving the code-server workbench: the
 * extension-host test run (payload with extensionTestsPath) and the helpers the UI checks share.
 */
import { format } from 'node:util';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';

import { parseResultLine } from './testEnv';
import type { SuiteResult } from './testEnv';

export const CHROMIUM_PATH = process.env.SLENS_CHROMIUM ?? '/usr/bin/chromium';

/** Launch arguments known to work with Debian's Chromium on these machines (see the CI guide). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export const VIEWPORT = { width: 1400, height: 860 };

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, timeout: 30_000 });
}

/** A fresh context (fresh browser storage, so no editors are restored from an earlier session). */
export function newWorkbenchContext(browser: Browser): Promise<BrowserContext> {
  // Clipboard access: commands may read it (Open Trace by ID… offers a copied id); without the
  // permission the read hangs on a prompt nobody can answer.
  return browser.newContext({ viewport: VIEWPORT, colorScheme: 'dark', permissions: ['clipboard-read', 'clipboard-write'] });
}

/**
 * Turns a page console message into text. Workbench and extension-host output arrive as
 * `('%c INFO', 'color: #33f', format, ...args)`: drop the level style, then format the rest the
 * way console.log would (mocha's reporter relies on `%s` / `%d`).
 */
export async function consoleText(message: ConsoleMessage): Promise<string> {
  const values: unknown[] = await Promise.all(
    message.args().map(async (arg) => {
      try {
        return (await arg.jsonValue()) as unknown;
      } catch {
        return arg.toString();
      }
    }),
  );
  if (values.length === 0) {
    return message.text();
  }
  const first = values[0];
  if (typeof first === 'string' && first.startsWith('%c')) {
    const styles = (first.match(/%c/g) ?? []).length;
    const level = first.replace(/%c/g, '').trim();
    const text = format(...values.slice(1 + styles));
    return level === 'ERR' || level === 'WARN' ? `${level} ${text}` : text;
  }
  return format(...values);
}

declare global {
  interface Window {
    codeAutomationExit?: (code: number, logs?: unknown) => Promise<void>;
    __slensExit?: number;
  }
}

export interface TestRunOutcome {
  exitCode: number;
  /** Counts from the suite's result line; undefined if the suite never printed it. */
  result: SuiteResult | undefined;
}

/**
 * Opens the workbench URL whose payload carries extensionTestsPath and waits for the workbench
 * to report the end of the run through `window.codeAutomationExit`. Fails fast on the message the
 * workbench shows when it cannot find an extension host for the tests (it would hang otherwise).
 */
export async function runExtensionTests(context: BrowserContext, url: string, timeoutMs: number, log: (line: string) => void): Promise<TestRunOutcome> {
  const page = await context.newPage();
  // `exposeFunction` breaks on this Chromium; a plain window property polled by the runner works.
  await page.addInitScript(() => {
    window.codeAutomationExit = async (code: number) => {
      window.__slensExit = code;
    };
  });
  let result: SuiteResult | undefined;
  let fatal: ((error: Error) => void) | undefined;
  const fatalSeen = new Promise<never>((_resolve, reject) => {
    fatal = reject;
  });
  // Keep the rejection handled even if the run ends normally first.
  fatalSeen.catch(() => undefined);
  page.on('console', (message) => {
    void consoleText(message).then((text) => {
      const parsed = parseResultLine(text);
      if (parsed) {
        result = parsed;
      }
      if (text.includes('No extension host found')) {
        fatal?.(new Error(`workbench: ${text.trim()}`));
      }
      if (isNoise(text)) {
        return;
      }
      log(text);
    });
  });
  page.on('pageerror', (error) => log(`page error: ${error.message}`));
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  // 0 (passed) is falsy: compare with undefined. A timeout after the result line was printed still
  // gives the counts (exit code -1 records that the workbench never reported the end).
  const exitCode = await Promise.race([
    page
      .waitForFunction(() => window.__slensExit !== undefined, undefined, { timeout: timeoutMs, polling: 250 })
      .then(() => page.evaluate(() => window.__slensExit ?? -1)),
    fatalSeen,
  ]).catch((error: unknown) => {
    if (result === undefined) throw error;
    log(`the workbench did not report the end of the run: ${error instanceof Error ? error.message : String(error)}`);
    return -1;
  });
  // Console messages are delivered asynchronously; give the last line a moment to arrive.
  const settle = Date.now() + 2000;
  while (result === undefined && Date.now() < settle) {
    await page.waitForTimeout(100);
  }
  await page.close();
  return { exitCode, result };
}

/** Workbench chatter that says nothing about our extension (see "Noise that means nothing" in the guide). */
export function isNoise(text: string): boolean {
  return (
    text.trim() === '' ||
    /open-vsx\.org|vsda|service ?worker|ENOTFOUND|Failed to load resource|\[perf\]|Long running operations|Ignoring the error while validating workspace folder/i.test(text) ||
    /connection token|Creating a socket|additional builtin extensions|ChatSessionStore|Overwriting extension|web worker extension host|Creation of workbench contribution|NodeVersionSupportWarning|allow-scripts and allow-same-origin|^JSHandle@/i.test(text)
  );
}

/** Runs a workbench command through the command palette, the way a person does. */
export async function runFromPalette(page: Page, query: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${query}`);
  // The first match is highlighted once the list has filtered to it.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: query }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}
