// Trace content is hostile: markup in span names, annotations, metadata, URLs and exception
// messages must stay text under the page's strict CSP, which must itself be active.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildTrace } from '../../src/core/traceBuilder';
import type { Trace } from '../../src/shared/traceModel';
import { renderWebviewHtml } from '../../src/shared/webviewHtml';
import { segment, subsegment } from '../builders/segmentBuilder';
import { TimelineHarness } from './timelineHarness';

const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '</script><script>alert(1)</script>';

function hostileTrace(): Trace {
  const root = segment(IMG)
    .at(0, 200)
    .http('GET', `https://example.com/${IMG}?q=${SCRIPT}`, 200)
    .annotate('note', SCRIPT)
    .annotate(IMG, 'key is hostile too')
    .metadata('default', 'payload', { html: IMG, nested: [SCRIPT] })
    .child(subsegment(SCRIPT).at(10, 50).fault(IMG, SCRIPT, { stack: [{ path: IMG, line: 1, label: SCRIPT }] }));
  return buildTrace({ documents: [root.json()] });
}

describe('timeline webview: hostile trace content', () => {
  let harness: TimelineHarness;
  let trace: Trace;

  before(async () => {
    harness = await TimelineHarness.start();
    await harness.open();
    trace = hostileTrace();
    await harness.postTrace(trace, { source: 'file', sourceLabel: SCRIPT, canOpenInConsole: false });
    await harness.page.waitForSelector('[role="treeitem"]');
  });
  after(async () => {
    await harness?.close();
  });

  test('span names, annotations, metadata, URLs and exceptions render as inert text', async () => {
    const page = harness.page;
    const root = trace.spans[0];
    const child = trace.spans[1];
    assert.ok(root && child);
    assert.equal(await page.textContent(`[data-span-id="${root.id}"] .tl-label`), IMG);
    assert.equal(await page.textContent(`[data-span-id="${child.id}"] .tl-label`), SCRIPT);
    await page.click(`[data-span-id="${root.id}"]`);
    // Details come from the host on demand; wait for this span's, not the loading line.
    await page.waitForSelector('.tl-details .tl-kv-value');
    const values = await page.$$eval('.tl-details .tl-kv-value, .tl-details .tl-json-value, .tl-details dt', (els) => els.map((e) => e.textContent));
    assert.ok(values.includes(SCRIPT), 'annotation value');
    assert.ok(values.includes(IMG), 'annotation key and metadata value');
    assert.ok(values.includes(`https://example.com/${IMG}?q=${SCRIPT}`), 'http url');
    await page.click('.tl-details summary:has-text("payload")');
    await page.click('.tl-details summary:has-text("nested")');
    // The JSON tree renders a node's children when it is opened (the toggle event), so wait for them.
    const nested = await page
      .waitForFunction((text) => [...document.querySelectorAll('.tl-details .tl-json-value')].some((e) => e.textContent === text), SCRIPT, { timeout: 5_000 })
      .then(() => true, () => false);
    assert.ok(nested, 'nested metadata');
    await page.click(`[data-span-id="${child.id}"]`);
    assert.equal(await page.textContent('.tl-exception-type'), IMG);
    assert.equal(await page.textContent('.tl-exception-message'), SCRIPT);
    assert.equal(await page.textContent('.tl-frame'), `${SCRIPT} (${IMG}:1)`);
    assert.equal(await page.textContent('.tl-fact:has-text("Source") .tl-fact-value'), SCRIPT);
  });

  test('no element, dialog or CSP violation comes out of the trace', async () => {
    await harness.page.fill('.tl-search-input', 'img');
    await harness.page.press('.tl-search-input', 'Enter');
    await harness.page.waitForTimeout(200);
    assert.equal(await harness.page.locator('img').count(), 0);
    assert.equal(await harness.page.evaluate(() => document.scripts.length), 1, 'only the bundle script');
    assert.deepEqual(harness.dialogs, []);
    assert.deepEqual(await harness.cspViolations(), []);
    assert.deepEqual(harness.pageErrors, []);
  });

  test('the page CSP is active: an injected inline script is blocked and reported', async () => {
    const ran = await harness.page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true;';
      document.body.appendChild(script);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    assert.equal(ran, false);
    const violations = await harness.cspViolations();
    assert.ok(violations.some((v) => v.directive.startsWith('script-src')), JSON.stringify(violations));
  });
});

describe('renderWebviewHtml', () => {
  test('builds the strict CSP, escapes attributes and refuses a bad nonce', () => {
    const html = renderWebviewHtml({ cspSource: 'https://x.vscode-cdn.net', nonce: 'abcdef0123456789abcd', scriptUri: 'https://x/a.js?"><b>', styleUris: ['https://x/t.css'], title: '<T>', bodyClass: 'a"b' });
    assert.match(html, /default-src 'none'; script-src 'nonce-abcdef0123456789abcd'; style-src https:\/\/x\.vscode-cdn\.net 'nonce-abcdef0123456789abcd'; img-src https:\/\/x\.vscode-cdn\.net data:; font-src https:\/\/x\.vscode-cdn\.net; connect-src 'none'/);
    assert.match(html, /<div id="app"><\/div>/);
    assert.match(html, /<script nonce="abcdef0123456789abcd" defer src="https:\/\/x\/a\.js\?&quot;&gt;&lt;b&gt;"><\/script>/);
    assert.match(html, /<title>&lt;T&gt;<\/title>/);
    assert.doesNotMatch(html, /style="/);
    assert.throws(() => renderWebviewHtml({ cspSource: 'x', nonce: "n' 'unsafe-inline", scriptUri: '', styleUris: [], title: '' }));
  });
});
