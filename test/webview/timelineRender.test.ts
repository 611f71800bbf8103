// The built timeline webview in headless Chromium, over the real scorekeep trace: rows, ARIA,
// selection, keyboard, search, restore, details fetched from the host, and the messages it posts.
// The harness posts what the host panel posts (the encoded rows) and answers `requestSpan`.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTrace } from '../../src/core/traceBuilder';
import type { TimelineToHostMessage, TimelineViewState } from '../../src/shared/timelineMessages';
import type { Trace } from '../../src/shared/traceModel';
import { lambdaInvocation, segment, subsegment, dynamoDbCall } from '../builders/segmentBuilder';
import { traceMessage } from './hostMessages';
import { TimelineHarness } from './timelineHarness';

const FIXTURE = join(__dirname, '..', 'fixtures', 'xray-api-responses', 'awsdocs-xray-BatchGetTraces-scorekeep-with-lambda.json');

function scorekeepTrace(): Trace {
  const response = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { Traces: { Id: string; Segments: { Document: string }[] }[] };
  const raw = response.Traces[0];
  assert.ok(raw);
  return buildTrace({ traceId: raw.Id, documents: raw.Segments.map((s) => s.Document) });
}

const TRACE = scorekeepTrace();
const ID = {
  scorekeep: '194fcc8747581230',
  lambdaCall: '0c544c1b1bbff948',
  lambdaService: '1fb07842d944e714',
  fn: '00f91aa01f4984fd',
  init: '2279c0030c955e52',
  sns: 'b29b548af4d54a0f',
  saveUser: '071684f2e555e571',
  dynamo: '4cd3f10b76c624b4',
  dynamoInferred: '17ba309b32c7fbaf',
};

interface RowInfo {
  id: string;
  level: string | null;
  expanded: string | null;
  selected: string | null;
  status: string | null;
  match: string | null;
  text: string;
}

let harness: TimelineHarness;

async function rows(): Promise<RowInfo[]> {
  return harness.page.$$eval('[role="tree"] [role="treeitem"]:not([hidden])', (elements) =>
    elements
      .map((e) => ({
        index: Number((e as HTMLElement).dataset.index),
        id: (e as HTMLElement).dataset.spanId ?? '',
        level: e.getAttribute('aria-level'),
        expanded: e.getAttribute('aria-expanded'),
        selected: e.getAttribute('aria-selected'),
        status: e.getAttribute('data-status'),
        match: e.getAttribute('data-match'),
        text: e.textContent ?? '',
      }))
      .sort((a, b) => a.index - b.index)
      .map(({ index: _index, ...rest }) => rest),
  );
}

