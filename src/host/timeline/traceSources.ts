import { UserFacingError } from '../commands/commandRunner';
import { localLogsMessage } from '../local/localLogs';
import type { TraceLogsProgress } from '../../aws/traceLogs';
import type { TraceLogPlan } from '../../core/traceLogQuery';
import type { TraceLogsFetch } from '../connection/awsConnection';
import type { LocalLogsMessage } from '../local/localLogs';
import type { LocalTraceService } from '../local/localTraceService';
import type { TraceSourceKind } from '../../shared/timelineMessages';
import type { Trace } from '../../shared/traceModel';
import type { AwsTraceSource, LoadedTrace, LogsFailure, TraceLoadFailure } from './awsTraceSource';

/** A restored timeline of a local trace whose trace is no longer in memory. */
export class LocalTraceGoneError extends Error {
  constructor(readonly traceId: string) {
    super(`local trace ${traceId} is not in memory`);
    this.name = 'LocalTraceGoneError';
  }
}

/**
 * Where the timeline, "Go to source" and the trace commands read a trace from: the local
 * receivers' store first (no AWS call at all for a trace it holds), then the AWS connection.
 * Remembers which traces it handed out from the local store, so their logs come from the local
 * receiver too and no console link is offered for them.
 */
export class TraceSources {
  private readonly localTraces = new WeakSet<Trace>();

  constructor(
    private readonly aws: AwsTraceSource,
    private readonly local: LocalTraceService | undefined,
  ) {}

  /**
   * The trace from the local store, else from AWS. `prefer: 'local'` (a restored timeline of a
   * local trace) never falls back to AWS: that trace was never in X-Ray.
   */
  async load(traceId: string, signal: AbortSignal, prefer?: TraceSourceKind): Promise<LoadedTrace> {
    const local = this.local?.get(traceId);
    if (local !== undefined) {
      this.localTraces.add(local);
      return { trace: local, sourceLabel: 'Local', canOpenInConsole: false, source: 'local' };
    }
    if (prefer === 'local') {
      throw new LocalTraceGoneError(traceId);
    }
    return this.aws.load(traceId, signal);
  }

  /** True for a trace object this router loaded from the local store. */
  isLocal(trace: Trace): boolean {
    return this.localTraces.has(trace);
  }

  /** The Logs tab's answer for a local trace (its OTLP log records); undefined for AWS traces. */
  localLogs(trace: Trace): LocalLogsMessage | undefined {
    if (!this.isLocal(trace) || this.local === undefined) return undefined;
    return localLogsMessage(trace, this.local.logs(trace.id));
  }

  async consoleUrl(traceId: string): Promise<string> {
    if (this.local?.has(traceId) === true) {
      throw new UserFacingError('This trace came from the local receivers: it is not in X-Ray, so the AWS console has no page for it.');
    }
    return this.aws.consoleUrl(traceId);
  }

  fetchLogs(trace: Trace, signal: AbortSignal, onProgress: (progress: TraceLogsProgress) => void): Promise<TraceLogsFetch> {
    return this.aws.fetchLogs(trace, signal, onProgress);
  }

  logsConsoleUrl(plan: TraceLogPlan): Promise<string | undefined> {
    return this.aws.logsConsoleUrl(plan);
  }

  describeLogsFailure(error: unknown): Promise<LogsFailure> {
    return this.aws.describeLogsFailure(error);
  }

  async describeFailure(traceId: string, error: unknown): Promise<TraceLoadFailure> {
    if (error instanceof LocalTraceGoneError) {
      return {
        message: `Trace ${traceId} came from the local receivers, which keep traces in memory only: it is gone after a window reload or when local traces are cleared. Send it again (with the receivers running) and retry.`,
        canRetry: true,
        cancelled: false,
      };
    }
    return this.aws.describeFailure(traceId, error);
  }
}
