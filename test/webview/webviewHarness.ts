/**
 * What every webview harness does, whatever the page: a tiny HTTP server on 127.0.0.1 serves a
 * built bundle of dist/webview and a page made by `renderWebviewHtml` (the policy is sent as a
 * header too), headless Chromium loads it, and a stand-in for `acquireVsCodeApi` (VS Code's API,
 * not ours) records what the page posts and keeps its state in memory. Host messages reach the
 * page as a `message` event carrying real typed arrays, as VS Code delivers them. A harness for
 * one webview extends `WebviewHarness` with its protocol and the host panel's part the page
 * depends on. Build first: `node esbuild.mjs`.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { contentSecurityPolicy, makeNonce, renderWebviewHtml } from '../../src/shared/webviewHtml';
import { toPageJson, TYPED_TAG } from './hostMessages';
import { themeBodyClass, themeStylesheet } from './webviewTheme';
import type { HarnessTheme } from './webviewTheme';

const DIST = join(__dirname, '..', '..', 'dist', 'webview');
/** The server closes itself after this long even if a test forgets teardown. */
const SERVER_LIFETIME_MS = 10 * 60_000;

export interface CspViolation {
  directive: string;
  blockedURI: string;
  sample: string;
}

/** The page of one webview: its script and stylesheets (file names in dist/webview) and title. */
export interface WebviewPageSpec {
  script: string;
  styles: string[];
  title: string;
  /** Used when the options name none. */
  viewport: { width: number; height: number };
}

export interface HarnessOptions {
  theme?: HarnessTheme;
  viewport?: { width: number; height: number };
  /** What the stand-in `getState()` returns first (VS Code's persisted state after a reload). */
  initialState?: unknown;
}

declare global {
  interface Window {
    __posted: unknown[];
    __state: unknown;
    __csp: CspViolation[];
    /** Dispatches a host message given as `toPageJson` text (see `initScript`). */
    __deliver: (json: string) => void;
    /** Parses `toPageJson` text into `window.__staged` without dispatching it. */
    __stage: (json: string) => void;
    __staged: unknown;
    /** Set only if a hostile test string ever ran as script. */
    __pwned?: number;
  }
}

/**
 * Installed before any page script: the VS Code API stand-in and the CSP violation recorder.
 * Plain source text, not a function: the TypeScript loader would add helpers the page lacks.
 * A posted message also goes to `window.__toHost` when the harness exposes one.
 */
function initScript(initialState: unknown): string {
  return `(() => {
  window.__posted = [];
  window.__state = ${JSON.stringify(initialState ?? null)};
  window.__csp = [];
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) { throw new Error('acquireVsCodeApi may only be called once'); }
    acquired = true;
    return Object.freeze({
      postMessage: (message) => {
        const copy = JSON.parse(JSON.stringify(message));
        window.__posted.push(copy);
        if (typeof window.__toHost === 'function') { void window.__toHost(copy); }
      },
      getState: () => window.__state,
      setState: (state) => { window.__state = JSON.parse(JSON.stringify(state)); },
    });
  };
  const TYPED = { Int32Array, Float64Array, Uint8Array };
  const revive = (json) => JSON.parse(json, (key, value) => {
    if (value && typeof value === 'object' && typeof value['${TYPED_TAG}'] === 'string') {
      const Type = TYPED[value['${TYPED_TAG}']];
      if (!Type) { throw new Error('unexpected typed array ' + value['${TYPED_TAG}']); }
      return Type.from(value.data);
    }
    return value;
  });
  // window.postMessage structured-clones the data, as VS Code's webview transport does.
  window.__deliver = (json) => window.postMessage(revive(json), '*');
  window.__stage = (json) => { window.__staged = revive(json); };
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__csp.push({ directive: event.violatedDirective, blockedURI: event.blockedURI, sample: event.sample });
  });
})();`;
}

function contentType(file: string): string {
  return file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : file.endsWith('.svg') ? 'image/svg+xml' : 'application/octet-stream';
}

