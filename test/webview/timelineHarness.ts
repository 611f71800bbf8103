/**
 * Runs the built timeline webview (dist/webview) in headless Chromium under the real CSP.
 * A tiny HTTP server on 127.0.0.1 serves the bundle and a page made by `renderWebviewHtml`
 * (the policy is sent as a header too). `acquireVsCodeApi` is VS Code's API, not ours, so the
 * harness provides a stand-in that records posted messages and keeps state in memory. It also
 * plays the host panel's part the page depends on: `postTrace` sends what the panel sends (the
 * real `encodeTimelineRows` of a built trace), and `requestSpan` is answered with the span of
 * that same trace. Messages reach the page as a `message` event carrying real typed arrays,
 * as VS Code delivers them. Build first: `node esbuild.mjs`.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { parseTimelineToHost } from '../../src/shared/timelineMessages';
import type { HostToTimelineMessage, TimelineToHostMessage } from '../../src/shared/timelineMessages';
import type { Trace } from '../../src/shared/traceModel';
import { toPageJson, traceMessage, TYPED_TAG } from './hostMessages';
import type { TraceMessageOptions } from './hostMessages';
import { contentSecurityPolicy, makeNonce, renderWebviewHtml } from '../../src/shared/webviewHtml';

const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'dist', 'webview');
/** The server closes itself after this long even if a test forgets teardown. */
const SERVER_LIFETIME_MS = 10 * 60_000;

export type HarnessTheme = 'dark' | 'light' | 'highContrast';

const COMMON: Record<string, string> = {
  'font-family': "-apple-system, BlinkMacSystemFont, 'Segoe WPC', 'Segoe UI', 'Ubuntu', 'Droid Sans', sans-serif",
  'font-size': '13px',
  'font-weight': 'normal',
  'editor-font-family': "'Droid Sans Mono', 'monospace', monospace",
  'editor-font-size': '12px',
};

const DARK: Record<string, string> = {
  foreground: '#cccccc',
  descriptionForeground: '#9d9d9d',
  errorForeground: '#f85149',
  focusBorder: '#0078d4',
  'editor-background': '#1f1f1f',
  'editor-foreground': '#cccccc',
  'sideBar-background': '#181818',
  'sideBarSectionHeader-background': '#181818',
  'panel-border': '#2b2b2b',
  'widget-border': '#313131',
  'editorWarning-foreground': '#cca700',
  'editorRuler-foreground': '#5a5a5a',
  'editorIndentGuide-background1': '#404040',
  'editor-findMatchHighlightBackground': 'rgba(234, 92, 0, 0.33)',
  'editor-findMatchBorder': '#ea5c00',
  'list-hoverBackground': '#2a2d2e',
  'list-activeSelectionBackground': '#04395e',
  'list-activeSelectionForeground': '#ffffff',
  'list-inactiveSelectionBackground': '#37373d',
  'list-focusOutline': '#0078d4',
  'button-background': '#0078d4',
  'button-foreground': '#ffffff',
  'button-hoverBackground': '#026ec1',
  'button-border': 'rgba(255, 255, 255, 0.07)',
  'button-secondaryBackground': '#313131',
  'button-secondaryForeground': '#cccccc',
  'button-secondaryHoverBackground': '#3c3c3c',
  'input-background': '#313131',
  'input-foreground': '#cccccc',
  'input-border': '#3c3c3c',
  'input-placeholderForeground': '#989898',
  'badge-background': '#616161',
  'badge-foreground': '#f8f8f8',
  'icon-foreground': '#cccccc',
  'toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)',
  'textLink-foreground': '#4daafc',
  'textLink-activeForeground': '#4daafc',
  'textCodeBlock-background': '#2b2b2b',
  'textBlockQuote-background': '#2b2b2b',
  'progressBar-background': '#0078d4',
  'sash-hoverBorder': '#0078d4',
  'tree-indentGuidesStroke': '#585858',
  'settings-headerForeground': '#ffffff',
  'charts-red': '#f14c4c',
  'charts-blue': '#3794ff',
  'charts-yellow': '#cca700',
  'charts-orange': '#d18616',
  'charts-green': '#89d185',
  'charts-purple': '#b180d7',
  'testing-iconPassed': '#73c991',
  'debugTokenExpression-name': '#c586c0',
  'debugTokenExpression-string': '#ce9178',
  'debugTokenExpression-number': '#b5cea8',
  'debugTokenExpression-boolean': '#4e94ce',
  'symbolIcon-variableForeground': '#75beff',
  'serverlessLens-status-ok': '#73c991',
  'serverlessLens-status-error': '#cca700',
  'serverlessLens-status-fault': '#f85149',
  'serverlessLens-status-throttle': '#b180d7',
  'serverlessLens-coldStart': '#3794ff',
};

