/**
 * Entry of the timeline webview. Posts `ready`, then renders whatever the host sends:
 * `loading`, `error`, `trace`, `revealSpan`. Only UI state is persisted (`TimelineViewState`).
 */
import type { HostToTimelineMessage, TimelineViewState } from '../../shared/timelineMessages';
import { parseTimelineViewState } from '../../shared/timelineMessages';
import { button, el } from './dom';
import { renderHeader, warningsList } from './header';
import { icon } from './icons';
import { TimelineView } from './timelineView';
import { timelineHost } from './vscodeApi';

type TraceMessage = Extract<HostToTimelineMessage, { type: 'trace' }>;

const host = timelineHost();
const app = document.getElementById('app') ?? document.body;
let view: TimelineView | undefined;
/** A reveal that arrived before its trace; applied once the trace renders. */
let pendingReveal: string | undefined;

/** The host is trusted, but a malformed message must not break the page. */
function isHostMessage(data: unknown): data is HostToTimelineMessage {
  if (typeof data !== 'object' || data === null) {
    return false;
  }
  const type = (data as { type?: unknown }).type;
  return type === 'loading' || type === 'error' || type === 'trace' || type === 'revealSpan';
}

function showState(className: string, children: (Node | undefined)[]): void {
  view?.dispose();
  view = undefined;
  app.replaceChildren(el('div', { className: `tl-state ${className}`, attrs: { role: 'status' } }, children));
}

function showLoading(message: string): void {
  showState('tl-state-loading', [el('span', { className: 'tl-spinner', attrs: { 'aria-hidden': 'true' } }), el('span', { text: message })]);
}

function showError(message: Extract<HostToTimelineMessage, { type: 'error' }>): void {
  const retry = message.canRetry ? button('Retry', 'tl-button tl-retry', () => host.post({ type: 'retry' })) : undefined;
  showState('tl-state-error', [icon('fault', 'status-fault'), el('p', { className: 'tl-error-message', text: message.message }), el('p', { className: 'tl-dim', text: `Trace ${message.traceId}` }), retry]);
}

function restoreFor(message: TraceMessage): TimelineViewState | undefined {
  if (message.restore) {
    return message.restore;
  }
  const saved = parseTimelineViewState(host.getState());
  return saved && saved.traceId === message.trace.id ? saved : undefined;
}

function showEmpty(message: TraceMessage): void {
  view?.dispose();
  view = undefined;
  const header = el('header', { className: 'tl-header' });
  renderHeader(header, { trace: message.trace, sourceLabel: message.sourceLabel, canOpenInConsole: message.canOpenInConsole, post: (m) => host.post(m) });
  const warnings = message.trace.warnings;
  const body = el('div', { className: 'tl-empty', attrs: { role: 'status' } }, [
    el('p', { text: 'This trace has no spans.' }),
    warnings.length > 0 ? el('p', { className: 'tl-dim', text: 'The trace builder reported:' }) : undefined,
    warnings.length > 0 ? warningsList(warnings) : undefined,
  ]);
  app.replaceChildren(el('div', { className: 'tl-root' }, [header, body]));
  host.setState({ traceId: message.trace.id, source: message.source });
}

function showTrace(message: TraceMessage): void {
  if (message.trace.spans.length === 0) {
    showEmpty(message);
    return;
  }
  view?.dispose();
  view = new TimelineView(app, {
    trace: message.trace,
    source: message.source,
    sourceLabel: message.sourceLabel,
    canOpenInConsole: message.canOpenInConsole,
    restore: restoreFor(message),
    post: (m) => host.post(m),
    persist: (state) => host.setState(state),
  });
  host.setState(view.viewState());
  if (pendingReveal !== undefined) {
    view.selectSpanId(pendingReveal, false);
    pendingReveal = undefined;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isHostMessage(message)) {
    return;
  }
  switch (message.type) {
    case 'loading':
      showLoading(message.message);
      break;
    case 'error':
      showError(message);
      break;
    case 'trace':
      // Lets profiles and the bench split transport (structured clone) from rendering.
      performance.mark('serverlessLens.timeline.traceReceived');
      showTrace(message);
      break;
    case 'revealSpan':
      if (!view?.selectSpanId(message.spanId, false)) {
        pendingReveal = message.spanId;
      }
      break;
  }
});

window.addEventListener('keydown', (event) => view?.handleGlobalKey(event));

showLoading('Waiting for the trace…');
host.post({ type: 'ready' });
