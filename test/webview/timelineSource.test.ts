// "Go to source" in the built timeline webview: which spans and rows offer it, the messages the
// button, the row icon, `G` and the stack-frame links post, runtime frames shown dimmed and not
// as links, and hostile frame text kept as text. The harness plays the host and answers
// `requestSpan` with the spans of the trace it was given.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { buildTrace } from '../../src/core/traceBuilder';
import type { Span, Trace } from '../../src/shared/traceModel';
import { segment, subsegment } from '../builders/segmentBuilder';
import { TimelineHarness } from './timelineHarness';

const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '</script><script>alert(1)</script>';

/** Frames of the first exception of `handler`: index 1 and 3 are the user's code. */
const HANDLER_STACK = [
  { path: '/var/runtime/index.mjs', line: 1173, label: 'runtime' },
  { path: '/var/task/index.js', line: 12, label: 'handler' },
  { path: '/var/task/node_modules/@aws-sdk/client-dynamodb/dist/index.js', line: 40, label: 'send' },
  { path: 'file:///var/task/src/app.mjs', line: 3, label: 'main' },
];
const WRAPPER_STACK = [
  { path: '/var/task/lib.js', line: 5, label: 'wrap' },
  { path: 'node:internal/process/task_queues', line: 95, label: 'processTicksAndRejections' },
];

function sourceTrace(): Trace {
  const handler = subsegment('handler')
    .at(20, 50)
    .set('fault', true)
    .set('cause', {
      working_directory: '/var/task',
      exceptions: [
        { id: 'abcdef0123456789', type: 'TypeError', message: 'x is undefined', stack: HANDLER_STACK },
        { id: '0123456789abcdef', type: 'WrappedError', message: 'wrapped', stack: WRAPPER_STACK },
      ],
    });
  const hostile = subsegment(IMG).at(80, 10).fault(SCRIPT, IMG, { stack: [{ path: IMG, line: 1, label: SCRIPT }, { path: `/var/runtime/${IMG}`, line: 2, label: SCRIPT }] });
  const root = segment('api')
    .at(0, 200)
    .child(subsegment('fetch').at(5, 10), handler, subsegment('validate').at(75, 5).error(), subsegment('checkout').at(90, 40).causeReference('abcdef0123456789'), hostile);
  return buildTrace({ documents: [root.json()] });
}

const TRACE = sourceTrace();

function byName(name: string): Span {
  const span = TRACE.spans.find((s) => s.name === name);
  assert.ok(span, name);
  return span;
}

let harness: TimelineHarness;

