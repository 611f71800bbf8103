/**
 * Low-level scanning of JSON text for the trace-file reader (`jsonText.ts`, `tolerantJsonReader.ts`):
 * whitespace, where a string or a balanced object/array ends (without parsing it), and how to
 * name a character in a problem message. Pure.
 */

/** JSON whitespace, and a byte order mark. */
export function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09 || code === 0xfeff;
}

/**
 * End (exclusive) of the balanced object or array at `start`, or -1 when it does not close, or a
 * string in it runs into a raw line break (a truncated line of NDJSON).
 */
export function balancedEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) {
      i = stringEnd(text, i);
      if (i < 0) return -1;
      i -= 1;
    } else if (code === 0x7b || code === 0x5b) {
      depth += 1;
    } else if (code === 0x7d || code === 0x5d) {
      depth -= 1;
      if (depth === 0) return i + 1;
      if (depth < 0) return -1;
    }
  }
  return -1;
}

/** End (exclusive) of the string starting at the quote `start`, or -1 if a line break or the end comes first. */
export function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5c) i += 1;
    else if (code === 0x22) return i + 1;
    else if (code === 0x0a || code === 0x0d) return -1;
  }
  return -1;
}

/** The character at `offset` as a problem message names it. */
export function describeChar(text: string, offset: number): string {
  if (offset >= text.length) return 'the end of the file';
  const char = text[offset] ?? '';
  const code = char.charCodeAt(0);
  if (code === 0x201c || code === 0x201d) return `a typographic quote ${char} (use ")`;
  if (code < 0x20) return `a control character (U+${code.toString(16).padStart(4, '0')})`;
  return `'${char}'`;
}
