/**
 * Lambda's text-format platform lines: START, END, REPORT, INIT_START, INIT_REPORT, timeouts and
 * runtime exits. Callers check the cheap prefix first; these functions return `undefined` when the
 * text is not the line they parse, and never throw.
 *
 * Fields are tab-separated in real events, but the docs render tabs as runs of spaces, and the XRAY
 * part of REPORT may sit on its own line; the field regexes therefore anchor on the field names,
 * not on the separators.
 */
import type { EndLine, InitReportLine, InitStartLine, OutOfMemoryLine, ReportLine, RuntimeExitLine, StartLine, TimeoutLine } from '../shared/logModel';

const REQUEST_ID = /RequestId:\s*([^\s]+)/;
const VERSION = /Version:\s*([^\s]+)/;
// Lookbehinds keep `Duration:` from matching inside `Billed Duration:` or `Init Duration:`.
const DURATION = /(?<!(?:Billed|Init|Restore) )Duration:\s*([\d.]+)\s*ms/;
const BILLED = /Billed Duration:\s*([\d.]+)\s*ms/;
const MEMORY_SIZE = /Memory Size:\s*(\d+)\s*MB/;
const MAX_MEMORY = /Max Memory Used:\s*(\d+)\s*MB/;
const INIT_DURATION = /Init Duration:\s*([\d.]+)\s*ms/;
const RESTORE_DURATION = /(?<!Billed )Restore Duration:\s*([\d.]+)\s*ms/;
const XRAY_TRACE = /XRAY TraceId:\s*([^\s]+)/;
const SEGMENT_ID = /SegmentId:\s*([0-9a-zA-Z]+)/;
const SAMPLED = /Sampled:\s*(true|false)/;
const STATUS = /Status:\s*([A-Za-z]+)/;
const ERROR_TYPE = /Error Type:\s*([^\s]+)/;
const PHASE = /Phase:\s*([A-Za-z]+)/;
const RUNTIME_VERSION = /Runtime Version:\s*([^\s]+)/;
const RUNTIME_ARN = /Runtime Version ARN:\s*([^\s]+)/;
const TIMED_OUT = /Task timed out after\s*([\d.]+)\s*seconds/;
// `<ISO ts> <requestId> Task timed out…` or the invoke response's `RequestId: <id> Error: Task…`.
const TIMEOUT_REQUEST = /(?:RequestId:\s*([^\s]+)\s+Error:\s*|^\d{4}-\S+\s+(\S+)\s+)Task timed out/;

function num(pattern: RegExp, text: string): number | undefined {
  const match = pattern.exec(text);
  if (match?.[1] === undefined) return undefined;
  const value = Number(match[1]);
  return Number.isFinite(value) ? value : undefined;
}

function str(pattern: RegExp, text: string): string | undefined {
  return pattern.exec(text)?.[1];
}

export function parseStartLine(raw: string, text: string): StartLine | undefined {
  const requestId = str(REQUEST_ID, text);
  if (requestId === undefined) return undefined;
  const version = str(VERSION, text);
  return version === undefined ? { kind: 'start', raw, requestId } : { kind: 'start', raw, requestId, version };
}

export function parseEndLine(raw: string, text: string): EndLine | undefined {
  const requestId = str(REQUEST_ID, text);
  return requestId === undefined ? undefined : { kind: 'end', raw, requestId };
}

/**
 * A REPORT line needs its request id and the four always-present numbers; anything less (a line
 * cut by the 4 KB LogResult tail) is left to the caller to show as a plain line.
 */
export function parseReportLine(raw: string, text: string): ReportLine | undefined {
  const requestId = str(REQUEST_ID, text);
  const durationMs = num(DURATION, text);
  const billedDurationMs = num(BILLED, text);
  const memorySizeMb = num(MEMORY_SIZE, text);
  const maxMemoryUsedMb = num(MAX_MEMORY, text);
  if (requestId === undefined || durationMs === undefined || billedDurationMs === undefined || memorySizeMb === undefined || maxMemoryUsedMb === undefined) {
    return undefined;
  }
  const line: ReportLine = { kind: 'report', raw, requestId, durationMs, billedDurationMs, memorySizeMb, maxMemoryUsedMb };
  assignOptional(line, text);
  return line;
}

