/**
 * The X-Ray daemon's UDP protocol, as the X-Ray SDKs speak it: one datagram holds one segment
 * document (a segment or an independent subsegment), preceded by the header line
 * `{"format":"json","version":1}` and a newline. Also the `AWS_XRAY_DAEMON_ADDRESS` forms the SDKs
 * accept (`host:port`, or `tcp:host:port udp:host:port`). Pure: no sockets here.
 */
import { isRecord, readString } from './jsonRead';
import type { JsonRecord } from './jsonRead';
import { parseTraceIdInput } from './traceIds';

/** The header every X-Ray SDK writes before the document. */
export const DAEMON_HEADER = '{"format":"json","version":1}';

export type DatagramProblem = 'empty' | 'noHeader' | 'badHeader' | 'badJson' | 'notAnObject' | 'noId' | 'noTraceId';

export type DecodedDatagram =
  | {
      ok: true;
      document: JsonRecord;
      /** The document's `id`. */
      id: string;
      /** The document's `trace_id` in lowercase X-Ray form (as written when it is not an id). */
      traceId: string;
      /** True for `in_progress: true` documents, which a complete copy replaces. */
      inProgress: boolean;
      /** Bytes of the JSON document (without the header). */
      bytes: number;
    }
  | { ok: false; problem: DatagramProblem; message: string };

const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;

function fail(problem: DatagramProblem, message: string): DecodedDatagram {
  return { ok: false, problem, message };
}

function parseJson(text: string): { value?: unknown; error?: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function headerProblem(text: string): string | undefined {
  const parsed = parseJson(text);
  if (parsed.error !== undefined || !isRecord(parsed.value)) {
    return `the header is not a JSON object: ${text.slice(0, 60)}`;
  }
  const format = readString(parsed.value, 'format');
  if (format?.toLowerCase() !== 'json' || parsed.value['version'] !== 1) {
    return `the header is not {"format":"json","version":1}: ${text.slice(0, 60)}`;
  }
  return undefined;
}

/** Where the header ends: the first newline, or the literal `\n` people paste from the AWS docs. */
function splitAt(bytes: Uint8Array): { headerEnd: number; bodyStart: number } | undefined {
  const limit = Math.min(bytes.length, 256);
  for (let i = 0; i < limit; i++) {
    const byte = bytes[i];
    if (byte === NEWLINE) return { headerEnd: i > 0 && bytes[i - 1] === 0x0d ? i - 1 : i, bodyStart: i + 1 };
    if (byte === BACKSLASH && bytes[i + 1] === 0x6e /* n */ && i > 0 && bytes[i - 1] === 0x7d /* } */) {
      return { headerEnd: i, bodyStart: i + 2 };
    }
  }
  return undefined;
}

const decoder = new TextDecoder('utf-8', { fatal: false });
const HEADER_BYTES = new TextEncoder().encode(DAEMON_HEADER);

function isCanonicalHeader(bytes: Uint8Array, end: number): boolean {
  if (end !== HEADER_BYTES.length) return false;
  for (let i = 0; i < end; i++) {
    if (bytes[i] !== HEADER_BYTES[i]) return false;
  }
  return true;
}

const LOWER_XRAY_ID = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;

/**
 * Reads one datagram. Never throws: a datagram that is not header + JSON object with `id` and
 * `trace_id` comes back as a problem the receiver counts and logs.
 */
export function decodeDaemonDatagram(bytes: Uint8Array): DecodedDatagram {
  try {
    if (bytes.length === 0) return fail('empty', 'empty datagram');
    const split = splitAt(bytes);
    if (split === undefined) return fail('noHeader', 'no {"format":"json","version":1} header line before the document');
    // The SDKs all write the header byte for byte alike; anything else is parsed to be sure.
    if (!isCanonicalHeader(bytes, split.headerEnd)) {
      const problem = headerProblem(decoder.decode(bytes.subarray(0, split.headerEnd)));
      if (problem !== undefined) return fail('badHeader', problem);
    }
    const body = bytes.subarray(split.bodyStart);
    const parsed = parseJson(decoder.decode(body));
    if (parsed.error !== undefined) return fail('badJson', `the document is not valid JSON: ${parsed.error}`);
    return checkDocument(parsed.value, body.length);
  } catch (error) {
    return fail('badJson', `the datagram could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Checks that a decoded value is a segment document the store can file under a trace. */
export function checkDocument(value: unknown, bytes: number): DecodedDatagram {
  if (!isRecord(value)) return fail('notAnObject', `the document is ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}, not an object`);
  const id = readString(value, 'id');
  if (id === undefined || id.trim() === '') return fail('noId', 'the document has no string `id`');
  const rawTraceId = readString(value, 'trace_id');
  if (rawTraceId === undefined || rawTraceId.trim() === '') return fail('noTraceId', `document ${id.slice(0, 40)} has no string \`trace_id\``);
  const traceId = LOWER_XRAY_ID.test(rawTraceId) ? rawTraceId : parseTraceIdInput(rawTraceId) ?? rawTraceId.trim();
  return { ok: true, document: value, id, traceId, inProgress: value['in_progress'] === true, bytes };
}

/** Header + newline + document: what an SDK sends (used by tests and the benchmark's sender). */
export function encodeDaemonDatagram(document: unknown): string {
  return `${DAEMON_HEADER}\n${JSON.stringify(document)}`;
}

export interface DaemonEndpoint {
  host: string;
  port: number;
}

export interface DaemonAddress {
  udp: DaemonEndpoint;
  /** The sampling-rules endpoint; the same as `udp` when only one address is given. */
  tcp: DaemonEndpoint;
}

function endpoint(text: string): DaemonEndpoint | undefined {
  const value = text.trim();
  const bracketed = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(value);
  const plain = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(value);
  const match = bracketed ?? plain;
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  const port = Number(match[2]);
  return port > 65_535 ? undefined : { host: match[1], port };
}

/**
 * Reads an `AWS_XRAY_DAEMON_ADDRESS` value: `127.0.0.1:2000`, `[::1]:2000`, or
 * `tcp:127.0.0.1:2000 udp:127.0.0.2:2001` (either order). `undefined` when it is none of these.
 */
export function parseDaemonAddress(text: string): DaemonAddress | undefined {
  if (typeof text !== 'string') return undefined;
  const parts = text.trim().split(/\s+/).filter((part) => part !== '');
  if (parts.length === 1) {
    const single = endpoint(parts[0] as string);
    return single === undefined ? undefined : { udp: single, tcp: single };
  }
  if (parts.length !== 2) return undefined;
  let udp: DaemonEndpoint | undefined;
  let tcp: DaemonEndpoint | undefined;
  for (const part of parts) {
    const lower = part.toLowerCase();
    if (lower.startsWith('udp:')) udp = endpoint(part.slice(4));
    else if (lower.startsWith('tcp:')) tcp = endpoint(part.slice(4));
    else return undefined;
  }
  return udp === undefined || tcp === undefined ? undefined : { udp, tcp };
}

/** `127.0.0.1:2000` / `[::1]:2000`: the value to put in `AWS_XRAY_DAEMON_ADDRESS`. */
export function formatDaemonAddress(point: DaemonEndpoint): string {
  return point.host.includes(':') ? `[${point.host}]:${point.port}` : `${point.host}:${point.port}`;
}
