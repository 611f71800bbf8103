/**
 * One timeline row: creation of a recyclable element and its update for a span. Updates write
 * only what changed, because rows are rebound on every scroll frame.
 */
import type { Span } from '../../shared/traceModel';
import { el } from './dom';
import { formatDuration, SERVICE_LABEL, STATUS_LABEL } from './format';
import { icon, labelledIcon, serviceIcon } from './icons';

export const ROW_HEIGHT = 24;
/** Deeper levels stop indenting so the name stays readable in very deep traces. */
const MAX_INDENT_LEVELS = 24;
const INDENT_PX = 14;

export interface RowParts {
  root: HTMLElement;
  name: HTMLElement;
  twisty: HTMLElement;
  svc: HTMLElement;
  label: HTMLElement;
  secondary: HTMLElement;
  marks: HTMLElement;
  aria: HTMLElement;
  bar: HTMLElement;
  duration: HTMLElement;
  /** Values last written, to skip identical writes. */
  boundIndex: number;
  boundSvc: string;
}

export interface RowBinding {
  span: Span;
  orderIndex: number;
  depth: number;
  expandable: boolean;
  collapsed: boolean;
  selected: boolean;
  match: boolean;
  traceDurationMs: number;
}

export function createRow(): RowParts {
  const twisty = el('span', { className: 'tl-twisty' }, [icon('chevron')]);
  const svc = el('span', { className: 'tl-svc' });
  const label = el('span', { className: 'tl-label' });
  const secondary = el('span', { className: 'tl-secondary' });
  const marks = el('span', { className: 'tl-marks' });
  const aria = el('span', { className: 'sr-only' });
  const name = el('div', { className: 'tl-cell-name' }, [twisty, svc, label, secondary, marks, aria]);
  const bar = el('div', { className: 'tl-bar' });
  const track = el('div', { className: 'tl-cell-bar' }, [bar]);
  const duration = el('div', { className: 'tl-cell-duration' });
  const root = el('div', { className: 'tl-row', attrs: { role: 'treeitem' } }, [name, track, duration]);
  return { root, name, twisty, svc, label, secondary, marks, aria, bar, duration, boundIndex: -1, boundSvc: '' };
}

/** Short dim text after the name: the AWS operation and resource, or the HTTP method and status. */
export function secondaryText(span: Span): string {
  const aws = span.aws;
  if (aws && (aws.operation || aws.tableName || aws.queueUrl || aws.topicArn)) {
    const resource = aws.tableName ?? lastPart(aws.queueUrl, '/') ?? lastPart(aws.topicArn, ':') ?? aws.resourceNames?.[0];
    return [aws.operation, resource].filter(Boolean).join(' · ');
  }
  const http = span.http;
  if (http && (http.request?.method || http.response?.status !== undefined)) {
    return [http.request?.method, http.response?.status].filter((v) => v !== undefined && v !== '').join(' ');
  }
  if (span.sql) {
    return span.sql.databaseType ?? 'SQL';
  }
  return '';
}

function lastPart(value: string | undefined, separator: string): string | undefined {
  if (!value) {
    return undefined;
  }
  const parts = value.split(separator);
  return parts[parts.length - 1] || value;
}

export function updateRow(row: RowParts, b: RowBinding): void {
  const root = row.root;
  if (row.boundIndex !== b.orderIndex) {
    bindSpan(row, b);
  }
  root.setAttribute('aria-selected', b.selected ? 'true' : 'false');
  root.classList.toggle('selected', b.selected);
  if (b.expandable) {
    root.setAttribute('aria-expanded', b.collapsed ? 'false' : 'true');
  } else {
    root.removeAttribute('aria-expanded');
  }
  root.classList.toggle('collapsed', b.expandable && b.collapsed);
  if (b.match) {
    root.classList.add('match');
    root.dataset.match = 'true';
  } else if (root.dataset.match) {
    root.classList.remove('match');
    delete root.dataset.match;
  }
}

/** Writes everything that depends only on the span, once per (re)binding. */
function bindSpan(row: RowParts, b: RowBinding): void {
  const span = b.span;
  const root = row.root;
  row.boundIndex = b.orderIndex;
  root.id = `tl-row-${b.orderIndex}`;
  root.dataset.index = String(b.orderIndex);
  root.dataset.spanId = span.id;
  root.dataset.status = span.status;
  root.setAttribute('aria-level', String(b.depth + 1));
  row.name.style.paddingLeft = `${Math.min(b.depth, MAX_INDENT_LEVELS) * INDENT_PX + 4}px`;
  row.twisty.classList.toggle('leaf', !b.expandable);
  if (row.boundSvc !== span.serviceType) {
    row.boundSvc = span.serviceType;
    row.svc.replaceChildren(serviceIcon(span.serviceType));
    row.svc.title = SERVICE_LABEL[span.serviceType] ?? span.serviceType;
  }
  row.label.textContent = span.name;
  const secondary = secondaryText(span);
  row.secondary.textContent = secondary;
  root.title = secondary ? `${span.name} — ${secondary}` : span.name;
  bindMarks(row, span);
  bindBar(row, span, b.traceDurationMs);
  row.duration.textContent = span.inProgress ? `${formatDuration(span.durationMs)}+` : formatDuration(span.durationMs);
}

function bindMarks(row: RowParts, span: Span): void {
  const marks: SVGSVGElement[] = [];
  const spoken: string[] = [];
  if (span.status !== 'ok') {
    marks.push(labelledIcon(span.status, STATUS_LABEL[span.status], `status-${span.status}`));
    spoken.push(STATUS_LABEL[span.status]);
  }
  if (span.coldStart) {
    marks.push(labelledIcon('coldStart', 'Cold start', 'mark-cold'));
    spoken.push('cold start');
  }
  if (span.inProgress) {
    marks.push(labelledIcon('inProgress', 'In progress', 'mark-progress'));
    spoken.push('in progress');
  }
  if (span.clockSkew) {
    marks.push(labelledIcon('clockSkew', 'Clock skew: started before its parent, shown clamped', 'mark-skew'));
    spoken.push('clock skew');
  }
  if (span.kind === 'inferred') {
    spoken.push('inferred');
  }
  if (marks.length > 0 || row.marks.firstChild) {
    row.marks.replaceChildren(...marks);
  }
  row.aria.textContent = spoken.length > 0 ? `, ${spoken.join(', ')}` : '';
}

function bindBar(row: RowParts, span: Span, traceDurationMs: number): void {
  const total = traceDurationMs > 0 ? traceDurationMs : 1;
  const left = clampPercent((span.startMs / total) * 100);
  const width = clampPercent((span.durationMs / total) * 100);
  row.bar.style.left = `${left}%`;
  row.bar.style.width = `${Math.min(width, 100 - left)}%`;
  row.bar.className = `tl-bar status-${span.status}`;
  if (span.kind === 'inferred') {
    row.bar.classList.add('inferred');
  }
  if (span.inProgress) {
    row.bar.classList.add('in-progress');
  }
  if (span.clockSkew) {
    row.bar.classList.add('skew');
  }
  if (span.coldStart) {
    row.bar.classList.add('cold');
  }
}

function clampPercent(value: number): number {
  return Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0;
}
