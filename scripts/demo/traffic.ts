/**
 * The demo traffic: builds examples/ like `sam build`, runs its functions in the Lambda-like
 * runtime (api behind API Gateway, worker and notifier behind their SQS queues), and sends
 * POST /orders requests at a steady rate until stopped, or `count` of them and then waits until
 * every queue is drained. X-Ray documents go over UDP to `xrayAddress`, OpenTelemetry spans and
 * every function's log lines over OTLP/HTTP to `otlpUrl`; both must be loopback addresses.
 */
import { dirname, join } from 'node:path';
import { ApiGateway } from './apiGateway';
import { buildDemo } from './buildDemo';
import { loadDemoApp } from './demoApp';
import type { DemoFunction } from './demoApp';
import { FakeAws } from './fakeAws';
import { FunctionRuntime } from './lambdaRuntime';
import type { InvocationResult } from './lambdaRuntime';
import { FanOutLogSink, TerminalLogSink } from './lambdaLogs';
import type { LogSink } from './lambdaLogs';
import { startOtel } from './otelSetup';
import { OtelInvocationTracer } from './otelTracing';
import { startPaymentsServer } from './paymentsServer';
import { scenario } from './scenarios';
import type { ScenarioKind } from './scenarios';
import { SqsPoller } from './sqsPoller';
import { installLambdaStackPaths } from './stackPaths';
import { XRayInvocationTracer, configureXRay } from './xrayTracing';

export interface TrafficOptions {
  appDir: string;
  /** `host:port` of the X-Ray daemon (the local UDP receiver). */
  xrayAddress: string;
  /** Base URL of the OTLP/HTTP receiver (`/v1/traces` and `/v1/logs` are appended). */
  otlpUrl: string;
  ratePerSecond?: number;
  /** Stop after this many API requests, once the queues are drained. */
  count?: number;
  /** Print every Lambda log line. */
  printLogs?: boolean;
  log?: (line: string) => void;
}

export interface RecordedInvocation extends InvocationResult {
  scenario?: ScenarioKind;
  statusCode?: number;
}

export interface TrafficStats {
  requests: number;
  byStatus: Record<string, number>;
  invocations: Record<string, { total: number; failed: number; timedOut: number; coldStarts: number }>;
  deadLettered: number;
}

