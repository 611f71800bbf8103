/**
 * Runs the built service map webview (dist/webview/map.js) in headless Chromium under the real
 * CSP, as `timelineHarness.ts` does for the timeline (the page, server and VS Code API stand-in
 * are `webviewHarness.ts`'s). `postGraph` plays the host panel's part: it lays the graph out with
 * the same `layoutServiceMap` and real ELK the host's worker runs, keeps the positions for the
 * next (stable) refresh, and posts the `graph` message. Each message the page posts goes through
 * the host's own `parseMapToHost` (a rejected one fails the test). Build first: `node esbuild.mjs`.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import { layoutServiceMap } from '../../src/core/mapLayout';
import type { ElkLike } from '../../src/core/mapLayout';
import { parseMapToHost } from '../../src/shared/mapMessages';
import type { HostToMapMessage, MapLayout, MapToHostMessage, MapViewState } from '../../src/shared/mapMessages';
import type { ServiceGraph } from '../../src/shared/serviceGraphModel';
import { launchWebviewPage, WebviewHarness } from './webviewHarness';
import type { HarnessOptions, LaunchedPage } from './webviewHarness';

export type MapHarnessOptions = HarnessOptions;

const MAP_PAGE = { script: 'map.js', styles: ['map.css'], title: 'Service map', viewport: { width: 1400, height: 900 } };

export class MapHarness extends WebviewHarness<HostToMapMessage, MapToHostMessage> {
  private readonly elk: ElkLike = new ELK();
  /** The positions of the map last posted: the host keeps them for a stable refresh. */
  private positions: MapLayout['positions'] = [];

  private constructor(launched: LaunchedPage) {
    super(launched);
  }

  /** Launches the page and waits for its `ready`. */
  static async start(options: MapHarnessOptions = {}): Promise<MapHarness> {
    const harness = new MapHarness(await launchWebviewPage(MAP_PAGE, options));
    await harness.open();
    return harness;
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

  /** Messages the page posted, each checked by the host's own parser. */
  async posted(): Promise<MapToHostMessage[]> {
    return (await this.rawPosted()).map((message) => {
      const parsed = parseMapToHost(message);
      if (parsed === undefined) throw new Error(`the host would reject ${JSON.stringify(message)}`);
      return parsed;
    });
  }

  /** What the page posted, unchecked. */
  override async rawPosted(): Promise<unknown[]> {
    return super.rawPosted();
  }

  /** The map's layout and export work can take longer than the base default. */
  override async waitForPosted(predicate: (message: MapToHostMessage) => boolean, timeoutMs = 10_000): Promise<MapToHostMessage> {
    return super.waitForPosted(predicate, timeoutMs);
  }
}
