import { logsInsightsConsoleUrl, traceConsoleUrl } from '../../core/consoleLinks';
import type { ClassifiedAwsError } from '../../aws/awsErrors';
import type { TraceLogsProgress } from '../../aws/traceLogs';
import type { TraceLogPlan } from '../../core/traceLogQuery';
import type { TraceLogsFetch } from '../connection/awsConnection';
import { loadAwsErrors } from '../connection/awsModules';
import { TraceNotFoundError } from '../traces/traceStore';
import type { Trace } from '../../shared/traceModel';
import type { ConnectionController } from '../connection/connectionController';
import type { TraceSourceKind } from '../../shared/timelineMessages';

export interface LoadedTrace {
  trace: Trace;
  /** `AWS · prod (eu-west-1)`, shown in the timeline header. */
  sourceLabel: string;
  canOpenInConsole: boolean;
  /** Where it was read from; the page persists it so a reload reads it from there again. */
  source: TraceSourceKind;
}

export interface TraceLoadFailure {
  message: string;
  canRetry: boolean;
  /** True when the request was aborted (panel closed, connection replaced): show nothing. */
  cancelled: boolean;
}

export interface LogsFailure {
  state: 'error' | 'unavailable';
  message: string;
  cancelled: boolean;
}

/** Used when an access-denied error does not name the action (some endpoints omit it). */
const LOGS_ACTIONS = 'logs:StartQuery and logs:GetQueryResults (or logs:FilterLogEvents)';

/**
 * Where the timeline reads AWS traces from: the current connection's trace store, so a trace the
 * Traces view already fetched opens at once.
 */
export class AwsTraceSource {
  constructor(private readonly connections: ConnectionController) {}

  async load(traceId: string, signal: AbortSignal): Promise<LoadedTrace> {
    const connection = await this.connections.get();
    const trace = await connection.store.get(traceId, connection.requestSignal(signal));
    const region = await connection.region().catch(() => connection.config.region || 'default region');
    const profile = connection.config.profile || 'default profile';
    const endpoint = connection.config.endpointUrl !== '' ? ` via ${connection.config.endpointUrl}` : '';
    return { trace, sourceLabel: `AWS · ${profile} (${region})${endpoint}`, canOpenInConsole: connection.config.endpointUrl === '', source: 'aws' };
  }

  async consoleUrl(traceId: string): Promise<string> {
    const connection = await this.connections.get();
    return traceConsoleUrl(await connection.region(), traceId);
  }

  /** The trace's log lines through the current connection (see `AwsConnection.fetchTraceLogs`). */
  async fetchLogs(trace: Trace, signal: AbortSignal, onProgress: (progress: TraceLogsProgress) => void): Promise<TraceLogsFetch> {
    const connection = await this.connections.get();
    return connection.fetchTraceLogs(trace, signal, onProgress);
  }

  /** The same query in the console's Logs Insights page (first chunk of ≤ 50 groups). */
  async logsConsoleUrl(plan: TraceLogPlan): Promise<string | undefined> {
    const query = plan.insights[0];
    if (query === undefined) return undefined;
    const connection = await this.connections.get();
    return logsInsightsConsoleUrl(await connection.region(), { logGroups: query.logGroupNames, startMs: plan.windowStartMs, endMs: plan.windowEndMs, query: query.queryString });
  }

  /** What the Logs tab shows instead of lines: a missing permission is `unavailable`, naming it. */
  async describeLogsFailure(error: unknown): Promise<LogsFailure> {
    const { classifyAwsError } = await loadAwsErrors();
    const profile = this.connections.settings().profile;
    const known = (error as { classified?: ClassifiedAwsError } | null)?.classified;
    const classified = known ?? classifyAwsError(error, { operation: 'StartQuery', ...(profile !== '' ? { profile } : {}) });
    if (classified.kind === 'accessDenied') {
      const action = classified.missingAction ?? LOGS_ACTIONS;
      const message = classified.message.includes(action) ? classified.message : `${classified.message} The logs of a trace need ${action}.`;
      return { state: 'unavailable', message, cancelled: false };
    }
    return { state: 'error', message: classified.message, cancelled: classified.kind === 'cancelled' };
  }

  /** The message the timeline shows instead of the trace. */
  async describeFailure(traceId: string, error: unknown): Promise<TraceLoadFailure> {
    if (error instanceof TraceNotFoundError) {
      const connection = this.connections.peek();
      const region = connection ? await connection.region().catch(() => undefined) : undefined;
      return {
        message: `Trace ${traceId} was not found${region ? ` in ${region}` : ''}. X-Ray keeps traces for 30 days; check the profile and region in the status bar.`,
        canRetry: true,
        cancelled: false,
      };
    }
    const { classifyAwsError } = await loadAwsErrors();
    const profile = this.connections.settings().profile;
    const classified = classifyAwsError(error, { operation: 'BatchGetTraces', ...(profile !== '' ? { profile } : {}) });
    return { message: classified.message, canRetry: classified.kind !== 'invalidRequest', cancelled: classified.kind === 'cancelled' };
  }
}
