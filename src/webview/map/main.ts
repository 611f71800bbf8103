/**
 * Entry of the service map webview. Posts `ready`, then renders whatever the host sends:
 * `loading`, `empty`, `error`, `graph` (first or refreshed) and `highlight`. Only UI state is
 * persisted (`MapViewState`).
 */
import type { HostToMapMessage, MapToHostMessage, MapViewState } from '../../shared/mapMessages';
import { parseMapViewState } from '../../shared/mapMessages';
import { webviewHost } from '../shared/vscodeApi';
import { button, el } from '../timeline/dom';
import { MapView } from './mapView';

type GraphMessage = Extract<HostToMapMessage, { type: 'graph' }>;

const host = webviewHost<MapToHostMessage, MapViewState>();
const app = document.getElementById('app') ?? document.body;
let view: MapView | undefined;
/** A highlight that arrived before the first graph. */
let pendingHighlight: Extract<HostToMapMessage, { type: 'highlight' }> | undefined;

function isHostMessage(data: unknown): data is HostToMapMessage {
  if (typeof data !== 'object' || data === null) return false;
  const type = (data as { type?: unknown }).type;
  return type === 'loading' || type === 'empty' || type === 'error' || type === 'graph' || type === 'highlight';
}

/** The host is trusted, but a graph that did not survive the transport must not break the page. */
function isWellFormedGraph(message: GraphMessage): boolean {
  const { graph, layout } = message;
  return typeof graph === 'object' && graph !== null && Array.isArray(graph.nodes) && Array.isArray(graph.edges) && typeof layout === 'object' && layout !== null && Array.isArray(layout.positions) && Array.isArray(message.notes);
}

function showState(className: string, children: (Node | undefined)[]): void {
  view?.dispose();
  view = undefined;
  app.replaceChildren(el('div', { className: `map-state ${className}`, attrs: { role: 'status' } }, children));
}

function showLoading(message: string): void {
  showState('map-state-loading', [el('span', { className: 'map-spinner', attrs: { 'aria-hidden': 'true' } }), el('span', { text: message })]);
}

function showEmpty(message: Extract<HostToMapMessage, { type: 'empty' }>): void {
  showState('map-state-empty', [
    el('h1', { className: 'map-title', text: 'Service map' }),
    el('p', { text: message.message }),
    el('p', { className: 'map-dim', text: `The map draws the services of the traces the Traces view lists (${message.rangeLabel}). Widen the time range, clear the filter, or send some requests, and the map fills in.` }),
    button('Widen Time Range…', 'map-button', () => host.post({ type: 'widenRange' })),
  ]);
}

function showError(message: Extract<HostToMapMessage, { type: 'error' }>): void {
  showState('map-state-error', [el('p', { className: 'map-error-message', text: message.message }), message.canRetry ? button('Retry', 'map-button', () => host.post({ type: 'retry' })) : undefined]);
}

function showGraph(message: GraphMessage): void {
  if (!isWellFormedGraph(message)) {
    showError({ type: 'error', message: 'The map could not be drawn: the message from the extension was malformed.', canRetry: true });
    return;
  }
  performance.mark('serverlessLens.map.graphReceived');
  if (view) {
    view.update(message);
  } else {
    const restore: MapViewState | undefined = message.restore ?? parseMapViewState(host.getState());
    view = new MapView(app, message, restore, { post: (m) => host.post(m), persist: (state) => host.setState(state) });
    host.setState(view.viewState());
  }
  if (pendingHighlight) {
    view.applyHighlight(pendingHighlight);
    pendingHighlight = undefined;
  }
  // After the next frame's style, layout and paint (a task queued from its animation frame runs
  // once that frame is rendered): what the bench calls first paint.
  requestAnimationFrame(() => setTimeout(() => performance.mark('serverlessLens.map.painted'), 0));
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isHostMessage(message)) return;
  switch (message.type) {
    case 'loading':
      // A refresh keeps the map on screen; only the first load shows the spinner.
      if (!view) showLoading(message.message);
      break;
    case 'empty':
      showEmpty(message);
      break;
    case 'error':
      showError(message);
      break;
    case 'graph':
      showGraph(message);
      break;
    case 'highlight':
      if (view) view.applyHighlight(message);
      else pendingHighlight = message;
      break;
  }
});

window.addEventListener('keydown', (event) => view?.handleGlobalKey(event));

showLoading('Waiting for the traces…');
host.post({ type: 'ready' });
