/**
 * What recent traces say about each Lambda function: invocations, errors, duration percentiles,
 * cold starts and the last error. Pure: the host feeds it the traces it already fetched, so a
 * CodeLens never costs an AWS call.
 */
import type { Span, SpanException, Trace } from '../shared/traceModel';

const FUNCTION_ORIGIN = 'AWS::Lambda::Function';
const SERVICE_ORIGIN = 'AWS::Lambda';

/** The exception an invocation failed with, and the span that records it. */
export interface InvocationError {
  type?: string;
  message?: string;
  /** The span whose `cause` holds the exception (the function segment when none names one). */
  spanId: string;
}

/** One run of a function: one function segment (or, without one, one `AWS::Lambda` service segment). */
export interface Invocation {
  /** Deployed function name, from `lambda.functionName` or the ARN. */
  functionName: string;
  traceId: string;
  /** The function segment, or the service segment when the function did not trace itself. */
  spanId: string;
  requestId?: string;
  startEpochMs: number;
  endEpochMs: number;
  /** Function segment duration; undefined when only the service segment was recorded. */
  durationMs?: number;
  coldStart: boolean;
  /** `fault` wins over `error` (a throttle counts as an error: X-Ray sets `error` with it). */
  outcome: 'ok' | 'error' | 'fault';
  error?: InvocationError;
}

export interface LastError {
  type?: string;
  message?: string;
  /** Epoch milliseconds the failing invocation ended. */
  epochMs: number;
  traceId: string;
  spanId: string;
  fault: boolean;
}

export interface DurationStats {
  /** How many invocations had a function segment to measure: the count behind the percentiles. */
  samples: number;
  p50?: number;
  p95?: number;
  p99?: number;
}

export interface FunctionStats {
  functionName: string;
  invocations: number;
  /** Invocations that failed (errors and faults). */
  errors: number;
  /** The part of `errors` that were faults. */
  faults: number;
  coldStarts: number;
  durations: DurationStats;
  lastError?: LastError;
  /** Epoch milliseconds of the newest invocation's start. */
  lastInvocationEpochMs?: number;
}

function childrenOf(span: Span, byId: ReadonlyMap<string, Span>): Span[] {
  return span.childIds.map((id) => byId.get(id)).filter((child): child is Span => child !== undefined);
}

/** The function's name: the enriched `lambda.functionName`, else the segment name (X-Ray names function segments after the function). */
function functionNameOf(span: Span): string {
  return span.lambda?.functionName ?? span.name;
}

function ownException(span: Span): SpanException | undefined {
  const exceptions = span.cause?.exceptions ?? [];
  return exceptions.find((exception) => !exception.remote) ?? exceptions[0];
}

/** The exception of a span, following a cause reference to the span that records it. */
function exceptionOf(span: Span, byId: ReadonlyMap<string, Span>): InvocationError | undefined {
  const own = ownException(span);
  if (own !== undefined) {
    return { ...(own.type === undefined ? {} : { type: own.type }), ...(own.message === undefined ? {} : { message: own.message }), spanId: span.id };
  }
  const referenced = span.cause?.reference?.spanId;
  const owner = referenced === undefined ? undefined : byId.get(referenced);
  return owner === undefined ? undefined : exceptionOf(owner, byId);
}

/**
 * The exception that failed the invocation: on the function segment or its Invocation subsegment
 * first (what the runtime reported), else the first failing descendant that names one.
 */
function invocationError(fn: Span, trace: Trace, byId: ReadonlyMap<string, Span>): InvocationError {
  const invocation = childrenOf(fn, byId).find((child) => child.name === 'Invocation');
  for (const span of [fn, invocation]) {
    const found = span === undefined ? undefined : exceptionOf(span, byId);
    if (found !== undefined) return found;
  }
  // Spans are in pre-order, so the descendants of `fn` follow it until the depth drops back.
  const start = trace.spans.indexOf(fn);
  for (let i = start + 1; i < trace.spans.length; i += 1) {
    const span = trace.spans[i] as Span;
    if (span.depth <= fn.depth) break;
    if (span.error || span.fault) {
      const found = exceptionOf(span, byId);
      if (found !== undefined) return found;
    }
  }
  return { spanId: fn.id };
}

