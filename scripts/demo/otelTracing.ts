/**
 * The ADOT Lambda wrapper's side of OpenTelemetry tracing: one SERVER span per invocation named
 * after the function, with the FaaS attributes (`faas.invocation_id`, `faas.coldstart`,
 * `faas.trigger`, `cloud.resource_id`) and, for an SQS batch, one span link per message's
 * `AWSTraceHeader` (the OpenTelemetry convention for SQS-triggered functions: no parent).
 * Failures become an `exception` event (with `exception.stacktrace`) and an ERROR status.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Link, Span, Tracer } from '@opentelemetry/api';
import type { InvocationOutcome, InvocationStart, InvocationTrace, InvocationTracer } from './invocationTrace';
import { w3cToXRay, xrayToW3c } from './otelSetup';

export class OtelInvocationTracer implements InvocationTracer {
  private readonly tracer: Tracer;

  constructor(scopeName: string) {
    this.tracer = trace.getTracer(scopeName);
  }

  begin(start: InvocationStart): InvocationTrace {
    const { fn } = start;
    const links: Link[] = start.links.map((link) => ({ context: { traceId: xrayToW3c(link.root), spanId: link.parent, traceFlags: 1, isRemote: true }, attributes: { 'messaging.system': 'aws_sqs' } }));
    const parentContext = start.parent ? trace.setSpanContext(ROOT_CONTEXT, { traceId: xrayToW3c(start.parent.root), spanId: start.parent.parent, traceFlags: 1, isRemote: true }) : ROOT_CONTEXT;
    const span = this.tracer.startSpan(
      fn.name,
      {
        kind: SpanKind.SERVER,
        startTime: start.startMs,
        links,
        attributes: {
          'faas.invocation_id': start.requestId,
          'faas.coldstart': start.coldStart,
          'faas.trigger': start.trigger,
          'faas.name': fn.name,
          'cloud.resource_id': fn.arn,
          'cloud.account.id': fn.arn.split(':')[4] ?? '',
          'aws.lambda.invoked_arn': fn.arn,
        },
      },
      parentContext,
    );
    return new OtelInvocation(span);
  }
}

class OtelInvocation implements InvocationTrace {
  readonly traceId: string;
  readonly logContext: { traceId: string; spanId: string };
  readonly reportXRay = undefined;

  constructor(private readonly span: Span) {
    const spanContext = span.spanContext();
    this.traceId = w3cToXRay(spanContext.traceId);
    this.logContext = { traceId: spanContext.traceId, spanId: spanContext.spanId };
  }

  initialized(startMs: number, endMs: number): void {
    this.span.setAttribute('faas.init_duration_ms', Math.round(endMs - startMs));
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return context.with(trace.setSpan(ROOT_CONTEXT, this.span), work);
  }

  end(outcome: InvocationOutcome): void {
    if (outcome.timedOut) {
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: 'Task timed out' });
    } else if (outcome.error !== undefined) {
      this.span.recordException(outcome.error as Error, outcome.endMs);
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error instanceof Error ? outcome.error.message : String(outcome.error) });
    }
    this.span.end(outcome.endMs);
  }
}
