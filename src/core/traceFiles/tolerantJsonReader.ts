/**
 * The tolerant reader of one top-level JSON value (`jsonText.ts` uses it only for a value that
 * `JSON.parse` refuses): it keeps what can be read (a missing or trailing comma, an unclosed
 * value, a member without a value, typographic quotes) and reports each problem at its offset.
 * A new top-level value starting on a line of its own inside the broken one (a truncated line of
 * NDJSON) ends it. Throws only `ParseAbort`, when nothing more of the value can be read. Pure.
 */
import { describeChar, isSpace, stringEnd } from './jsonScan';

const MAX_DEPTH = 512;

/** Thrown when a value cannot be read at all; the caller resumes at the next line with a value. */
export class ParseAbort extends Error {}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WORD = /true|false|null/y;

/** The tolerant reader of one top-level value; problems go to the shared list. */
export class TolerantReader {
  pos: number;
  repaired = false;
  /**
   * Set when a new top-level value starts on a line of its own inside this one (a truncated line
   * of NDJSON): every level returns what it has read so far, and reading resumes there.
   */
  unwinding = false;

  constructor(
    private readonly text: string,
    start: number,
    private readonly report: (offset: number, message: string) => void,
  ) {
    this.pos = start;
  }

  readTop(): unknown {
    return this.value(0);
  }

  private problem(offset: number, message: string): void {
    this.repaired = true;
    this.report(offset, message);
  }

  private skipSpace(): void {
    const { text } = this;
    while (this.pos < text.length && isSpace(text.charCodeAt(this.pos))) this.pos += 1;
  }

  /** True when `offset` starts a line with `{` or `[`: a new top-level value, not part of this one. */
  private startsTopLevelLine(offset: number): boolean {
    const code = this.text.charCodeAt(offset);
    return offset > 0 && (code === 0x7b || code === 0x5b) && this.text.charCodeAt(offset - 1) === 0x0a;
  }

  private value(depth: number): unknown {
    this.skipSpace();
    const { text } = this;
    if (this.pos >= text.length) {
      this.problem(this.pos, 'the file ends where a value was expected');
      throw new ParseAbort();
    }
    if (depth > MAX_DEPTH) {
      this.problem(this.pos, `values are nested more than ${MAX_DEPTH} deep`);
      throw new ParseAbort();
    }
    const code = text.charCodeAt(this.pos);
    if (code === 0x7b) return this.object(depth + 1);
    if (code === 0x5b) return this.array(depth + 1);
    if (code === 0x22) return this.string();
    if (code === LEFT_QUOTE) return this.typographicString();
    NUMBER.lastIndex = this.pos;
    const number = NUMBER.exec(text);
    if (number !== null) {
      this.pos += number[0].length;
      return Number(number[0]);
    }
    WORD.lastIndex = this.pos;
    const word = WORD.exec(text);
    if (word !== null) {
      this.pos += word[0].length;
      return word[0] === 'null' ? null : word[0] === 'true';
    }
    this.problem(this.pos, `expected a value but found ${describeChar(text, this.pos)}`);
    throw new ParseAbort();
  }

  private string(): string {
    const start = this.pos;
    const end = stringEnd(this.text, start);
    if (end < 0) {
      // Keep the text up to the line break: a truncated line still names its fields.
      const lineEnd = this.text.slice(start).search(/[\r\n]|$/) + start;
      this.problem(start, 'a string is not closed before the end of its line');
      this.pos = lineEnd;
      return safeString(this.text.slice(start + 1, lineEnd));
    }
    this.pos = end;
    return safeString(this.text.slice(start + 1, end - 1));
  }

  /** Text pasted through a word processor: “value”. Read as a string, and reported. */
  private typographicString(): string {
    const start = this.pos;
    const end = this.text.indexOf(String.fromCharCode(RIGHT_QUOTE), start + 1);
    const lineEnd = this.text.slice(start).search(/[\r\n]|$/) + start;
    this.problem(start, 'typographic quotes “ ” instead of "');
    const close = end < 0 || end > lineEnd ? lineEnd : end;
    this.pos = close === end ? end + 1 : lineEnd;
    return this.text.slice(start + 1, close);
  }

  private object(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.container(OBJECT, depth, () => {
      this.member(out, depth);
      return true;
    });
    return out;
  }

  private member(out: Record<string, unknown>, depth: number): void {
    this.skipSpace();
    const { text } = this;
    const quote = text.charCodeAt(this.pos);
    if (quote !== 0x22 && quote !== LEFT_QUOTE) {
      this.problem(this.pos, `expected a member name in double quotes but found ${describeChar(text, this.pos)}`);
      this.skipTo();
      return;
    }
    const key = quote === 0x22 ? this.string() : this.typographicString();
    this.skipSpace();
    if (text.charCodeAt(this.pos) !== 0x3a) {
      this.problem(this.pos, `expected : after "${key.slice(0, 40)}" but found ${describeChar(text, this.pos)}`);
      this.skipTo();
      return;
    }
    this.pos += 1;
    this.skipSpace();
    const code = text.charCodeAt(this.pos);
    if (code === 0x2c || code === 0x7d) {
      this.problem(this.pos, `"${key.slice(0, 40)}" has no value`);
      return;
    }
    try {
      const value = this.value(depth);
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    } catch (error) {
      if (!(error instanceof ParseAbort)) throw error;
      this.skipTo();
    }
  }

