/** The trace header: identity, timing, status, entry point, services, notices and warnings. */
import type { TimelineToHostMessage } from '../../shared/timelineMessages';
import type { TimelineTraceHeader } from '../../shared/timelineRows';
import type { TraceWarning } from '../../shared/traceModel';
import { button, el } from './dom';
import { formatAbsolute, formatDuration, STATUS_LABEL } from './format';
import { icon } from './icons';

export interface HeaderInput {
  header: TimelineTraceHeader;
  sourceLabel: string;
  canOpenInConsole: boolean;
  post: (message: TimelineToHostMessage) => void;
}

function fact(label: string, value: Node | string, className = ''): HTMLElement {
  const valueNode = typeof value === 'string' ? el('span', { className: 'tl-fact-value', text: value }) : value;
  return el('div', { className: `tl-fact ${className}`.trim() }, [el('span', { className: 'tl-fact-label', text: label }), valueNode]);
}

function statusValue(trace: TimelineTraceHeader): HTMLElement {
  return el('span', { className: `tl-fact-value tl-status status-${trace.status}`, attrs: { 'data-status': trace.status } }, [
    icon(trace.status),
    el('span', { text: STATUS_LABEL[trace.status] }),
  ]);
}

function titleLine(input: HeaderInput): HTMLElement {
  const { header: trace, post } = input;
  const copy = button('', 'tl-icon-button tl-copy-trace-id', () => post({ type: 'copy', text: trace.id, what: 'traceId' }), 'Copy trace ID');
  copy.appendChild(icon('copy'));
  const children: HTMLElement[] = [
    el('h1', { className: 'tl-title' }, [el('span', { className: 'tl-title-kicker', text: 'Trace' }), el('span', { className: 'tl-trace-id', text: trace.id })]),
    copy,
  ];
  if (trace.coldStart) {
    children.push(el('span', { className: 'tl-badge tl-badge-cold', title: 'A Lambda function in this trace had a cold start' }, [icon('coldStart'), el('span', { text: 'Cold start' })]));
  }
  children.push(el('span', { className: 'tl-spacer-flex' }));
  if (input.canOpenInConsole) {
    const open = button('', 'tl-button tl-open-console', () => post({ type: 'openInConsole' }));
    open.append(icon('external'), el('span', { text: 'Open in AWS Console' }));
    children.push(open);
  }
  return el('div', { className: 'tl-title-line' }, children);
}

function notices(trace: TimelineTraceHeader): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (trace.inProgress) {
    out.push(el('div', { className: 'tl-notice tl-notice-progress', attrs: { role: 'note' } }, [icon('inProgress'), el('span', { text: 'In progress: some segments were not closed yet; their bars run to the end of the trace.' })]));
  }
  if (trace.limitExceeded) {
    out.push(el('div', { className: 'tl-notice tl-notice-limit', attrs: { role: 'note' } }, [icon('warning'), el('span', { text: 'Trace size limit exceeded: X-Ray dropped some segments, so this trace is incomplete.' })]));
  }
  return out;
}

export function warningsList(warnings: readonly TraceWarning[]): HTMLElement {
  return el(
    'ul',
    { className: 'tl-warning-list' },
    warnings.map((w) => el('li', {}, [el('code', { className: 'tl-warning-code', text: w.code }), el('span', { text: ` ${w.message}` }), w.spanId ? el('span', { className: 'tl-dim', text: ` (span ${w.spanId})` }) : undefined])),
  );
}

function warningsBlock(trace: TimelineTraceHeader): HTMLElement | undefined {
  if (trace.warnings.length === 0) {
    return undefined;
  }
  const count = trace.warnings.length;
  const summary = el('summary', {}, [icon('warning'), el('span', { text: `${count} warning${count === 1 ? '' : 's'}` })]);
  return el('details', { className: 'tl-warnings' }, [summary, warningsList(trace.warnings)]);
}

export function renderHeader(container: HTMLElement, input: HeaderInput): void {
  const { header: trace } = input;
  const services = trace.services.length > 0 ? trace.services.join(', ') : '—';
  const facts = el('div', { className: 'tl-facts' }, [
    fact('Started', formatAbsolute(trace.startEpochMs)),
    fact('Duration', formatDuration(trace.durationMs)),
    fact('Status', statusValue(trace)),
    fact('Entry point', trace.entryPoint ?? '—', 'tl-fact-wide'),
    fact('Services', services, 'tl-fact-wide'),
    fact('Source', input.sourceLabel),
  ]);
  const warnings = warningsBlock(trace);
  container.replaceChildren(titleLine(input), facts, ...notices(trace), ...(warnings ? [warnings] : []));
}
