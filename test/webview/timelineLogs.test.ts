// The Logs tab of the built timeline webview: it asks for the logs once, when opened; lines come
// in time order tagged with their function; a selected span filters them; a clicked line selects
// its span; invocation rows carry their verdicts; hostile text stays text; JSON pretty-prints on
// demand. The harness plays the host; the logs message is built by the host's own
// `buildTraceLogView` from a sample trace and its CloudWatch lines.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { HostToTimelineMessage } from '../../src/shared/timelineMessages';
import type { TimelineLogLine } from '../../src/shared/timelineLogs';
import { HOSTILE_MESSAGE, RESIZE_REQUEST, WORKER_REQUEST, traceLogsSample } from '../builders/traceLogsSample';
import { TimelineHarness } from './timelineHarness';

const SAMPLE = traceLogsSample();
const { trace, view } = SAMPLE;
const LOGS: HostToTimelineMessage = { type: 'logs', state: 'done', lines: view.lines, invocations: view.invocations, source: 'insights', truncated: false, logGroups: ['/aws/lambda/orders-api'] };

/** An `Invoke Error` line whose stack mixes the user's code, the runtime and a hostile frame. */
const STACK_LINE: TimelineLogLine = {
  timestamp: trace.startEpochMs + 100,
  functionName: 'orders-api',
  logGroup: '/aws/lambda/orders-api',
  kind: 'invokeError',
  level: 'error',
  message: 'Invoke Error: Error: boom',
  frames: true,
  stack: [
    'Error: boom',
    '    at validate (file:///var/task/index.mjs:12:9)',
    '    at Runtime.handleOnceNonStreaming (file:///var/runtime/index.mjs:1173:29)',
    '    at <img src=x onerror="window.__pwned=1"> (/var/task/lib/<b>evil</b>.js:3:7)',
    '    at handler (/var/task/node_modules/middy/core.js:40:2)',
  ],
};
const STACK_INDEX = view.lines.length;
const STACK_LOGS: HostToTimelineMessage = { ...LOGS, type: 'logs', state: 'done', lines: [...view.lines, STACK_LINE], invocations: view.invocations };

function functionSpanId(name: string): string {
  const span = trace.spans.find((s) => s.name === name && s.origin === 'AWS::Lambda::Function');
  assert.ok(span, name);
  return span.id;
}

let harness: TimelineHarness;

async function requests(): Promise<number> {
  return (await harness.posted()).filter((m) => m.type === 'requestLogs').length;
}

/** Opens the Logs tab, answers its request with the sample's logs, waits for the lines. */
async function openLogs(logs: HostToTimelineMessage = LOGS): Promise<void> {
  await harness.page.click('[role="tab"][data-tab="logs"]');
  await harness.waitForPosted((m) => m.type === 'requestLogs');
  await harness.post(logs);
  await harness.page.waitForSelector('.tl-log-line');
}

async function lineTexts(selector: string): Promise<string[]> {
  return harness.page.$$eval(`.tl-log-line ${selector}`, (nodes) => nodes.map((n) => n.textContent ?? ''));
}

