// The built service map webview in headless Chromium, under the real CSP: a graph built by the
// real buildServiceGraph from the X-Ray samples, and generated graphs with hostile names. The
// harness lays graphs out with the real ELK as the host's worker does.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { MapToHostMessage } from '../../src/shared/mapMessages';
import type { ServiceGraph } from '../../src/shared/serviceGraphModel';
import { buildServiceGraph } from '../../src/core/serviceGraph/buildServiceGraph';
import { pathOfTrace } from '../../src/core/serviceGraph/tracePath';
import { MapHarness } from './mapHarness';
import { HOSTILE_NAME, sampleGraph, sampleTraces, syntheticGraph } from './mapFixtures';

let harness: MapHarness;
const SAMPLE = sampleGraph();

async function counts(): Promise<{ nodes: number; edgeLines: number; edgeHandles: number; legendItems: number }> {
  return harness.page.evaluate(() => ({
    nodes: document.querySelectorAll('.map-nodes .map-node').length,
    edgeLines: document.querySelectorAll('.map-edge-lines .map-edge').length,
    edgeHandles: document.querySelectorAll('.map-edge-labels [role="button"]').length,
    legendItems: document.querySelectorAll('.map-legend [role="listitem"]').length,
  }));
}

async function transform(): Promise<string> {
  return harness.page.evaluate(() => document.querySelector('.map-viewport')?.getAttribute('transform') ?? '');
}

function selections(messages: (MapToHostMessage | undefined)[]): MapToHostMessage[] {
  return messages.filter((m): m is MapToHostMessage => m?.type === 'select');
}