function outcomeOf(spans: readonly (Span | undefined)[]): Invocation['outcome'] {
  if (spans.some((span) => span?.fault === true)) return 'fault';
  return spans.some((span) => span?.error === true) ? 'error' : 'ok';
}

function invocationOf(span: Span, trace: Trace, byId: ReadonlyMap<string, Span>, measured: boolean): Invocation {
  const invocationSpan = childrenOf(span, byId).find((child) => child.name === 'Invocation');
  const outcome = outcomeOf([span, invocationSpan]);
  return {
    functionName: functionNameOf(span),
    traceId: trace.id,
    spanId: span.id,
    ...(span.lambda?.requestId === undefined ? {} : { requestId: span.lambda.requestId }),
    startEpochMs: trace.startEpochMs + span.startMs,
    endEpochMs: trace.startEpochMs + span.endMs,
    ...(measured ? { durationMs: span.durationMs } : {}),
    coldStart: span.coldStart,
    outcome,
    ...(outcome === 'ok' ? {} : { error: invocationError(span, trace, byId) }),
  };
}

/**
 * Every invocation in a trace: one per function segment, plus one per `AWS::Lambda` service
 * segment that has no function segment under it (passive tracing, or a function that never ran).
 * Two segments with the same request id are one invocation.
 */
export function invocationsOf(trace: Trace): Invocation[] {
  const byId = new Map(trace.spans.map((span) => [span.id, span]));
  const out: Invocation[] = [];
  const requestIds = new Set<string>();
  const add = (invocation: Invocation): void => {
    if (invocation.requestId !== undefined) {
      if (requestIds.has(invocation.requestId)) return;
      requestIds.add(invocation.requestId);
    }
    out.push(invocation);
  };
  for (const span of trace.spans) {
    if (span.origin === FUNCTION_ORIGIN) add(invocationOf(span, trace, byId, true));
  }
  for (const span of trace.spans) {
    if (span.origin === SERVICE_ORIGIN && !childrenOf(span, byId).some((child) => child.origin === FUNCTION_ORIGIN)) {
      add(invocationOf(span, trace, byId, false));
    }
  }
  return out;
}

/**
 * Nearest-rank percentile: the smallest measured value with at least `p`% of the values at or
 * below it. Always one of the actual durations (never interpolated), so a lens never shows a
 * duration that no invocation had. `sorted` must be ascending and non-empty.
 */
