// Service map benchmark: generated graphs of 50, 200 and 500 nodes. Layout is the host's
// (`layoutServiceMap` with the real ELK, in this process as in the host's worker thread, after
// one warm-up layout as a running worker would have had); first paint is measured inside
// headless Chromium from posting the `graph` message until the frame that shows the map has been
// styled, laid out and painted (the page marks `serverlessLens.map.painted` from a task queued in
// that frame's animation callback). Then 40 frames of wheel zoom and 40 of drag pan, each frame
// interval recorded. Each size is measured RUNS times (a fresh page each time) and the median run
// is reported, so one noisy run on a busy machine does not decide the figure.
// Targets: 200 nodes laid out and painted < 1 s; no pan/zoom frame over 50 ms.
// Benchmarks measure, they never fail: the exit code is 0 whatever the figures.
//   node esbuild.mjs && node --import tsx bench/mapRender.bench.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ELK from 'elkjs/lib/elk.bundled.js';
import { layoutServiceMap } from '../src/core/mapLayout';
import type { ElkLike } from '../src/core/mapLayout';
import { MapHarness } from '../test/webview/mapHarness';
import { syntheticGraph } from '../test/webview/mapFixtures';

const SIZES = [50, 200, 500];
const TARGET_MS = 1000;
const TARGET_FRAME_MS = 50;
const RUNS = 3;

interface PageResult {
  paintMs: number;
  nodeElements: number;
  zoomWorstMs: number;
  zoomMedianMs: number;
  panWorstMs: number;
  panMedianMs: number;
  /** Zoom and pan frames over the 50 ms target. */
  slowFrames: number;
  longTasks: number;
}

// Page-side script as source text: the TypeScript loader would inject helpers the page lacks.
function measureScript(json: string): string {
  return `(async () => {
  const raf = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const tasks = [];
  new PerformanceObserver((list) => { for (const entry of list.getEntries()) tasks.push(entry.duration); }).observe({ type: 'longtask' });
  const message = JSON.parse(${JSON.stringify(json)});
  await raf();
  const before = performance.getEntriesByName('serverlessLens.map.painted').length;
  const t0 = performance.now();
  window.postMessage(message, '*');
  while (performance.getEntriesByName('serverlessLens.map.painted').length === before) await raf();
  const paintMs = performance.getEntriesByName('serverlessLens.map.painted').pop().startTime - t0;
  await raf(); await raf();
  tasks.length = 0;
  const svg = document.querySelector('.map-svg');
  // The stage is what the user sees (the <svg> may reach past it).
  const rect = (svg.parentElement || svg).getBoundingClientRect();
  const frames = async (count, act) => {
    const out = [];
    let last = await raf();
    for (let i = 0; i < count; i++) {
      act(i);
      const now = await raf();
      out.push(now - last);
      last = now;
    }
    return out.sort((a, b) => a - b);
  };
  const cx = rect.left + rect.width / 2, cy = rect.top + rect.height / 2;
  const zoom = await frames(40, (i) => svg.dispatchEvent(new WheelEvent('wheel', { deltaY: i < 20 ? -60 : 60, clientX: cx, clientY: cy, bubbles: true, cancelable: true })));
  // A drag from a background corner (a node under the pointer would not pan).
  const x0 = rect.left + 4, y0 = rect.top + 4;
  svg.dispatchEvent(new PointerEvent('pointerdown', { pointerId: 1, button: 0, clientX: x0, clientY: y0, bubbles: true }));
  const pan = await frames(40, (i) => svg.dispatchEvent(new PointerEvent('pointermove', { pointerId: 1, clientX: x0 + i * 9, clientY: y0 + i * 5, bubbles: true })));
  svg.dispatchEvent(new PointerEvent('pointerup', { pointerId: 1, button: 0, clientX: x0 + 360, clientY: y0 + 200, bubbles: true }));
  return {
    paintMs,
    nodeElements: document.querySelectorAll('.map-nodes .map-node').length,
    zoomWorstMs: zoom[zoom.length - 1], zoomMedianMs: zoom[Math.floor(zoom.length / 2)],
    panWorstMs: pan[pan.length - 1], panMedianMs: pan[Math.floor(pan.length / 2)],
    slowFrames: zoom.concat(pan).filter((ms) => ms > ${TARGET_FRAME_MS}).length,
    longTasks: tasks.length,
  };
})()`;
}

