/**
 * Entry of the timeline webview. Posts `ready`, then renders whatever the host sends:
 * `loading`, `error`, `trace`, `revealSpan`, and `span` (a details reply). Only UI state is
 * persisted (`TimelineViewState`).
 */
import type { HostToTimelineMessage, TimelineToHostMessage, TimelineViewState } from '../../shared/timelineMessages';
import { parseTimelineViewState } from '../../shared/timelineMessages';
import { isTimelineRows } from '../../shared/timelineRows';
import type { Span } from '../../shared/traceModel';
import { webviewHost } from '../shared/vscodeApi';
import { button, el } from './dom';
import { renderHeader, warningsList } from './header';
import { icon } from './icons';
import { TimelineView } from './timelineView';

type TraceMessage = Extract<HostToTimelineMessage, { type: 'trace' }>;

const host = webviewHost<TimelineToHostMessage, TimelineViewState>();
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
  return type === 'loading' || type === 'error' || type === 'trace' || type === 'revealSpan' || type === 'span' || type === 'logs';
}

/** Checked before use: a trace whose columns did not survive the transport must not break the page. */
function isWellFormedTrace(message: TraceMessage): boolean {
  const header: unknown = message.header;
  return typeof header === 'object' && header !== null && typeof message.header.id === 'string' && Array.isArray(message.header.warnings) && isTimelineRows(message.rows);
}

function isSpan(value: unknown): value is Span {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string';
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
  return saved && saved.traceId === message.header.id ? saved : undefined;
}

function showEmpty(message: TraceMessage): void {
  view?.dispose();
  view = undefined;
  const header = el('header', { className: 'tl-header' });
  renderHeader(header, { header: message.header, sourceLabel: message.sourceLabel, canOpenInConsole: message.canOpenInConsole, post: (m) => host.post(m) });
  const warnings = message.header.warnings;
  const body = el('div', { className: 'tl-empty', attrs: { role: 'status' } }, [
    el('p', { text: 'This trace has no spans.' }),
    warnings.length > 0 ? el('p', { className: 'tl-dim', text: 'The trace builder reported:' }) : undefined,
    warnings.length > 0 ? warningsList(warnings) : undefined,
  ]);
  app.replaceChildren(el('div', { className: 'tl-root' }, [header, body]));
  host.setState({ traceId: message.header.id, source: message.source });
}

function showTrace(message: TraceMessage): void {
  if (!isWellFormedTrace(message)) {
    showError({ type: 'error', traceId: typeof message.header?.id === 'string' ? message.header.id : 'unknown', message: 'The trace could not be shown: the message from the extension was malformed.', canRetry: true });
    return;
  }
  if (message.rows.count === 0) {
    showEmpty(message);
    return;
  }
  view?.dispose();
  view = new TimelineView(app, {
    header: message.header,
    rows: message.rows,
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
    case 'span':
      if (isSpan(message.span)) {
        view?.receiveSpan(message.span);
      }
      break;
    case 'logs':
      if (Array.isArray(message.lines) && Array.isArray(message.invocations)) {
        view?.receiveLogs(message);
      }
      break;
  }
});

window.addEventListener('keydown', (event) => view?.handleGlobalKey(event));

showLoading('Waiting for the trace…');
host.post({ type: 'ready' });