export function nearestRank(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

function durationStats(invocations: readonly Invocation[]): DurationStats {
  const sorted = invocations.map((item) => item.durationMs).filter((value): value is number => value !== undefined).sort((a, b) => a - b);
  if (sorted.length === 0) return { samples: 0 };
  return { samples: sorted.length, p50: nearestRank(sorted, 50), p95: nearestRank(sorted, 95), p99: nearestRank(sorted, 99) };
}

/** Statistics over invocations of one function (the caller chose which). */
export function summarizeInvocations(functionName: string, invocations: readonly Invocation[]): FunctionStats {
  let errors = 0;
  let faults = 0;
  let coldStarts = 0;
  let last: Invocation | undefined;
  let lastFailure: Invocation | undefined;
  for (const invocation of invocations) {
    if (invocation.coldStart) coldStarts += 1;
    if (last === undefined || invocation.startEpochMs > last.startEpochMs) last = invocation;
    if (invocation.outcome === 'ok') continue;
    errors += 1;
    if (invocation.outcome === 'fault') faults += 1;
    if (lastFailure === undefined || invocation.endEpochMs > lastFailure.endEpochMs) lastFailure = invocation;
  }
  const stats: FunctionStats = { functionName, invocations: invocations.length, errors, faults, coldStarts, durations: durationStats(invocations) };
  if (last !== undefined) stats.lastInvocationEpochMs = last.startEpochMs;
  if (lastFailure !== undefined) stats.lastError = lastErrorOf(lastFailure);
  return stats;
}

function lastErrorOf(invocation: Invocation): LastError {
  const error = invocation.error;
  return {
    ...(error?.type === undefined ? {} : { type: error.type }),
    ...(error?.message === undefined ? {} : { message: error.message }),
    epochMs: invocation.endEpochMs,
    traceId: invocation.traceId,
    spanId: error?.spanId ?? invocation.spanId,
    fault: invocation.outcome === 'fault',
  };
}

/** Statistics per function name over a set of traces (each trace counted once, whatever the order). */
export function functionStatsOf(traces: Iterable<Trace>): Map<string, FunctionStats> {
  const byName = new Map<string, Invocation[]>();
  const seen = new Set<string>();
  for (const trace of traces) {
    if (seen.has(trace.id)) continue;
    seen.add(trace.id);
    for (const invocation of invocationsOf(trace)) {
      const list = byName.get(invocation.functionName) ?? [];
      list.push(invocation);
      byName.set(invocation.functionName, list);
    }
  }
  const out = new Map<string, FunctionStats>();
  for (const [name, invocations] of byName) out.set(name, summarizeInvocations(name, invocations));
  return out;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** `840 ms`, `12.5 ms`, `0.4 ms`, `1.24 s`: three significant digits are enough to compare. */
export function formatDuration(ms: number): string {
  if (ms >= 1000) return `${Number((ms / 1000).toPrecision(3))} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  return `${Number(ms.toPrecision(ms >= 1 ? 3 : 1))} ms`;
}

/** `just now`, `4 min ago`, `3 h ago`, `2 d ago`. */
export function formatAge(epochMs: number, nowMs: number): string {
  const minutes = Math.floor(Math.max(0, nowMs - epochMs) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  return hours < 24 ? `${hours} h ago` : `${Math.floor(hours / 24)} d ago`;
}

/**
 * `12 invocations · 2 errors · p95 840 ms · 3 cold starts · last: TypeError 4 min ago`. Zero
 * errors and zero cold starts are left out (a lens is read at a glance: absent means none);
 * the percentile is left out when no invocation had a function segment to measure.
 */
export function formatLensTitle(stats: FunctionStats, nowMs: number): string {
  const parts = [plural(stats.invocations, 'invocation')];
  if (stats.errors > 0) parts.push(plural(stats.errors, 'error'));
  if (stats.durations.p95 !== undefined) parts.push(`p95 ${formatDuration(stats.durations.p95)}`);
  if (stats.coldStarts > 0) parts.push(plural(stats.coldStarts, 'cold start'));
  const last = stats.lastError;
  if (last !== undefined) parts.push(`last: ${last.type ?? (last.fault ? 'fault' : 'error')} ${formatAge(last.epochMs, nowMs)}`);
  return parts.join(' · ');
}

/** The lens tooltip: every number with the count behind it, and the last error's message. */
export function formatLensTooltip(stats: FunctionStats, nowMs: number): string {
  const lines = [`${stats.functionName}: ${plural(stats.invocations, 'invocation')} in the traces read so far`];
  const rate = (count: number): string => (stats.invocations === 0 ? '' : ` (${Math.round((count / stats.invocations) * 100)}% of ${stats.invocations})`);
  lines.push(`${plural(stats.errors, 'error')}${rate(stats.errors)}${stats.faults > 0 ? `, ${plural(stats.faults, 'fault')}` : ''}`);
  lines.push(`${plural(stats.coldStarts, 'cold start')}${rate(stats.coldStarts)}`);
  const { durations } = stats;
  if (durations.p50 !== undefined && durations.p95 !== undefined && durations.p99 !== undefined) {
    lines.push(`p50 ${formatDuration(durations.p50)} · p95 ${formatDuration(durations.p95)} · p99 ${formatDuration(durations.p99)} (nearest rank over ${plural(durations.samples, 'function segment')})`);
  }
  const last = stats.lastError;
  if (last !== undefined) {
    const what = [last.type, last.message].filter((part) => part !== undefined).join(': ');
    lines.push(`Last ${last.fault ? 'fault' : 'error'} ${formatAge(last.epochMs, nowMs)}${what === '' ? '' : `: ${what}`} (trace ${last.traceId})`);
  }
  return lines.join('\n');
}

/** The X-Ray filter expression for one function's traces; quotes and backslashes are escaped. */
export function functionTracesFilter(functionName: string): string {
  const quoted = functionName.replace(/[\\"]/g, (char) => `\\${char}`);
  return `service(id(name: "${quoted}", type: "${FUNCTION_ORIGIN}"))`;
}