const LIGHT: Record<string, string> = {
  ...DARK,
  foreground: '#3b3b3b',
  descriptionForeground: '#3b3b3b',
  errorForeground: '#f85149',
  focusBorder: '#005fb8',
  'editor-background': '#ffffff',
  'editor-foreground': '#3b3b3b',
  'sideBar-background': '#f8f8f8',
  'sideBarSectionHeader-background': '#f8f8f8',
  'panel-border': '#e5e5e5',
  'widget-border': '#e5e5e5',
  'editorWarning-foreground': '#bf8803',
  'editorRuler-foreground': '#d3d3d3',
  'editorIndentGuide-background1': '#d3d3d3',
  'list-hoverBackground': '#f2f2f2',
  'list-activeSelectionBackground': '#e8e8e8',
  'list-activeSelectionForeground': '#000000',
  'list-inactiveSelectionBackground': '#e4e6f1',
  'input-background': '#ffffff',
  'input-foreground': '#3b3b3b',
  'input-border': '#cecece',
  'badge-background': '#cccccc',
  'badge-foreground': '#3b3b3b',
  'icon-foreground': '#3b3b3b',
  'textCodeBlock-background': '#f2f2f2',
  'textBlockQuote-background': '#f8f8f8',
  'settings-headerForeground': '#1f1f1f',
  'button-secondaryBackground': '#e5e5e5',
  'button-secondaryForeground': '#3b3b3b',
  'button-secondaryHoverBackground': '#cccccc',
  'testing-iconPassed': '#388a34',
  'serverlessLens-status-ok': '#388a34',
  'serverlessLens-status-error': '#bf8803',
};

const HIGH_CONTRAST: Record<string, string> = {
  ...DARK,
  foreground: '#ffffff',
  descriptionForeground: '#ffffff',
  contrastBorder: '#6fc3df',
  contrastActiveBorder: '#f38518',
  focusBorder: '#f38518',
  'editor-background': '#000000',
  'sideBar-background': '#000000',
  'list-activeSelectionBackground': '#000000',
  'list-inactiveSelectionBackground': '#000000',
  'list-hoverBackground': '#000000',
  'input-background': '#000000',
  'input-border': '#6fc3df',
};

const THEMES: Record<HarnessTheme, { vars: Record<string, string>; bodyClass: string }> = {
  dark: { vars: DARK, bodyClass: 'vscode-dark' },
  light: { vars: LIGHT, bodyClass: 'vscode-light' },
  highContrast: { vars: HIGH_CONTRAST, bodyClass: 'vscode-high-contrast' },
};

/** A stylesheet (served, not inline: the CSP forbids inline styles) defining the theme variables. */
export function themeStylesheet(theme: HarnessTheme): string {
  const vars = { ...COMMON, ...THEMES[theme].vars };
  const lines = Object.entries(vars).map(([name, value]) => `  --vscode-${name}: ${value};`);
  return `html {\n${lines.join('\n')}\n}\n`;
}

export function themeBodyClass(theme: HarnessTheme): string {
  return THEMES[theme].bodyClass;
}

export interface CspViolation {
  directive: string;
  blockedURI: string;
  sample: string;
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
  }
}

