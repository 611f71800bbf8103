// The built tail webview in headless Chromium under the real CSP: lines (parsed by the host's own
// parser and converted by its own `toTailViewLine`) render with levels and function tags; the
// filter box filters by /regex/ here and sends patterns to the host; pause holds lines with a
// counter; clear, follow, the line cap, keyboard use; request ids and stack frames post the
// messages the host expects; hostile log text stays text.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLambdaLogLine } from '../../src/core/lambdaLogParser';
import { framesOfLogStack } from '../../src/core/stackFrames';
import { TailRequestIndex, toTailViewLine } from '../../src/core/tailLines';
import type { HostToTailMessage, TailViewLine, TailViewStatus } from '../../src/shared/tailMessages';
import { TailHarness } from './tailHarness';

const STREAM = '2019/06/07/[$LATEST]e6f4a0c4241adcd70c262d34c0bbc85c';
const SAMPLE = readFileSync(join(__dirname, '..', 'fixtures', 'lambda-logs', 'awsdocs-lambda-nodejs-text-log-with-xray-report.log'), 'utf8');
const REQUEST = 'c793869b-ee49-115b-a5b6-4fd21e8dedac';
const ERROR_REQUEST = '6e2a7d0c-1f3b-4c5d-8e9f-0a1b2c3d4e5f';
const INVOKE_ERROR = `2026-03-13T10:00:01.000Z\t${ERROR_REQUEST}\tERROR\tInvoke Error \t${JSON.stringify({ errorType: 'TypeError', errorMessage: "Cannot read properties of undefined (reading 'id')", stack: ["TypeError: Cannot read properties of undefined (reading 'id')", '    at Runtime.handleOnceNonStreaming (file:///var/runtime/index.mjs:1173:29)', '    at createOrder (/var/task/src/orders.js:42:17)', '    at Runtime.handler (/var/task/src/orders.js:12:10)'] })}\n`;
const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

let seq = 0;
const index = new TailRequestIndex();

/** What the host sends for these CloudWatch messages: parsed, indexed and converted by its own code. */
function viewLines(messages: readonly string[], fn = 'orders-api-CreateOrder'): TailViewLine[] {
  return messages.map((message, i) => {
    const line = { seq: seq++, timestamp: Date.UTC(2026, 2, 13, 10, 0, 0, i), logGroupName: `/aws/lambda/${fn}`, logStream: STREAM, functionName: fn, parsed: parseLambdaLogLine(message) };
    index.observe(line);
    return toTailViewLine(line);
  });
}

/** The sample split into CloudWatch events: a new event starts at START/END/REPORT or a timestamped line. */
function sampleEvents(): string[] {
  const events: string[] = [];
  for (const text of SAMPLE.split('\n')) {
    if (/^(START|END|REPORT) |^\d{4}-\d\d-\d\dT/.test(text) || events.length === 0) events.push(text);
    else events[events.length - 1] += `\n${text}`;
  }
  return events.filter((event) => event.trim() !== '');
}

const STATUS: TailViewStatus = { state: 'live', source: 'liveTail', sampled: false, eventsPerSecond: 3, billedMinutes: 1 };
function init(lines: TailViewLine[] = [], extra: Partial<Extract<HostToTailMessage, { type: 'init' }>> = {}): HostToTailMessage {
  return { type: 'init', sessionId: 'tail-1', title: 'Tail: orders-api-CreateOrder', groups: [{ functionName: 'orders-api-CreateOrder', logGroupName: '/aws/lambda/orders-api-CreateOrder' }], maxLines: 10_000, filter: '', lines, dropped: 0, status: STATUS, ...extra };
}

let harness: TailHarness;

async function rowTexts(selector = '.tail-message'): Promise<string[]> {
  return harness.page.$$eval(`.tail-row:not([hidden]) ${selector}`, (nodes) => nodes.map((n) => n.textContent ?? ''));
}

async function visibleRowCount(): Promise<number> {
  return harness.page.$$eval('.tail-row:not([hidden])', (nodes) => nodes.length);
}

before(async () => {
  harness = await TailHarness.start();
});
after(async () => harness.close());
beforeEach(async () => {
  await harness.open();
});

