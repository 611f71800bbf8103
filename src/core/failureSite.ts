/**
 * From a failing span of a trace to what jump-to-source needs: the exceptions to resolve (the
 * span's own, or those of the span its cause refers to), the Lambda function that ran the code,
 * and the invocation (request id, log groups, time window) whose logs hold the stack with
 * columns. Pure: reads the `Trace` only.
 */
import type { Span, SpanException, Trace } from '../shared/traceModel';

export interface FailureExceptions {
  /** The span that records the exceptions (the asked-for span, or the one its cause refers to). */
  span: Span;
  exceptions: SpanException[];
}

export interface InvocationInfo {
  /** ARN or name to look the function up with, best first. */
  functionKeys: string[];
  functionName?: string;
  /** `aws.request_id` of the `AWS::Lambda` service segment. */
  requestId?: string;
  logGroups: string[];
  /** Epoch milliseconds of the invocation (the Lambda segments), or of the span. */
  startEpochMs: number;
  endEpochMs: number;
}

const LAMBDA_ORIGINS = new Set(['AWS::Lambda', 'AWS::Lambda::Function']);

function byId(trace: Trace): Map<string, Span> {
  return new Map(trace.spans.map((span) => [span.id, span]));
}

/** True when a span failed or records an exception that "Go to source" can follow. */
export function isFailingSpan(span: Span): boolean {
  return span.error || span.fault || (span.cause?.exceptions.length ?? 0) > 0 || span.cause?.reference?.spanId !== undefined;
}

/**
 * The exceptions behind `spanId`: its own; else those of the span its cause refers to; else the
 * nearest descendant's (a function segment fails because its `Invocation` subsegment threw).
 */
export function failureExceptions(trace: Trace, spanId: string): FailureExceptions | undefined {
  const spans = byId(trace);
  const span = spans.get(spanId);
  if (!span) return undefined;
  if ((span.cause?.exceptions.length ?? 0) > 0) return { span, exceptions: span.cause?.exceptions ?? [] };
  const referenced = span.cause?.reference?.spanId;
  const target = referenced !== undefined ? spans.get(referenced) : undefined;
  if (target && target.cause && target.cause.exceptions.length > 0) return { span: target, exceptions: target.cause.exceptions };
  return descendantWithExceptions(span, spans);
}

function descendantWithExceptions(root: Span, spans: Map<string, Span>): FailureExceptions | undefined {
  const queue = [...root.childIds];
  // Breadth first: the closest recorded exception is the one this span failed with.
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const child = spans.get(next);
    if (!child) continue;
    if (child.cause && child.cause.exceptions.length > 0) return { span: child, exceptions: child.cause.exceptions };
    queue.push(...child.childIds);
  }
  return undefined;
}

/**
 * The span "Go to source" opens when none is named: the first (pre-order) failing span whose
 * exceptions carry a stack, else the first with any exception, else the first failing span.
 */
export function firstFailingSpan(trace: Trace): Span | undefined {
  const withStack = trace.spans.find((span) => span.cause?.exceptions.some((exception) => exception.stack.length > 0));
  if (withStack) return withStack;
  return trace.spans.find((span) => (span.cause?.exceptions.length ?? 0) > 0) ?? trace.spans.find(isFailingSpan);
}

/** The span and its ancestors, innermost first. */
function ancestry(span: Span, spans: Map<string, Span>): Span[] {
  const chain: Span[] = [];
  const seen = new Set<string>();
  for (let current: Span | undefined = span; current && !seen.has(current.id); current = current.parentId !== undefined ? spans.get(current.parentId) : undefined) {
    seen.add(current.id);
    chain.push(current);
  }
  return chain;
}

/** The Lambda function and invocation a span ran in, from the span up to the Lambda segments. */
export function invocationOf(trace: Trace, spanId: string): InvocationInfo | undefined {
  const spans = byId(trace);
  const span = spans.get(spanId);
  if (!span) return undefined;
  const chain = ancestry(span, spans);
  const functionSpan = chain.find((s) => s.origin === 'AWS::Lambda::Function') ?? chain.find((s) => s.lambda?.functionArn !== undefined || s.lambda?.functionName !== undefined);
  const functionName = chain.map((s) => s.lambda?.functionName).find((name) => name !== undefined) ?? (functionSpan?.origin === 'AWS::Lambda::Function' ? functionSpan.name : undefined);
  const service = chain.find((s) => s.origin === 'AWS::Lambda') ?? serviceSegmentFor(trace, functionSpan, functionName);
  const keys = [...chain.map((s) => s.lambda?.functionArn), ...chain.map((s) => s.resourceArn), functionName].filter(isFunctionKey);
  const lambdaSpans = [functionSpan, service].filter((s): s is Span => s !== undefined && LAMBDA_ORIGINS.has(s.origin ?? ''));
  const window = lambdaSpans.length > 0 ? lambdaSpans : [span];
  const logGroups = [...new Set([...lambdaSpans, ...chain].flatMap((s) => s.lambda?.logGroups ?? []))];
  const info: InvocationInfo = {
    functionKeys: [...new Set(keys)],
    logGroups,
    startEpochMs: trace.startEpochMs + Math.min(...window.map((s) => s.startMs)),
    endEpochMs: trace.startEpochMs + Math.max(...window.map((s) => s.endMs)),
  };
  if (functionName !== undefined) info.functionName = functionName;
  const requestId = service?.lambda?.requestId ?? chain.map((s) => s.lambda?.requestId).find((id) => id !== undefined);
  if (requestId !== undefined) info.requestId = requestId;
  return info;
}

/** The `AWS::Lambda` segment of the same function when it is not an ancestor (orphaned parent ids). */
function serviceSegmentFor(trace: Trace, functionSpan: Span | undefined, functionName: string | undefined): Span | undefined {
  if (functionSpan?.parentId !== undefined) {
    const parent = trace.spans.find((s) => s.id === functionSpan.parentId);
    if (parent?.origin === 'AWS::Lambda') return parent;
  }
  if (functionName === undefined) return undefined;
  const candidates = trace.spans.filter((s) => s.origin === 'AWS::Lambda' && s.lambda?.functionName === functionName);
  // Several invocations of one function in a trace: only an unambiguous one is safe to use.
  return candidates.length === 1 ? candidates[0] : undefined;
}

function isFunctionKey(value: string | undefined): value is string {
  return value !== undefined && value !== '' && (!value.startsWith('arn:') || value.includes(':function:'));
}

/** `/aws/lambda/<name>` unless the producer or the template said otherwise. */
export function logGroupCandidates(info: InvocationInfo, templateLogGroup?: string): string[] {
  const groups = [...info.logGroups];
  if (templateLogGroup !== undefined) groups.push(templateLogGroup);
  if (info.functionName !== undefined) groups.push(`/aws/lambda/${info.functionName}`);
  return [...new Set(groups)];
}
