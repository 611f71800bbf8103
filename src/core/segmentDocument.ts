/**
 * Decoding and validation of one X-Ray segment document, in the three forms we receive:
 * a JSON string (BatchGetTraces `Document`), an object (files), or a daemon UDP datagram
 * (`{"format":"json","version":1}` header line, newline, then the JSON document).
 */
import type { TraceWarning } from '../shared/traceModel';
import { isRecord, readBoolean, readNumber, readString } from './jsonRead';
import type { JsonRecord } from './jsonRead';

export interface DecodedDocument {
  document?: JsonRecord;
  warnings: TraceWarning[];
}

// The daemon header is a flat object on the first line. The AWS docs print the separator as a
// literal `\n`, and people paste that, so both a real newline and the two characters are accepted.
const DATAGRAM = /^\s*(\{[^{}]*\})[ \t]*(?:\r?\n|\\n)([\s\S]*)$/;

function parseJson(text: string): { value?: unknown; error?: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function headerWarning(header: JsonRecord): TraceWarning | undefined {
  const format = readString(header, 'format');
  const valid = format !== undefined && format.toLowerCase() === 'json' && header['version'] === 1;
  if (valid) {
    return undefined;
  }
  return { code: 'invalidHeader', message: `Daemon header is not {"format":"json","version":1}: ${JSON.stringify(header).slice(0, 80)}` };
}

function splitDatagram(text: string): { header: JsonRecord; body: string } | undefined {
  const match = DATAGRAM.exec(text);
  if (match?.[1] === undefined || match[2] === undefined) {
    return undefined;
  }
  const header = parseJson(match[1]).value;
  // A flat one-line segment would match too; only a header names a format or version.
  if (!isRecord(header) || (!('format' in header) && !('version' in header)) || 'id' in header) {
    return undefined;
  }
  return { header, body: match[2] };
}

function decodeString(text: string): DecodedDocument {
  const warnings: TraceWarning[] = [];
  let body = text;
  const datagram = splitDatagram(text);
  if (datagram !== undefined) {
    const warning = headerWarning(datagram.header);
    if (warning !== undefined) {
      warnings.push(warning);
    }
    body = datagram.body;
  }
  const parsed = parseJson(body);
  if (parsed.error !== undefined) {
    warnings.push({ code: 'malformedJson', message: `Segment document is not valid JSON: ${parsed.error}` });
    return { warnings };
  }
  return decodeValue(parsed.value, warnings);
}

function decodeValue(value: unknown, warnings: TraceWarning[]): DecodedDocument {
  if (!isRecord(value)) {
    warnings.push({ code: 'notAnObject', message: `Segment document is ${Array.isArray(value) ? 'an array' : typeof value}, not an object` });
    return { warnings };
  }
  // A BatchGetTraces `Segments[]` entry handed over whole: unwrap its Document.
  if (!('id' in value) && 'Document' in value) {
    const inner = value['Document'];
    if (typeof inner === 'string') {
      const decoded = decodeString(inner);
      return { ...decoded, warnings: [...warnings, ...decoded.warnings] };
    }
    return decodeValue(inner, warnings);
  }
  return { document: value, warnings };
}

/** Turns one input document into an object, or explains why it cannot. Never throws. */
export function decodeSegmentDocument(input: unknown): DecodedDocument {
  if (typeof input === 'string') {
    return decodeString(input);
  }
  return decodeValue(input, []);
}

/** The fields without which a (sub)segment cannot be placed on the timeline. */
export interface SpanEssentials {
  id: string;
  name: string;
  startSeconds: number;
  /** Undefined for in-progress spans. */
  endSeconds: number | undefined;
  inProgress: boolean;
}

function describe(record: JsonRecord): string {
  const id = record['id'];
  return typeof id === 'string' ? ` (id ${id.slice(0, 40)})` : '';
}

function fieldProblem(record: JsonRecord, key: string): TraceWarning {
  const present = key in record;
  return {
    code: present ? 'invalidField' : 'missingField',
    message: `Skipped a (sub)segment${describe(record)}: \`${key}\` is ${present ? `not ${key === 'start_time' ? 'a number' : 'a string'}` : 'missing'}`,
  };
}

/**
 * Checks the required fields. Ids that are not 16 hex digits are kept: anonymized and
 * hand-written traces use them, and nothing downstream depends on the format.
 */
export function readSpanEssentials(record: JsonRecord, warnings: TraceWarning[]): SpanEssentials | undefined {
  const id = readString(record, 'id');
  if (id === undefined || id === '') {
    warnings.push(fieldProblem(record, 'id'));
    return undefined;
  }
  const name = readString(record, 'name');
  if (name === undefined) {
    warnings.push({ ...fieldProblem(record, 'name'), spanId: id });
    return undefined;
  }
  const startSeconds = readNumber(record, 'start_time');
  if (startSeconds === undefined) {
    warnings.push({ ...fieldProblem(record, 'start_time'), spanId: id });
    return undefined;
  }
  if (!isPlausibleEpochSeconds(startSeconds)) {
    warnings.push({ code: 'invalidField', message: `Skipped (sub)segment ${id}: start_time ${startSeconds} is not a time in epoch seconds`, spanId: id });
    return undefined;
  }
  let endSeconds = readNumber(record, 'end_time');
  if (endSeconds !== undefined && !isPlausibleEpochSeconds(endSeconds)) {
    warnings.push({ code: 'invalidField', message: `(Sub)segment ${id}: end_time ${endSeconds} is not a time in epoch seconds; shown as in progress`, spanId: id });
    endSeconds = undefined;
  }
  const inProgress = readBoolean(record, 'in_progress') === true;
  if (inProgress || endSeconds !== undefined) {
    return { id, name, startSeconds, endSeconds: inProgress ? undefined : endSeconds, inProgress };
  }
  warnings.push({ code: 'missingField', message: `(Sub)segment ${id} has neither end_time nor in_progress; shown as in progress`, spanId: id });
  return { id, name, startSeconds, endSeconds: undefined, inProgress: true };
}

/**
 * X-Ray times are epoch seconds. Values outside 0 .. 10^11 (about the year 5000) cannot be times:
 * multiplied into milliseconds and subtracted they overflow the ruler to Infinity.
 */
function isPlausibleEpochSeconds(value: number): boolean {
  return value >= 0 && value < 1e11;
}
