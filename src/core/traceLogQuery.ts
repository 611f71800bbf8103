/**
 * What to ask CloudWatch Logs for the logs of one trace: the Lambda invocations the trace touched
 * and a query plan (Logs Insights queries over ≤ 50 groups each, and the FilterLogEvents patterns
 * used when Insights is not available). Pure: no SDK, no I/O. Every id that goes into a query
 * string is checked against its shape first, then quoted, so trace content cannot change a query.
 */
import type { Span, Trace } from '../shared/traceModel';
import { isXrayTraceId, xrayToW3c } from './traceIds';

/** One Lambda invocation seen in the trace (spans sharing a request id are merged). */
export interface TraceInvocation {
  requestId: string;
  functionName: string;
  /** Where its lines are: the groups the producer recorded, else the function's group. */
  logGroups: string[];
  /** Epoch milliseconds, from the earliest to the latest span of this request id. */
  startEpochMs: number;
  endEpochMs: number;
  /** Spans of this invocation (the `AWS::Lambda` and `AWS::Lambda::Function` segments). */
  spanIds: string[];
}

export interface InsightsQueryPlan {
  /** At most `MAX_GROUPS_PER_QUERY`. */
  logGroupNames: string[];
  /** Epoch SECONDS, inclusive (StartQuery's unit). */
  startTime: number;
  endTime: number;
  queryString: string;
  limit: number;
}

export interface FilterLogEventsPlan {
  logGroupName: string;
  /** Epoch MILLISECONDS, inclusive (FilterLogEvents' unit). */
  startTime: number;
  endTime: number;
  /** `?"<requestId>" … ?"<traceId>"`: any of the invocation's ids or the trace id. */
  filterPattern: string;
}

export interface TraceLogPlan {
  traceId: string;
  w3cTraceId?: string;
  invocations: TraceInvocation[];
  /** Distinct groups, in order of first invocation. */
  logGroups: string[];
  /** The trace's window plus the margin, epoch milliseconds. */
  windowStartMs: number;
  windowEndMs: number;
  insights: InsightsQueryPlan[];
  filterLogEvents: FilterLogEventsPlan[];
  /** Cap on lines for the whole trace (Insights' 10,000-row page limit). */
  lineLimit: number;
  /** Ids or group names dropped because their shape was not one AWS produces. */
  rejected: string[];
}

export interface TraceLogPlanOptions {
  /** Added before and after the trace's window; default `DEFAULT_MARGIN_MS`. */
  marginMs?: number;
  /** Default and maximum 10,000. */
  lineLimit?: number;
  /** Resolved log group of a function (custom logging config); else `/aws/lambda/<name>`. */
  logGroupOf?: (functionName: string) => string | undefined;
}

/**
 * One minute each side. Lines of an invocation fall outside its segment times: the INIT phase
 * (up to 10 s) logs before the invoke segment starts, REPORT and extension lines come after it
 * ends, and X-Ray and CloudWatch timestamps come from different clocks. A minute covers these
 * while keeping the scanned bytes (what Insights bills) to a couple of minutes per group.
 */
export const DEFAULT_MARGIN_MS = 60_000;
export const MAX_GROUPS_PER_QUERY = 50;
export const MAX_QUERY_ROWS = 10_000;

// Lambda request ids are UUIDs; other producers use short tokens. No quotes, spaces or pipes.
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
// CloudWatch's own rule for log group names.
const LOG_GROUP = /^[A-Za-z0-9._/#-]{1,512}$/;
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,140}$/;
const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]{1,140})(?::[A-Za-z0-9$_-]+)?$/;

export function isQueryableRequestId(id: string): boolean {
  return REQUEST_ID.test(id);
}

export function isValidLogGroupName(name: string): boolean {
  return LOG_GROUP.test(name);
}

/** The bare function name of a name or (qualified) function ARN; undefined when neither. */
export function functionNameOf(nameOrArn: string): string | undefined {
  const trimmed = nameOrArn.trim();
  if (FUNCTION_NAME.test(trimmed)) return trimmed;
  return FUNCTION_ARN.exec(trimmed)?.[1];
}

/** The group Lambda writes to when the function has no custom logging configuration. */
export function defaultLogGroupName(functionName: string): string {
  return `/aws/lambda/${functionNameOf(functionName) ?? functionName}`;
}