async function settle(): Promise<void> {
  await harness.page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

/** Clicks the row of `name` and waits for its full details (not "Loading details…"). */
async function selectSpan(name: string): Promise<void> {
  const span = byName(name);
  await harness.page.click(`[role="treeitem"][data-span-id="${span.id}"] .tl-label`);
  await harness.page.waitForFunction((n) => document.querySelector('.tl-details .tl-details-title')?.textContent === n, span.name);
  await settle();
}

describe('timeline webview: go to source', () => {
  before(async () => {
    harness = await TimelineHarness.start();
    await harness.open();
  });
  after(async () => {
    await harness?.close();
  });
  beforeEach(async () => {
    await harness.postTrace(TRACE, { restore: { traceId: TRACE.id, source: 'aws', collapsedSpanIds: [] } });
    await harness.page.waitForSelector(`[role="treeitem"][data-span-id="${byName('checkout').id}"]`);
    await settle();
  });

  test('the details of failing spans only have a Go to source button, titled with its shortcut', async () => {
    // Failing: a fault with exceptions, an error without any, a cause referencing another span's exception.
    assert.equal(byName('checkout').cause?.reference?.spanId, byName('handler').id, 'the builder resolved the reference');
    const expected: Record<string, boolean> = { api: false, fetch: false, handler: true, validate: true, checkout: true, [IMG]: true };
    for (const [name, failing] of Object.entries(expected)) {
      await selectSpan(name);
      const buttons = harness.page.locator('.tl-details .tl-go-to-source');
      assert.equal(await buttons.count(), failing ? 1 : 0, name);
      if (failing) {
        assert.equal(await buttons.getAttribute('title'), 'Go to source (G)');
        assert.equal((await buttons.textContent())?.trim(), 'Go to source');
      }
    }
  });

  test('clicking Go to source, and G in the details, post exactly goToSource with the span id', async () => {
    const spanId = byName('handler').id;
    await selectSpan('handler');
    await harness.clearPosted();
    await harness.page.click('.tl-details .tl-go-to-source');
    assert.deepEqual(await harness.posted(), [{ type: 'goToSource', spanId }]);
    await harness.clearPosted();
    await harness.page.focus('.tl-details');
    await harness.page.keyboard.press('g');
    assert.deepEqual(await harness.posted(), [{ type: 'goToSource', spanId }]);
    await harness.clearPosted();
    await harness.page.focus('.tl-details .tl-frame-link');
    await harness.page.keyboard.press('Shift+G');
    assert.deepEqual(await harness.posted(), [{ type: 'goToSource', spanId }], 'G works from a focused frame link too');
  });

  test('G on the selected row of the tree posts goToSource for failing rows and nothing for others', async () => {
    await selectSpan('validate');
    await harness.page.focus('[role="tree"]');
    await harness.clearPosted();
    await harness.page.keyboard.press('g');
    assert.deepEqual(await harness.posted(), [{ type: 'goToSource', spanId: byName('validate').id }]);
    await selectSpan('fetch');
    await harness.page.focus('[role="tree"]');
    await harness.clearPosted();
    await harness.page.keyboard.press('g');
    await settle();
    assert.deepEqual(await harness.posted(), []);
    assert.equal(await harness.page.getAttribute(`[data-span-id="${byName('validate').id}"]`, 'aria-keyshortcuts'), 'G');
    assert.equal(await harness.page.getAttribute(`[data-span-id="${byName('fetch').id}"]`, 'aria-keyshortcuts'), null);
  });

  test('rows with exceptions get the go-to-source icon, shown on selection; clicking it posts goToSource', async () => {
    const withIcon = await harness.page.$$eval('[role="treeitem"].has-source', (rows) => rows.map((r) => (r as HTMLElement).dataset.spanId));
    assert.deepEqual(withIcon.sort(), [byName('handler').id, byName(IMG).id].sort());
    const icon = harness.page.locator(`[data-span-id="${byName('handler').id}"] .tl-row-source`);
    assert.equal(await icon.isVisible(), false, 'hidden until the row is hovered or selected');
    assert.equal(await icon.getAttribute('tabindex'), '-1', 'the tree keeps the only tab stop');
    await selectSpan('handler');
    await harness.clearPosted();
    await icon.click();
    assert.deepEqual(await harness.posted(), [{ type: 'goToSource', spanId: byName('handler').id }]);
    assert.equal(await harness.page.locator(`[data-span-id="${byName('validate').id}"] .tl-row-source`).isVisible(), false);
  });

  test('frames of the user code are links posting openFrame with their indexes; runtime frames are dimmed text', async () => {
    const spanId = byName('handler').id;
    await selectSpan('handler');
    const frames = await harness.page.$$eval('.tl-details .tl-frame', (nodes) =>
      nodes.map((n) => ({ text: n.textContent, link: n.querySelector('button.tl-frame-link') !== null, runtime: n.classList.contains('tl-frame-runtime'), title: (n as HTMLElement).title, tabIndex: (n as HTMLElement).tabIndex })),
    );
    assert.deepEqual(
      frames.map((f) => [f.link, f.runtime]),
      [[false, true], [true, false], [false, true], [true, false], [true, false], [false, true]],
    );
    assert.equal(frames[1]?.text, 'handler (/var/task/index.js:12)');
    for (const frame of frames.filter((f) => f.runtime)) {
      assert.equal(frame.title, 'Runtime or library code');
      assert.equal(frame.tabIndex, -1, 'runtime frames are not focusable');
    }
    const links = harness.page.locator('.tl-details .tl-frame-link');
    await harness.clearPosted();
    await links.nth(0).click();
    await links.nth(1).click();
    await links.nth(2).focus();
    await harness.page.keyboard.press('Enter');
    assert.deepEqual(await harness.posted(), [
      { type: 'openFrame', spanId, exceptionIndex: 0, frameIndex: 1 },
      { type: 'openFrame', spanId, exceptionIndex: 0, frameIndex: 3 },
      { type: 'openFrame', spanId, exceptionIndex: 1, frameIndex: 0 },
    ]);
    await harness.clearPosted();
    await harness.page.click('.tl-details .tl-frame-runtime');
    assert.deepEqual(await harness.posted(), [], 'a runtime frame posts nothing');
  });

  test('hostile frame paths and labels stay text, in links and dimmed frames alike', async () => {
    await selectSpan(IMG);
    const link = harness.page.locator('.tl-details .tl-frame-link');
    assert.equal(await link.count(), 1);
    assert.equal(await link.textContent(), `${SCRIPT} (${IMG}:1)`);
    assert.equal(await harness.page.textContent('.tl-details .tl-frame-runtime'), `${SCRIPT} (/var/runtime/${IMG}:2)`);
    assert.equal(await harness.page.locator('img').count(), 0);
    assert.equal(await harness.page.evaluate(() => document.scripts.length), 1, 'only the bundle script');
    await harness.clearPosted();
    await link.click();
    assert.deepEqual(await harness.posted(), [{ type: 'openFrame', spanId: byName(IMG).id, exceptionIndex: 0, frameIndex: 0 }]);
    assert.deepEqual(harness.dialogs, []);
    assert.deepEqual(await harness.cspViolations(), []);
    assert.deepEqual(harness.pageErrors, []);
  });
});
