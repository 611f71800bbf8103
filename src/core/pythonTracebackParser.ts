/**
 * Python tracebacks as Lambda logs them: `[ERROR] KeyError: 'x'`, `Traceback (most recent call
 * last):`, then `File "…", line N, in fn` frames indented with U+00A0 NO-BREAK SPACE (the
 * runtime's ERROR_LOG_IDENT), lines joined by `\n` or `\r`.
 */
import type { FrameOrigin, ParsedFrame, ParsedStack } from './stackFrames';
import { makeFrame } from './framePaths';

const FRAME = /File "([^"\r\n]*)", line (\d+)(?:, in ([\w.<>$]+))?/g;
const LAMBDA_HEADER = /^\[ERROR\]\s+([A-Za-z_][\w.]*):\s?(.*)$/m;
const EXCEPTION_LINE = /^([A-Za-z_][\w.]*)(?::\s?(.*))?$/;

export function looksLikePythonTraceback(text: string): boolean {
  return text.includes('Traceback (most recent call last)') || /File "[^"\r\n]*", line \d+/.test(text);
}

export function parsePythonTraceback(text: string, origin: FrameOrigin): ParsedStack {
  const normalized = text.replace(/\u00a0/g, ' ');
  const frames: ParsedFrame[] = [];
  let tailStart = 0;
  for (const match of normalized.matchAll(FRAME)) {
    const label = match[3] ? { label: match[3] } : {};
    frames.push(makeFrame(match[1] ?? '', origin, { line: Number(match[2]), ...label }));
    tailStart = (match.index ?? 0) + match[0].length;
  }
  // Python prints the outermost call first; every ParsedStack is innermost first.
  frames.reverse();
  const stack: ParsedStack = { language: frames.length > 0 || normalized.includes('Traceback') ? 'python' : 'unknown', frames };
  Object.assign(stack, exceptionOf(normalized, normalized.slice(tailStart)));
  return stack;
}

/** The raised exception: from Lambda's `[ERROR] Type: msg` line, else the traceback's last line. */
function exceptionOf(text: string, tail: string): { errorType?: string; message?: string } {
  const header = LAMBDA_HEADER.exec(text);
  if (header?.[1]) return { errorType: header[1], message: header[2] ?? '' };
  const lines = tail.split(/\r\n|\r|\n/);
  // The first tail line is what follows the last frame on its own line: non-empty only when the
  // traceback was collapsed onto one line (`in <module> RuntimeError: msg`).
  const candidates = [lines[0]?.trim() ?? '', ...lines.slice(1).filter((line) => line !== '' && !/^\s/.test(line))];
  for (const candidate of candidates) {
    const match = EXCEPTION_LINE.exec(candidate.trim());
    if (match?.[1] && candidate.trim() !== '') {
      return match[2] !== undefined ? { errorType: match[1], message: match[2] } : { errorType: match[1] };
    }
  }
  return {};
}
