/**
 * Runs the built service map webview (dist/webview/map.js) in headless Chromium under the real
 * CSP, as `timelineHarness.ts` does for the timeline: a tiny HTTP server on 127.0.0.1 serves the
 * bundle and a page made by `renderWebviewHtml` (the policy is also sent as a header), and a
 * stand-in for `acquireVsCodeApi` records posted messages. `postGraph` plays the host panel's
 * part: it lays the graph out with the same `layoutServiceMap` and real ELK the host's worker
 * runs, keeps the positions for the next (stable) refresh, and posts the `graph` message.
 * Build first: `node esbuild.mjs`.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import ELK from 'elkjs/lib/elk.bundled.js';
import { layoutServiceMap } from '../../src/core/mapLayout';
import type { ElkLike } from '../../src/core/mapLayout';
import { parseMapToHost } from '../../src/shared/mapMessages';
import type { HostToMapMessage, MapLayout, MapToHostMessage, MapViewState } from '../../src/shared/mapMessages';
import type { ServiceGraph } from '../../src/shared/serviceGraphModel';
import { contentSecurityPolicy, makeNonce, renderWebviewHtml } from '../../src/shared/webviewHtml';
import { themeBodyClass, themeStylesheet } from './timelineHarness';
import type { CspViolation, HarnessTheme } from './timelineHarness';

const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'dist', 'webview');
const SERVER_LIFETIME_MS = 10 * 60_000;

export interface MapHarnessOptions {
  theme?: HarnessTheme;
  viewport?: { width: number; height: number };
  initialState?: unknown;
}

declare global {
  interface Window {
    __mapPosted: unknown[];
    __mapState: unknown;
    __mapCsp: CspViolation[];
  }
}

function initScript(initialState: unknown): string {
  return `(() => {
  window.__mapPosted = [];
  window.__mapState = ${JSON.stringify(initialState ?? null)};
  window.__mapCsp = [];
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) { throw new Error('acquireVsCodeApi may only be called once'); }
    acquired = true;
    return Object.freeze({
      postMessage: (message) => { window.__mapPosted.push(JSON.parse(JSON.stringify(message))); },
      getState: () => window.__mapState,
      setState: (state) => { window.__mapState = JSON.parse(JSON.stringify(state)); },
    });
  };
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__mapCsp.push({ directive: event.violatedDirective, blockedURI: event.blockedURI, sample: event.sample });
  });
})();`;
}

function startServer(theme: HarnessTheme): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const origin = `http://${request.headers.host ?? '127.0.0.1'}`;
    const path = new URL(request.url ?? '/', origin).pathname;
    if (path === '/' || path === '/index.html') {
      const nonce = makeNonce((n) => randomBytes(n));
      const html = renderWebviewHtml({ cspSource: origin, nonce, scriptUri: `${origin}/dist/map.js`, styleUris: [`${origin}/harness/theme.css`, `${origin}/dist/map.css`], title: 'Service map', bodyClass: themeBodyClass(theme) });
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
      const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'application/octet-stream';
      response.writeHead(200, { 'Content-Type': `${type}; charset=utf-8` });
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

export class MapHarness {
  readonly pageErrors: string[] = [];
  readonly dialogs: string[] = [];
  private readonly elk: ElkLike = new ELK();
  /** The positions of the map last posted: the host keeps them for a stable refresh. */
  private positions: MapLayout['positions'] = [];

  private constructor(
    private readonly browser: Browser,
    private readonly server: Server,
    readonly page: Page,
  ) {}

  static async start(options: MapHarnessOptions = {}): Promise<MapHarness> {
    if (!existsSync(join(DIST, 'map.js'))) {
      throw new Error('dist/webview/map.js is missing: run `node esbuild.mjs` first');
    }
    const { server, origin } = await startServer(options.theme ?? 'dark');
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    const harness = new MapHarness(browser, server, page);
    page.on('pageerror', (error) => harness.pageErrors.push(String(error)));
    page.on('dialog', (dialog) => {
      harness.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.addInitScript({ content: initScript(options.initialState) });
    await page.goto(`${origin}/`);
    await harness.waitForPosted((m) => m.type === 'ready');
    return harness;
  }

  /** Delivers a host message the way VS Code does: a `message` event (structured clone). */
  async post(message: HostToMapMessage): Promise<void> {
    await this.page.evaluate((json: string) => window.postMessage(JSON.parse(json), '*'), JSON.stringify(message));
  }

  /** What the host does for a graph: lay it out (stable against the last one) and post it. */
  async layout(graph: ServiceGraph): Promise<MapLayout> {
    const layout = await layoutServiceMap({ nodeIds: graph.nodes.map((n) => n.id), edges: graph.edges, previous: this.positions }, this.elk);
    this.positions = layout.positions;
    return layout;
  }

  async postGraph(graph: ServiceGraph, options: { notes?: string[]; restore?: MapViewState; layout?: MapLayout } = {}): Promise<MapLayout> {
    const layout = options.layout ?? (await this.layout(graph));
    await this.post({ type: 'graph', graph, layout, sourceLabel: 'AWS · default (us-east-1) · Last 15 min', notes: options.notes ?? [], ...(options.restore ? { restore: options.restore } : {}) });
    await this.page.waitForSelector('.map-node');
    await this.frames(2);
    return layout;
  }

  async frames(count = 1): Promise<void> {
    // Source text: the TypeScript loader would add helpers (`__name`) the page lacks.
    await this.page.evaluate(`new Promise((resolve) => { let left = ${Number(count)}; const step = () => (left-- <= 0 ? resolve() : requestAnimationFrame(step)); step(); })`);
  }

  /** Messages the page posted, each checked by the host's own parser (undefined = rejected). */
  async posted(): Promise<(MapToHostMessage | undefined)[]> {
    const raw = await this.page.evaluate(() => window.__mapPosted);
    return raw.map((message) => parseMapToHost(message));
  }

  async rawPosted(): Promise<unknown[]> {
    return this.page.evaluate(() => window.__mapPosted);
  }

  async clearPosted(): Promise<void> {
    await this.page.evaluate(() => {
      window.__mapPosted = [];
    });
  }

  async waitForPosted(predicate: (message: MapToHostMessage) => boolean, timeoutMs = 10_000): Promise<MapToHostMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.posted()).find((m): m is MapToHostMessage => m !== undefined && predicate(m));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for a posted message; got ${JSON.stringify(await this.rawPosted()).slice(0, 2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async state(): Promise<unknown> {
    return this.page.evaluate(() => window.__mapState);
  }

  async cspViolations(): Promise<CspViolation[]> {
    return this.page.evaluate(() => window.__mapCsp);
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
