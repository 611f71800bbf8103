import { Disposable, toDisposable } from '../lifecycle';
import { TraceStore } from '../traces/traceStore';
import { loadAwsModules } from './awsModules';
import type { XRayClient } from '@aws-sdk/client-xray';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { AwsClientFactory, ConnectionSettings } from '../../aws/clientFactory';
import type { InvocationError, InvocationErrorQuery } from '../../aws/cloudWatchLogs';
import type { LogGroupResolver } from '../../aws/lambdaLogGroups';
import type { TraceLogsProgress, TraceLogsResult } from '../../aws/traceLogs';
import type { TraceSearchQuery } from '../../aws/xrayTraceSearch';
import type { TraceLogPlan } from '../../core/traceLogQuery';
import { invocationsOfTrace, planTraceLogQuery } from '../../core/traceLogQuery';
import type { Trace, TraceSummary } from '../../shared/traceModel';
import type { ConnectionConfig } from '../config';
import type { ComponentLogger, Logger } from '../logger';
import type { AwsModules } from './awsModules';
import type * as ServiceGraphModule from '../../aws/xrayServiceGraph';
import type { ServiceGraphSnapshot } from '../../core/serviceGraph/serviceGraphSnapshot';

/** GetServiceGraph, loaded on first use like the modules of `awsModules.ts`. */
let serviceGraphModule: Promise<typeof ServiceGraphModule> | undefined;

export interface AwsConnectionOptions {
  config: ConnectionConfig;
  logger: Logger;
  fetchConcurrency: () => number;
  /** For the SDK user agent. */
  extensionVersion: string;
}

/**
 * One connection lifetime: a profile, a region and an endpoint URL, with everything built for
 * them (the client factory, the trace fetcher, the trace cache) and every request in flight.
 * Disposing it aborts those requests and drops the cache; a settings change builds a new one.
 */
export class AwsConnection extends Disposable {
  private readonly lifetime = new AbortController();
  private resolvedRegion: Promise<string> | undefined;
  readonly store: TraceStore;
  /** Custom log groups and timeouts of functions, read once per connection. */
  private readonly logGroups: LogGroupResolver;

  private constructor(
    readonly config: ConnectionConfig,
    private readonly modules: AwsModules,
    private readonly factory: AwsClientFactory,
    private readonly log: ComponentLogger,
    fetchConcurrency: () => number,
  ) {
    super();
    this._register(toDisposable(() => this.lifetime.abort()));
    this._register(factory);
    const fetcher = new modules.traceFetcher.TraceFetcher(factory.xray(), log);
    this.store = new TraceStore({ fetcher, build: modules.traceBuilder.buildTrace, logger: log, concurrency: fetchConcurrency });
    this._register(toDisposable(() => this.store.clear()));
    this.logGroups = new modules.lambdaLogGroups.LogGroupResolver(() => factory.lambda(), log);
    this._register(toDisposable(() => this.logGroups.clear()));
  }

  static async open(options: AwsConnectionOptions): Promise<AwsConnection> {
    const modules = await loadAwsModules();
    const log = options.logger.for('aws');
    const settings: ConnectionSettings = {};
    if (options.config.profile !== '') {
      settings.profile = options.config.profile;
    }
    if (options.config.region !== '') {
      settings.region = options.config.region;
    }
    if (options.config.endpointUrl !== '') {
      settings.endpointUrl = options.config.endpointUrl;
    }
    const factory = new modules.clientFactory.AwsClientFactory(settings, log, { extensionVersion: options.extensionVersion });
    log.info(`connection opened: ${describeConnection(options.config)}`);
    return new AwsConnection(options.config, modules, factory, log, options.fetchConcurrency);
  }

  /** Aborted when the connection is disposed; combine it with the caller's own signal. */
  get signal(): AbortSignal {
    return this.lifetime.signal;
  }

  /** A signal aborted by the caller's signal or by the end of this connection, whichever first. */
  requestSignal(callerSignal?: AbortSignal): AbortSignal {
    return callerSignal ? AbortSignal.any([this.lifetime.signal, callerSignal]) : this.lifetime.signal;
  }

  xray(): XRayClient {
    return this.factory.xray();
  }