export interface TrafficHandle {
  paymentsUrl: string;
  functions: DemoFunction[];
  stats(): TrafficStats;
  /** Every failed invocation (newest last, at most 500). */
  failures: RecordedInvocation[];
  /** Resolves when `count` requests were sent and everything they caused has finished. */
  done: Promise<void>;
  stop(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[?::1\]?)$/;

export function assertLoopback(what: string, host: string): void {
  if (!LOOPBACK.test(host)) throw new Error(`${what} must be a loopback address (127.0.0.1), not ${host}: the demo sends nothing off this machine`);
}

export async function startTraffic(options: TrafficOptions): Promise<TrafficHandle> {
  // Not `console`: inside an invocation the runtime captures console output as the function's logs.
  const log = options.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const [xrayHost = ''] = options.xrayAddress.split(/:(?=\d+$)/);
  assertLoopback('The X-Ray daemon address', xrayHost);
  assertLoopback('The OTLP endpoint', new URL(options.otlpUrl).hostname);

  const payments = await startPaymentsServer();
  const app = await loadDemoApp(options.appDir, { parameters: { PaymentsUrl: payments.url } });
  const build = await buildDemo(app);
  log(`demo: built ${build.functions.map((f) => `${f.logicalId} (${Math.round(f.bytes / 1024)} KB)`).join(', ')} into .aws-sam/build in ${build.ms} ms`);

  // `__filename`, not `__dirname`: loaded through tsx's `tsImport`, `__dirname` is not a path.
  const here = dirname(__filename);
  installLambdaStackPaths({ taskRoots: app.functions.map((fn) => fn.buildDir), layerModules: join(here, '../../node_modules'), runtimeDir: here });
  for (const fn of app.functions) Object.assign(process.env, fn.environment);
  process.env.AWS_REGION = 'us-east-1';
  configureXRay(options.xrayAddress, log);
  const otel = startOtel(options.otlpUrl, app.functions);
  const sinks: LogSink[] = [otel.logSink];
  if (options.printLogs) sinks.push(new TerminalLogSink((line) => log(line)));
  const logs = new FanOutLogSink(sinks);
  const aws = new FakeAws();
  aws.install();

  const xrayTracer = new XRayInvocationTracer();
  const runtimes = new Map(app.functions.map((fn) => [fn.logicalId, new FunctionRuntime(fn, fn.tracing === 'otel' ? new OtelInvocationTracer(`${fn.name}-runtime`) : xrayTracer, logs)]));
  const stats: TrafficStats = { requests: 0, byStatus: {}, invocations: {}, deadLettered: 0 };
  const failures: RecordedInvocation[] = [];
  const record = (result: RecordedInvocation): void => {
    const entry = (stats.invocations[result.functionName] ??= { total: 0, failed: 0, timedOut: 0, coldStarts: 0 });
    entry.total += 1;
    if (!result.ok) entry.failed += 1;
    if (result.timedOut) entry.timedOut += 1;
    if (result.coldStart) entry.coldStarts += 1;
    if (!result.ok) {
      failures.push(result);
      if (failures.length > 500) failures.shift();
    }
  };

  const pollers: SqsPoller[] = [];
  for (const fn of app.functions) {
    const runtime = runtimes.get(fn.logicalId);
    if (fn.trigger?.kind !== 'sqs' || runtime === undefined) continue;
    const queue = app.queues.find((q) => q.url === (fn.trigger as { queue: string }).queue);
    if (queue === undefined) continue;
    const poller = new SqsPoller(aws.queue(queue.url), queue.arn, runtime, fn.trigger.batchSize, record);
    poller.start();
    pollers.push(poller);
  }
  const apiFunction = app.functions.find((fn) => fn.trigger?.kind === 'api');
  const apiRuntime = apiFunction ? runtimes.get(apiFunction.logicalId) : undefined;
  if (apiRuntime === undefined) throw new Error('the demo app has no function behind an API');
  const gateway = new ApiGateway(app.stackName);

  const inFlight = new Set<Promise<void>>();
  const send = (index: number): void => {
    const { kind, body } = scenario(index);
    stats.requests += 1;
    const request = gateway
      .request(apiRuntime, body)
      .then((response) => {
        stats.byStatus[response.statusCode] = (stats.byStatus[response.statusCode] ?? 0) + 1;
        record({ ...response.invocation, scenario: kind, statusCode: response.statusCode });
      })
      .catch((error: unknown) => log(`demo: request failed in the runtime: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  };

  const rate = Math.max(0.1, options.ratePerSecond ?? 2);
  let sent = 0;
  let stopped = false;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const ticker = setInterval(() => {
    if (stopped || (options.count !== undefined && sent >= options.count)) return;
    send(sent);
    sent += 1;
  }, 1000 / rate);
  const drainCheck = setInterval(() => {
    if (options.count === undefined || sent < options.count || inFlight.size > 0 || !pollers.every((p) => p.idle)) return;
    clearInterval(drainCheck);
    void otel.flush().then(() => finish());
  }, 200);

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    clearInterval(ticker);
    clearInterval(drainCheck);
    await Promise.allSettled([...inFlight]);
    await Promise.all(pollers.map((poller) => poller.stop()));
    stats.deadLettered = [...app.queues].reduce((sum, q) => sum + aws.queue(q.url).deadLettered, 0);
    await otel.shutdown();
    aws.uninstall();
    await payments.close();
    finish();
  };

  return {
    paymentsUrl: payments.url,
    functions: app.functions,
    stats: () => ({ ...stats, deadLettered: app.queues.reduce((sum, q) => sum + aws.queue(q.url).deadLettered, 0) }),
    failures,
    done,
    stop,
  };
}

export function formatStats(stats: TrafficStats): string {
  const statuses = Object.entries(stats.byStatus)
    .map(([status, n]) => `${status}×${n}`)
    .join(' ');
  const functions = Object.entries(stats.invocations)
    .map(([name, s]) => `${name} ${s.total} (${s.failed} failed${s.timedOut > 0 ? `, ${s.timedOut} timed out` : ''}, ${s.coldStarts} cold)`)
    .join('; ');
  return `${stats.requests} requests [${statuses}] · ${functions}`;
}