/**
 * Installed before any page script: the VS Code API stand-in and the CSP violation recorder.
 * Plain source text, not a function: the TypeScript loader would add helpers the page lacks.
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

function startServer(theme: HarnessTheme): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const origin = `http://${request.headers.host ?? '127.0.0.1'}`;
    const path = new URL(request.url ?? '/', origin).pathname;
    if (path === '/' || path === '/index.html') {
      const nonce = makeNonce((n) => randomBytes(n));
      const html = renderWebviewHtml({
        cspSource: origin,
        nonce,
        scriptUri: `${origin}/dist/timeline.js`,
        styleUris: [`${origin}/harness/theme.css`, `${origin}/dist/timeline.css`],
        title: 'Trace timeline',
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
      const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : file.endsWith('.svg') ? 'image/svg+xml' : 'application/octet-stream';
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

export class TimelineHarness {
  readonly dialogs: string[] = [];
  readonly pageErrors: string[] = [];
  /** The trace last sent with `postTrace`: what the host panel would hold to answer `requestSpan`. */
  private hostTrace: Trace | undefined;

  private constructor(
    private readonly browser: Browser,
    private readonly server: Server,
    readonly page: Page,
    readonly origin: string,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<TimelineHarness> {
    if (!existsSync(join(DIST, 'timeline.js'))) {
      throw new Error('dist/webview/timeline.js is missing: run `node esbuild.mjs` first');
    }
    const { server, origin } = await startServer(options.theme ?? 'dark');
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 800 } });
    const harness = new TimelineHarness(browser, server, page, origin);
    page.on('dialog', (dialog) => {
      harness.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => harness.pageErrors.push(String(error)));
    await page.exposeFunction('__toHost', (message: unknown) => harness.receive(message));
    await page.addInitScript({ content: initScript(options.initialState) });
    return harness;
  }

  /** Loads (or reloads) the page and waits for the webview's `ready`. */
  async open(): Promise<void> {
    await this.page.goto(`${this.origin}/`);
    await this.waitForPosted((m) => m.type === 'ready');
  }

  /** Delivers a host message the way VS Code does: a `message` event on the window. */
  async post(message: HostToTimelineMessage): Promise<void> {
    await this.page.evaluate((json: string) => window.__deliver(json), toPageJson(message));
  }

  /** Posts `trace` as the host panel does, and keeps it to answer the page's `requestSpan`. */
  async postTrace(trace: Trace, options: TraceMessageOptions = {}): Promise<void> {
    this.hostTrace = trace;
    await this.post(traceMessage(trace, options));
  }

  /** Puts a message into the page as `window.__staged` (typed arrays intact) without sending it. */
  async stage(message: HostToTimelineMessage): Promise<void> {
    await this.page.evaluate((json: string) => window.__stage(json), toPageJson(message));
  }

  /** The host panel's reply to `requestSpan`, and nothing more: unknown ids get no answer. */
  private receive(message: unknown): void {
    // The panel validates what the page posts; so does its stand-in.
    const request = parseTimelineToHost(message);
    if (request?.type !== 'requestSpan' || this.hostTrace === undefined) {
      return;
    }
    const span = this.hostTrace.spans.find((s) => s.id === request.spanId);
    if (span !== undefined) {
      // Not awaited: the page's postMessage does not wait for the host either.
      this.post({ type: 'span', span }).catch(() => undefined);
    }
  }

  async posted(): Promise<TimelineToHostMessage[]> {
    return this.page.evaluate(() => window.__posted as TimelineToHostMessage[]);
  }

  async clearPosted(): Promise<void> {
    await this.page.evaluate(() => {
      window.__posted = [];
    });
  }

  async waitForPosted(predicate: (message: TimelineToHostMessage) => boolean, timeoutMs = 5000): Promise<TimelineToHostMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.posted()).find(predicate);
      if (found) {
        return found;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for a posted message; got ${JSON.stringify(await this.posted())}`);
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
