/**
 * A function's own text lines: the Node runtime's `<ISO>\t<requestId>\t<LEVEL>\t<msg>`, Python's
 * `[LEVEL]\t<ts>\t<requestId>\t<msg>`, the error records both runtimes write for unhandled errors,
 * and anything else (Go `log.Printf`, Java log4j2, Ruby `puts`) as a plain line with a best-effort
 * level. Never throws.
 */
import type { AppLine, InvokeErrorLine, JsonObject, LogLevel } from '../shared/logModel';
import { parseLambdaErrorPayload } from './invokeErrorParser';
import { parseStackText } from './stackFrames';

const NODE_TEXT = /^(\d{4}-\d\d-\d\dT[^\t ]+)[\t ]+([^\t ]+)[\t ]+(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\t?([\s\S]*)$/;
// The docs render Python's tabs as runs of spaces, so any whitespace separates the fields.
const PYTHON_TEXT = /^\[(TRACE|DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)\][\t ]+(\d{4}-\d\d-\d\d[T ][^\t ]+)[\t ]+([^\t ]+)(?:\t| +)?([\s\S]*)$/;
const PYTHON_BARE = /^\[(TRACE|DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)\][\t ]?([\s\S]*)$/;
// Java log4j2 `2020-03-18 08:52:43 <requestId> INFO  Handler - …` and similar `<ts> <id> LEVEL` lines.
const TS_ID_LEVEL = /^(\d{4}[-/]\d\d[-/]\d\d[ T][\d:.,]+Z?)\s+([0-9a-zA-Z-]{20,})\s+(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL)\b\s*([\s\S]*)$/;
// Go `log` package: `2020/03/27 03:40:05 message`.
const GO_LOG = /^(\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d(?:\.\d+)?) ([\s\S]*)$/;
const MARKERS = ['Invoke Error', 'Uncaught Exception', 'Unhandled Promise Rejection'];
const LOOSE_LEVEL = /\b(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|CRITICAL)\b/;

export function toLevel(text: string | undefined): LogLevel {
  switch (text?.toUpperCase()) {
    case 'TRACE': return 'trace';
    case 'DEBUG': return 'debug';
    case 'INFO': return 'info';
    case 'WARN': case 'WARNING': return 'warn';
    case 'ERROR': return 'error';
    case 'FATAL': case 'CRITICAL': return 'fatal';
    default: return 'unknown';
  }
}

const TS_SHAPE = /^(\d{4})[-/](\d\d)[-/](\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?\s*(Z|[+-]\d\d:?\d\d)?$/;

/** Epoch ms of the timestamps Lambda runtimes and Powertools print; no zone means UTC. */
export function parseLogTimestamp(text: string | undefined): number | undefined {
  if (text === undefined || text.length > 40) return undefined;
  const m = TS_SHAPE.exec(text.trim());
  if (!m) return undefined;
  const ms = Number(((m[7] ?? '') + '000').slice(0, 3));
  let value = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const digits = zone.replace(':', '');
    const offset = (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * 60_000;
    value += digits.startsWith('-') ? offset : -offset;
  }
  return Number.isFinite(value) ? value : undefined;
}

interface Prefix {
  timestamp?: number;
  requestId?: string;
  level: LogLevel;
  message: string;
}

/** The runtime's prefix split off, or only the message when the line has none. */
function splitPrefix(text: string): Prefix {
  const first = text.charCodeAt(0);
  if (first >= 48 && first <= 57) {
    const node = NODE_TEXT.exec(text) ?? TS_ID_LEVEL.exec(text);
    if (node) return prefix(node[1], node[2], toLevel(node[3]), node[4] ?? '');
    const go = GO_LOG.exec(text);
    if (go) return prefix(go[1], undefined, looseLevel(go[2] ?? ''), go[2] ?? '');
  } else if (first === 91 /* [ */) {
    const python = PYTHON_TEXT.exec(text);
    if (python) return prefix(python[2], python[3], toLevel(python[1]), python[4] ?? '');
    const bare = PYTHON_BARE.exec(text);
    if (bare) return prefix(undefined, undefined, toLevel(bare[1]), bare[2] ?? '');
  }
  return { level: looseLevel(text), message: text };
}

function prefix(ts: string | undefined, requestId: string | undefined, level: LogLevel, message: string): Prefix {
  const result: Prefix = { level, message };
  const timestamp = parseLogTimestamp(ts);
  if (timestamp !== undefined) result.timestamp = timestamp;
  // The Node runtime prints `undefined` for lines written during init.
  if (requestId !== undefined && requestId !== 'undefined' && requestId !== 'None') result.requestId = requestId;
  return result;
}

function looseLevel(text: string): LogLevel {
  // Only the head: a level word deep in a JSON dump says nothing about the line.
  const match = LOOSE_LEVEL.exec(text.length > 80 ? text.slice(0, 80) : text);
  return toLevel(match?.[1]);
}

/** A text line that is not a platform line: an error record or the function's own output. */
export function parseTextAppLine(raw: string, text: string): AppLine | InvokeErrorLine {
  const parts = splitPrefix(text);
  const invokeError = errorRecord(raw, text, parts);
  if (invokeError) return invokeError;
  const line: AppLine = { kind: 'app', raw, level: parts.level, message: parts.message };
  if (parts.timestamp !== undefined) line.timestamp = parts.timestamp;
  if (parts.requestId !== undefined) line.requestId = parts.requestId;
  const json = messageJson(parts.message);
  if (json !== undefined) line.json = json;
  const frames = framesIn(parts.message);
  if (frames) line.stack = frames;
  return line;
}

function errorRecord(raw: string, text: string, parts: Prefix): InvokeErrorLine | undefined {
  const message = parts.message;
  const isMarker = MARKERS.some((marker) => message.startsWith(marker));
  // Python's unhandled error: `[ERROR] KeyError: 'x'` then `Traceback (most recent call last):`.
  const isPython = !isMarker && parts.level === 'error' && message.includes('Traceback (most recent call last)');
  if (!isMarker && !isPython) return undefined;
  const payload = isMarker ? parseLambdaErrorPayload(message) : undefined;
  const stackText = isMarker ? stackLinesOf(message) : message.split(/\r\n|\r|\n/);
  // The whole text: the traceback parser reads the type from `[ERROR] Type: msg`.
  const parsed = isPython ? parseStackText(text) : undefined;
  const line: InvokeErrorLine = {
    kind: 'invokeError',
    raw,
    errorType: payload?.errorType ?? parsed?.errorType ?? 'Error',
    errorMessage: payload?.errorMessage ?? parsed?.message ?? '',
    stack: stackText,
    frames: payload?.frames ?? parsed?.frames ?? [],
  };
  if (parts.timestamp !== undefined) line.timestamp = parts.timestamp;
  if (parts.requestId !== undefined) line.requestId = parts.requestId;
  return line;
}

/** The `stack` (or `stackTrace`/`trace`) array of the JSON after the marker, as printed lines. */
function stackLinesOf(message: string): string[] {
  const open = message.indexOf('{');
  if (open < 0) return [];
  const json = tryParse(message.slice(open).trim());
  if (json === undefined || isArray(json)) return [];
  for (const key of ['stack', 'stackTrace', 'trace']) {
    const value = json[key];
    if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
    if (typeof value === 'string') return value.split(/\r\n|\r|\n/);
  }
  return [];
}

function isArray(value: JsonObject | readonly unknown[]): value is readonly unknown[] {
  return Array.isArray(value);
}

function tryParse(text: string): JsonObject | readonly unknown[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as JsonObject | readonly unknown[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Parsed only when the message looks like one JSON document: parsing prose would be wasted work. */
export function messageJson(message: string): JsonObject | readonly unknown[] | undefined {
  const trimmed = message.trim();
  const first = trimmed.charCodeAt(0);
  const last = trimmed.charCodeAt(trimmed.length - 1);
  if (!((first === 123 && last === 125) || (first === 91 && last === 93))) return undefined;
  return tryParse(trimmed);
}

/** Frames when the text carries a Node or Python stack; cheap substring checks gate the parser. */
export function framesIn(text: string): AppLine['stack'] | undefined {
  if (!(text.includes('    at ') || text.includes('\tat ') || text.includes('File "'))) return undefined;
  const frames = parseStackText(text).frames;
  return frames.length > 0 ? frames : undefined;
}
