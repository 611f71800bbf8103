/**
 * A Lambda-like runtime for the demo's built handlers, in this process: per function a small
 * pool of instances (a new instance is a cold start: the init phase, then the bundle loaded
 * fresh), per invocation a request id, the function's timeout, the runtime's log lines and the
 * tracer's segments or spans. A timed-out instance is thrown away, as Lambda does.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { DemoFunction } from './demoApp';
import type { InvocationStart, InvocationTrace, InvocationTracer, TraceHeader } from './invocationTrace';
import { consoleLine, endLine, invokeErrorLine, reportLine, startLine, timeoutLine } from './lambdaLogs';
import type { InvocationLogContext, LogLevel, LogSink } from './lambdaLogs';

export interface InvokeInput {
  parent?: TraceHeader;
  links?: TraceHeader[];
  trigger: InvocationStart['trigger'];
}

export interface InvocationResult {
  functionName: string;
  requestId: string;
  /** X-Ray form. */
  traceId: string;
  coldStart: boolean;
  durationMs: number;
  ok: boolean;
  timedOut: boolean;
  error?: { type: string; message: string };
  response?: unknown;
}

type Handler = (event: unknown, context: LambdaContextObject) => Promise<unknown>;

interface LambdaContextObject {
  awsRequestId: string;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
  getRemainingTimeInMillis(): number;
}

interface Instance {
  handler: Handler;
  logStream: string;
}

/** The invocation a console call belongs to (handlers log through the patched global console). */
const current = new AsyncLocalStorage<{ log: (level: LogLevel, args: unknown[]) => void }>();
let consolePatched = false;

function patchConsole(): void {
  if (consolePatched) return;
  consolePatched = true;
  const levels: Array<[keyof Console, LogLevel]> = [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG']];
  for (const [method, level] of levels) {
    const original = (console[method] as (...args: unknown[]) => void).bind(console);
    (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]): void => {
      const store = current.getStore();
      if (store) store.log(level, args);
      else original(...args);
    };
  }
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Wall-clock milliseconds with sub-millisecond precision (REPORT durations have two decimals). */
const now = (): number => performance.timeOrigin + performance.now();

export class FunctionRuntime {
  private readonly idle: Instance[] = [];
  private instances = 0;

  constructor(
    readonly fn: DemoFunction,
    private readonly tracer: InvocationTracer,
    private readonly logs: LogSink,
  ) {
    patchConsole();
  }

  async invoke(event: unknown, input: InvokeInput): Promise<InvocationResult> {
    const { fn } = this;
    const requestId = randomUUID();
    const startMs = now();
    const reused = this.idle.pop();
    const coldStart = reused === undefined;
    const trace = this.tracer.begin({ fn, requestId, coldStart, startMs, links: input.links ?? [], trigger: input.trigger, ...(input.parent ? { parent: input.parent } : {}) });
    const logContext: InvocationLogContext = { functionName: fn.name, requestId, ...trace.logContext };
    const write = (text: string, level: LogLevel = 'INFO', at = now()): void => this.logs.write(logContext, { timestampMs: at, requestId, level, text });

    let instance = reused;
    let initMs: number | undefined;
    if (instance === undefined) {
      instance = await this.coldStart();
      initMs = now() - startMs;
      trace.initialized(startMs, now());
    }
    const handlerStart = now();
    write(startLine(requestId));
    const deadline = handlerStart + fn.timeoutSeconds * 1000;
    const context: LambdaContextObject = {
      awsRequestId: requestId,
      functionName: fn.name,
      functionVersion: '$LATEST',
      invokedFunctionArn: fn.arn,
      memoryLimitInMB: String(fn.memoryMb),
      logGroupName: `/aws/lambda/${fn.name}`,
      logStreamName: instance.logStream,
      getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    };
    const store = { log: (level: LogLevel, args: unknown[]) => write(consoleLine(now(), requestId, level, args), level) };
    const handlerRun = current.run(store, () => trace.run(() => Promise.resolve().then(() => instance.handler(event, context))));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), fn.timeoutSeconds * 1000);
    });
    let outcome: { value?: unknown; error?: unknown; timedOut: boolean };
    try {
      const raced = await Promise.race([handlerRun.then((value) => ({ value, timedOut: false })), timeout.then(() => ({ timedOut: true }))]);
      outcome = raced;
    } catch (error) {
      outcome = { error, timedOut: false };
    } finally {
      clearTimeout(timer);
    }
    const endMs = now();
    if (outcome.timedOut) {
      // The sandbox is reset: its late work is ignored and the next invocation starts cold.
      handlerRun.catch(() => undefined);
      this.instances -= 1;
      write(timeoutLine(endMs, requestId, fn.timeoutSeconds), 'ERROR', endMs);
    } else if (outcome.error !== undefined) {
      write(invokeErrorLine(endMs, requestId, outcome.error), 'ERROR', endMs);
      this.idle.push(instance);
    } else {
      this.idle.push(instance);
    }
    trace.end({ endMs, timedOut: outcome.timedOut, ...(outcome.error !== undefined ? { error: outcome.error } : {}) });
    write(endLine(requestId), 'INFO', endMs);
    const durationMs = endMs - handlerStart;
    write(reportLine({ requestId, durationMs, memoryMb: fn.memoryMb, maxMemoryUsedMb: memoryUsedMb(fn.memoryMb), ...(initMs !== undefined ? { initDurationMs: initMs } : {}), ...(trace.reportXRay ? { xray: trace.reportXRay } : {}) }), 'INFO', endMs);
    return result(fn, requestId, trace, coldStart, durationMs, outcome);
  }

  /** Lambda's init phase: start the runtime (a short pause stands for it), then load the bundle afresh. */
  private async coldStart(): Promise<Instance> {
    this.instances += 1;
    await delay(60 + Math.random() * 140);
    const bundle = join(this.fn.buildDir, this.fn.bundleFile);
    const load = createRequire(bundle);
    delete load.cache[bundle];
    const exports = load(bundle) as Record<string, unknown>;
    const handler = exports[this.fn.handlerExport];
    if (typeof handler !== 'function') throw new Error(`${bundle} has no export ${this.fn.handlerExport}`);
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
    return { handler: handler as Handler, logStream: `${day}/[$LATEST]${randomUUID().replace(/-/g, '')}` };
  }
}

function memoryUsedMb(limit: number): number {
  return Math.min(limit, 64 + Math.round((process.memoryUsage().heapUsed / 1048576) % 24));
}

function result(fn: DemoFunction, requestId: string, trace: InvocationTrace, coldStart: boolean, durationMs: number, outcome: { value?: unknown; error?: unknown; timedOut: boolean }): InvocationResult {
  const base: InvocationResult = { functionName: fn.name, requestId, traceId: trace.traceId, coldStart, durationMs, ok: !outcome.timedOut && outcome.error === undefined, timedOut: outcome.timedOut };
  if (outcome.timedOut) return { ...base, error: { type: 'Sandbox.Timedout', message: `Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds` } };
  if (outcome.error !== undefined) {
    const error = outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error));
    return { ...base, error: { type: error.name, message: error.message } };
  }
  return { ...base, response: outcome.value };
}
