/**
 * The tail view's filter box: `/regex/flags` filters in the view (client-side, instantly, no
 * restart); any other text is a CloudWatch filter pattern that the tail applies server-side, by
 * restarting with `logEventFilterPattern` (or `filterPattern` when polling). Pure, shared by the
 * host (which restarts) and the page (which filters).
 */

export type TailFilter =
  | { kind: 'none' }
  | { kind: 'regex'; text: string; regex: RegExp }
  | { kind: 'pattern'; text: string; pattern: string }
  | { kind: 'invalid'; text: string; message: string };

const REGEX_LITERAL = /^\/(.+)\/([a-z]*)$/s;
/** Flags that make sense for a stateless test; `g` and `y` would make `test` stateful. */
const ALLOWED_FLAGS = /^[imsu]*$/;
/** A regex looks at this much of a line: bounds the cost of a pathological pattern on huge lines. */
export const MAX_MATCHED_LENGTH = 20_000;

export function parseTailFilter(input: string): TailFilter {
  const text = input.trim();
  if (text === '') return { kind: 'none' };
  const literal = REGEX_LITERAL.exec(text);
  if (literal !== null) {
    const [, source, rawFlags] = literal as unknown as [string, string, string];
    const flags = rawFlags.replace(/[gy]/g, '');
    if (!ALLOWED_FLAGS.test(flags) || new Set(flags).size !== flags.length) {
      return { kind: 'invalid', text, message: `Unknown regular expression flags "${rawFlags}" (use i, m, s or u).` };
    }
    try {
      return { kind: 'regex', text, regex: new RegExp(source, flags) };
    } catch (error) {
      return { kind: 'invalid', text, message: `Not a valid regular expression: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  return { kind: 'pattern', text, pattern: text };
}

/** True when `line` passes a client-side filter (patterns were applied by CloudWatch already). */
export function tailFilterMatches(filter: TailFilter, line: string): boolean {
  if (filter.kind !== 'regex') return true;
  return filter.regex.test(line.length > MAX_MATCHED_LENGTH ? line.slice(0, MAX_MATCHED_LENGTH) : line);
}

/** The server-side pattern of a filter, if it has one. */
export function serverPatternOf(filter: TailFilter): string | undefined {
  return filter.kind === 'pattern' ? filter.pattern : undefined;
}
