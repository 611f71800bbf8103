/**
 * What the tail makes of each parsed line before anyone sees it: the request id of lines that
 * carry none (from the previous line of the same log stream: a stream runs one invocation at a
 * time), the trace id of each request (REPORT's `XRAY TraceId`, a platform record's tracing
 * header, Powertools `xray_trace_id`), and the row the tail view shows. Pure and bounded: a tail
 * runs for hours.
 */
import type { ParsedLogLine } from '../shared/logModel';
import type { TailViewLine } from '../shared/tailMessages';
import { traceIdsIn } from './lambdaLogParser';
import { isPlatformKind, reportSummary } from './traceLogView';

/** A tailed log event, parsed (the host's `TailLine` adds when it arrived). */
export interface TailLineInput {
  /** Increasing within a session; identifies the line for `revealLine`. */
  seq: number;
  /** Epoch ms of the event. */
  timestamp: number;
  logGroupName: string;
  logStream: string;
  /** The tailed function whose log group this is, when known. */
  functionName?: string;
  parsed: ParsedLogLine;
}

/** Remembered requests and streams; the oldest are forgotten first. */
const MAX_REQUESTS = 20_000;
const MAX_STREAMS = 2_000;

function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done !== true) map.delete(oldest.value);
  }
}

/** Request ids by log stream and trace ids by request, over one tail session. */
export class TailRequestIndex {
  private readonly lastRequestOfStream = new Map<string, string>();
  private readonly traceOfRequest = new Map<string, string>();

  /**
   * Notes what the line tells and gives the line's request id: its own, else the stream's current
   * request (not for INIT_START, which precedes the next request). Sets `parsed.requestId` so
   * every consumer sees the same id.
   */
  observe(line: TailLineInput): string | undefined {
    const streamKey = `${line.logGroupName}\u0000${line.logStream}`;
    const parsed = line.parsed;
    let requestId = parsed.requestId !== undefined && parsed.requestId !== '' ? parsed.requestId : undefined;
    if (requestId !== undefined) {
      remember(this.lastRequestOfStream, streamKey, requestId, MAX_STREAMS);
    } else if (parsed.kind !== 'initStart') {
      requestId = this.lastRequestOfStream.get(streamKey);
      if (requestId !== undefined) parsed.requestId = requestId;
    }
    if (requestId !== undefined) {
      const traceId = traceIdsIn(parsed)[0];
      if (traceId !== undefined) remember(this.traceOfRequest, requestId, traceId, MAX_REQUESTS);
    }
    return requestId;
  }

  /** The X-Ray trace id of a request, once one of its lines named it. */
  traceIdOf(requestId: string): string | undefined {
    return this.traceOfRequest.get(requestId);
  }

  clear(): void {
    this.lastRequestOfStream.clear();
    this.traceOfRequest.clear();
  }
}

/** Stack lines of a line, as printed: what `framesOfLogStack` parses on both sides. */
export function stackLinesOf(parsed: ParsedLogLine): string[] | undefined {
  if (parsed.kind === 'invokeError') return parsed.stack.length > 0 ? parsed.stack : undefined;
  if (parsed.kind === 'app' && parsed.stack !== undefined && parsed.stack.length > 0) {
    return parsed.message.split(/\r\n|\r|\n/).filter((text) => text.trim() !== '');
  }
  return undefined;
}

function shown(parsed: ParsedLogLine): string {
  switch (parsed.kind) {
    case 'report':
      return reportSummary(parsed);
    case 'start':
      return `START${parsed.version !== undefined ? ` · version ${parsed.version}` : ''}`;
    case 'end':
      return 'END';
    case 'app':
      return parsed.message;
    case 'invokeError':
      return `Invoke Error · ${parsed.errorType}: ${parsed.errorMessage}`;
    case 'platformJson':
      return platformSummary(parsed);
    default:
      return parsed.raw.trimEnd();
  }
}

/** `platform.report 182 ms (billed 183 ms) · 71/256 MB · init 230 ms`, other records as written. */
function platformSummary(parsed: Extract<ParsedLogLine, { kind: 'platformJson' }>): string {
  if (parsed.event !== 'report' || parsed.durationMs === undefined) return parsed.raw.trimEnd();
  const parts = [`REPORT ${parsed.durationMs} ms${parsed.billedDurationMs !== undefined ? ` (billed ${parsed.billedDurationMs} ms)` : ''}`];
  if (parsed.maxMemoryUsedMb !== undefined && parsed.memorySizeMb !== undefined) parts.push(`${parsed.maxMemoryUsedMb}/${parsed.memorySizeMb} MB`);
  if (parsed.initDurationMs !== undefined) parts.push(`init ${parsed.initDurationMs} ms`);
  if (parsed.status !== undefined && parsed.status !== 'success') parts.push(parsed.status);
  return parts.join(' · ');
}

function levelOf(parsed: ParsedLogLine): TailViewLine['level'] {
  if (parsed.kind === 'app') return parsed.level;
  if (parsed.kind === 'invokeError' || parsed.kind === 'timeout' || parsed.kind === 'outOfMemory' || parsed.kind === 'runtimeExit') return 'error';
  if ((parsed.kind === 'report' || parsed.kind === 'platformJson') && parsed.status !== undefined && parsed.status !== 'success') return 'error';
  return undefined;
}

function isColdStart(parsed: ParsedLogLine): boolean {
  if (parsed.kind === 'report' || (parsed.kind === 'platformJson' && parsed.event === 'report')) {
    return parsed.initDurationMs !== undefined || parsed.restoreDurationMs !== undefined;
  }
  return false;
}

/** The row of the tail view for one line (the function tag falls back to the group's name). */
export function toTailViewLine(line: TailLineInput): TailViewLine {
  const parsed = line.parsed;
  const message = shown(parsed);
  const view: TailViewLine = { seq: line.seq, timestamp: line.timestamp, fn: line.functionName ?? shortGroupName(line.logGroupName), kind: parsed.kind, message };
  const level = levelOf(parsed);
  if (level !== undefined) view.level = level;
  const raw = parsed.raw.trimEnd();
  if (raw !== message) view.raw = raw;
  if (parsed.requestId !== undefined && parsed.requestId !== '') view.requestId = parsed.requestId;
  const stack = stackLinesOf(parsed);
  if (stack !== undefined) view.stack = stack;
  if ((parsed.kind === 'app' && parsed.json !== undefined) || parsed.kind === 'invokeError') view.json = raw.includes('{');
  if (isColdStart(parsed)) view.coldStart = true;
  return view;
}

/** `/aws/lambda/orders` → `orders`; a custom group stays as it is. */
export function shortGroupName(group: string): string {
  return group.startsWith('/aws/lambda/') ? group.slice('/aws/lambda/'.length) : group;
}

/** True for the runtime's START/END/REPORT/INIT lines (dimmed in the view). */
export function isPlatformLine(line: Pick<TailViewLine, 'kind'>): boolean {
  return isPlatformKind(line.kind);
}
