/**
 * OpenTelemetry for the demo, the part the ADOT Lambda layer provides in AWS: a tracer provider
 * exporting spans over OTLP/HTTP (JSON) to the local receiver, an async context manager (so a
 * handler's `startActiveSpan` nests under the invocation span across `await`s), X-Ray-compatible
 * trace ids (the first 8 hex digits are the epoch seconds), and one logger provider per function
 * that ships Lambda's log lines to OTLP /v1/logs with their trace context.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT, SeverityNumber, context, trace } from '@opentelemetry/api';
import type { Context, ContextManager } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { IdGenerator } from '@opentelemetry/sdk-trace';
import { DEMO_ACCOUNT, DEMO_REGION } from './demoApp';
import type { DemoFunction } from './demoApp';
import type { InvocationLogContext, LogLine, LogSink } from './lambdaLogs';

/** `context.with` over AsyncLocalStorage: the active context follows promises and timers. */
class AsyncLocalContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.storage.run(ctx, () => fn.apply(thisArg, args));
  }

  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const run = (...args: unknown[]): unknown => this.with(ctx, () => (target as (...a: unknown[]) => unknown)(...args));
    return run as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.storage.disable();
    return this;
  }
}

/** Trace ids X-Ray accepts: epoch seconds in the first 4 bytes, as the ADOT id generator does. */
export class XRayIdGenerator implements IdGenerator {
  generateTraceId(): string {
    return Math.floor(Date.now() / 1000).toString(16).padStart(8, '0') + randomBytes(12).toString('hex');
  }

  generateSpanId(): string {
    return randomBytes(8).toString('hex');
  }
}

/** The resource attributes of a Lambda function (OpenTelemetry FaaS and cloud conventions). */
export function functionResource(fn: DemoFunction): Resource {
  return resourceFromAttributes({
    'service.name': fn.name,
    'cloud.provider': 'aws',
    'cloud.platform': 'aws_lambda',
    'cloud.region': DEMO_REGION,
    'cloud.account.id': DEMO_ACCOUNT,
    'faas.name': fn.name,
    'faas.version': '$LATEST',
    'faas.max_memory': fn.memoryMb * 1024 * 1024,
    'aws.log.group.names': [`/aws/lambda/${fn.name}`],
  });
}

export interface OtelPipeline {
  /** Provider for the one function traced with OpenTelemetry (installed as the global provider). */
  tracerProvider: TracerProvider | undefined;
  logSink: LogSink;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function startOtel(otlpUrl: string, functions: readonly DemoFunction[]): OtelPipeline {
  const base = otlpUrl.replace(/\/+$/, '');
  const traced = functions.find((fn) => fn.tracing === 'otel');
  let tracerProvider: TracerProvider | undefined;
  if (traced !== undefined) {
    tracerProvider = new TracerProvider({
      resource: functionResource(traced),
      idGenerator: new XRayIdGenerator(),
      spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${base}/v1/traces` }), scheduledDelayMillis: 300 })],
    });
    context.setGlobalContextManager(new AsyncLocalContextManager());
    trace.setGlobalTracerProvider(tracerProvider);
  }
  const loggers = new Map<string, LoggerProvider>();
  for (const fn of functions) {
    loggers.set(
      fn.name,
      new LoggerProvider({
        resource: functionResource(fn),
        processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${base}/v1/logs` }), scheduledDelayMillis: 300 })],
      }),
    );
  }
  const logSink: LogSink = {
    write(invocation: InvocationLogContext, line: LogLine): void {
      const logger = loggers.get(invocation.functionName)?.getLogger('lambda-runtime');
      if (logger === undefined) return;
      const withTrace =
        invocation.traceId !== undefined && invocation.spanId !== undefined
          ? trace.setSpanContext(ROOT_CONTEXT, { traceId: invocation.traceId, spanId: invocation.spanId, traceFlags: 1 })
          : ROOT_CONTEXT;
      logger.emit({
        timestamp: line.timestampMs,
        severityText: line.level,
        severityNumber: SEVERITY[line.level],
        body: line.text,
        attributes: { 'faas.invocation_id': line.requestId },
        context: withTrace,
      });
    },
  };
  const all = (): Array<TracerProvider | LoggerProvider> => [...(tracerProvider ? [tracerProvider] : []), ...loggers.values()];
  return {
    tracerProvider,
    logSink,
    flush: async () => {
      await Promise.all(all().map((provider) => provider.forceFlush().catch(() => undefined)));
    },
    shutdown: async () => {
      await Promise.all(all().map((provider) => provider.shutdown().catch(() => undefined)));
    },
  };
}

const SEVERITY: Record<LogLine['level'], SeverityNumber> = {
  DEBUG: SeverityNumber.DEBUG,
  INFO: SeverityNumber.INFO,
  WARN: SeverityNumber.WARN,
  ERROR: SeverityNumber.ERROR,
};

/** `1-5759e988-bd862e3fe1be46a994272793` ⇄ `5759e988bd862e3fe1be46a994272793`. */
export function xrayToW3c(traceId: string): string {
  return traceId.replace(/^1-/, '').replace('-', '');
}

export function w3cToXRay(traceId: string): string {
  return `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;
}
