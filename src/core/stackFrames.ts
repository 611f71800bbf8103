/**
 * Stack frames from every place a user meets them (X-Ray exceptions, Node stack text, Python
 * tracebacks, OpenTelemetry `exception.stacktrace`) in one shape. Pure and total: parsers never
 * throw, and lines they do not understand are skipped.
 */
import type { SpanException } from '../shared/traceModel';
import { makeFrame, stripAsync } from './framePaths';
import { parseNodeStack } from './nodeStackParser';
import { looksLikePythonTraceback, parsePythonTraceback } from './pythonTracebackParser';

export type FrameOrigin = 'xray' | 'node' | 'python' | 'otel';

/** One stack frame. Lines and columns are 1-based, as V8 and CPython print them. */
export interface ParsedFrame {
  /** A filesystem path (`file://` URLs are converted) or a pseudo path such as `node:internal/…`. */
  path: string;
  line?: number;
  /** Absent on Python frames and on X-Ray frames (unless mapped from an OpenTelemetry stack trace). */
  column?: number;
  /** The function as printed (`handler`, `Runtime.handler`, `new Order`), without `async `. */
  label?: string;
  origin: FrameOrigin;
  /** Runtime, layer or library code: shown dimmed, skipped by "Go to source". */
  isRuntime: boolean;
}

export type StackLanguage = 'node' | 'python' | 'unknown';

/** A parsed stack. `frames` are innermost first (the throwing frame first) for every language. */
export interface ParsedStack {
  errorType?: string;
  message?: string;
  language: StackLanguage;
  frames: ParsedFrame[];
}

export interface ParseStackOptions {
  /** Set when the text is an OpenTelemetry `exception.stacktrace`, to tag the frames' origin. */
  origin?: 'otel';
}

/**
 * Parses Node stack text (`at fn (/var/task/index.js:1:48213)`, lines joined by `\n`, `\r` or
 * collapsed to spaces) or a Python traceback (NO-BREAK SPACE indentation, `[ERROR] Type: msg`).
 */
export function parseStackText(text: string, options: ParseStackOptions = {}): ParsedStack {
  try {
    if (typeof text !== 'string' || text.length === 0) return { language: 'unknown', frames: [] };
    if (looksLikePythonTraceback(text)) {
      const python = parsePythonTraceback(text, options.origin ?? 'python');
      if (python.frames.length > 0) return python;
    }
    const node = parseNodeStack(text, options.origin ?? 'node');
    if (node.frames.length > 0 || !looksLikePythonTraceback(text)) return node;
    return parsePythonTraceback(text, options.origin ?? 'python');
  } catch {
    // A parser bug must not break the details pane: an empty stack is still a result.
    return { language: 'unknown', frames: [] };
  }
}

/**
 * Frames of a log line's `stack` (`TimelineLogLine.stack`), innermost first. The Logs tab and the
 * host both call this, so a frame index the page sends names the same frame on both sides.
 */
export function framesOfLogStack(stack: readonly string[]): ParsedFrame[] {
  return stack.length === 0 ? [] : parseStackText(stack.join('\n')).frames;
}

/**
 * Frames of an X-Ray exception. X-Ray keeps `path`, `line` and `label` but drops the column, so
 * minified bundles need other evidence to resolve (see `sourceMapResolver.resolveLine`); frames
 * mapped from an OpenTelemetry stack trace keep theirs (`StackFrame.column`) and resolve exactly.
 * The Node SDK records ESM frames as `path: "file"` with no line; such frames stay unresolvable.
 */
export function framesFromXRayException(exception: SpanException): ParsedFrame[] {
  const frames: ParsedFrame[] = [];
  const stack = Array.isArray(exception?.stack) ? exception.stack : [];
  for (const entry of stack) {
    if (typeof entry !== 'object' || entry === null || typeof entry.path !== 'string' || entry.path.trim() === '') continue;
    const label = typeof entry.label === 'string' ? stripAsync(entry.label) : undefined;
    const line = typeof entry.line === 'number' ? entry.line : undefined;
    const column = typeof entry.column === 'number' ? entry.column : undefined;
    frames.push(makeFrame(entry.path, 'xray', { ...(line !== undefined ? { line } : {}), ...(column !== undefined ? { column } : {}), ...(label ? { label } : {}) }));
  }
  return frames;
}
