/**
 * The Logs tab's model of one trace: CloudWatch events parsed, tagged with their function, linked
 * to the span of their invocation by request id, and summarised per invocation. Pure: the host
 * fetches, this decides what each line means; the webview only draws.
 */
import type { LogLineKind, ParsedLogLine } from '../shared/logModel';
import type { TimelineInvocation, TimelineLogLine } from '../shared/timelineLogs';
import { MAX_LOG_LINES } from '../shared/timelineLogs';
import type { Span, Trace } from '../shared/traceModel';
import { formatInvocationResult, summarizeInvocations } from './invocationFacts';
import type { InvocationFacts } from './invocationFacts';
import { parseLambdaLogLine } from './lambdaLogParser';
import type { TraceInvocation } from './traceLogQuery';

/** A fetched event (structurally `aws/traceLogs.ts` `TraceLogLine`; core does not import aws). */
export interface RawTraceLogLine {
  timestamp: number;
  message: string;
  logGroup: string;
  logStream?: string;
}

export interface TraceLogViewOptions {
  /** The function's configured timeout, when known (its configuration). */
  timeoutMsOf?: (functionName: string) => number | undefined;
  maxLines?: number;
}

export interface TraceLogView {
  lines: TimelineLogLine[];
  invocations: TimelineInvocation[];
  /** More lines than `maxLines` were given. */
  truncated: boolean;
}

const PLATFORM_KINDS = new Set<LogLineKind>(['start', 'end', 'report', 'initStart', 'initReport', 'platformJson']);

/** True for the runtime's own START/END/REPORT/INIT lines, which the tab dims. */
export function isPlatformKind(kind: LogLineKind): boolean {
  return PLATFORM_KINDS.has(kind);
}

/**
 * The span lines of an invocation link to: its `AWS::Lambda::Function` segment (the code's own
 * spans hang below it), else the first span with the request id (the `AWS::Lambda` segment).
 */
export function invocationSpanId(invocation: TraceInvocation, spans: ReadonlyMap<string, Span>): string | undefined {
  const functionSpan = invocation.spanIds.find((id) => spans.get(id)?.origin === 'AWS::Lambda::Function');
  return functionSpan ?? invocation.spanIds[0];
}

/** The function of a group Lambda names itself (`/aws/lambda/<name>`), else the group. */
function functionOfGroup(group: string): string {
  return group.startsWith('/aws/lambda/') ? group.slice('/aws/lambda/'.length) : group;
}

/**
 * Request ids of lines that carry none (INIT lines, runtime lines without the prefix): the
 * nearest earlier line of the same log stream, else the next one. One stream runs one
 * invocation at a time, so its neighbours belong to the same invocation.
 */
function fillRequestIds(parsed: readonly ParsedLogLine[], raw: readonly RawTraceLogLine[]): (string | undefined)[] {
  const ids: (string | undefined)[] = parsed.map((line) => line.requestId);
  const fill = (order: number[]): void => {
    const last = new Map<string, string>();
    for (const i of order) {
      const stream = raw[i]?.logStream;
      if (stream === undefined) continue;
      const id = ids[i];
      if (id !== undefined) last.set(stream, id);
      else if (last.has(stream) && parsed[i]?.kind !== 'initStart') ids[i] = last.get(stream);
    }
  };
  const forward = raw.map((_, i) => i);
  fill(forward);
  fill([...forward].reverse());
  return ids;
}

function shownMessage(line: ParsedLogLine): string {
  switch (line.kind) {
    case 'report':
      return reportSummary(line);
    case 'app':
      return line.message;
    case 'invokeError':
      return `Invoke Error · ${line.errorType}: ${line.errorMessage}`;
    default:
      return line.raw.trimEnd();
  }
}

/** `REPORT 182 ms (billed 183 ms) · 71/256 MB · init 230 ms`. */
export function reportSummary(line: Extract<ParsedLogLine, { kind: 'report' }>): string {
  const parts = [`REPORT ${line.durationMs} ms (billed ${line.billedDurationMs} ms)`, `${line.maxMemoryUsedMb}/${line.memorySizeMb} MB`];
  if (line.initDurationMs !== undefined) parts.push(`init ${line.initDurationMs} ms`);
  if (line.restoreDurationMs !== undefined) parts.push(`restore ${line.restoreDurationMs} ms`);
  if (line.status !== undefined && line.status !== 'success') parts.push(line.status);
  return parts.join(' · ');
}

