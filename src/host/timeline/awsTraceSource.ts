import { traceConsoleUrl } from '../../core/consoleLinks';
import { loadAwsErrors } from '../connection/awsModules';
import { TraceNotFoundError } from '../traces/traceStore';
import type { Trace } from '../../shared/traceModel';
import type { ConnectionController } from '../connection/connectionController';

export interface LoadedTrace {
  trace: Trace;
  /** `AWS · prod (eu-west-1)`, shown in the timeline header. */
  sourceLabel: string;
  canOpenInConsole: boolean;
}

export interface TraceLoadFailure {
  message: string;
  canRetry: boolean;
  /** True when the request was aborted (panel closed, connection replaced): show nothing. */
  cancelled: boolean;
}

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
    return { trace, sourceLabel: `AWS · ${profile} (${region})${endpoint}`, canOpenInConsole: connection.config.endpointUrl === '' };
  }

  async consoleUrl(traceId: string): Promise<string> {
    const connection = await this.connections.get();
    return traceConsoleUrl(await connection.region(), traceId);
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
