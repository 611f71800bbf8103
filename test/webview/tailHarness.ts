/**
 * Runs the built tail webview (dist/webview/tail.js with timeline.css and tail.css) in headless
 * Chromium under the real CSP, as `timelineHarness.ts` runs the timeline: a 127.0.0.1 server
 * serves a page made by `renderWebviewHtml` (the policy also sent as a header), a stand-in for
 * VS Code's `acquireVsCodeApi` records what the page posts (each message goes through the host's
 * own `parseTailToHost`), and host messages arrive as `message` events. Build first.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { parseTailToHost } from '../../src/shared/tailMessages';
import type { HostToTailMessage, TailToHostMessage } from '../../src/shared/tailMessages';
import { contentSecurityPolicy, makeNonce, renderWebviewHtml } from '../../src/shared/webviewHtml';
import { themeBodyClass, themeStylesheet } from './timelineHarness';
import type { CspViolation, HarnessTheme } from './timelineHarness';

const DIST = join(__dirname, '..', '..', 'dist', 'webview');
const SERVER_LIFETIME_MS = 10 * 60_000;

const INIT = `(() => {
  window.__posted = [];
  window.__rejected = [];
  window.__csp = [];
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) { throw new Error('acquireVsCodeApi may only be called once'); }
    acquired = true;
    return Object.freeze({
      postMessage: (message) => { window.__posted.push(JSON.parse(JSON.stringify(message))); },
      getState: () => null,
      setState: () => undefined,
    });
  };
  window.__deliver = (json) => window.postMessage(JSON.parse(json), '*');
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__csp.push({ directive: event.violatedDirective, blockedURI: event.blockedURI, sample: event.sample });
  });
})();`;

declare global {
  interface Window {
    __posted: unknown[];
    __pwned?: number;
  }
}

function startServer(theme: HarnessTheme): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const origin = `http://${request.headers.host ?? '127.0.0.1'}`;
    const path = new URL(request.url ?? '/', origin).pathname;
    if (path === '/') {
      const nonce = makeNonce((n) => randomBytes(n));
      const html = renderWebviewHtml({ cspSource: origin, nonce, scriptUri: `${origin}/dist/tail.js`, styleUris: [`${origin}/harness/theme.css`, `${origin}/dist/timeline.css`, `${origin}/dist/tail.css`], title: 'Tail', bodyClass: themeBodyClass(theme) });
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': contentSecurityPolicy(origin, nonce), 'Cache-Control': 'no-store' });
      response.end(html);
      return;
    }
    if (path === '/harness/theme.css') {
      response.writeHead(200, { 'Content-Type': 'text/css; charset=utf-8' });
      response.end(themeStylesheet(theme));
      return;
    }
    const file = normalize(join(DIST, decodeURIComponent(path.replace(/^\/dist\//, ''))));
    if (path.startsWith('/dist/') && file.startsWith(DIST) && existsSync(file)) {
      response.writeHead(200, { 'Content-Type': `${file.endsWith('.js') ? 'text/javascript' : 'text/css'}; charset=utf-8` });
      response.end(readFileSync(file));
      return;
    }
    response.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const timer = setTimeout(() => server.close(), SERVER_LIFETIME_MS);
      timer.unref();
      server.unref();
      resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    });
  });
}

export class TailHarness {
  readonly pageErrors: string[] = [];
  readonly dialogs: string[] = [];

  private constructor(
    private readonly browser: Browser,
    private readonly server: Server,
    readonly page: Page,
    readonly origin: string,
  ) {}

  static async start(options: { theme?: HarnessTheme; viewport?: { width: number; height: number } } = {}): Promise<TailHarness> {
    if (!existsSync(join(DIST, 'tail.js'))) throw new Error('dist/webview/tail.js is missing: run `node esbuild.mjs` first');
    const { server, origin } = await startServer(options.theme ?? 'dark');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'] });
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1200, height: 700 } });
    const harness = new TailHarness(browser, server, page, origin);
    page.on('pageerror', (error) => harness.pageErrors.push(String(error)));
    page.on('dialog', (dialog) => {
      harness.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.addInitScript({ content: INIT });
    return harness;
  }

  async open(): Promise<void> {
    await this.page.goto(`${this.origin}/`);
    await this.waitForPosted((m) => m.type === 'ready');
  }

  async post(message: HostToTailMessage): Promise<void> {
    await this.page.evaluate((json: string) => (window as unknown as { __deliver(json: string): void }).__deliver(json), JSON.stringify(message));
  }

  /** What the page posted, each message checked by the host's parser (a rejected one fails the test). */
  async posted(): Promise<TailToHostMessage[]> {
    const raw = await this.page.evaluate(() => window.__posted);
    return raw.map((message) => {
      const parsed = parseTailToHost(message);
      if (parsed === undefined) throw new Error(`the host would reject ${JSON.stringify(message)}`);
      return parsed;
    });
  }

  async clearPosted(): Promise<void> {
    await this.page.evaluate(() => {
      window.__posted = [];
    });
  }

  async waitForPosted(predicate: (message: TailToHostMessage) => boolean, timeoutMs = 5000): Promise<TailToHostMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.posted()).find(predicate);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for a posted message; got ${JSON.stringify(await this.posted())}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async cspViolations(): Promise<CspViolation[]> {
    return this.page.evaluate(() => (window as unknown as { __csp: CspViolation[] }).__csp);
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