/** A double-quoted Insights string literal: backslashes and quotes escaped. */
export function insightsStringLiteral(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A quoted filter-pattern term. Quotes cannot be escaped in that syntax, so they are dropped. */
function patternTerm(value: string): string {
  return `?"${value.replace(/"/g, '')}"`;
}

function functionOfSpan(span: Span): string | undefined {
  const lambda = span.lambda;
  const candidates = [lambda?.functionName, lambda?.functionArn, span.resourceArn];
  for (const candidate of candidates) {
    const name = candidate !== undefined ? functionNameOf(candidate) : undefined;
    if (name !== undefined) return name;
  }
  return undefined;
}

/**
 * The Lambda invocations of a trace, in order of start. Spans without a request id or a
 * function name cannot be looked up and are skipped; ids of the wrong shape go to `rejected`.
 */
export function invocationsOfTrace(trace: Trace, options: Pick<TraceLogPlanOptions, 'logGroupOf'> = {}, rejected: string[] = []): TraceInvocation[] {
  const byRequest = new Map<string, TraceInvocation>();
  for (const span of trace.spans) {
    const requestId = span.lambda?.requestId?.trim();
    const functionName = functionOfSpan(span);
    if (requestId === undefined || requestId === '' || functionName === undefined) continue;
    if (!isQueryableRequestId(requestId)) {
      rejected.push(requestId);
      continue;
    }
    const start = trace.startEpochMs + span.startMs;
    const end = trace.startEpochMs + span.endMs;
    const known = byRequest.get(requestId);
    if (known) {
      known.startEpochMs = Math.min(known.startEpochMs, start);
      known.endEpochMs = Math.max(known.endEpochMs, end);
      known.spanIds.push(span.id);
      addGroups(known.logGroups, span.lambda?.logGroups ?? [], rejected);
      continue;
    }
    const groups: string[] = [];
    addGroups(groups, span.lambda?.logGroups ?? [], rejected);
    byRequest.set(requestId, { requestId, functionName, logGroups: groups, startEpochMs: start, endEpochMs: end, spanIds: [span.id] });
  }
  const invocations = [...byRequest.values()].sort((a, b) => a.startEpochMs - b.startEpochMs);
  for (const invocation of invocations) {
    if (invocation.logGroups.length > 0) continue;
    const resolved = options.logGroupOf?.(invocation.functionName);
    const group = resolved !== undefined && isValidLogGroupName(resolved) ? resolved : defaultLogGroupName(invocation.functionName);
    invocation.logGroups.push(group);
  }
  return invocations;
}

function addGroups(into: string[], groups: readonly string[], rejected: string[]): void {
  for (const group of groups) {
    if (!isValidLogGroupName(group)) rejected.push(group);
    else if (!into.includes(group)) into.push(group);
  }
}

/** `fields … | filter @requestId in [...] or @message like "<id>" … | sort | limit`. */
export function insightsQueryString(requestIds: readonly string[], traceIds: readonly string[], limit: number): string {
  const terms: string[] = [];
  if (requestIds.length > 0) terms.push(`@requestId in [${requestIds.map(insightsStringLiteral).join(', ')}]`);
  for (const id of traceIds) terms.push(`@message like ${insightsStringLiteral(id)}`);
  return [
    'fields @timestamp, @message, @logStream, @log, @requestId',
    `filter ${terms.join(' or ')}`,
    'sort @timestamp asc',
    `limit ${limit}`,
  ].join(' | ');
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The plan for the logs of `trace`. The Insights window is the whole trace's (one query serves
 * all groups of a chunk); FilterLogEvents gets each group's own invocations' window, which scans
 * less. Request ids of every invocation go in every query: a retried invocation can log into a
 * group the trace recorded for another span.
 */
export function planTraceLogQuery(trace: Trace, options: TraceLogPlanOptions = {}): TraceLogPlan {
  const margin = Math.max(0, options.marginMs ?? DEFAULT_MARGIN_MS);
  const lineLimit = Math.min(MAX_QUERY_ROWS, Math.max(1, Math.floor(options.lineLimit ?? MAX_QUERY_ROWS)));
  const rejected: string[] = [];
  const invocations = invocationsOfTrace(trace, options, rejected);
  const traceId = trace.id.trim().toLowerCase();
  const validTrace = isXrayTraceId(traceId);
  if (!validTrace && traceId !== '') rejected.push(trace.id);
  const w3cTraceId = validTrace ? xrayToW3c(traceId) : undefined;
  const traceIds = validTrace ? [traceId, ...(w3cTraceId !== undefined ? [w3cTraceId] : [])] : [];
  const requestIds = invocations.map((invocation) => invocation.requestId);
  const logGroups = [...new Set(invocations.flatMap((invocation) => invocation.logGroups))];
  const windowStartMs = Math.min(trace.startEpochMs, ...invocations.map((i) => i.startEpochMs)) - margin;
  const windowEndMs = Math.max(trace.startEpochMs + trace.durationMs, ...invocations.map((i) => i.endEpochMs)) + margin;
  const plan: TraceLogPlan = {
    traceId,
    invocations,
    logGroups,
    windowStartMs,
    windowEndMs,
    insights: [],
    filterLogEvents: [],
    lineLimit,
    rejected,
  };
  if (w3cTraceId !== undefined) plan.w3cTraceId = w3cTraceId;
  if (logGroups.length === 0 || (requestIds.length === 0 && traceIds.length === 0)) return plan;
  const queryString = insightsQueryString(requestIds, traceIds, lineLimit);
  plan.insights = chunk(logGroups, MAX_GROUPS_PER_QUERY).map((groups) => ({
    logGroupNames: groups,
    // Inclusive seconds: round outwards so the first and last millisecond stay inside.
    startTime: Math.floor(windowStartMs / 1000),
    endTime: Math.ceil(windowEndMs / 1000),
    queryString,
    limit: lineLimit,
  }));
  plan.filterLogEvents = logGroups.map((group) => filterPlanOf(group, invocations, traceIds, margin));
  return plan;
}

function filterPlanOf(group: string, invocations: readonly TraceInvocation[], traceIds: readonly string[], margin: number): FilterLogEventsPlan {
  const own = invocations.filter((invocation) => invocation.logGroups.includes(group));
  const ids = [...own.map((invocation) => invocation.requestId), ...traceIds];
  return {
    logGroupName: group,
    startTime: Math.floor(Math.min(...own.map((i) => i.startEpochMs)) - margin),
    endTime: Math.ceil(Math.max(...own.map((i) => i.endEpochMs)) + margin),
    filterPattern: ids.map(patternTerm).join(' '),
  };
}
