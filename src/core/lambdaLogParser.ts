/**
 * One CloudWatch log event of a Lambda function → one `ParsedLogLine`. Total: any input yields a
 * line whose `raw` is the input, and a parser bug degrades to an `app` line rather than an
 * exception (the tail view must survive whatever a function prints). The fast path dispatches on
 * the first character and cheap `startsWith`/`includes` checks before any regex runs, because a
 * tail can deliver thousands of events per second.
 */
import type { AppLine, ParsedLogLine } from '../shared/logModel';
import { parseTextAppLine } from './appLineParser';
import { parseJsonLine, parseJsonObject } from './jsonLogParser';
import { parseEndLine, parseExitLine, parseInitReportLine, parseInitStartLine, parseReportLine, parseStartLine, parseTimeoutLine } from './platformLineParser';
import { parseTraceIdInput } from './traceIds';

export interface LogLineContext {
  /** The event's CloudWatch timestamp (epoch ms), used when the line carries no time of its own. */
  timestamp?: number;
}

/** Events longer than this are shown but not parsed: Lambda logs up to 256 KB per error object. */
const MAX_PARSED_LENGTH = 300_000;

export function parseLambdaLogLine(message: string, context?: LogLineContext): ParsedLogLine {
  const raw = typeof message === 'string' ? message : String(message);
  let line: ParsedLogLine;
  try {
    line = raw.length > MAX_PARSED_LENGTH ? plainLine(raw, raw) : parseText(raw, trimEnd(raw));
  } catch {
    line = plainLine(raw, raw);
  }
  const timestamp = context?.timestamp;
  if (line.timestamp === undefined && typeof timestamp === 'number' && Number.isFinite(timestamp)) line.timestamp = timestamp;
  return line;
}

/** Lambda ends messages with `\n` or `\t\n`; the field regexes should not see that. */
function trimEnd(text: string): string {
  let end = text.length;
  while (end > 0) {
    const c = text.charCodeAt(end - 1);
    if (c !== 10 && c !== 13 && c !== 9 && c !== 32) break;
    end--;
  }
  return end === text.length ? text : text.slice(0, end);
}

function plainLine(raw: string, text: string): AppLine {
  return { kind: 'app', raw, level: 'unknown', message: text };
}

function parseText(raw: string, text: string): ParsedLogLine {
  const first = text.charCodeAt(0);
  // Upper-case first letter: the platform lines START/END/REPORT/INIT_*, `Task timed out`, exits.
  if (first >= 65 && first <= 90) {
    const platform = platformLine(raw, text);
    if (platform) return platform;
  } else if (first === 123 /* { */) {
    const record = parseJsonObject(text);
    if (record) return parseJsonLine(raw, record, (inner, time) => nested(inner, time));
    return plainLine(raw, text);
  }
  if (text.includes('Task timed out')) {
    const timeout = parseTimeoutLine(raw, text);
    if (timeout) return timeout;
  }
  if (text.includes('Runtime exited') || text.includes('Runtime.ExitError') || text.includes('Process exited before')) {
    const exit = parseExitLine(raw, text);
    if (exit) return exit;
  }
  return parseTextAppLine(raw, text);
}

/** The log line inside a Telemetry API `function` record. */
function nested(inner: string, time: number | undefined): ParsedLogLine {
  return parseLambdaLogLine(inner, time === undefined ? undefined : { timestamp: time });
}

function platformLine(raw: string, text: string): ParsedLogLine | undefined {
  if (text.startsWith('START RequestId:')) return parseStartLine(raw, text);
  if (text.startsWith('END RequestId:')) return parseEndLine(raw, text);
  if (text.startsWith('REPORT RequestId:')) return parseReportLine(raw, text);
  if (text.startsWith('INIT_START')) return parseInitStartLine(raw, text);
  if (text.startsWith('INIT_REPORT')) return parseInitReportLine(raw, text);
  if (text.startsWith('Task timed out') || text.startsWith('RequestId:')) {
    return parseTimeoutLine(raw, text) ?? parseExitLine(raw, text);
  }
  if (text.startsWith('Runtime') || text.startsWith('Process exited')) return parseExitLine(raw, text);
  return undefined;
}

// The AWS docs redact ids as `xmpl` (`1-5d9d007f-0a8c7fd02xmpl480aed55ef0`): kept when a platform
// field names them, since the field says what they are.
const REDACTED_XRAY_ID = /^1-[0-9a-z]{8}-[0-9a-z]{24}$/i;

function platformTraceId(id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  return parseTraceIdInput(id) ?? (REDACTED_XRAY_ID.test(id) ? id.toLowerCase() : undefined);
}

const ROOT_OR_ID = /Root=|1-[0-9a-fA-F]{8}-|traceparent|00-[0-9a-fA-F]{32}-/;

/**
 * X-Ray trace ids (lowercase X-Ray form) a line names: REPORT's `XRAY TraceId`, a platform
 * record's tracing header, Powertools `xray_trace_id`, `Root=` headers, X-Ray or W3C ids in the
 * message. Placeholder ids (the Powertools docs' `abcdef123456…`) are dropped.
 */
export function traceIdsIn(line: ParsedLogLine): string[] {
  const found = new Set<string>();
  const add = (candidate: string | undefined): void => {
    const id = candidate === undefined ? undefined : parseTraceIdInput(candidate);
    if (id !== undefined) found.add(id);
  };
  try {
    if (line.kind === 'report' || line.kind === 'platformJson') {
      const id = platformTraceId(line.xrayTraceId);
      if (id !== undefined) found.add(id);
    }
    if (line.kind === 'app') {
      add(line.powertools?.xrayTraceId);
      if (ROOT_OR_ID.test(line.message)) add(line.message);
    } else if (line.kind !== 'report' && ROOT_OR_ID.test(line.raw)) {
      add(line.raw);
    }
  } catch {
    // A malformed line names no trace; the caller still has the line.
  }
  return [...found];
}