function toLine(parsed: ParsedLogLine, raw: RawTraceLogLine, requestId: string | undefined, functionName: string, spanId: string | undefined): TimelineLogLine {
  const message = shownMessage(parsed);
  const line: TimelineLogLine = { timestamp: raw.timestamp, functionName, logGroup: raw.logGroup, kind: parsed.kind, message };
  if (raw.logStream !== undefined) line.logStream = raw.logStream;
  if (requestId !== undefined) line.requestId = requestId;
  if (spanId !== undefined) line.spanId = spanId;
  if (parsed.kind === 'app') line.level = parsed.level;
  else if (parsed.kind === 'invokeError' || parsed.kind === 'timeout' || parsed.kind === 'outOfMemory' || parsed.kind === 'runtimeExit') line.level = 'error';
  const rawText = raw.message.trimEnd();
  if (rawText !== message) line.raw = rawText;
  if ((parsed.kind === 'app' && parsed.json !== undefined) || parsed.kind === 'invokeError') line.json = rawText.includes('{');
  const stack = parsed.kind === 'invokeError' ? parsed.stack : undefined;
  if ((parsed.kind === 'invokeError' && parsed.frames.length > 0) || (parsed.kind === 'app' && parsed.stack !== undefined)) line.frames = true;
  if (stack !== undefined && stack.length > 0) line.stack = stack;
  return line;
}

/** Parses, links and caps the lines of a trace, and summarises its invocations. */
export function buildTraceLogView(trace: Trace, invocations: readonly TraceInvocation[], rawLines: readonly RawTraceLogLine[], options: TraceLogViewOptions = {}): TraceLogView {
  const spans = new Map(trace.spans.map((span) => [span.id, span] as const));
  const byRequest = new Map(invocations.map((invocation) => [invocation.requestId, invocation] as const));
  const sorted = [...rawLines].sort((a, b) => a.timestamp - b.timestamp);
  const max = Math.max(0, options.maxLines ?? MAX_LOG_LINES);
  const parsed = sorted.map((raw) => parseLambdaLogLine(raw.message, { timestamp: raw.timestamp }));
  const requestIds = fillRequestIds(parsed, sorted);
  const lines = parsed.slice(0, max).map((line, i) => {
    const raw = sorted[i] as RawTraceLogLine;
    const requestId = requestIds[i];
    const invocation = requestId !== undefined ? byRequest.get(requestId) : undefined;
    const spanId = invocation !== undefined ? invocationSpanId(invocation, spans) : undefined;
    return toLine(line, raw, requestId, invocation?.functionName ?? functionOfGroup(raw.logGroup), spanId);
  });
  // Facts come from every line, not just the shown ones: REPORT is the last line of an invocation.
  const withIds = parsed.map((line, i) => (line.requestId === undefined && requestIds[i] !== undefined ? { ...line, requestId: requestIds[i] } : line));
  const facts = summarizeInvocations(withIds as ParsedLogLine[], {
    timeoutMs: (requestId) => {
      const name = byRequest.get(requestId)?.functionName;
      return name !== undefined ? options.timeoutMsOf?.(name) : undefined;
    },
  });
  return { lines, invocations: summaries(facts, byRequest, spans, sorted, parsed), truncated: parsed.length > max };
}

function summaries(facts: readonly InvocationFacts[], byRequest: ReadonlyMap<string, TraceInvocation>, spans: ReadonlyMap<string, Span>, raw: readonly RawTraceLogLine[], parsed: readonly ParsedLogLine[]): TimelineInvocation[] {
  return facts.map((fact) => {
    const invocation = byRequest.get(fact.requestId);
    const groupIndex = parsed.findIndex((line) => line.requestId === fact.requestId);
    const functionName = invocation?.functionName ?? functionOfGroup(raw[groupIndex]?.logGroup ?? '');
    const summary: TimelineInvocation = {
      requestId: fact.requestId,
      functionName,
      spanIds: invocation?.spanIds ?? [],
      coldStart: fact.coldStart,
      verdict: fact.verdict,
      // `now` as NaN leaves out "… ago": these are a trace's lines, not a live result.
      summary: formatInvocationResult(fact, Number.NaN),
    };
    const spanId = invocation !== undefined ? invocationSpanId(invocation, spans) : undefined;
    if (spanId !== undefined) summary.spanId = spanId;
    if (fact.durationMs !== undefined) summary.durationMs = fact.durationMs;
    if (fact.billedDurationMs !== undefined) summary.billedDurationMs = fact.billedDurationMs;
    if (fact.maxMemoryUsedMb !== undefined) summary.memoryUsedMb = fact.maxMemoryUsedMb;
    if (fact.memorySizeMb !== undefined) summary.memorySizeMb = fact.memorySizeMb;
    if (fact.timeoutMs !== undefined) summary.timeoutMs = fact.timeoutMs;
    else if (fact.timedOutAfterSeconds !== undefined) summary.timeoutMs = fact.timedOutAfterSeconds * 1000;
    if (fact.initDurationMs !== undefined) summary.initDurationMs = fact.initDurationMs;
    return summary;
  });
}