/** The run with the median first paint; its worst frames are the median of the runs' worst frames. */
function medianRun(runs: PageResult[]): PageResult {
  const mid = <K extends keyof PageResult>(key: K): number => [...runs].map((r) => r[key]).sort((a, b) => a - b)[Math.floor(runs.length / 2)] ?? 0;
  const byPaint = [...runs].sort((a, b) => a.paintMs - b.paintMs)[Math.floor(runs.length / 2)] as PageResult;
  return { ...byPaint, zoomWorstMs: mid('zoomWorstMs'), panWorstMs: mid('panWorstMs'), zoomMedianMs: mid('zoomMedianMs'), panMedianMs: mid('panMedianMs'), slowFrames: mid('slowFrames'), longTasks: mid('longTasks') };
}

async function main(): Promise<void> {
  const elk: ElkLike = new ELK();
  // A running worker has laid out before; the first layout of a process pays for the JIT.
  const w0 = performance.now();
  await layoutServiceMap({ nodeIds: syntheticGraph(20).nodes.map((n) => n.id), edges: syntheticGraph(20).edges }, elk);
  const warmupMs = performance.now() - w0;
  console.log(`bench map layout warm-up (first layout of a fresh worker, 20 nodes): ${Math.round(warmupMs)} ms`);
  const results = [];
  for (const size of SIZES) {
    const graph = syntheticGraph(size, { seed: size });
    const layoutTimes: number[] = [];
    let layout: Awaited<ReturnType<typeof layoutServiceMap>> | undefined;
    for (let run = 0; run < RUNS; run++) {
      const l0 = performance.now();
      layout = await layoutServiceMap({ nodeIds: graph.nodes.map((n) => n.id), edges: graph.edges }, elk);
      layoutTimes.push(performance.now() - l0);
    }
    if (layout === undefined) throw new Error('no layout');
    const layoutMs = [...layoutTimes].sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 0;
    // A refresh that adds 5 % more nodes: the stable placement (ELK + keeping the old places).
    const grown = syntheticGraph(Math.ceil(size * 1.05), { seed: size });
    const r0 = performance.now();
    await layoutServiceMap({ nodeIds: grown.nodes.map((n) => n.id), edges: grown.edges, previous: layout.positions }, elk);
    const refreshLayoutMs = performance.now() - r0;
    const runs: PageResult[] = [];
    const message = { type: 'graph', graph, layout, sourceLabel: 'bench', notes: [] };
    for (let run = 0; run < RUNS; run++) {
      const harness = await MapHarness.start({ viewport: { width: 1600, height: 1000 } });
      try {
        runs.push((await harness.page.evaluate(measureScript(JSON.stringify(message)))) as PageResult);
      } finally {
        await harness.close();
      }
    }
    const page = medianRun(runs);
    const result = { nodes: size, edges: graph.edges.length, layoutMs, refreshLayoutMs, ...page, totalMs: layoutMs + page.paintMs, runs };
    results.push(result);
    console.log(
      `bench map ${size} nodes: layout ${Math.round(layoutMs)} ms + first paint ${Math.round(page.paintMs)} ms = ${Math.round(result.totalMs)} ms` +
        ` (refresh +5 % layout ${Math.round(refreshLayoutMs)} ms); zoom frames worst ${Math.round(page.zoomWorstMs)} ms (median ${Math.round(page.zoomMedianMs)}), pan frames worst ${Math.round(page.panWorstMs)} ms (median ${Math.round(page.panMedianMs)}), frames over ${TARGET_FRAME_MS} ms ${page.slowFrames}/80, long tasks ${page.longTasks} (median of ${RUNS} runs; paints ${runs.map((r) => Math.round(r.paintMs)).join('/')} ms)`,
    );
  }
  const at200 = results.find((r) => r.nodes === 200);
  const worstFrame = Math.max(...results.map((r) => Math.max(r.zoomWorstMs, r.panWorstMs)));
  const pass = at200 !== undefined && at200.totalMs < TARGET_MS && worstFrame <= TARGET_FRAME_MS;
  const dir = join(__dirname, '..', '.bench');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'map-render.json'), `${JSON.stringify({ warmupMs, results }, null, 2)}\n`);
  console.log(`bench map: ${pass ? 'within' : 'OUTSIDE'} targets (200 nodes laid out + painted < ${TARGET_MS} ms, pan/zoom frames <= ${TARGET_FRAME_MS} ms); wrote .bench/map-render.json`);
}

main().catch((error: unknown) => {
  console.log(`bench map: could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
});
