/**
 * DOM for the Logs tab: one log line, one invocation summary row. Every string from the logs is
 * set with `textContent` (through `el`), never parsed as HTML: log text is hostile.
 */
import type { TimelineInvocation, TimelineLogLine, TimelineVerdict } from '../../shared/timelineLogs';
import type { ParsedFrame } from '../../core/stackFrames';
import { framesOfLogStack } from '../../core/stackFrames';
import { el } from './dom';
import { formatDuration } from './format';
import { RUNTIME_FRAME_TITLE } from './sourceLinks';

const PLATFORM = new Set(['start', 'end', 'report', 'initStart', 'initReport', 'platformJson']);

export const VERDICT_LABEL: Record<TimelineVerdict, string> = {
  ok: 'ok',
  error: 'error',
  timeout: 'timeout',
  outOfMemory: 'out of memory',
  nearTimeout: 'near timeout',
  nearMemoryLimit: 'near memory limit',
};

/** Colour slots for function labels; a trace rarely has more functions than these. */
const FUNCTION_COLOURS = 6;

export class FunctionColours {
  private readonly slots = new Map<string, number>();

  slot(functionName: string): number {
    let slot = this.slots.get(functionName);
    if (slot === undefined) {
      slot = this.slots.size % FUNCTION_COLOURS;
      this.slots.set(functionName, slot);
    }
    return slot;
  }
}

/** `12:04:31.250` in UTC (the full ISO time is in the tooltip). */
function clockTime(epochMs: number): string {
  const date = new Date(epochMs);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(11, 23);
}

function fullTime(epochMs: number): string {
  const date = new Date(epochMs);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

export function functionLabel(functionName: string, colours: FunctionColours): HTMLElement {
  return el('span', { className: `tl-log-fn tl-fn-${colours.slot(functionName)}`, text: functionName, title: functionName });
}

function levelText(line: TimelineLogLine): string {
  if (PLATFORM.has(line.kind)) return line.kind === 'report' ? 'REPORT' : 'platform';
  if (line.level === undefined || line.level === 'unknown') return '';
  return line.level.toUpperCase();
}

/** One line: time, function label, level (text and colour), message; JSON toggle and stack. */
export function renderLogLine(line: TimelineLogLine, index: number, colours: FunctionColours): HTMLElement {
  const platform = PLATFORM.has(line.kind);
  const level = levelText(line);
  const classes = ['tl-log-line', `tl-log-kind-${line.kind}`];
  if (platform) classes.push('tl-log-platform');
  if (line.level !== undefined) classes.push(`tl-log-level-${line.level}`);
  const attrs: Record<string, string> = { role: 'option', 'aria-selected': 'false', tabindex: '-1', 'data-line-index': String(index) };
  if (line.spanId !== undefined) attrs['data-span-id'] = line.spanId;
  const row = el('div', { className: classes.join(' '), attrs }, [
    el('span', { className: 'tl-log-time', text: clockTime(line.timestamp), title: fullTime(line.timestamp) }),
    functionLabel(line.functionName, colours),
    el('span', { className: 'tl-log-level', text: level }),
    el('span', { className: 'tl-log-message', text: line.message }),
    line.json === true ? el('button', { className: 'tl-icon-button tl-log-json-toggle', text: '{ }', attrs: { type: 'button', 'aria-pressed': 'false', 'aria-label': 'Show as formatted JSON' }, title: 'Show as formatted JSON' }) : undefined,
  ]);
  if (line.stack !== undefined && line.stack.length > 0) row.appendChild(renderLogStack(line.stack));
  return row;
}

function logFrameText(frame: ParsedFrame): string {
  const position = `${frame.line !== undefined ? `:${frame.line}` : ''}${frame.line !== undefined && frame.column !== undefined ? `:${frame.column}` : ''}`;
  return `${frame.label !== undefined && frame.label !== '' ? frame.label : '<anonymous>'} (${frame.path}${position})`;
}

/**
 * A line's stack: its frames (parsed as the host parses them, so `data-frame-index` names the same
 * frame there), links for the user's own code, dimmed text for runtime or library code. The
 * clicks are handled by the Logs view; a stack with no frame it understands stays plain text.
 */
export function renderLogStack(stack: readonly string[]): HTMLElement {
  const frames = framesOfLogStack(stack);
  if (frames.length === 0) return el('div', { className: 'tl-log-stack' }, stack.map((text) => el('div', { text })));
  return el(
    'div',
    { className: 'tl-log-stack', attrs: { role: 'list', 'aria-label': 'Stack frames' } },
    frames.map((frame, index) => {
      const text = logFrameText(frame);
      if (frame.isRuntime) return el('div', { className: 'tl-frame tl-frame-runtime', text, title: RUNTIME_FRAME_TITLE, attrs: { role: 'listitem' } });
      const link = el('button', { className: 'tl-link-button tl-frame-link tl-log-frame-link', text, title: `Open ${frame.path}${frame.line !== undefined ? `:${frame.line}` : ''}`, attrs: { type: 'button', 'data-frame-index': String(index) } });
      return el('div', { className: 'tl-frame', attrs: { role: 'listitem' } }, [link]);
    }),
  );
}

/** The JSON a line carries, formatted; undefined when neither its text nor its raw form parses. */
export function prettyJson(line: Pick<TimelineLogLine, 'raw' | 'message'>): string | undefined {
  const candidates = [line.raw, line.message];
  for (const text of candidates) {
    if (text === undefined) continue;
    const start = text.indexOf('{');
    for (const attempt of [text.trim(), start >= 0 ? text.slice(start).trim() : undefined]) {
      if (attempt === undefined || attempt === '') continue;
      try {
        return JSON.stringify(JSON.parse(attempt) as unknown, null, 2);
      } catch {
        // Not JSON in this form; try the next.
      }
    }
  }
  return undefined;
}

function ofLimit(value: number | undefined, limit: number | undefined, format: (n: number) => string): string {
  if (value === undefined) return '—';
  return limit !== undefined ? `${format(value)} / ${format(limit)}` : format(value);
}

const mb = (n: number): string => `${n} MB`;

/** One invocation: function, verdict badge, duration vs timeout, memory vs size, cold start. */
export function renderInvocation(invocation: TimelineInvocation, colours: FunctionColours): HTMLElement {
  const attrs: Record<string, string> = { role: 'listitem', 'data-request-id': invocation.requestId, 'data-verdict': invocation.verdict };
  if (invocation.spanId !== undefined) attrs['data-span-id'] = invocation.spanId;
  return el('div', { className: 'tl-invocation', attrs, title: invocation.summary }, [
    functionLabel(invocation.functionName, colours),
    el('span', { className: `tl-verdict tl-verdict-${invocation.verdict}`, text: VERDICT_LABEL[invocation.verdict] }),
    el('span', { className: 'tl-invocation-duration', text: ofLimit(invocation.durationMs, invocation.timeoutMs, formatDuration), title: 'Duration / timeout' }),
    el('span', { className: 'tl-invocation-memory', text: ofLimit(invocation.memoryUsedMb, invocation.memorySizeMb, mb), title: 'Max memory used / memory size' }),
    invocation.coldStart ? el('span', { className: 'tl-cold-badge', text: invocation.initDurationMs !== undefined ? `cold start · init ${formatDuration(invocation.initDurationMs)}` : 'cold start' }) : undefined,
    el('span', { className: 'tl-invocation-summary tl-dim', text: invocation.summary }),
    el('span', { className: 'tl-invocation-request tl-dim', text: invocation.requestId }),
  ]);
}