  /** CloudWatch Logs and Lambda clients of this connection, for the log tail (`host/tail`). */
  logsClient(): CloudWatchLogsClient {
    return this.factory.logs();
  }

  lambdaClient(): LambdaClient {
    return this.factory.lambda();
  }

  /** The region calls go to: the setting, or what the SDK resolves from the profile/environment. */
  region(): Promise<string> {
    this.resolvedRegion ??= this.factory.region().catch((error: unknown) => {
      this.resolvedRegion = undefined;
      throw error;
    });
    return this.resolvedRegion;
  }

  /** Pages of trace summaries, newest first; ends (or throws AbortError) when the signal aborts. */
  searchTraces(query: TraceSearchQuery, signal: AbortSignal): AsyncGenerator<TraceSummary[]> {
    this.log.debug(`trace search: ${query.startTime.toISOString()} to ${query.endTime.toISOString()}${query.filterExpression ? ` filter ${query.filterExpression}` : ''}`);
    return this.modules.traceSearch.searchTraceSummaries(this.xray(), query, this.requestSignal(signal));
  }

  /**
   * The `Invoke Error` record of one Lambda request from CloudWatch Logs (the stack with
   * columns), or undefined when the group or the line is absent. Throws `LogsReadError`.
   */
  findInvocationError(query: Omit<InvocationErrorQuery, 'signal'>, signal?: AbortSignal): Promise<InvocationError | undefined> {
    this.log.debug(`invocation error lookup: ${query.logGroup} request ${query.requestId}`);
    return this.modules.cloudWatchLogs.findInvocationError(this.factory.logs(), { ...query, signal: this.requestSignal(signal) });
  }

  /**
   * The log lines of a trace: each function's log group resolved (custom logging config, cached),
   * one plan, then Logs Insights or FilterLogEvents. Throws `InsightsQueryError`/`LogsReadError`,
   * or an AbortError when `signal` (or the connection) ends.
   */
  async fetchTraceLogs(trace: Trace, signal: AbortSignal, onProgress?: (progress: TraceLogsProgress) => void): Promise<TraceLogsFetch> {
    const combined = this.requestSignal(signal);
    const functions = invocationsOfTrace(trace).map((invocation) => invocation.functionName);
    await this.logGroups.resolveAll(functions, combined);
    const plan = planTraceLogQuery(trace, { logGroupOf: (name) => this.logGroups.peek(name) });
    this.log.debug(`trace logs: ${trace.id} in ${plan.logGroups.length} group(s), ${plan.invocations.length} invocation(s)`);
    const result = await this.modules.traceLogs.fetchTraceLogs(this.factory, plan, combined, onProgress);
    return { plan, result, timeoutMsOf: (name) => this.logGroups.timeoutOf(name) };
  }

  /**
   * X-Ray's aggregate service graph of [start, end], to merge into the map built from traces
   * (windows of at most 6 h, paged, throttling retried). Throws `ServiceGraphReadError`, the SDK's
   * error, or an AbortError when `signal` (or the connection) ends.
   */
  async fetchServiceGraph(start: Date, end: Date, signal: AbortSignal): Promise<ServiceGraphSnapshot> {
    serviceGraphModule ??= import('../../aws/xrayServiceGraph');
    const { fetchServiceGraph } = await serviceGraphModule;
    this.log.debug(`service graph: ${start.toISOString()} to ${end.toISOString()}`);
    return fetchServiceGraph(this.xray(), { startTime: start, endTime: end }, this.requestSignal(signal));
  }

  override dispose(): void {
    if (!this.isDisposed) {
      this.log.info(`connection closed: ${describeConnection(this.config)}`);
    }
    super.dispose();
  }
}

export interface TraceLogsFetch {
  plan: TraceLogPlan;
  result: TraceLogsResult;
  /** A function's configured timeout, when its configuration could be read. */
  timeoutMsOf: (functionName: string) => number | undefined;
}

/** `profile dev · region eu-west-1 · endpoint http://…` for logs (no secrets in these settings). */
export function describeConnection(config: ConnectionConfig): string {
  const parts = [`profile ${config.profile || '(default chain)'}`, `region ${config.region || '(from profile)'}`];
  if (config.endpointUrl !== '') {
    parts.push(`endpoint ${config.endpointUrl}`);
  }
  return parts.join(' · ');
}
