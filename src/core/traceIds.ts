/**
 * Trace ids in the forms users paste: X-Ray ids, W3C ids, tracing headers, Lambda log lines.
 * X-Ray and W3C ids carry the same 128 bits: `1-{8 hex epoch seconds}-{24 hex}` ⇔ 32 hex.
 */

const XRAY_ID = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/i;
const W3C_ID = /^[0-9a-f]{32}$/i;
// A W3C id written as a UUID (8-4-4-4-12), as some tools print it.
const UUID_ISH = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROOT_FIELD = /(?:^|[;\s:])root\s*=\s*([^;\s]*)/i;
const TRACEPARENT = /(?:^|[^0-9a-z])00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}(?![0-9a-z])/i;
const EMBEDDED_XRAY_ID = /(?:^|[^0-9a-z-])(1-[0-9a-f]{8}-[0-9a-f]{24})(?![0-9a-z])/i;
const ALL_ZERO = /^0+$/;

/** True for `1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx` (hex digits in either case). */
export function isXrayTraceId(s: string): boolean {
  return XRAY_ID.test(s);
}

/** True for 32 hex digits; the all-zero id is invalid in W3C Trace Context. */
export function isW3cTraceId(s: string): boolean {
  return W3C_ID.test(s) && !ALL_ZERO.test(s);
}

/** X-Ray id → 32 lowercase hex, or `undefined` when `id` is not an X-Ray id. */
export function xrayToW3c(id: string): string | undefined {
  const trimmed = id.trim();
  if (!isXrayTraceId(trimmed)) {
    return undefined;
  }
  return (trimmed.slice(2, 10) + trimmed.slice(11)).toLowerCase();
}

/** 32 hex → lowercase X-Ray id, or `undefined` when `id` is not a W3C id. */
export function w3cToXray(id: string): string | undefined {
  const trimmed = id.trim();
  if (!isW3cTraceId(trimmed)) {
    return undefined;
  }
  const lower = trimmed.toLowerCase();
  return `1-${lower.slice(0, 8)}-${lower.slice(8)}`;
}

/** Epoch seconds encoded in the first part of an X-Ray id (when the trace started, roughly). */
export function traceIdEpochSeconds(xrayId: string): number | undefined {
  const trimmed = xrayId.trim();
  if (!isXrayTraceId(trimmed)) {
    return undefined;
  }
  return Number.parseInt(trimmed.slice(2, 10), 16);
}

function bareIdToXray(text: string): string | undefined {
  if (isXrayTraceId(text)) {
    return text.toLowerCase();
  }
  if (UUID_ISH.test(text)) {
    return w3cToXray(text.replace(/-/g, ''));
  }
  return w3cToXray(text);
}

function stripQuotes(text: string): string {
  return text.replace(/^["'`]+/, '').replace(/["'`]+$/, '').trim();
}

/**
 * Reads a trace id out of whatever the user pasted and returns it in X-Ray form (lowercase):
 * an X-Ray id, a W3C id (plain, uppercase or UUID-style), an `X-Amzn-Trace-Id` header or its
 * `Root=…;Parent=…` value, a Lambda `REPORT … XRAY TraceId: 1-…` line, or a W3C `traceparent`.
 * `undefined` when nothing in the text is a usable id.
 */
export function parseTraceIdInput(text: string): string | undefined {
  const trimmed = stripQuotes(text.trim());
  if (trimmed === '') {
    return undefined;
  }
  const bare = bareIdToXray(trimmed);
  if (bare !== undefined) {
    return bare;
  }
  const root = ROOT_FIELD.exec(trimmed);
  if (root?.[1] !== undefined) {
    // A header names its root explicitly; a bad Root= value is not rescued by other text.
    return bareIdToXray(stripQuotes(root[1]));
  }
  const traceparent = TRACEPARENT.exec(trimmed);
  if (traceparent?.[1] !== undefined) {
    return w3cToXray(traceparent[1]);
  }
  const embedded = EMBEDDED_XRAY_ID.exec(trimmed);
  if (embedded?.[1] !== undefined) {
    return embedded[1].toLowerCase();
  }
  return undefined;
}