function startServer(spec: WebviewPageSpec, theme: HarnessTheme): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const origin = `http://${request.headers.host ?? '127.0.0.1'}`;
    const path = new URL(request.url ?? '/', origin).pathname;
    if (path === '/' || path === '/index.html') {
      const nonce = makeNonce((n) => randomBytes(n));
      const html = renderWebviewHtml({
        cspSource: origin,
        nonce,
        scriptUri: `${origin}/dist/${spec.script}`,
        styleUris: [`${origin}/harness/theme.css`, ...spec.styles.map((style) => `${origin}/dist/${style}`)],
        title: spec.title,
        bodyClass: themeBodyClass(theme),
      });
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
      response.writeHead(200, { 'Content-Type': `${contentType(file)}; charset=utf-8` });
      response.end(readFileSync(file));
      return;
    }
    response.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const timer = setTimeout(() => server.close(), SERVER_LIFETIME_MS);
      timer.unref();
      server.unref();
      resolve({ server, origin: `http://127.0.0.1:${port}` });
    });
  });
}

/** A page served and opened in Chromium (not yet navigated: `open` does that). */
export interface LaunchedPage {
  browser: Browser;
  server: Server;
  page: Page;
  origin: string;
}

export async function launchWebviewPage(spec: WebviewPageSpec, options: HarnessOptions): Promise<LaunchedPage> {
  if (!existsSync(join(DIST, spec.script))) {
    throw new Error(`dist/webview/${spec.script} is missing: run \`node esbuild.mjs\` first`);
  }
  const { server, origin } = await startServer(spec, options.theme ?? 'dark');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage({ viewport: options.viewport ?? spec.viewport });
  await page.addInitScript({ content: initScript(options.initialState) });
  return { browser, server, page, origin };
}

/** One webview page under test; `FromHost` and `ToHost` are its protocol's two directions. */
export abstract class WebviewHarness<FromHost, ToHost extends { type: string }> {
  readonly dialogs: string[] = [];
  readonly pageErrors: string[] = [];
  readonly page: Page;
  readonly origin: string;
  private readonly browser: Browser;
  private readonly server: Server;

  protected constructor(launched: LaunchedPage) {
    ({ browser: this.browser, server: this.server, page: this.page, origin: this.origin } = launched);
    this.page.on('dialog', (dialog) => {
      this.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    this.page.on('pageerror', (error) => this.pageErrors.push(String(error)));
  }

  /** What the page posted, as the host would see it. */
  abstract posted(): Promise<ToHost[]>;

  /** Loads (or reloads) the page and waits for the webview's `ready`. */
  async open(): Promise<void> {
    await this.page.goto(`${this.origin}/`);
    await this.waitForPosted((m) => m.type === 'ready');
  }

  /** Delivers a host message the way VS Code does: a `message` event on the window. */
  async post(message: FromHost): Promise<void> {
    await this.page.evaluate((json: string) => window.__deliver(json), toPageJson(message));
  }

  /** Puts a message into the page as `window.__staged` (typed arrays intact) without sending it. */
  async stage(message: FromHost): Promise<void> {
    await this.page.evaluate((json: string) => window.__stage(json), toPageJson(message));
  }

  /** What the page posted, unchecked. */
  protected async rawPosted(): Promise<unknown[]> {
    return this.page.evaluate(() => window.__posted);
  }

  async clearPosted(): Promise<void> {
    await this.page.evaluate(() => {
      window.__posted = [];
    });
  }

  async waitForPosted(predicate: (message: ToHost) => boolean, timeoutMs = 5000): Promise<ToHost> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.posted()).find(predicate);
      if (found !== undefined) {
        return found;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for a posted message; got ${JSON.stringify(await this.rawPosted())}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** What the page last gave to the stand-in `setState`. */
  async state(): Promise<unknown> {
    return this.page.evaluate(() => window.__state);
  }

  async cspViolations(): Promise<CspViolation[]> {
    return this.page.evaluate(() => window.__csp);
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