describe('timeline webview: Logs tab', () => {
  before(async () => {
    harness = await TimelineHarness.start();
    await harness.open();
  });
  after(async () => {
    await harness?.close();
  });
  beforeEach(async () => {
    await harness.postTrace(trace, { restore: { traceId: trace.id, source: 'aws', collapsedSpanIds: [] } });
    await harness.page.waitForSelector(`[role="treeitem"][data-span-id="${functionSpanId('orders-worker')}"]`);
    await harness.clearPosted();
  });

  test('the tab asks for the logs once, only when opened, and the keyboard reaches it', async () => {
    assert.equal(await requests(), 0);
    assert.equal(await harness.page.getAttribute('[role="tabpanel"]#tl-panel-logs', 'hidden'), '');
    await harness.page.keyboard.press('Control+Shift+L');
    await harness.waitForPosted((m) => m.type === 'requestLogs');
    assert.equal(await harness.page.getAttribute('[role="tab"][data-tab="logs"]', 'aria-selected'), 'true');
    await harness.page.keyboard.press('ArrowLeft');
    assert.equal(await harness.page.getAttribute('[role="tab"][data-tab="spans"]', 'aria-selected'), 'true');
    await harness.page.keyboard.press('ArrowRight');
    assert.equal(await harness.page.getAttribute('[role="tab"][data-tab="logs"]', 'aria-selected'), 'true');
    assert.equal(await requests(), 1);
    assert.ok(await harness.page.isVisible('.tl-logs-loading'));
  });

  test('lines render in time order, tagged with their function; REPORT is a summary', async () => {
    await openLogs();
    assert.equal(await harness.page.locator('.tl-log-line').count(), view.lines.length);
    const times = await harness.page.$$eval('.tl-log-line', (rows) => rows.map((r) => r.querySelector('.tl-log-time')?.getAttribute('title') ?? ''));
    assert.deepEqual(times, [...times].sort());
    const functions = await lineTexts('.tl-log-fn');
    assert.deepEqual([...new Set(functions)], ['orders-api', 'orders-worker', 'orders-resize']);
    assert.ok((await lineTexts('.tl-log-message')).includes('REPORT 98.5 ms (billed 99 ms) · 71/256 MB'));
    assert.ok(await harness.page.isVisible('.tl-log-line.tl-log-platform'));
  });

  test('invocation rows show the verdicts of a timeout and an out-of-memory kill', async () => {
    await openLogs();
    const verdict = (request: string): Promise<string | null> => harness.page.textContent(`.tl-invocation[data-request-id="${request}"] .tl-verdict`);
    assert.equal(await verdict(WORKER_REQUEST), 'timeout');
    assert.equal(await verdict(RESIZE_REQUEST), 'out of memory');
    assert.equal(await harness.page.textContent(`.tl-invocation[data-request-id="${RESIZE_REQUEST}"] .tl-invocation-memory`), '128 MB / 128 MB');
    // Duration against the timeout the `Task timed out` line named.
    assert.match((await harness.page.textContent(`.tl-invocation[data-request-id="${WORKER_REQUEST}"] .tl-invocation-duration`)) ?? '', /^\S+ s \/ \S+ s$/);
  });

  test('selecting a span filters the lines to its invocation, and Show all clears it', async () => {
    await harness.page.click(`[role="treeitem"][data-span-id="${functionSpanId('orders-worker')}"] .tl-label`);
    await openLogs();
    const banner = await harness.page.textContent('.tl-logs-filter');
    assert.match(banner ?? '', new RegExp(`Showing lines of orders-worker request ${WORKER_REQUEST}`));
    assert.deepEqual([...new Set(await lineTexts('.tl-log-fn'))], ['orders-worker']);
    assert.equal(await harness.page.locator('.tl-invocation').count(), 1);
    await harness.page.click('.tl-logs-show-all');
    assert.equal(await harness.page.locator('.tl-log-line').count(), view.lines.length);
  });

  test('clicking a line selects its span in the Spans tab', async () => {
    await openLogs();
    const resizeSpan = functionSpanId('orders-resize');
    await harness.page.click(`.tl-log-line[data-span-id="${resizeSpan}"] .tl-log-message`);
    await harness.page.waitForSelector(`[role="treeitem"][data-span-id="${resizeSpan}"][aria-selected="true"]`);
    assert.equal(await harness.page.getAttribute('[role="tab"][data-tab="spans"]', 'aria-selected'), 'true');
    await harness.waitForPosted((m) => m.type === 'spanSelected' && m.spanId === resizeSpan);
  });

  test('hostile log text stays text', async () => {
    await openLogs();
    assert.ok((await lineTexts('.tl-log-message')).includes(HOSTILE_MESSAGE));
    assert.equal(await harness.page.locator('.tl-logs img').count(), 0);
    assert.equal(await harness.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.deepEqual(await harness.cspViolations(), []);
    assert.deepEqual(harness.pageErrors, []);
  });

  test('JSON lines pretty-print on demand, and copy posts the lines', async () => {
    await openLogs();
    const row = harness.page.locator('.tl-log-line', { has: harness.page.locator('.tl-log-json-toggle') }).first();
    assert.equal(await row.locator('.tl-log-json').count(), 0);
    await row.locator('.tl-log-json-toggle').click();
    const pretty = (await row.locator('.tl-log-json').textContent()) ?? '';
    assert.match(pretty, /\n {2}"order": \{\n {4}"id": "o-1",/);
    await row.locator('.tl-log-json-toggle').click();
    assert.equal(await row.locator('.tl-log-json').count(), 0);
    await row.click({ modifiers: ['Control'] });
    await harness.page.click('.tl-logs-copy');
    const copy = await harness.waitForPosted((m) => m.type === 'copy');
    assert.ok(copy.type === 'copy' && copy.what === 'logs' && copy.text.includes('"order created"') && !copy.text.includes('\n'));
  });

  test('empty, error and unavailable states', async () => {
    await harness.page.click('[role="tab"][data-tab="logs"]');
    await harness.post({ type: 'logs', state: 'done', lines: [], invocations: [], logGroups: ['/aws/lambda/orders-api'] });
    assert.equal(await harness.page.textContent('.tl-logs-empty'), 'No log lines for this trace in /aws/lambda/orders-api.');
    await harness.post({ type: 'logs', state: 'unavailable', lines: [], invocations: [], message: 'Access denied: logs:StartQuery' });
    assert.match((await harness.page.textContent('.tl-logs-unavailable')) ?? '', /logs:StartQuery/);
    await harness.post({ type: 'logs', state: 'error', lines: [], invocations: [], message: 'boom' });
    await harness.page.click('.tl-logs-retry');
    assert.equal(await requests(), 2);
  });

  test('stack frames of a log line are links to source, except runtime and library frames', async () => {
    await openLogs(STACK_LOGS);
    const row = harness.page.locator(`.tl-log-line[data-line-index="${STACK_INDEX}"]`);
    const links = row.locator('.tl-log-frame-link');
    assert.deepEqual(await links.allTextContents(), ['validate (/var/task/index.mjs:12:9)', '<img src=x onerror="window.__pwned=1"> (/var/task/lib/<b>evil</b>.js:3:7)']);
    assert.deepEqual(await row.locator('.tl-frame-runtime').allTextContents(), ['Runtime.handleOnceNonStreaming (/var/runtime/index.mjs:1173:29)', 'handler (/var/task/node_modules/middy/core.js:40:2)']);
    await links.nth(1).click();
    const posted = await harness.waitForPosted((m) => m.type === 'openLogFrame');
    assert.deepEqual(posted, { type: 'openLogFrame', lineIndex: STACK_INDEX, frameIndex: 2 });
    await harness.clearPosted();
    await links.first().focus();
    await harness.page.keyboard.press('Enter');
    assert.deepEqual(await harness.waitForPosted((m) => m.type === 'openLogFrame'), { type: 'openLogFrame', lineIndex: STACK_INDEX, frameIndex: 0 });
    // A frame link opens source; it neither selects the line's span nor switches tabs.
    assert.equal(await harness.page.getAttribute('[role="tab"][data-tab="logs"]', 'aria-selected'), 'true');
    assert.equal(await harness.page.locator('.tl-logs img, .tl-logs b').count(), 0);
    assert.equal(await harness.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.deepEqual(harness.pageErrors, []);
  });

  test('the selected tab is saved and restored after a reload, asking for the logs again', async () => {
    await harness.page.click('[role="tab"][data-tab="logs"]');
    await harness.waitForPosted((m) => m.type === 'requestLogs');
    await harness.page.waitForFunction(() => (window as unknown as { __state?: { tab?: string } }).__state?.tab === 'logs');
    await harness.clearPosted();
    await harness.postTrace(trace, { restore: { traceId: trace.id, source: 'aws', tab: 'logs' } });
    await harness.waitForPosted((m) => m.type === 'requestLogs');
    assert.equal(await harness.page.getAttribute('[role="tab"][data-tab="logs"]', 'aria-selected'), 'true');
    await harness.post(LOGS);
    await harness.page.waitForSelector('.tl-log-line');
    await harness.page.click('[role="tab"][data-tab="spans"]');
    await harness.page.waitForFunction(() => (window as unknown as { __state?: { tab?: string } }).__state?.tab === 'spans');
    await harness.clearPosted();
    await harness.postTrace(trace, { restore: { traceId: trace.id, source: 'aws', tab: 'spans' } });
    await harness.page.waitForSelector('[role="treeitem"]');
    assert.equal(await harness.page.getAttribute('[role="tab"][data-tab="spans"]', 'aria-selected'), 'true');
    assert.equal(await requests(), 0);
  });
});
