/**
 * Error payloads Lambda writes or returns: the `Invoke Error \t{json}`, `Uncaught Exception \t{json}`
 * and `Unhandled Promise Rejection \t{json}` text log lines, JSON-format log records
 * (`{errorType, errorMessage, stackTrace}` at the top or under `message`), sync invoke responses
 * (`{errorType, errorMessage, trace}`, Python `stackTrace` of `File "…"` strings), Powertools
 * records (`error.stack`, `exception`, `stack_trace.frames`). Never throws.
 */
import type { ParsedFrame, StackLanguage } from './stackFrames';
import { parseStackText } from './stackFrames';
import { makeFrame } from './framePaths';

export interface LambdaErrorPayload {
  errorType?: string;
  errorMessage?: string;
  language?: StackLanguage;
  /** Innermost first, as every parsed stack. */
  frames: ParsedFrame[];
}

const MARKERS = ['Invoke Error', 'Uncaught Exception', 'Unhandled Promise Rejection'];
const MAX_DEPTH = 6;
const MAX_VALUES = 8;

type Json = unknown;

export function parseLambdaErrorPayload(text: string): LambdaErrorPayload {
  try {
    return parsePayload(text, 0) ?? { frames: [] };
  } catch {
    return { frames: [] };
  }
}

function parsePayload(text: string, depth: number): LambdaErrorPayload | undefined {
  if (typeof text !== 'string' || depth > MAX_DEPTH) return undefined;
  const markerAt = text.length - afterMarker(text).length;
  // JSON right after a marker first; then the whole text, where the marker may sit inside an
  // escaped string (Telemetry API batches wrap the log line in JSON).
  for (const from of markerAt > 0 ? [markerAt, 0] : [0]) {
    for (const value of jsonValues(text, from)) {
      const found = findError(value, depth);
      if (found) return found;
    }
  }
  // Not JSON (a rejection of a non-Error, pasted text): fall back to the stack text itself.
  const stack = parseStackText(afterMarker(text));
  if (stack.frames.length === 0 && stack.errorType === undefined) return undefined;
  return compact({ errorType: stack.errorType, errorMessage: stack.message, language: stack.language, frames: stack.frames });
}

function afterMarker(text: string): string {
  for (const marker of MARKERS) {
    const at = text.indexOf(marker);
    if (at >= 0) return text.slice(at + marker.length);
  }
  return text;
}

/** The JSON values in the text from `start` on (concatenated objects included). */
function* jsonValues(text: string, start: number): Generator<Json> {
  let from = start;
  for (let count = 0; count < MAX_VALUES; count++) {
    const open = firstOpening(text, from);
    if (open < 0) return;
    const end = scanJsonEnd(text, open);
    if (end < 0) return;
    const value = tryJson(text.slice(open, end));
    // Not JSON after all (a `{` inside prose): try the next opening.
    from = value === undefined ? open + 1 : end;
    if (value !== undefined) yield value;
  }
}

function tryJson(candidate: string): Json {
  try {
    return JSON.parse(candidate) as Json;
  } catch {
    return undefined;
  }
}

function firstOpening(text: string, from: number): number {
  const brace = text.indexOf('{', from);
  const bracket = text.indexOf('[', from);
  if (brace < 0) return bracket;
  if (bracket < 0) return brace;
  return Math.min(brace, bracket);
}

/** Index just past the bracket that closes the one at `start` (string-aware), or -1. */
function scanJsonEnd(text: string, start: number): number {
  let level = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') level++;
    else if (ch === '}' || ch === ']') {
      level--;
      if (level === 0) return i + 1;
    }
  }
  return -1;
}

const ERROR_KEYS = ['errorType', 'errorMessage', 'stackTrace', 'trace', 'stack', 'exception', 'stack_trace'];

function findError(value: Json, depth: number): LambdaErrorPayload | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (typeof value === 'string') {
    return MARKERS.some((marker) => value.includes(marker)) ? parsePayload(value, depth + 1) : undefined;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findError(item, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  if (ERROR_KEYS.some((key) => key in value)) return errorFromRecord(value);
  for (const child of Object.values(value)) {
    const found = findError(child, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function errorFromRecord(record: Record<string, Json>): LambdaErrorPayload {
  const structured = isRecord(record['stack_trace']) ? record['stack_trace'] : undefined;
  const stackText = firstStackText(record);
  const stack = stackText !== undefined ? parseStackText(stackText) : undefined;
  let frames = stack?.frames ?? [];
  if (frames.length === 0 && structured) frames = powertoolsFrames(structured['frames']);
  return compact({
    errorType: text(record['errorType']) ?? text(record['name']) ?? text(record['exception_name']) ?? text(structured?.['type']) ?? stack?.errorType,
    errorMessage: text(record['errorMessage']) ?? text(record['message']) ?? text(structured?.['value']) ?? stack?.message,
    language: stack?.language ?? (frames.length > 0 ? 'python' : undefined),
    frames,
  });
}

function firstStackText(record: Record<string, Json>): string | undefined {
  for (const key of ['stack', 'trace', 'stackTrace', 'exception']) {
    const value = record[key];
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.filter((line): line is string => typeof line === 'string').join('\n');
  }
  return undefined;
}

/** Powertools Python `stack_trace.frames[{file, line, function}]`, printed outermost first. */
function powertoolsFrames(value: Json): ParsedFrame[] {
  if (!Array.isArray(value)) return [];
  const frames: ParsedFrame[] = [];
  for (const item of value) {
    if (!isRecord(item) || typeof item['file'] !== 'string') continue;
    const line = typeof item['line'] === 'number' ? { line: item['line'] } : {};
    const label = typeof item['function'] === 'string' ? { label: item['function'] } : {};
    frames.push(makeFrame(item['file'], 'python', { ...line, ...label }));
  }
  return frames.reverse();
}

function text(value: Json): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Drops undefined fields so results compare cleanly and stay structured-clone friendly. */
function compact(payload: { errorType: string | undefined; errorMessage: string | undefined; language: StackLanguage | undefined; frames: ParsedFrame[] }): LambdaErrorPayload {
  const result: LambdaErrorPayload = { frames: payload.frames };
  if (payload.errorType !== undefined) result.errorType = payload.errorType;
  if (payload.errorMessage !== undefined) result.errorMessage = payload.errorMessage;
  if (payload.language !== undefined) result.language = payload.language;
  return result;
}
