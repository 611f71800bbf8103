/**
 * Entry of the tail webview: builds the view, posts `ready`, then hands it what the host sends
 * (`init`, `lines`, `status`, `config`, `reveal`, `filterError`). Holds no state worth persisting:
 * the host replays its lines and the filter when the page is rebuilt.
 */
import type { HostToTailMessage, TailToHostMessage } from '../../shared/tailMessages';
import { webviewHost } from '../shared/vscodeApi';
import { TailView } from './tailView';

const HOST_TYPES = new Set(['init', 'lines', 'status', 'config', 'reveal', 'filterError']);

/** The host is trusted, but a malformed message must not break the page. */
function isHostMessage(data: unknown): data is HostToTailMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as { type?: unknown; lines?: unknown };
  if (!HOST_TYPES.has(String(message.type))) return false;
  return (message.type !== 'lines' && message.type !== 'init') || Array.isArray(message.lines);
}

const host = webviewHost<TailToHostMessage>();
const post = (message: TailToHostMessage): void => host.post(message);
const view = new TailView(post);
(document.getElementById('app') ?? document.body).replaceChildren(view.root);

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isHostMessage(event.data)) return;
  try {
    view.receive(event.data);
  } catch (error) {
    console.error('tail view: a host message failed', error);
  }
});
post({ type: 'ready' });
view.focus();
