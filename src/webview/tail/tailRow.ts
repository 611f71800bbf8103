/**
 * One row of the tail list, recycled by the virtual list: time, function tag (its colour slot as
 * in the timeline's Logs tab), level, the message on one line, a cold-start badge, the request id
 * (a link: opens the request's trace) and the first frame of the user's own code (a link: opens
 * the source). Log text is hostile: everything is set with `textContent`.
 */
import { framesOfLogStack } from '../../core/stackFrames';
import type { ParsedFrame } from '../../core/stackFrames';
import type { TailViewLine } from '../../shared/tailMessages';
import { el } from '../timeline/dom';
import type { FunctionColours } from '../timeline/logsRender';

export const ROW_HEIGHT = 22;

const PLATFORM = new Set(['start', 'end', 'report', 'initStart', 'initReport', 'platformJson']);

export interface TailRowItem {
  root: HTMLElement;
  time: HTMLElement;
  fn: HTMLElement;
  level: HTMLElement;
  message: HTMLElement;
  cold: HTMLElement;
  request: HTMLButtonElement;
  frame: HTMLButtonElement;
}

export function createRow(): TailRowItem {
  const time = el('span', { className: 'tail-time' });
  const fn = el('span', { className: 'tl-log-fn tail-fn' });
  const level = el('span', { className: 'tl-log-level tail-level' });
  const message = el('span', { className: 'tl-log-message tail-message' });
  const cold = el('span', { className: 'tl-cold-badge tail-cold', text: 'cold start' });
  const request = el('button', { className: 'tl-link-button tail-request', attrs: { type: 'button', tabindex: '-1' } });
  const frame = el('button', { className: 'tl-link-button tail-frame-link', attrs: { type: 'button', tabindex: '-1' } });
  const root = el('div', { className: 'tail-row', attrs: { role: 'option', 'aria-selected': 'false' } }, [time, fn, level, message, cold, request, frame]);
  return { root, time, fn, level, message, cold, request, frame };
}

/** `10:04:31.250` in local time (the ISO time is the tooltip). */
export function clockTime(epochMs: number): string {
  const date = new Date(epochMs);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export function levelText(line: TailViewLine): string {
  if (line.kind === 'report' || (line.kind === 'platformJson' && line.message.startsWith('REPORT'))) return 'REPORT';
  if (line.kind === 'start') return 'START';
  if (line.kind === 'end') return 'END';
  if (PLATFORM.has(line.kind)) return 'platform';
  if (line.level === undefined || line.level === 'unknown') return '';
  return line.level.toUpperCase();
}

/** Parsed once per line: rows are rebound on every scroll. */
const ownFrames = new WeakMap<TailViewLine, { frame: ParsedFrame; index: number } | null>();

/** The frame a row links to: the innermost frame of the user's own code, with its index. */
export function firstOwnFrame(line: TailViewLine): { frame: ParsedFrame; index: number } | undefined {
  if (line.stack === undefined) return undefined;
  const cached = ownFrames.get(line);
  if (cached !== undefined) return cached ?? undefined;
  const frames = framesOfLogStack(line.stack);
  const index = frames.findIndex((frame) => !frame.isRuntime && frame.path !== '');
  const frame = frames[index];
  const found = frame !== undefined ? { frame, index } : undefined;
  ownFrames.set(line, found ?? null);
  return found;
}

function frameLabel(frame: ParsedFrame): string {
  const file = frame.path.split(/[\\/]/).pop() ?? frame.path;
  return `${file}${frame.line !== undefined ? `:${frame.line}` : ''}`;
}

export function bindRow(item: TailRowItem, line: TailViewLine, colours: FunctionColours, selected: boolean): void {
  const classes = ['tail-row', `tl-log-kind-${line.kind}`];
  if (PLATFORM.has(line.kind)) classes.push('tl-log-platform');
  if (line.level !== undefined) classes.push(`tl-log-level-${line.level}`);
  item.root.className = classes.join(' ');
  item.root.id = `tail-line-${line.seq}`;
  item.root.dataset.seq = String(line.seq);
  item.root.setAttribute('aria-selected', String(selected));
  item.time.textContent = clockTime(line.timestamp);
  item.time.title = Number.isFinite(line.timestamp) ? new Date(line.timestamp).toISOString() : '';
  item.fn.textContent = line.fn;
  item.fn.title = line.fn;
  item.fn.className = `tl-log-fn tail-fn tl-fn-${colours.slot(line.fn)}`;
  item.level.textContent = levelText(line);
  // One line per row: a multi-line message shows its first line; the details pane shows all.
  const newline = line.message.search(/[\r\n]/);
  item.message.textContent = newline >= 0 ? `${line.message.slice(0, newline)} …` : line.message;
  item.message.title = line.message.length > 2_000 ? `${line.message.slice(0, 2_000)}…` : line.message;
  item.cold.hidden = line.coldStart !== true;
  if (line.requestId !== undefined) {
    item.request.hidden = false;
    item.request.textContent = line.requestId.slice(0, 8);
    item.request.title = `Open the trace of request ${line.requestId}`;
    item.request.setAttribute('aria-label', `Open the trace of request ${line.requestId}`);
  } else {
    item.request.hidden = true;
  }
  const own = firstOwnFrame(line);
  if (own !== undefined) {
    item.frame.hidden = false;
    item.frame.textContent = frameLabel(own.frame);
    item.frame.dataset.frameIndex = String(own.index);
    item.frame.title = `Open ${own.frame.path}${own.frame.line !== undefined ? `:${own.frame.line}` : ''}`;
  } else {
    item.frame.hidden = true;
    delete item.frame.dataset.frameIndex;
  }
}
