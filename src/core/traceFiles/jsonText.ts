/**
 * Reads the JSON values of a trace file: one document, several concatenated (CLI pages, NDJSON,
 * daemon datagrams one after another), or a broken one. Valid text goes through `JSON.parse`
 * value by value; only a value that fails it is read again by a tolerant reader that keeps what
 * can be read (a missing or trailing comma, an unclosed value, a member without a value) and
 * reports each problem with its line and column. Never throws.
 * The tolerant reader is in `tolerantJsonReader.ts`, the low-level scanning in `jsonScan.ts`.
 */
import { balancedEnd, describeChar, isSpace } from './jsonScan';
import { ParseAbort, TolerantReader } from './tolerantJsonReader';

export { balancedEnd } from './jsonScan';

/** Where a problem is, 1-based line and column and the 0-based character offset. */
export interface TextPosition {
  offset: number;
  line: number;
  column: number;
}

export interface JsonTextProblem extends TextPosition {
  message: string;
}

export interface JsonTextValue {
  value: unknown;
  /** Offset of the value's first character. */
  start: number;
  /** True when the value was repaired (some of it may be missing). */
  repaired: boolean;
}

export interface JsonTextResult {
  values: JsonTextValue[];
  problems: JsonTextProblem[];
}

/** Maps offsets to lines and columns; built only when a problem must be located. */
export class LineIndex {
  private starts: number[] | undefined;

  constructor(private readonly text: string) {}

  position(offset: number): TextPosition {
    this.starts ??= lineStarts(this.text);
    const starts = this.starts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { offset, line: low + 1, column: offset - (starts[low] ?? 0) + 1 };
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

const MAX_PROBLEMS = 200;

/** The daemon's header and body are separated by a newline; the AWS docs print it as `\n`. */
function skipSeparators(text: string, pos: number): number {
  let i = pos;
  for (;;) {
    while (i < text.length && (isSpace(text.charCodeAt(i)) || text.charCodeAt(i) === 0x2c)) i += 1;
    if (text.charCodeAt(i) === 0x5c && text.charCodeAt(i + 1) === 0x6e) {
      i += 2;
      continue;
    }
    return i;
  }
}

/** Start of the next line that begins with `{`, `[` or `"`, after `from`; the text length if none. */
function nextValueLine(text: string, from: number): number {
  for (let i = text.indexOf('\n', from); i !== -1; i = text.indexOf('\n', i + 1)) {
    const code = text.charCodeAt(i + 1);
    if (code === 0x7b || code === 0x5b || code === 0x22) return i + 1;
  }
  return text.length;
}

/** Every JSON value in `text`, in order, with the problems met on the way. Never throws. */
export function readJsonValues(text: string): JsonTextResult {
  const lines = new LineIndex(text);
  const problems: JsonTextProblem[] = [];
  let dropped = 0;
  const report = (offset: number, message: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push({ ...lines.position(offset), message });
    else dropped += 1;
  };
  const values: JsonTextValue[] = [];
  let pos = skipSeparators(text, 0);
  // The common case, one valid document, costs one JSON.parse.
  const whole = tryParse(text, pos, text.length);
  if (whole.ok) {
    return { values: [{ value: whole.value, start: pos, repaired: false }], problems };
  }
  while (pos < text.length) {
    pos = readOne(text, pos, values, report);
    pos = skipSeparators(text, pos);
  }
  if (dropped > 0) problems.push({ ...lines.position(text.length), message: `${dropped} more problems not listed` });
  return { values, problems };
}

function readOne(text: string, pos: number, values: JsonTextValue[], report: (offset: number, message: string) => void): number {
  const code = text.charCodeAt(pos);
  if (code === 0x7b || code === 0x5b) {
    const end = balancedEnd(text, pos);
    if (end > 0) {
      const parsed = tryParse(text, pos, end);
      if (parsed.ok) {
        values.push({ value: parsed.value, start: pos, repaired: false });
        return end;
      }
    }
  }
  if (code === 0x7b || code === 0x5b || code === 0x22) {
    const reader = new TolerantReader(text, pos, report);
    try {
      const value = reader.readTop();
      values.push({ value, start: pos, repaired: reader.repaired });
      return Math.max(reader.pos, pos + 1);
    } catch (error) {
      if (error instanceof ParseAbort) return nextValueLine(text, reader.pos);
      throw error;
    }
  }
  report(pos, `expected a JSON object or array but found ${describeChar(text, pos)}`);
  return nextValueLine(text, pos);
}

function tryParse(text: string, start: number, end: number): { ok: true; value: unknown } | { ok: false } {
  if (start >= end) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(start === 0 && end === text.length ? text : text.slice(start, end)) as unknown };
  } catch {
    return { ok: false };
  }
}
