/**
 * OTLP trace and logs requests after decoding, the same shape whether they came as OTLP/JSON or
 * protobuf (opentelemetry-proto `ExportTraceServiceRequest` / `ExportLogsServiceRequest`). Ids are
 * lowercase hex; times are epoch nanoseconds as numbers; attribute values are plain JSON-like data
 * (`kvlistValue` → object, `arrayValue` → array, `bytesValue` → base64 string, `intValue` → number).
 */

export type OtlpValue = string | number | boolean | null | OtlpValue[] | { [key: string]: OtlpValue };
export type OtlpAttributes = Record<string, OtlpValue>;

/** `Span.SpanKind` numbers. */
export const SPAN_KIND = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
export const SPAN_KIND_NAMES = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;

/** `Status.StatusCode` numbers. */
export const STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const;

export interface OtlpScope {
  name?: string;
  version?: string;
}

export interface OtlpEvent {
  timeUnixNano: number;
  name: string;
  attributes: OtlpAttributes;
}

export interface OtlpLink {
  traceId: string;
  spanId: string;
  attributes: OtlpAttributes;
}

export interface OtlpStatus {
  code: number;
  message?: string;
}

export interface OtlpSpan {
  /** 32 lowercase hex; '' when missing or not 16 bytes. */
  traceId: string;
  /** 16 lowercase hex; '' when missing or not 8 bytes. */
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  kind: number;
  startTimeUnixNano: number;
  endTimeUnixNano: number;
  attributes: OtlpAttributes;
  events: OtlpEvent[];
  links: OtlpLink[];
  status: OtlpStatus;
  /** `Span.flags` (W3C trace flags and the remote-parent bits), when sent. */
  flags?: number;
}

export interface OtlpScopeSpans {
  scope: OtlpScope;
  spans: OtlpSpan[];
}

export interface OtlpResourceSpans {
  resource: OtlpAttributes;
  scopeSpans: OtlpScopeSpans[];
}

export interface OtlpTraceRequest {
  resourceSpans: OtlpResourceSpans[];
}

export interface OtlpLogRecord {
  timeUnixNano: number;
  observedTimeUnixNano: number;
  severityNumber: number;
  severityText?: string;
  body?: OtlpValue;
  attributes: OtlpAttributes;
  traceId?: string;
  spanId?: string;
  eventName?: string;
}

export interface OtlpScopeLogs {
  scope: OtlpScope;
  logRecords: OtlpLogRecord[];
}

export interface OtlpResourceLogs {
  resource: OtlpAttributes;
  scopeLogs: OtlpScopeLogs[];
}

export interface OtlpLogsRequest {
  resourceLogs: OtlpResourceLogs[];
}

/** Thrown by the decoders for bodies that are not an OTLP request; the receiver answers 400. */
export class OtlpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpDecodeError';
  }
}

/** AnyValue nesting deeper than this is cut (a hostile body could nest without end). */
export const MAX_VALUE_DEPTH = 32;

/** Sets an attribute even for keys like `__proto__`. */
export function setAttribute(target: OtlpAttributes, key: string, value: OtlpValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] as number;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    out += BASE64[a >> 2];
    out += BASE64[((a & 3) << 4) | ((b ?? 0) >> 4)];
    out += b === undefined ? '=' : BASE64[((b & 15) << 2) | ((c ?? 0) >> 6)];
    out += c === undefined ? '=' : BASE64[c & 63];
  }
  return out;
}

/** Decodes standard or URL-safe base64; `undefined` when the text is not base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  const clean = text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*$/.test(clean) || clean.length % 4 === 1) return undefined;
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    buffer = ((buffer << 6) | BASE64.indexOf(char)) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}