describe('tail view', () => {
  test('shows the empty state with what is tailed, then lines with levels, function tags and REPORT summarised', async () => {
    await harness.post(init());
    const empty = await harness.page.textContent('.tail-empty');
    assert.match(empty ?? '', /Waiting for log events…/);
    assert.match(empty ?? '', /orders-api-CreateOrder \(\/aws\/lambda\/orders-api-CreateOrder\)/);
    await harness.post({ type: 'lines', lines: viewLines([...sampleEvents(), INVOKE_ERROR]) });
    await harness.page.waitForSelector('.tail-row:not([hidden])');
    assert.equal(await harness.page.isHidden('.tail-empty'), true);
    const levels = await rowTexts('.tail-level');
    assert.deepEqual(levels, ['START', 'INFO', 'INFO', 'WARN', 'END', 'REPORT', 'ERROR']);
    const messages = await rowTexts();
    assert.match(messages[5] ?? '', /^REPORT 128\.83 ms \(billed 200 ms\) · 74\/128 MB · init 166\.62 ms/);
    assert.match(messages[1] ?? '', /^ENVIRONMENT VARIABLES …$/, 'a multi-line message shows its first line');
    assert.match(messages[6] ?? '', /Invoke Error · TypeError: Cannot read properties of undefined/);
    const reportRow = harness.page.locator('.tail-row', { hasText: 'REPORT 128.83' });
    assert.equal(await reportRow.locator('.tail-cold').isVisible(), true, 'cold start badge');
    assert.equal(await reportRow.getAttribute('class').then((c) => c?.includes('tl-log-platform')), true);
    const errorRow = harness.page.locator('.tail-row.tl-log-level-error');
    assert.equal(await errorRow.count(), 1);
    // The level colour comes from the theme (errorForeground), not a hard-coded value.
    const colour = await errorRow.locator('.tail-level').evaluate((node) => getComputedStyle(node).color);
    assert.equal(colour, 'rgb(248, 81, 73)');
    assert.deepEqual(new Set(await rowTexts('.tail-fn')), new Set(['orders-api-CreateOrder']));
    assert.match((await harness.page.textContent('.tail-status')) ?? '', /Live · Live Tail · 3 ev\/s · 1 min billed/);
  });

  test('a /regex/ filters in the view; a pattern goes to the host; an invalid regex says why', async () => {
    await harness.post(init(viewLines(sampleEvents())));
    await harness.page.waitForSelector('.tail-row:not([hidden])');
    await harness.page.fill('.tail-filter', '/warn|report/i');
    await harness.page.press('.tail-filter', 'Enter');
    assert.deepEqual(await rowTexts('.tail-level'), ['WARN', 'REPORT']);
    assert.deepEqual(await harness.waitForPosted((m) => m.type === 'setFilter'), { type: 'setFilter', text: '/warn|report/i' });
    assert.match((await harness.page.textContent('.tail-filter-note')) ?? '', /Regex in this view: 2 of 6 lines/);
    await harness.page.fill('.tail-filter', '/(unclosed/');
    await harness.page.press('.tail-filter', 'Enter');
    assert.match((await harness.page.textContent('.tail-filter-note')) ?? '', /Not a valid regular expression/);
    await harness.page.fill('.tail-filter', '?ERROR ?WARN');
    await harness.page.press('.tail-filter', 'Enter');
    await harness.waitForPosted((m) => m.type === 'setFilter' && m.text === '?ERROR ?WARN');
    assert.equal(await visibleRowCount(), 6, 'a CloudWatch pattern does not filter what is already shown');
    const setFilters = (await harness.posted()).filter((m) => m.type === 'setFilter');
    assert.equal(setFilters.length, 2, 'the invalid regex was not sent');
    assert.ok(await harness.page.getAttribute('.tail-filter', 'placeholder').then((p) => /CloudWatch filter pattern.*\/regex\//.test(p ?? '')));
  });

  test('pause holds new lines with a counter; resume shows them; clear empties the view and tells the host', async () => {
    await harness.post(init(viewLines(['first line'])));
    await harness.page.waitForSelector('.tail-row:not([hidden])');
    await harness.page.click('.tail-pause');
    await harness.post({ type: 'lines', lines: viewLines(['second', 'third', 'fourth']) });
    await harness.page.waitForSelector('.tail-pause:has-text("Resume (3 new)")');
    assert.deepEqual(await rowTexts(), ['first line']);
    assert.match((await harness.page.textContent('.tail-paused')) ?? '', /3 new lines waiting/);
    await harness.page.click('.tail-pause');
    assert.deepEqual(await rowTexts(), ['first line', 'second', 'third', 'fourth']);
    assert.equal(await harness.page.textContent('.tail-pause'), 'Pause');
    await harness.page.click('.tail-clear');
    assert.equal(await visibleRowCount(), 0);
    await harness.waitForPosted((m) => m.type === 'clear');
    assert.match((await harness.page.textContent('.tail-empty')) ?? '', /Waiting for log events/);
  });

  test('follow keeps the newest line in view, turns off when the user scrolls up, and comes back with End', async () => {
    await harness.post(init(viewLines(Array.from({ length: 300 }, (_, i) => `line ${i}`))));
    await harness.page.waitForSelector('.tail-row:not([hidden])');
    const bottom = (): Promise<boolean> => harness.page.$eval('.tail-viewport', (v) => v.scrollTop + v.clientHeight >= v.scrollHeight - 2);
    assert.equal(await bottom(), true);
    assert.equal(await harness.page.getAttribute('.tail-follow', 'aria-pressed'), 'true');
    await harness.page.hover('.tail-viewport');
    await harness.page.mouse.wheel(0, -2000);
    await harness.page.waitForFunction(() => document.querySelector('.tail-follow')?.getAttribute('aria-pressed') === 'false');
    const top = await harness.page.$eval('.tail-viewport', (v) => v.scrollTop);
    await harness.post({ type: 'lines', lines: viewLines(['newer 1', 'newer 2']) });
    await harness.page.waitForTimeout(100);
    assert.equal(await harness.page.$eval('.tail-viewport', (v) => v.scrollTop), top, 'the view stays where the user scrolled');
    await harness.page.focus('.tail-viewport');
    await harness.page.keyboard.press('End');
    await harness.page.waitForFunction(() => document.querySelector('.tail-follow')?.getAttribute('aria-pressed') === 'true');
    assert.equal(await bottom(), true);
    assert.ok((await rowTexts()).includes('newer 2'));
  });

  test('10,000 lines stay virtualised; lines past maxLines drop the oldest with a note', async () => {
    const many = viewLines(Array.from({ length: 10_000 }, (_, i) => `bulk ${i}`));
    await harness.post(init(many, { maxLines: 10_000 }));
    await harness.page.waitForSelector('.tail-row:not([hidden])');
    assert.ok((await visibleRowCount()) < 100, `rows in the DOM: ${await visibleRowCount()}`);
    await harness.post({ type: 'lines', lines: viewLines(['over 1', 'over 2', 'over 3']) });
    await harness.page.waitForSelector('.tail-dropped');
    assert.match((await harness.page.textContent('.tail-dropped')) ?? '', /^3 older lines dropped: the view keeps the newest 10,000/);
    await harness.page.hover('.tail-viewport');
    const started = Date.now();
    for (let i = 0; i < 20; i++) await harness.page.mouse.wheel(0, -5000);
    assert.ok(Date.now() - started < 5000);
    assert.equal(harness.pageErrors.length, 0);
  });

  test('a request id posts openTrace, a frame link posts openFrame with the index the host parses', async () => {
    const lines = viewLines([...sampleEvents(), INVOKE_ERROR]);
    await harness.post(init(lines));
    await harness.page.waitForSelector('.tail-row:not([hidden])');
    const report = lines.find((l) => l.kind === 'report') as TailViewLine;
    await harness.page.locator(`#tail-line-${report.seq} .tail-request`).click();
    assert.deepEqual(await harness.waitForPosted((m) => m.type === 'openTrace'), { type: 'openTrace', seq: report.seq });
    assert.equal(index.traceIdOf(REQUEST), '1-5d9d007f-0a8c7fd02xmpl480aed55ef0', 'the host knows the trace of this request');
    const error = lines.find((l) => l.kind === 'invokeError') as TailViewLine;
    const link = harness.page.locator(`#tail-line-${error.seq} .tail-frame-link`);
    assert.equal(await link.textContent(), 'orders.js:42');
    await link.click();
    const posted = await harness.waitForPosted((m) => m.type === 'openFrame');
    const frames = framesOfLogStack(error.stack ?? []);
    assert.ok(posted.type === 'openFrame' && frames[posted.frameIndex]?.path === '/var/task/src/orders.js' && frames[posted.frameIndex]?.line === 42);
    // The details pane lists every frame; runtime frames are not links.
    await harness.page.locator(`#tail-line-${error.seq} .tail-message`).click();
    await harness.page.waitForSelector('.tail-details');
    assert.equal(await harness.page.locator('.tail-details .tl-log-frame-link').count(), 2);
    await harness.clearPosted();
    await harness.page.locator('.tail-details .tl-log-frame-link').nth(1).click();
    const second = await harness.waitForPosted((m) => m.type === 'openFrame');
    assert.ok(second.type === 'openFrame' && frames[second.frameIndex]?.line === 12);
  });

  test('keyboard: arrows select, T opens the trace, G the frame, P pauses, Escape closes the details', async () => {
    const lines = viewLines(['plain', INVOKE_ERROR]);
    await harness.post(init(lines));
    await harness.page.waitForSelector('.tail-row:not([hidden])');
    await harness.page.focus('.tail-viewport');
    await harness.page.keyboard.press('ArrowUp');
    await harness.page.waitForSelector('.tail-details');
    assert.equal(await harness.page.getAttribute('.tail-viewport', 'aria-activedescendant'), `tail-line-${lines[1]?.seq}`);
    await harness.page.keyboard.press('t');
    await harness.waitForPosted((m) => m.type === 'openTrace' && m.seq === lines[1]?.seq);
    await harness.page.keyboard.press('g');
    await harness.waitForPosted((m) => m.type === 'openFrame' && m.seq === lines[1]?.seq);
    await harness.page.keyboard.press('p');
    assert.equal(await harness.page.getAttribute('.tail-pause', 'aria-pressed'), 'true');
    await harness.page.keyboard.press('Escape');
    assert.equal(await harness.page.locator('.tail-details').count(), 0);
  });

  test('stopped with an error shows it with Restart; sampling shows a mark', async () => {
    await harness.post(init(viewLines(['x'])));
    await harness.post({ type: 'status', status: { ...STATUS, sampled: true } });
    await harness.page.waitForSelector('.tail-sampled');
    await harness.post({ type: 'status', status: { ...STATUS, state: 'stopped', error: true, message: 'AccessDeniedException: logs:StartLiveTail is not allowed' } });
    await harness.page.waitForSelector('.tail-note-error');
    assert.match((await harness.page.textContent('.tail-note-error')) ?? '', /logs:StartLiveTail/);
    assert.equal(await harness.page.textContent('.tail-run'), 'Restart');
    await harness.page.click('.tail-note-restart');
    await harness.waitForPosted((m) => m.type === 'restart');
  });

  test('hostile log text stays text under the real CSP', async () => {
    const hostileStack = `2026-03-13T10:00:02.000Z\t${ERROR_REQUEST}\tERROR\tInvoke Error \t${JSON.stringify({ errorType: HOSTILE, errorMessage: HOSTILE, stack: [`Error: ${HOSTILE}`, `    at ${HOSTILE} (/var/task/<b>evil</b>.js:3:7)`] })}`;
    const lines = viewLines([HOSTILE, `{"level":"ERROR","message":"${HOSTILE.replace(/"/g, '\\"')}"}`, hostileStack], `fn-<i>x</i>`);
    await harness.post(init(lines, { groups: [{ functionName: HOSTILE, logGroupName: HOSTILE }] }));
    await harness.page.waitForSelector('.tail-row:not([hidden])');
    await harness.page.locator(`#tail-line-${lines[2]?.seq} .tail-message`).click();
    await harness.page.waitForSelector('.tail-details');
    await harness.page.waitForTimeout(200);
    assert.equal(await harness.page.locator('img, script:not([src]), b, i').count(), 0);
    assert.equal(await harness.page.evaluate(() => window.__pwned), undefined);
    assert.ok((await rowTexts()).some((text) => text.includes('<img src=x')));
    assert.deepEqual(await harness.cspViolations(), []);
    assert.deepEqual(harness.pageErrors, []);
  });
});