function assignOptional(line: ReportLine, text: string): void {
  const initDurationMs = num(INIT_DURATION, text);
  if (initDurationMs !== undefined) line.initDurationMs = initDurationMs;
  const restoreDurationMs = text.includes('Restore Duration') ? num(RESTORE_DURATION, text) : undefined;
  if (restoreDurationMs !== undefined) line.restoreDurationMs = restoreDurationMs;
  if (text.includes('XRAY')) {
    const xrayTraceId = str(XRAY_TRACE, text);
    const segmentId = str(SEGMENT_ID, text);
    const sampled = str(SAMPLED, text);
    if (xrayTraceId !== undefined) line.xrayTraceId = xrayTraceId;
    if (segmentId !== undefined) line.segmentId = segmentId;
    if (sampled !== undefined) line.sampled = sampled === 'true';
  }
  const status = text.includes('Status:') ? str(STATUS, text) : undefined;
  if (status !== undefined) line.status = status;
  const errorType = text.includes('Error Type:') ? str(ERROR_TYPE, text) : undefined;
  if (errorType !== undefined) line.errorType = errorType;
}

export function parseInitStartLine(raw: string, text: string): InitStartLine | undefined {
  const runtimeVersion = str(RUNTIME_VERSION, text);
  if (runtimeVersion === undefined) return undefined;
  const line: InitStartLine = { kind: 'initStart', raw, runtimeVersion };
  const arn = str(RUNTIME_ARN, text);
  if (arn !== undefined) line.runtimeVersionArn = arn;
  const phase = str(PHASE, text);
  if (phase !== undefined) line.phase = phase;
  return line;
}

export function parseInitReportLine(raw: string, text: string): InitReportLine {
  const line: InitReportLine = { kind: 'initReport', raw };
  const durationMs = num(INIT_DURATION, text);
  if (durationMs !== undefined) line.durationMs = durationMs;
  const phase = str(PHASE, text);
  if (phase !== undefined) line.phase = phase;
  const status = str(STATUS, text);
  if (status !== undefined) line.status = status;
  const errorType = str(ERROR_TYPE, text);
  if (errorType !== undefined) line.errorType = errorType;
  return line;
}

export function parseTimeoutLine(raw: string, text: string): TimeoutLine | undefined {
  const seconds = num(TIMED_OUT, text);
  if (seconds === undefined) return undefined;
  const line: TimeoutLine = { kind: 'timeout', raw, seconds };
  const match = TIMEOUT_REQUEST.exec(text);
  const requestId = match?.[1] ?? match?.[2];
  if (requestId !== undefined) line.requestId = requestId;
  return line;
}

const KILLED = 'Runtime exited with error: signal: killed';

/**
 * Runtime exits. `signal: killed` is how Lambda reports the sandbox killing the runtime at the
 * memory limit, so it is its own kind; other exits stay `runtimeExit`.
 */
export function parseExitLine(raw: string, text: string): OutOfMemoryLine | RuntimeExitLine | undefined {
  const requestId = str(REQUEST_ID, text);
  const withId = <T extends OutOfMemoryLine | RuntimeExitLine>(line: T): T => (requestId === undefined ? line : { ...line, requestId });
  if (text.includes(KILLED) || text.includes('Runtime.OutOfMemory')) {
    return withId({ kind: 'outOfMemory', raw, reason: firstLine(text) });
  }
  const exited = text.indexOf('Runtime exited');
  if (exited >= 0) {
    return withId({ kind: 'runtimeExit', raw, reason: firstLine(text.slice(exited)), ...(text.includes('Runtime.ExitError') ? { errorType: 'Runtime.ExitError' } : {}) });
  }
  if (text.includes('Process exited before completing request')) {
    return withId({ kind: 'runtimeExit', raw, reason: 'Process exited before completing request' });
  }
  if (text.includes('Runtime.ExitError')) {
    return withId({ kind: 'runtimeExit', raw, reason: firstLine(text), errorType: 'Runtime.ExitError' });
  }
  return undefined;
}

function firstLine(text: string): string {
  const end = text.search(/[\r\n]/);
  return (end < 0 ? text : text.slice(0, end)).trim();
}
