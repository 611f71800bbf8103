/**
 * UI checks of the service map in code-server, driven the way a person does it: the Traces view's
 * title button opens the map, a click on the built fixture app's Lambda node in the real map
 * webview selects it, and the side panel's "Go to Handler" opens the handler file at its export
 * line. Runs inside `runUiChecks` (uiChecks.ts), after its checks, on the same page.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';

import type { SourceAppExpectations } from './testEnv';
import { runFromPalette } from './workbenchBrowser';

/** The fixture app's function whose deployed name the template's `!Sub` pattern matches (as serviceMap.test.ts). */
const FUNCTION_NAME = 'orders-source-create-order';
const HANDLER_FILE = join('src', 'handlers', 'createOrder.ts');
const VIEW = '[id="workbench.view.extension.serverlessLens"]';

export interface MapUiCheckOptions {
  page: Page;
  /** The workspace folder and the fixture app in it. */
  folder: string;
  sourceApp: SourceAppExpectations;
  /** Where the picture of the map with the node selected goes (`service-map.png`). */
  screenshot: string;
}

export type Check = (name: string, body: () => Promise<string | void>) => Promise<void>;

/** The map's page: two iframes deep, and the only webview open (the check closes the others). */
function mapFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/** 1-based line of `export … handler` in the workspace copy of the handler file. */
function exportLine(folder: string, appFolder: string): number {
  const lines = readFileSync(join(folder, appFolder, HANDLER_FILE), 'utf8').split('\n');
  const index = lines.findIndex((line) => /export\s+(const|async function|function)\s+handler\b/.test(line));
  if (index < 0) throw new Error(`no handler export in ${HANDLER_FILE}`);
  return index + 1;
}

async function screenshot(page: Page, path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await page.mouse.move(0, 0);
  await page.screenshot({ path });
}

export async function runMapUiChecks(options: MapUiCheckOptions, check: Check): Promise<void> {
  const { page } = options;
  const node = mapFrame(page).locator(`.map-node[data-type="lambdaFunction"][aria-label^="${FUNCTION_NAME}, "]`);

  await check('the Traces view title button opens the service map', async () => {
    // One webview at a time: two would make the frame locator ambiguous.
    await runFromPalette(page, 'View: Close All Editors');
    if (!(await page.locator(VIEW).isVisible())) {
      await page.locator('.part.activitybar').getByRole('tab', { name: /Serverless Lens/ }).click({ timeout: 20_000 });
    }
    // The view's title actions show while the pointer is over the view.
    await page.locator(VIEW).hover();
    // The view is its container's only one, so its actions sit in the container's title (a hidden copy stays in the pane header).
    await page.locator('.part.sidebar a.action-label[aria-label^="Open Service Map"]:visible').click({ timeout: 20_000 });
    await page.locator('.tabs-container .tab.active', { hasText: 'Service Map' }).waitFor({ timeout: 20_000 });
    const nodes = mapFrame(page).locator('.map-nodes .map-node');
    await nodes.first().waitFor({ timeout: 45_000 });
    await node.waitFor({ timeout: 30_000 });
    return `${await nodes.count()} services drawn, ${await mapFrame(page).locator('.map-edge-lines .map-edge').count()} calls; "${(await mapFrame(page).locator('.map-stats').textContent()) ?? ''}"`;
  });

  await check(`clicking the ${FUNCTION_NAME} node in the map selects it and shows its side panel`, async () => {
    // Near the box's top-left corner (its icon): edge labels drawn above the nodes never sit there.
    await node.click({ position: { x: 6, y: 6 }, timeout: 20_000 });
    await mapFrame(page).locator(`.map-node[aria-pressed="true"][aria-label^="${FUNCTION_NAME}, "]`).waitFor({ timeout: 10_000 });
    const title = ((await mapFrame(page).locator('.map-side .map-detail-title').textContent({ timeout: 10_000 })) ?? '').trim();
    if (title !== FUNCTION_NAME) throw new Error(`the side panel shows "${title}"`);
    await mapFrame(page).locator('.map-side button', { hasText: 'Go to Handler' }).waitFor({ timeout: 10_000 });
    await runFromPalette(page, 'Notifications: Clear All Notifications').catch(() => undefined);
    await page.keyboard.press('Escape');
    await screenshot(page, options.screenshot);
    return `selected; side panel "${title}"`;
  });

  await check('"Go to Handler" in the side panel opens the handler file at its export line', async () => {
    const line = exportLine(options.folder, options.sourceApp.folder);
    await mapFrame(page).locator('.map-side button', { hasText: 'Go to Handler' }).click({ timeout: 10_000 });
    await page.locator('.tabs-container .tab.active', { hasText: 'createOrder.ts' }).first().waitFor({ timeout: 30_000 });
    const status = page.locator('#status\\.editor\\.selection');
    const expected = `Ln ${line},`;
    const deadline = Date.now() + 15_000;
    let shown = '';
    while (Date.now() < deadline) {
      shown = ((await status.textContent({ timeout: 5_000 }).catch(() => '')) ?? '').trim();
      if (shown.startsWith(expected)) return `createOrder.ts at ${shown}`;
      await page.waitForTimeout(250);
    }
    throw new Error(`createOrder.ts opened, but the status bar says "${shown}", expected line ${line}`);
  });
}
