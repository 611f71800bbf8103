/**
 * Reading one OTLP span for the X-Ray mapping (`otlpToXray.ts`): the span with its resource, its
 * attributes looked up by their old and current semantic-convention names (span first, then
 * resource), times in seconds, and what kind of X-Ray document it becomes (segment or
 * subsegment, Lambda function or not). Pure.
 */
import { SPAN_KIND } from './otlpTypes';
import type { OtlpAttributes, OtlpSpan, OtlpValue } from './otlpTypes';

/** An X-Ray segment document (or a block of one) as it is being built. */
export type XRayDocument = Record<string, unknown>;

export const ZERO_SPAN_ID = /^0{16}$/;
export const SPAN_ID = /^[0-9a-f]{16}$/;
/** `Span.flags` bits 8 and 9: whether the parent is known to be remote, and whether it is. */
const FLAG_HAS_IS_REMOTE = 0x100;
const FLAG_IS_REMOTE = 0x200;

/** One span and the attributes of the resource that sent it. */
export interface SpanContext {
  span: OtlpSpan;
  resource: OtlpAttributes;
}

export function attr(context: SpanContext, ...keys: string[]): OtlpValue | undefined {
  for (const key of keys) {
    if (Object.hasOwn(context.span.attributes, key)) {
      const value = context.span.attributes[key];
      if (value !== null && value !== undefined && value !== '') return value;
    }
  }
  for (const key of keys) {
    if (Object.hasOwn(context.resource, key)) {
      const value = context.resource[key];
      if (value !== null && value !== undefined && value !== '') return value;
    }
  }
  return undefined;
}

export function text(context: SpanContext, ...keys: string[]): string | undefined {
  const value = attr(context, ...keys);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function numberOf(context: SpanContext, ...keys: string[]): number | undefined {
  const value = attr(context, ...keys);
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

export function stringList(context: SpanContext, key: string): string[] | undefined {
  const value = attr(context, key);
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return undefined;
  const strings = value.filter((item): item is string => typeof item === 'string' && item !== '');
  return strings.length > 0 ? strings : undefined;
}

export function serviceName(context: SpanContext): string | undefined {
  const name = typeof context.resource['service.name'] === 'string' ? (context.resource['service.name'] as string) : undefined;
  // The SDK's fallback `unknown_service:node` names nothing; the span name says more.
  return name === undefined || name === '' || name.startsWith('unknown_service') ? undefined : name;
}

export function seconds(nanos: number): number {
  return nanos / 1e9;
}

export function hasParent(span: OtlpSpan): boolean {
  return span.parentSpanId !== undefined && SPAN_ID.test(span.parentSpanId) && !ZERO_SPAN_ID.test(span.parentSpanId);
}

export function remoteParent(span: OtlpSpan): boolean {
  const flags = span.flags ?? 0;
  return (flags & FLAG_HAS_IS_REMOTE) !== 0 && (flags & FLAG_IS_REMOTE) !== 0;
}

export function isSegmentSpan(span: OtlpSpan): boolean {
  return span.kind === SPAN_KIND.server || span.kind === SPAN_KIND.consumer || !hasParent(span) || remoteParent(span);
}

export function isLambdaResource(context: SpanContext): boolean {
  return context.resource['cloud.platform'] === 'aws_lambda' || (typeof context.resource['faas.name'] === 'string' && context.resource['cloud.provider'] === 'aws');
}

export function isFunctionSpan(context: SpanContext): boolean {
  const spanAttrs = context.span.attributes;
  if (['faas.invocation_id', 'faas.execution', 'faas.trigger', 'faas.coldstart'].some((key) => Object.hasOwn(spanAttrs, key))) return true;
  return isLambdaResource(context) && (!hasParent(context.span) || remoteParent(context.span));
}