describe('service map webview: the sample graph', () => {
  before(async () => {
    harness = await MapHarness.start();
    await harness.postGraph(SAMPLE);
  });
  after(async () => harness.close());
  beforeEach(async () => harness.clearPosted());

  test('draws every node and edge of the graph, and the legend', async () => {
    assert.ok(SAMPLE.nodes.length >= 5, 'the samples make a real map');
    assert.deepEqual(await counts(), { nodes: SAMPLE.nodes.length, edgeLines: SAMPLE.edges.length, edgeHandles: SAMPLE.edges.length, legendItems: 8 });
    const names = await harness.page.$$eval('.map-node-name', (els) => els.map((e) => e.textContent));
    for (const node of SAMPLE.nodes) assert.ok(names.some((n) => n !== null && (n === node.name || (n.endsWith('…') && node.name.startsWith(n.slice(0, -1))))), node.name);
    assert.deepEqual(await harness.cspViolations(), []);
    assert.deepEqual(harness.pageErrors, []);
  });

  test('Fit keeps every node clear of the legend (and the legend hidden gives the map that room)', async () => {
    const covered = async (): Promise<string[]> =>
      harness.page.evaluate(() => {
        const legend = document.querySelector('.map-legend') as HTMLElement;
        if (legend.hidden) return [];
        const l = legend.getBoundingClientRect();
        return [...document.querySelectorAll('.map-nodes .map-node')]
          .filter((node) => {
            const r = node.getBoundingClientRect();
            return r.left < l.right && l.left < r.right && r.top < l.bottom && l.top < r.bottom;
          })
          .map((node) => node.getAttribute('data-id') ?? '');
      });
    await harness.page.focus('.map-svg');
    await harness.page.keyboard.press('f');
    await harness.frames(2);
    assert.deepEqual(await covered(), []);
    const withLegend = await transform();
    await harness.page.click('button:has-text("Legend")');
    await harness.page.keyboard.press('f');
    await harness.frames(2);
    assert.notEqual(await transform(), withLegend, 'without the legend, Fit uses the whole stage');
    await harness.page.click('button:has-text("Legend")');
    await harness.page.keyboard.press('f');
    await harness.frames(2);
    assert.equal(await transform(), withLegend);
  });

  test('accessible names carry the numbers', async () => {
    const dynamo = SAMPLE.nodes.find((n) => n.type === 'dynamodb');
    assert.ok(dynamo);
    const label = await harness.page.getAttribute(`.map-node[data-id="${dynamo.id}"]`, 'aria-label');
    const requests = dynamo.counts.total;
    assert.match(label ?? '', new RegExp(`^${dynamo.name}, DynamoDB, ${requests} requests?, ${dynamo.counts.errors} errors? \\(`));
    if (dynamo.latency) assert.match(label ?? '', /p95 \d/);
  });

  test('a click selects a node: the typed message, aria-pressed and the side panel', async () => {
    const fn = SAMPLE.nodes.find((n) => n.type === 'lambdaFunction');
    assert.ok(fn);
    await harness.page.click(`.map-node[data-id="${fn.id}"] .map-node-box`);
    const posted = selections(await harness.posted());
    assert.deepEqual(posted, [{ type: 'select', selection: { kind: 'node', id: fn.id } }]);
    assert.equal(await harness.page.getAttribute(`.map-node[data-id="${fn.id}"]`, 'aria-pressed'), 'true');
    const side = await harness.page.textContent('.map-side');
    assert.match(side ?? '', /Go to Handler/);
    assert.match(side ?? '', /measured from the traces listed/);
    assert.ok(await harness.page.$('.map-side .map-histogram rect.map-histogram-bar'), 'the latency histogram is drawn');
    await harness.page.click('.map-side button:has-text("Go to Handler")');
    await harness.page.click('.map-side button:has-text("Tail Logs")');
    await harness.page.click('.map-side button:has-text("Show Traces Through It")');
    const actions = (await harness.posted()).filter((m) => m?.type !== 'select');
    assert.deepEqual(actions, [
      { type: 'goToHandler', nodeId: fn.id },
      { type: 'tailLogs', nodeId: fn.id },
      { type: 'filterByNode', nodeIds: [fn.id] },
    ]);
  });

  test('keyboard: Tab reaches nodes in column order, arrows move, Enter selects', async () => {
    await harness.page.focus('.map-svg');
    await harness.page.keyboard.press('Tab');
    const first = await harness.page.evaluate(() => document.activeElement?.getAttribute('data-id'));
    const ordered = await harness.page.$$eval('.map-nodes .map-node', (els) => els.map((e) => e.getAttribute('data-id')));
    assert.equal(first, ordered[0]);
    await harness.page.keyboard.press('ArrowRight');
    const second = await harness.page.evaluate(() => document.activeElement?.getAttribute('data-id'));
    assert.notEqual(second, first);
    await harness.page.keyboard.press('Enter');
    assert.deepEqual(selections(await harness.posted()), [{ type: 'select', selection: { kind: 'node', id: second ?? '' } }]);
  });

  test('an edge is selected by its label; failing traces are offered when it has some', async () => {
    const edge = SAMPLE.edges[0];
    assert.ok(edge);
    await harness.page.focus(`.map-edge-handle[data-id="${edge.id}"]`);
    await harness.page.keyboard.press('Enter');
    assert.deepEqual(selections(await harness.posted()), [{ type: 'select', selection: { kind: 'edge', id: edge.id } }]);
    const side = await harness.page.textContent('.map-side');
    assert.match(side ?? '', edge.failingTraceIds.length > 0 ? /Failing Traces/ : /No failing traces/);
  });

  test('zoom keys, the wheel and a drag change the transform; F fits', async () => {
    const start = await transform();
    await harness.page.focus('.map-svg');
    await harness.page.keyboard.press('+');
    await harness.frames(2);
    const zoomed = await transform();
    assert.notEqual(zoomed, start);
    // The stage, not the <svg>: the <svg> overhangs the stage so a drag shows painted map.
    const box = await harness.page.locator('.map-stage').boundingBox();
    assert.ok(box);
    // The top-left corner is background in this small map.
    await harness.page.mouse.move(box.x + 20, box.y + 20);
    await harness.page.mouse.down();
    await harness.page.mouse.move(box.x + 120, box.y + 70, { steps: 4 });
    await harness.page.mouse.up();
    await harness.frames(2);
    const panned = await transform();
    assert.notEqual(panned, zoomed);
    await harness.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await harness.page.mouse.wheel(0, -300);
    await harness.frames(2);
    // The wheel previews as a CSS transform of the <svg>, committed once the wheel rests.
    assert.match((await harness.page.getAttribute('.map-svg', 'style')) ?? '', /scale\(/);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.notEqual(await transform(), panned);
    assert.doesNotMatch((await harness.page.getAttribute('.map-svg', 'style')) ?? '', /scale\(/);
    await harness.page.keyboard.press('f');
    await harness.frames(2);
    assert.equal(await transform(), start, 'fit returns to the fitted view');
    await harness.page.keyboard.press('ArrowLeft');
    await harness.frames(2);
    assert.notEqual(await transform(), start, 'arrows pan when the map itself has focus');
  });

  test('the path of a trace is highlighted, and cleared', async () => {
    const trace = sampleTraces()[0];
    assert.ok(trace);
    const path = pathOfTrace(SAMPLE, trace);
    await harness.post({ type: 'highlight', traceId: trace.id, nodeIds: path.nodeIds, edgeIds: path.edgeIds });
    await harness.frames(1);
    const lit = await harness.page.$$eval('.map-node.on-path', (els) => els.map((e) => e.getAttribute('data-id')).sort());
    assert.deepEqual(lit, [...path.nodeIds].sort());
    assert.equal(await harness.page.locator('.map-svg.has-path').count(), 1);
    await harness.page.click('.map-path-note button');
    assert.equal(await harness.page.locator('.map-node.on-path').count(), 0);
  });

  test('export SVG posts a valid standalone SVG with every node', async () => {
    await harness.page.click('button:has-text("Export SVG")');
    const message = await harness.waitForPosted((m) => m.type === 'export');
    assert.equal(message.type === 'export' && message.format, 'svg');
    const data = message.type === 'export' ? message.data : '';
    const checked = await harness.page.evaluate((text: string) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return { error: doc.getElementsByTagName('parsererror').length, root: doc.documentElement.localName, ns: doc.documentElement.namespaceURI, names: [...doc.querySelectorAll('text')].map((t) => t.textContent ?? ''), classes: doc.querySelectorAll('[class]').length, fills: doc.querySelectorAll('[fill]').length, vars: text.includes('var(--') };
    }, data);
    assert.equal(checked.error, 0);
    assert.equal(checked.root, 'svg');
    assert.equal(checked.ns, 'http://www.w3.org/2000/svg');
    assert.ok(checked.fills > 0, 'colours are resolved into attributes');
    assert.equal(checked.vars, false, 'no theme variable is left unresolved');
    assert.equal(checked.classes, 0, 'the export does not depend on the page stylesheet');
    for (const node of SAMPLE.nodes) assert.ok(checked.names.some((n) => n === node.name || (n.endsWith('…') && node.name.startsWith(n.slice(0, -1)))), node.name);
  });

  test('export PNG posts a PNG drawn from the SVG', async () => {
    await harness.page.click('button:has-text("Export PNG")');
    const message = await harness.waitForPosted((m) => m.type === 'export' && m.format === 'png');
    const bytes = Buffer.from(message.type === 'export' ? message.data : '', 'base64');
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(bytes.length > 2000);
  });
});

describe('service map webview: hostile names, grouping, search, refresh', () => {
  const graph: ServiceGraph = syntheticGraph(40, { hostileNames: true, seed: 3 });
  before(async () => {
    harness = await MapHarness.start({ theme: 'light' });
    await harness.postGraph(graph);
  });
  after(async () => harness.close());
  beforeEach(async () => harness.clearPosted());

  test('hostile node names stay text', async () => {
    const title = await harness.page.title();
    assert.equal(title, 'Service map');
    assert.equal(await harness.page.locator('img').count(), 0);
    const texts = await harness.page.$$eval('.map-nodes .map-node', (els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    assert.ok(texts.some((t) => t.startsWith(HOSTILE_NAME)), 'the name is shown literally');
    await harness.page.hover(`.map-node[data-id^="lambdaFunction:"] .map-node-box`);
    assert.equal(await harness.page.locator('.map-tooltip img').count(), 0);
    assert.deepEqual(harness.dialogs, []);
    assert.deepEqual(await harness.cspViolations(), []);
  });

  test('grouping by type collapses the nodes into one and expands back', async () => {
    const lambdas = graph.nodes.filter((n) => n.type === 'lambdaFunction').length;
    assert.ok(lambdas >= 2);
    const before = (await counts()).nodes;
    await harness.page.click('button:has-text("Group…")');
    await harness.page.click('.map-menu button:has-text("Lambda function nodes")');
    assert.equal((await counts()).nodes, before - lambdas + 1);
    assert.equal(await harness.page.locator('.map-node.map-group[data-id="group:type:lambdaFunction"]').count(), 1);
    const state = (await harness.state()) as { collapsed?: unknown };
    await harness.frames(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(((await harness.state()) as { collapsed?: unknown }).collapsed ?? state.collapsed, [{ kind: 'type', value: 'lambdaFunction' }]);
    await harness.page.click('.map-menu button:has-text("Expand")');
    assert.equal((await counts()).nodes, before);
  });

  test('search highlights matches; Enter selects and cycles', async () => {
    await harness.page.fill('.map-search', 'payments');
    const matches = graph.nodes.filter((n) => n.name.includes('payments')).length;
    assert.equal(await harness.page.locator('.map-node.match').count(), matches);
    await harness.page.press('.map-search', 'Enter');
    await harness.page.press('.map-search', 'Enter');
    const picked = selections(await harness.posted()).map((m) => (m.type === 'select' ? m.selection?.id : undefined));
    assert.equal(picked.length, 2);
    assert.notEqual(picked[0], picked[1]);
    assert.ok(picked.every((id) => id?.includes('payments')));
    await harness.page.press('.map-search', 'Escape');
    assert.equal(await harness.page.locator('.map-node.match').count(), 0);
  });

  test('a refresh with new nodes keeps every drawn node where it was', async () => {
    const placed = await harness.page.$$eval('.map-nodes .map-node', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-id'), e.getAttribute('transform')])));
    const view = await transform();
    const bigger = syntheticGraph(48, { hostileNames: true, seed: 3 });
    // The generator is seeded: the first 40 nodes are the same nodes.
    assert.deepEqual(bigger.nodes.slice(0, 40).map((n) => n.id), graph.nodes.map((n) => n.id));
    await harness.postGraph(bigger);
    const after = await harness.page.$$eval('.map-nodes .map-node', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-id'), e.getAttribute('transform')])));
    assert.equal(Object.keys(after).length, 48);
    for (const [id, at] of Object.entries(placed)) assert.equal(after[id], at, `${id} did not move`);
    assert.equal(await transform(), view, 'the viewport is kept');
  });
});

describe('service map webview: scope control and drag', () => {
  const scoped = (scope: 'all' | 'local' | 'aws'): { scope: 'all' | 'local' | 'aws'; local: number; aws: number } => ({ scope, local: 2, aws: 3 });
  const sourceOf = (traces: ReturnType<typeof sampleTraces>): ServiceGraph => buildServiceGraph(traces);
  const checked = async (): Promise<string[]> => harness.page.$$eval('.map-scope [role="radio"][aria-checked="true"]', (els) => els.map((e) => e.getAttribute('data-scope') ?? ''));
  const stats = async (): Promise<string> => (await harness.page.textContent('.map-stats')) ?? '';

  before(async () => {
    harness = await MapHarness.start();
  });
  after(async () => harness.close());
  beforeEach(async () => harness.clearPosted());

  test('without a Local and an AWS group there is no scope control', async () => {
    await harness.postGraph(SAMPLE);
    assert.equal(await harness.page.locator('.map-scope').isVisible(), false);
    assert.doesNotMatch(await stats(), /Local|AWS/);
    assert.match(await stats(), new RegExp(`^${SAMPLE.traceCount} traces · ${SAMPLE.nodes.length} services`));
  });

  test('All · Local · AWS: the counts, the choice posted, remembered, and the header says what is drawn', async () => {
    const layout = await harness.layout(SAMPLE);
    await harness.post({ type: 'graph', graph: SAMPLE, layout, sourceLabel: 'Local + AWS · default (us-east-1) · Last 15 min', notes: [], scope: scoped('all') });
    await harness.frames(1);
    assert.equal(await harness.page.locator('.map-scope').isVisible(), true);
    assert.deepEqual(await harness.page.$$eval('.map-scope [role="radio"]', (els) => els.map((e) => e.textContent)), ['All 5', 'Local 2', 'AWS 3']);
    assert.deepEqual(await checked(), ['all']);
    assert.match(await stats(), new RegExp(`^${SAMPLE.traceCount} traces · Local and AWS · `));
    await harness.page.click('.map-scope [data-scope="local"]');
    const posted = await harness.waitForPosted((m) => m.type === 'scope');
    assert.deepEqual(posted, { type: 'scope', scope: 'local' });
    assert.deepEqual(await checked(), ['local']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(((await harness.state()) as { scope?: string }).scope, 'local', 'the choice is in the persisted UI state');
    // The host answers with the graph of the local traces only.
    const local = sourceOf(sampleTraces().slice(0, 1));
    await harness.post({ type: 'graph', graph: local, layout: await harness.layout(local), sourceLabel: 'Local', notes: [], scope: scoped('local') });
    await harness.frames(1);
    assert.match(await stats(), new RegExp(`^${local.traceCount} traces? · Local · ${local.nodes.length} services`));
    // Keyboard: the checked choice is the tab stop; arrows choose the next one.
    await harness.page.focus('.map-scope [data-scope="local"]');
    await harness.page.keyboard.press('ArrowRight');
    assert.deepEqual((await harness.posted()).filter((m) => m?.type === 'scope'), [{ type: 'scope', scope: 'local' }, { type: 'scope', scope: 'aws' }]);
    assert.equal(await harness.page.evaluate(() => document.activeElement?.getAttribute('data-scope')), 'aws');
    // The Local group goes away: the control hides, the choice is still remembered.
    await harness.post({ type: 'graph', graph: SAMPLE, layout, sourceLabel: 'AWS', notes: [] });
    await harness.frames(1);
    assert.equal(await harness.page.locator('.map-scope').isVisible(), false);
    await harness.page.keyboard.press('+');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(((await harness.state()) as { scope?: string }).scope, 'aws');
  });

  test('a trace outside the scope drawn is said to be so', async () => {
    const local = sourceOf(sampleTraces().slice(0, 1));
    await harness.post({ type: 'graph', graph: local, layout: await harness.layout(local), sourceLabel: 'Local', notes: [], scope: scoped('local') });
    await harness.post({ type: 'highlight', traceId: '1-00000000-000000000000000000000000', nodeIds: ['lambdaFunction:not-drawn'], edgeIds: [] });
    await harness.frames(1);
    assert.match((await harness.page.textContent('.map-path-note')) ?? '', /has no service on this map \(drawn: Local\)/);
    await harness.page.click('.map-path-note button');
  });

  test('a drag moves the painted map on the compositor and commits the pan on release', async () => {
    await harness.postGraph(SAMPLE);
    await harness.page.keyboard.press('f');
    await harness.frames(2);
    const before = await transform();
    const box = await harness.page.locator('.map-stage').boundingBox();
    assert.ok(box);
    await harness.page.mouse.move(box.x + 10, box.y + 10);
    await harness.page.mouse.down();
    await harness.page.mouse.move(box.x + 60, box.y + 40, { steps: 3 });
    await harness.frames(2);
    // Mid-drag: only the <svg>'s CSS transform moved; the map's own transform is untouched.
    assert.match((await harness.page.evaluate(() => (document.querySelector('.map-svg') as SVGSVGElement).style.transform)) ?? '', /translate\(50px, 30px\)/);
    assert.equal(await transform(), before);
    await harness.page.mouse.up();
    await harness.frames(1);
    assert.equal(await harness.page.evaluate(() => (document.querySelector('.map-svg') as SVGSVGElement).style.transform), '');
    const [x0, y0] = (/translate\(([-\d.]+) ([-\d.]+)\)/.exec(before) ?? []).slice(1).map(Number);
    const [x1, y1] = (/translate\(([-\d.]+) ([-\d.]+)\)/.exec(await transform()) ?? []).slice(1).map(Number);
    assert.ok(Math.abs((x1 ?? 0) - (x0 ?? 0) - 50) < 0.02 && Math.abs((y1 ?? 0) - (y0 ?? 0) - 30) < 0.02, `panned by (50, 30): ${before} → ${await transform()}`);
    // A drag further than the <svg> overhangs the stage commits on the way (no unpainted stage shows).
    const moved = await transform();
    await harness.page.mouse.move(box.x + 10, box.y + 10);
    await harness.page.mouse.down();
    await harness.page.mouse.move(box.x + 10 + box.width * 0.4, box.y + 10, { steps: 4 });
    await harness.frames(2);
    assert.notEqual(await transform(), moved, 'committed during the drag');
    await harness.page.mouse.up();
    // A press without a drag still clears the selection (a background click).
    await harness.clearPosted();
    await harness.page.mouse.click(box.x + 10, box.y + 10);
    assert.deepEqual(selections(await harness.posted()), [{ type: 'select' }]);
  });
});

describe('service map webview: states', () => {
  before(async () => {
    harness = await MapHarness.start({ theme: 'highContrast' });
  });
  after(async () => harness.close());

  test('empty state says how to widen the range and offers it', async () => {
    await harness.post({ type: 'empty', message: 'No traces in the selected time range.', rangeLabel: 'Last 15 min' });
    const text = await harness.page.textContent('.map-state');
    assert.match(text ?? '', /Last 15 min/);
    assert.match(text ?? '', /Widen the time range/);
    await harness.page.click('button:has-text("Widen Time Range")');
    await harness.waitForPosted((m) => m.type === 'widenRange');
  });

  test('loading and error states', async () => {
    await harness.post({ type: 'loading', message: 'Reading the traces…' });
    assert.match((await harness.page.textContent('.map-state')) ?? '', /Reading the traces/);
    await harness.post({ type: 'error', message: 'boom <b>x</b>', canRetry: true });
    assert.equal(await harness.page.textContent('.map-error-message'), 'boom <b>x</b>');
    await harness.page.click('button:has-text("Retry")');
    await harness.waitForPosted((m) => m.type === 'retry');
  });
});
