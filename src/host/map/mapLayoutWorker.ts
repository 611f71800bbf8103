/**
 * Entry of the layout worker thread (`dist/mapLayoutWorker.js`): runs ELK (elkjs's bundled build,
 * which needs no DOM) on the graphs the host sends, so a 500-node layout never blocks the
 * extension host's event loop nor the webview's UI thread. No `vscode` here.
 */
import { parentPort } from 'node:worker_threads';
import ELK from 'elkjs/lib/elk.bundled.js';
import { layoutServiceMap } from '../../core/mapLayout';
import type { ElkLike, MapLayoutInput } from '../../core/mapLayout';
import type { LayoutRequest, LayoutResponse } from './mapLayoutProtocol';

const elk: ElkLike = new ELK();

parentPort?.on('message', (request: LayoutRequest) => {
  void run(request).then((response) => parentPort?.postMessage(response));
});

async function run(request: LayoutRequest): Promise<LayoutResponse> {
  try {
    const input: MapLayoutInput = request.input;
    const layout = await layoutServiceMap(input, elk);
    return { id: request.id, layout };
  } catch (error) {
    return { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
}