  private array(depth: number): unknown[] {
    const out: unknown[] = [];
    this.container(ARRAY, depth, () => {
      try {
        out.push(this.value(depth));
        return true;
      } catch (error) {
        if (!(error instanceof ParseAbort)) throw error;
        return this.skipTo();
      }
    });
    return out;
  }

  /**
   * Reads an object's members or an array's items, from its opening bracket to its closing one:
   * commas between entries (a missing or trailing one is repaired), a bracket that does not
   * close, a new top-level value that starts inside. `readEntry` reads one entry at the reader's
   * position and says whether reading goes on.
   */
  private container(kind: ContainerKind, depth: number, readEntry: () => boolean): void {
    const open = this.pos;
    this.pos += 1;
    let first = true;
    for (;;) {
      this.skipSpace();
      const { text } = this;
      if (this.pos >= text.length) {
        this.problem(open, `${kind.name} is not closed before the end of the file`);
        return;
      }
      const code = text.charCodeAt(this.pos);
      if (code === kind.close) {
        this.pos += 1;
        return;
      }
      if (!first) {
        if (code === 0x2c) {
          this.pos += 1;
          this.skipSpace();
          if (text.charCodeAt(this.pos) === kind.close) {
            this.problem(this.pos - 1, `a trailing comma before ${kind.closeChar}`);
            this.pos += 1;
            return;
          }
        } else if (this.startsTopLevelLine(this.pos) && (kind.unwindsNested || depth === 1)) {
          this.problem(open, `${kind.name} is not closed before the next value starts`);
          this.unwinding = true;
          return;
        } else if (kind.startsEntry(code)) {
          this.problem(this.pos, `a comma is missing before this ${kind.entry}`);
        } else {
          this.problem(this.pos, `expected , or ${kind.closeChar} but found ${describeChar(text, this.pos)}`);
          if (code === kind.otherClose) this.pos += 1;
          if (!this.skipTo()) return;
          continue;
        }
      }
      first = false;
      if (!readEntry() || this.unwinding) return;
    }
  }

  /**
   * Skips a broken member or item: moves to the next `,` or closing bracket of the value being
   * read, past nested values and strings. False when the text ends first or a new top-level value
   * starts (then `unwinding` is set).
   */
  private skipTo(): boolean {
    const { text } = this;
    let nested = 0;
    while (this.pos < text.length) {
      const code = text.charCodeAt(this.pos);
      if (code === 0x22) {
        const end = stringEnd(text, this.pos);
        this.pos = end < 0 ? this.pos + 1 : end;
        continue;
      }
      if (nested === 0 && this.startsTopLevelLine(this.pos)) {
        this.unwinding = true;
        return false;
      }
      if (code === 0x7b || code === 0x5b) nested += 1;
      else if (code === 0x7d || code === 0x5d) {
        if (nested === 0) return true;
        nested -= 1;
      } else if (code === 0x2c && nested === 0) {
        return true;
      }
      this.pos += 1;
    }
    return false;
  }
}

const LEFT_QUOTE = 0x201c;
const RIGHT_QUOTE = 0x201d;

/** What differs between reading an object and reading an array. */
interface ContainerKind {
  name: 'an object' | 'an array';
  entry: 'member' | 'item';
  close: number;
  closeChar: '}' | ']';
  /** The other container's closing bracket: a stray one is stepped over. */
  otherClose: number;
  /** What an entry starts with, so a missing comma can be told from garbage. */
  startsEntry(code: number): boolean;
  /** An object unwinds at any depth when a new top-level value starts inside it; an array only at the top. */
  unwindsNested: boolean;
}

const OBJECT: ContainerKind = {
  name: 'an object',
  entry: 'member',
  close: 0x7d,
  closeChar: '}',
  otherClose: 0x5d,
  startsEntry: (code) => code === 0x22 || code === LEFT_QUOTE,
  unwindsNested: true,
};

const ARRAY: ContainerKind = {
  name: 'an array',
  entry: 'item',
  close: 0x5d,
  closeChar: ']',
  otherClose: 0x7d,
  startsEntry: (code) => startsValue(code),
  unwindsNested: false,
};

/** `{ [ " “ - 0-9 t f n`: characters a JSON value (or a typographic string) starts with. */
function startsValue(code: number): boolean {
  return code === 0x7b || code === 0x5b || code === 0x22 || code === LEFT_QUOTE || code === 0x2d || (code >= 0x30 && code <= 0x39) || code === 0x74 || code === 0x66 || code === 0x6e;
}

function safeString(body: string): string {
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    // Bad escapes: keep the characters as written.
    return body.replace(/\\(["\\/])/g, '$1');
  }
}

