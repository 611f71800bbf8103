/**
 * One timeline row: creation of a recyclable element and its update for a row of the columnar
 * `TimelineRows`. Updates write only what changed, because rows are rebound on every scroll frame.
 */
import type { ServiceType, SpanStatus } from '../../shared/traceModel';
import type { TimelineRows } from '../../shared/timelineRows';
import { ROW_FLAG, SERVICE_TYPES, SPAN_KINDS, SPAN_STATUSES } from '../../shared/timelineRows';
import { el } from './dom';
import { formatDuration, SERVICE_LABEL, STATUS_LABEL } from './format';
import { icon, labelledIcon, serviceIcon } from './icons';
import { GO_TO_SOURCE_KEY, rowHasException, rowIsFailing, rowSourceButton } from './sourceLinks';

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
  rows: TimelineRows;
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
  const name = el('div', { className: 'tl-cell-name' }, [twisty, svc, label, secondary, marks, rowSourceButton(), aria]);
  const bar = el('div', { className: 'tl-bar' });
  const track = el('div', { className: 'tl-cell-bar' }, [bar]);
  const duration = el('div', { className: 'tl-cell-duration' });
  const root = el('div', { className: 'tl-row', attrs: { role: 'treeitem' } }, [name, track, duration]);
  return { root, name, twisty, svc, label, secondary, marks, aria, bar, duration, boundIndex: -1, boundSvc: '' };
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

/** The decoded fields of one row that its element shows. */
interface RowFields {
  status: SpanStatus;
  inferred: boolean;
  flags: number;
  startMs: number;
  durationMs: number;
}

function rowFields(rows: TimelineRows, i: number): RowFields {
  return {
    status: SPAN_STATUSES[rows.status[i] as number] ?? 'ok',
    inferred: SPAN_KINDS[rows.kind[i] as number] === 'inferred',
    flags: rows.flags[i] as number,
    startMs: rows.startMs[i] as number,
    durationMs: rows.durationMs[i] as number,
  };
}

/** Writes everything that depends only on the span, once per (re)binding. */
function bindSpan(row: RowParts, b: RowBinding): void {
  const { rows, orderIndex: i } = b;
  const root = row.root;
  const fields = rowFields(rows, i);
  const name = rows.names[i] ?? '';
  row.boundIndex = i;
  root.id = `tl-row-${i}`;
  root.dataset.index = String(i);
  root.dataset.spanId = rows.ids[i] ?? '';
  root.dataset.status = fields.status;
  root.setAttribute('aria-level', String(b.depth + 1));
  row.name.style.paddingLeft = `${Math.min(b.depth, MAX_INDENT_LEVELS) * INDENT_PX + 4}px`;
  row.twisty.classList.toggle('leaf', !b.expandable);
  const serviceType: ServiceType = SERVICE_TYPES[rows.serviceType[i] as number] ?? 'internal';
  if (row.boundSvc !== serviceType) {
    row.boundSvc = serviceType;
    row.svc.replaceChildren(serviceIcon(serviceType));
    row.svc.title = SERVICE_LABEL[serviceType] ?? serviceType;
  }
  row.label.textContent = name;
  const secondary = rows.secondary[i] ?? '';
  row.secondary.textContent = secondary;
  root.title = secondary ? `${name} — ${secondary}` : name;
  bindMarks(row, fields);
  bindSource(root, rows, i);
  bindBar(row, fields, b.traceDurationMs);
  const inProgress = (fields.flags & ROW_FLAG.inProgress) !== 0;
  row.duration.textContent = inProgress ? `${formatDuration(fields.durationMs)}+` : formatDuration(fields.durationMs);
}

function bindMarks(row: RowParts, f: RowFields): void {
  const marks: SVGSVGElement[] = [];
  const spoken: string[] = [];
  if (f.status !== 'ok') {
    marks.push(labelledIcon(f.status, STATUS_LABEL[f.status], `status-${f.status}`));
    spoken.push(STATUS_LABEL[f.status]);
  }
  if (f.flags & ROW_FLAG.coldStart) {
    marks.push(labelledIcon('coldStart', 'Cold start', 'mark-cold'));
    spoken.push('cold start');
  }
  if (f.flags & ROW_FLAG.inProgress) {
    marks.push(labelledIcon('inProgress', 'In progress', 'mark-progress'));
    spoken.push('in progress');
  }
  if (f.flags & ROW_FLAG.clockSkew) {
    marks.push(labelledIcon('clockSkew', 'Clock skew: started before its parent, shown clamped', 'mark-skew'));
    spoken.push('clock skew');
  }
  if (f.inferred) {
    spoken.push('inferred');
  }
  if (marks.length > 0 || row.marks.firstChild) {
    row.marks.replaceChildren(...marks);
  }
  row.aria.textContent = spoken.length > 0 ? `, ${spoken.join(', ')}` : '';
}

/** The row's "go to source" icon (CSS shows it on hover and selection) and its shortcut. */
function bindSource(root: HTMLElement, rows: TimelineRows, i: number): void {
  root.classList.toggle('has-source', rowHasException(rows, i));
  if (rowIsFailing(rows, i)) {
    root.setAttribute('aria-keyshortcuts', GO_TO_SOURCE_KEY);
  } else {
    root.removeAttribute('aria-keyshortcuts');
  }
}

function bindBar(row: RowParts, f: RowFields, traceDurationMs: number): void {
  const total = traceDurationMs > 0 ? traceDurationMs : 1;
  const left = clampPercent((f.startMs / total) * 100);
  const width = clampPercent((f.durationMs / total) * 100);
  row.bar.style.left = `${left}%`;
  row.bar.style.width = `${Math.min(width, 100 - left)}%`;
  row.bar.className = `tl-bar status-${f.status}`;
  if (f.inferred) {
    row.bar.classList.add('inferred');
  }
  if (f.flags & ROW_FLAG.inProgress) {
    row.bar.classList.add('in-progress');
  }
  if (f.flags & ROW_FLAG.clockSkew) {
    row.bar.classList.add('skew');
  }
  if (f.flags & ROW_FLAG.coldStart) {
    row.bar.classList.add('cold');
  }
}

function clampPercent(value: number): number {
  return Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0;
}