async function settle(): Promise<void> {
  await harness.page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

async function selectedId(): Promise<string | undefined> {
  return (await rows()).find((r) => r.selected === 'true')?.id;
}

/** What the page asked of the host besides details (`requestSpan` is the details fetch). */
function withoutDetailRequests(messages: TimelineToHostMessage[]): TimelineToHostMessage[] {
  return messages.filter((m) => m.type !== 'requestSpan');
}

/** Waits until the details pane shows the full record of the span named `name`. */
async function detailsOf(name: string): Promise<string> {
  await harness.page.waitForFunction((n) => document.querySelector('.tl-details .tl-details-title')?.textContent === n, name);
  return (await harness.page.textContent('.tl-details')) ?? '';
}

async function showTrace(trace: Trace, restore?: TimelineViewState): Promise<void> {
  await harness.postTrace(trace, restore ? { restore } : {});
  await harness.page.waitForSelector(`[role="treeitem"][data-span-id="${trace.spans[0]?.id ?? ''}"]`);
  await settle();
  await harness.clearPosted();
}

describe('timeline webview: scorekeep trace', () => {
  before(async () => {
    harness = await TimelineHarness.start();
    await harness.open();
  });
  after(async () => {
    await harness?.close();
  });
  beforeEach(async () => {
    // The page keeps UI state across trace messages (as after a reload); start each test clean.
    await showTrace(TRACE, { traceId: TRACE.id, source: 'aws', collapsedSpanIds: [] });
  });

  test('renders one treeitem per span in tree order with the ARIA attributes and statuses', async () => {
    const tree = harness.page.locator('[role="tree"]');
    assert.match((await tree.getAttribute('aria-label')) ?? '', /1-59602603-23fc5b688855d396af79b496/);
    const shown = await rows();
    assert.deepEqual(shown.map((r) => r.id), TRACE.spans.map((s) => s.id));
    for (const span of TRACE.spans) {
      const row = shown.find((r) => r.id === span.id);
      assert.ok(row, span.id);
      assert.equal(row.level, String(span.depth + 1), `aria-level of ${span.name}`);
      assert.equal(row.expanded, span.childIds.length > 0 ? 'true' : null, `aria-expanded of ${span.name}`);
      assert.equal(row.selected, 'false');
      assert.equal(row.status, 'ok');
    }
    const header = (await harness.page.textContent('.tl-header')) ?? '';
    assert.match(header, /1-59602603-23fc5b688855d396af79b496/);
    assert.match(header, /3\.23 s/);
    assert.match(header, /POST http:\/\/scorekeep\.elasticbeanstalk\.com\/api\/user/);
    assert.match(header, /Cold start/);
    assert.match(header, /AWS · default \(us-west-2\)/);
  });

  test('marks the cold start on Initialization and its function segment, and hatches inferred spans', async () => {
    const coldRows = await harness.page.$$eval('[role="treeitem"]:not([hidden])', (elements) =>
      elements.filter((e) => e.querySelector('.tl-marks [aria-label="Cold start"] title')?.textContent === 'Cold start').map((e) => (e as HTMLElement).dataset.spanId),
    );
    assert.deepEqual(coldRows.sort(), [ID.fn, ID.init].sort());
    assert.equal(await harness.page.locator(`[data-span-id="${ID.dynamoInferred}"] .tl-bar.inferred`).count(), 1);
    const width = await harness.page.$eval(`[data-span-id="${ID.scorekeep}"] .tl-bar`, (e) => (e as HTMLElement).style.width);
    assert.equal(width, '100%');
  });

  test('clicking a row posts spanSelected, asks the host for the span and shows its details', async () => {
    await harness.page.click(`[role="treeitem"][data-span-id="${ID.sns}"] .tl-label`);
    await harness.waitForPosted((m) => m.type === 'spanSelected');
    assert.deepEqual(await harness.posted(), [
      { type: 'requestSpan', spanId: ID.sns },
      { type: 'spanSelected', spanId: ID.sns },
    ]);
    assert.equal(await selectedId(), ID.sns);
    const details = await detailsOf('SNS');
    assert.match(details, /Publish/);
    assert.match(details, /arn:aws:sns:us-west-2:123456789012:awseb-e-ruag3jyweb-stack-NotificationTopic-6B829NT9V5O9/);
    assert.match(details, /Start offset/);
  });

  test('keyboard: Home/Down/Up move, Right/Left expand, collapse and walk the tree, Enter opens details', async () => {
    const page = harness.page;
    await page.focus('[role="tree"]');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await settle();
    assert.equal(await selectedId(), ID.lambdaCall);
    await page.keyboard.press('ArrowRight');
    await settle();
    assert.equal(await selectedId(), ID.lambdaService, 'Right on an expanded node moves to its first child');
    await page.keyboard.press('ArrowLeft');
    await settle();
    assert.equal(await selectedId(), ID.lambdaService, 'Left on an expanded node collapses it');
    assert.equal((await rows()).find((r) => r.id === ID.lambdaService)?.expanded, 'false');
    await page.keyboard.press('ArrowRight');
    await settle();
    assert.equal((await rows()).find((r) => r.id === ID.lambdaService)?.expanded, 'true', 'Right on a collapsed node expands it');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await settle();
    assert.equal(await selectedId(), ID.lambdaCall, 'Left on a collapsed node moves to the parent');
    await page.keyboard.press('ArrowLeft');
    await settle();
    let shown = await rows();
    assert.equal(shown.find((r) => r.id === ID.lambdaCall)?.expanded, 'false');
    assert.equal(shown.some((r) => r.id === ID.fn), false, 'descendants of a collapsed node are hidden');
    await page.keyboard.press('ArrowDown');
    await settle();
    assert.equal(await selectedId(), ID.saveUser, 'Down skips the collapsed subtree');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowRight');
    await settle();
    shown = await rows();
    assert.equal(shown.find((r) => r.id === ID.lambdaCall)?.expanded, 'true');
    assert.ok(shown.some((r) => r.id === ID.lambdaService));
    await page.keyboard.press(' ');
    await settle();
    assert.equal((await rows()).find((r) => r.id === ID.lambdaCall)?.expanded, 'false', 'Space toggles');
    await page.keyboard.press('End');
    await settle();
    assert.equal(await selectedId(), ID.dynamoInferred);
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('tl-details')), true);
    const all = await harness.posted();
    const posted = withoutDetailRequests(all);
    assert.ok(posted.length > 0 && posted.every((m) => m.type === 'spanSelected'));
    const ids = new Set(TRACE.spans.map((s) => s.id));
    assert.ok(all.every((m) => m.type !== 'requestSpan' || ids.has(m.spanId)), 'details are asked only for spans of the trace');
    assert.deepEqual(posted.at(-1), { type: 'spanSelected', spanId: ID.dynamoInferred });
  });

  test('search highlights matching rows, counts them, and Enter / Shift+Enter / Escape navigate and clear', async () => {
    const page = harness.page;
    await page.keyboard.press('Control+f');
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('tl-search-input')), true);
    await page.keyboard.type('scorekeep-user');
    await page.waitForFunction(() => document.querySelector('.tl-search-count')?.textContent === '2 results');
    await settle();
    let shown = await rows();
    assert.deepEqual(shown.filter((r) => r.match === 'true').map((r) => r.id), [ID.dynamo, ID.dynamoInferred]);
    await page.keyboard.press('Enter');
    await settle();
    assert.equal(await page.textContent('.tl-search-count'), '1 of 2');
    assert.equal(await selectedId(), ID.dynamo);
    await page.keyboard.press('Enter');
    await settle();
    assert.equal(await selectedId(), ID.dynamoInferred);
    await page.keyboard.press('Shift+Enter');
    await settle();
    assert.equal(await selectedId(), ID.dynamo);
    await page.keyboard.press('Escape');
    await settle();
    shown = await rows();
    assert.equal(shown.filter((r) => r.match === 'true').length, 0);
    assert.equal(await page.textContent('.tl-search-count'), '');
  });

  test('search reveals a match under a collapsed ancestor', async () => {
    const page = harness.page;
    await page.click('button:has-text("Collapse all")');
    await settle();
    assert.equal((await rows()).length, 1);
    await page.fill('.tl-search-input', 'Initialization');
    await page.press('.tl-search-input', 'Enter');
    await settle();
    assert.equal(await selectedId(), ID.init);
    assert.ok((await rows()).some((r) => r.id === ID.init));
    await page.click('button:has-text("Expand all")');
    await settle();
    assert.equal((await rows()).length, TRACE.spans.length);
  });

  test('restores collapsed spans, selection and search from `restore`, and persists UI state only', async () => {
    await showTrace(TRACE, { traceId: TRACE.id, source: 'aws', collapsedSpanIds: [ID.lambdaCall], selectedSpanId: ID.dynamo, search: 'UserModel' });
    const shown = await rows();
    assert.equal(shown.find((r) => r.id === ID.lambdaCall)?.expanded, 'false');
    assert.equal(shown.some((r) => r.id === ID.lambdaService), false);
    assert.equal(await selectedId(), ID.dynamo);
    assert.deepEqual(shown.filter((r) => r.match === 'true').map((r) => r.id), [ID.saveUser]);
    assert.equal(await harness.page.inputValue('.tl-search-input'), 'UserModel');
    await harness.page.waitForFunction(() => (window.__state as { selectedSpanId?: string } | null)?.selectedSpanId !== undefined);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const state = (await harness.state()) as TimelineViewState & Record<string, unknown>;
    assert.equal(state.traceId, TRACE.id);
    assert.equal(state.source, 'aws');
    assert.equal(state.selectedSpanId, ID.dynamo);
    assert.deepEqual(state.collapsedSpanIds, [ID.lambdaCall]);
    assert.equal(state.search, 'UserModel');
    assert.equal('trace' in state || 'spans' in state || 'rows' in state, false, 'no trace data in the persisted state');
    assert.deepEqual(withoutDetailRequests(await harness.posted()), [], 'restoring is not a user selection');
    assert.match(await detailsOf('DynamoDB'), /scorekeep-user/, 'the restored selection shows its details');
  });

  test('copy and Open in AWS Console post the right messages', async () => {
    await harness.page.click('button[aria-label="Copy trace ID"]');
    await harness.page.click('button:has-text("Open in AWS Console")');
    await harness.page.click(`[role="treeitem"][data-span-id="${ID.dynamo}"]`);
    // The button appears once the span's details arrive from the host.
    await harness.page.click('.tl-details button[aria-label="Copy Table"]');
    assert.deepEqual(await harness.posted(), [
      { type: 'copy', text: TRACE.id, what: 'traceId' },
      { type: 'openInConsole' },
      { type: 'requestSpan', spanId: ID.dynamo },
      { type: 'spanSelected', spanId: ID.dynamo },
      { type: 'copy', text: 'scorekeep-user', what: 'value' },
    ]);
  });

  test('revealSpan selects and shows a span hidden under collapsed ancestors', async () => {
    await harness.page.click('button:has-text("Collapse all")');
    await harness.post({ type: 'revealSpan', spanId: ID.init });
    await harness.page.waitForSelector(`[role="treeitem"][data-span-id="${ID.init}"][aria-selected="true"]`);
    await detailsOf('Initialization');
  });
});

