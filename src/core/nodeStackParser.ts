/**
 * Node.js (V8) stack text: `Error: msg` then `at …` frames. Lambda joins lines with `\n`, writes
 * `\r` when logging to stdout, and Powertools' `error.stack` can arrive with the newlines
 * collapsed to spaces, so frames are found by their `at ` prefix rather than by line.
 */
import type { FrameOrigin, ParsedFrame, ParsedStack } from './stackFrames';
import { makeFrame, stripAsync } from './framePaths';

/** `2024-01-01T00:00:00.000Z\t<request id>\tERROR\t` in front of Lambda's text log lines. */
const LOG_PREFIX = /^\d{4}-\d\d-\d\dT[\d:.]+Z\t[^\t]*\t[A-Z]+\t/;
const ERROR_HEADER = /^(?:Uncaught\s+)?([A-Za-z_$][\w$.]*)(?:\s*\[[^\]]*\])?:\s?(.*)$/;
const BARE_ERROR_TYPE = /^[A-Za-z_$][\w$.]*(?:Error|Exception)$/;
const LOCATION = /^(.*?):(\d+)(?::(\d+))?$/;

export function parseNodeStack(text: string, origin: FrameOrigin): ParsedStack {
  const physicalLines = text.replace(/\u00a0/g, ' ').split(/\r\n|\r|\n/);
  const frames: ParsedFrame[] = [];
  const header: string[] = [];
  let sawText = false;
  for (const physical of physicalLines) {
    if (physical.trim() === '') continue;
    // Only the first line before any frame carries `Type: message`; later text is noise.
    const isHeaderLine = !sawText;
    sawText = true;
    for (const piece of framePieces(physical)) {
      const frame = piece.startsWith('at ') ? parseNodeFrame(piece, origin) : undefined;
      if (frame) frames.push(frame);
      else if (isHeaderLine && frames.length === 0) header.push(piece);
    }
  }
  const stack: ParsedStack = { language: frames.length > 0 ? 'node' : 'unknown', frames };
  Object.assign(stack, parseErrorHeader(header.join(' ')));
  return stack;
}

/**
 * Splits one physical line at every `at ` that starts a frame. A split inside parentheses
 * (`at eval (eval at fn (x.js:1:1), <anonymous>:1:1)`) is undone by re-joining until balanced.
 */
function framePieces(line: string): string[] {
  const raw = line.trim().split(/\s+(?=at\s)/);
  const pieces: string[] = [];
  for (const part of raw) {
    const last = pieces[pieces.length - 1];
    if (last !== undefined && last.startsWith('at ') && depth(last) > 0) pieces[pieces.length - 1] = `${last} ${part}`;
    else pieces.push(part);
  }
  return pieces;
}

function depth(text: string): number {
  let open = 0;
  for (const ch of text) {
    if (ch === '(') open++;
    else if (ch === ')') open--;
  }
  return open;
}

/** Parses `at label (location)` or `at location`; undefined when it is not a frame after all. */
export function parseNodeFrame(piece: string, origin: FrameOrigin): ParsedFrame | undefined {
  const rest = piece.replace(/^at\s+/, '').replace(/^async\s+/, '').trim();
  let label: string | undefined;
  let location = rest;
  if (rest.endsWith(')')) {
    const open = matchingOpen(rest);
    if (open >= 0) {
      label = rest.slice(0, open).trim() || undefined;
      location = rest.slice(open + 1, -1).trim();
    }
  }
  // Eval frames name the eval site first; the last part is the evaluated code's position.
  if (location.includes(', ')) location = location.slice(location.lastIndexOf(', ') + 2);
  const cleanLabel = label !== undefined ? stripAsync(label) : '';
  const labelPart = cleanLabel ? { label: cleanLabel } : {};
  const match = LOCATION.exec(location);
  if (!match) {
    return location === '<anonymous>' || location === 'native' ? makeFrame(location, origin, labelPart) : undefined;
  }
  const path = match[1] ?? '';
  if (path === '' || !/[\\/.<:]/.test(path)) return undefined;
  const column = match[3] !== undefined ? { column: Number(match[3]) } : {};
  return makeFrame(path, origin, { line: Number(match[2]), ...column, ...labelPart });
}

/** Index of the `(` that matches the final `)`, or -1. */
function matchingOpen(text: string): number {
  let level = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const ch = text[i];
    if (ch === ')') level++;
    else if (ch === '(') {
      level--;
      if (level === 0) return i;
    }
  }
  return -1;
}

/** `TypeError: Cannot read …` → type and message; `Error [ERR_X]: …` and bare `RangeError` too. */
export function parseErrorHeader(line: string): { errorType?: string; message?: string } {
  const text = line.replace(LOG_PREFIX, '').trim();
  if (text === '') return {};
  const match = ERROR_HEADER.exec(text);
  if (match?.[1]) return { errorType: match[1], message: match[2] ?? '' };
  if (BARE_ERROR_TYPE.test(text)) return { errorType: text };
  return { message: text };
}