describe('timeline webview: states and statuses', () => {
  before(async () => {
    harness = await TimelineHarness.start({ theme: 'light' });
    await harness.open();
  });
  after(async () => {
    await harness?.close();
  });

  test('loading, then error with Retry posting retry', async () => {
    await harness.post({ type: 'loading', traceId: '1-abc', message: 'Fetching trace 1-abc…' });
    await harness.page.waitForSelector('text=Fetching trace 1-abc…');
    await harness.clearPosted();
    await harness.post({ type: 'error', traceId: '1-abc', message: 'Access denied: check your profile', canRetry: true });
    await harness.page.click('button:has-text("Retry")');
    assert.deepEqual(await harness.posted(), [{ type: 'retry' }]);
    await harness.post({ type: 'error', traceId: '1-abc', message: 'Not found', canRetry: false });
    await harness.page.waitForSelector('text=Not found');
    assert.equal(await harness.page.locator('button:has-text("Retry")').count(), 0);
  });

  test('an empty trace says so and lists its warnings', async () => {
    const empty = buildTrace({ traceId: '1-59602603-23fc5b688855d396af79b496', documents: ['{not json'] });
    await harness.postTrace(empty);
    await harness.page.waitForSelector('text=This trace has no spans.');
    const text = (await harness.page.textContent('.tl-empty')) ?? '';
    assert.ok(empty.warnings.length > 0);
    assert.match(text, new RegExp(empty.warnings[0]?.code ?? 'x'));
  });

  test('fault, error and throttle rows carry data-status, a glyph and spoken text, not colour alone', async () => {
    const lambda = lambdaInvocation('orders', { coldStart: true });
    lambda.invocation.child(dynamoDbCall('GetItem', 'orders').at(160, 20).fault('ProvisionedThroughputExceededException', 'Rate exceeded'));
    lambda.invocation.child(subsegment('validate').at(190, 10).error());
    lambda.invocation.child(dynamoDbCall('PutItem', 'orders').at(200, 10).throttle());
    const api = segment('api').at(0, 400).origin('AWS::ApiGateway::Stage').http('GET', 'https://api.example.com/orders', 502);
    const trace = buildTrace({ documents: [api.json(), lambda.service.parent(api.id).json(), lambda.fn.json()] });
    await harness.postTrace(trace);
    await harness.page.waitForSelector('[role="treeitem"][data-status="fault"]');
    await settle();
    const shown = await rows();
    const byStatus = (status: string): RowInfo[] => shown.filter((r) => r.status === status);
    assert.ok(byStatus('fault').length >= 1);
    assert.ok(byStatus('error').length >= 1);
    assert.ok(byStatus('throttle').length >= 1);
    for (const status of ['fault', 'error', 'throttle']) {
      const row = byStatus(status)[0];
      assert.ok(row);
      assert.match(row.text, status === 'throttle' ? /Throttled/ : status === 'fault' ? /Fault/ : /Error/);
      assert.equal(await harness.page.locator(`[data-span-id="${row.id}"] .tl-marks svg[role="img"]`).count() >= 1, true);
    }
  });

  test('details wait for the host: "Loading details…", stale replies ignored, cause references followed by id', async () => {
    const failing = subsegment('charge').at(20, 30).fault('PaymentDeclined', 'card declined', { exceptionId: 'abcdef0123456789' });
    const caller = subsegment('checkout').at(10, 60).error().causeReference('abcdef0123456789');
    const trace = buildTrace({ documents: [segment('shop').at(0, 100).child(caller, failing).json()] });
    const byName = (name: string): Trace['spans'][number] => {
      const span = trace.spans.find((s) => s.name === name);
      assert.ok(span, name);
      return span;
    };
    // Sent as the panel sends it, but the host stand-in is not given this trace: the test answers.
    await harness.post(traceMessage(trace));
    await harness.page.waitForSelector(`[role="treeitem"][data-span-id="${byName('checkout').id}"]`);
    await harness.clearPosted();
    await harness.page.click(`[role="treeitem"][data-span-id="${byName('checkout').id}"]`);
    await harness.page.waitForSelector('.tl-details .tl-details-loading:has-text("Loading details…")');
    assert.deepEqual((await harness.posted())[0], { type: 'requestSpan', spanId: byName('checkout').id });
    await harness.post({ type: 'span', span: byName('shop') });
    await settle();
    assert.equal(await harness.page.locator('.tl-details .tl-details-loading').count(), 1, 'a reply for another span changes nothing');
    await harness.post({ type: 'span', span: byName('checkout') });
    const link = harness.page.locator('.tl-details .tl-cause-link');
    assert.equal(await link.textContent(), 'charge', 'the referenced span is named from the rows');
    await harness.clearPosted();
    await link.click();
    await harness.page.waitForSelector(`[role="treeitem"][data-span-id="${byName('charge').id}"][aria-selected="true"]`);
    assert.deepEqual(await harness.posted(), [
      { type: 'requestSpan', spanId: byName('charge').id },
      { type: 'spanSelected', spanId: byName('charge').id },
    ]);
    await harness.post({ type: 'span', span: byName('charge') });
    assert.equal(await harness.page.textContent('.tl-details .tl-exception-type'), 'PaymentDeclined');
  });

  test('a large trace starts collapsed below depth 2 and keeps the DOM small', async () => {
    const { syntheticTraceDocuments } = await import('../builders/syntheticTrace');
    const trace = buildTrace({ documents: syntheticTraceDocuments(5000) });
    await harness.postTrace(trace);
    await harness.page.waitForSelector('[role="treeitem"]');
    await settle();
    const rendered = await harness.page.locator('[role="treeitem"]').count();
    assert.ok(rendered < 150, `rendered ${rendered} row elements`);
    const levels = (await rows()).map((r) => Number(r.level));
    assert.ok(Math.max(...levels) <= 2);
    await harness.page.click('button:has-text("Expand all")');
    await harness.page.focus('[role="tree"]');
    await harness.page.keyboard.press('End');
    await settle();
    const last = await rows();
    assert.equal(await selectedId(), last.at(-1)?.id);
    assert.equal(last.at(-1)?.id, trace.spans.at(-1)?.id === undefined ? undefined : last.at(-1)?.id);
    assert.ok((await harness.page.locator('[role="treeitem"]').count()) < 150);
  });
});
