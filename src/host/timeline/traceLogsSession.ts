import * as vscode from 'vscode';
import { framesOfLogStack } from '../../core/stackFrames';
import { buildTraceLogView } from '../../core/traceLogView';
import type { ParsedFrame } from '../../core/stackFrames';
import type { TraceLogPlan } from '../../core/traceLogQuery';
import type { HostToTimelineMessage } from '../../shared/timelineMessages';
import type { Trace } from '../../shared/traceModel';
import type { ComponentLogger } from '../logger';
import type { TraceSources } from './traceSources';

type LogsMessage = Extract<HostToTimelineMessage, { type: 'logs' }>;

export interface TraceLogsSessionDeps {
  source: TraceSources;
  /** The trace the panel holds, if loaded. */
  trace: () => Trace | undefined;
  post: (message: HostToTimelineMessage) => Promise<void>;
  log: ComponentLogger;
}

/** Progress posts at most this often: Insights polls faster, and the page need not redraw more. */
const PROGRESS_INTERVAL_MS = 250;

/**
 * The Logs tab of one panel. Fetches only when the page asks (the user opened the tab), keeps one
 * fetch at a time (a new request or `cancelLogs` aborts the running one, and so does disposing),
 * and keeps the finished answer for the trace, so a page rebuilt after being hidden gets it again
 * without a second query.
 */
export class TraceLogsSession {
  private running: AbortController | undefined;
  // `plan` is absent for local traces: their logs come from the local receiver, not a query.
  private done: { traceId: string; message: LogsMessage; plan?: TraceLogPlan } | undefined;

  constructor(private readonly deps: TraceLogsSessionDeps) {}

  async request(): Promise<void> {
    this.cancel();
    const trace = this.deps.trace();
    if (trace === undefined) {
      return;
    }
    const local = this.deps.source.localLogs(trace);
    if (local !== undefined) {
      // Read afresh each time: records keep arriving while the receivers run.
      this.done = { traceId: trace.id, message: local };
      return this.deps.post(local);
    }
    if (this.done?.traceId === trace.id) {
      return this.deps.post(this.done.message);
    }
    const controller = new AbortController();
    this.running = controller;
    await this.fetch(trace, controller);
  }

  cancel(): void {
    this.running?.abort();
    this.running = undefined;
  }

  /** Forgets the kept answer (the trace was reloaded). */
  reset(): void {
    this.cancel();
    this.done = undefined;
  }

  /**
   * The frames of line `lineIndex` of the logs last sent for `trace` (parsed as the page parses
   * them) and its function's span (request id → invocation → span), or why there is none.
   */
  logFrames(trace: Trace, lineIndex: number): { frames: ParsedFrame[]; functionSpanId: string | undefined } | string {
    if (this.done?.traceId !== trace.id) return 'no logs were sent for this trace';
    const line = this.done.message.lines[lineIndex];
    if (line === undefined) return `there is no log line ${lineIndex}`;
    const frames = framesOfLogStack(line.stack ?? []);
    const invocation = line.requestId !== undefined ? this.done.message.invocations.find((item) => item.requestId === line.requestId) : undefined;
    return { frames, functionSpanId: invocation?.spanId ?? line.spanId };
  }

  async openInConsole(): Promise<void> {
    const plan = this.done?.plan;
    const url = plan !== undefined ? await this.deps.source.logsConsoleUrl(plan) : undefined;
    if (url === undefined) {
      vscode.window.setStatusBarMessage('$(info) Open the Logs tab first: there is no query to open yet', 3000);
      return;
    }
    await vscode.env.openExternal(vscode.Uri.parse(url));
  }

  dispose(): void {
    this.cancel();
  }

  private async fetch(trace: Trace, controller: AbortController): Promise<void> {
    const { signal } = controller;
    let lastProgress = 0;
    await this.deps.post(loading('Reading the logs of this trace…'));
    try {
      const fetched = await this.deps.source.fetchLogs(trace, signal, (progress) => {
        const now = Date.now();
        if (now - lastProgress < PROGRESS_INTERVAL_MS || signal.aborted) return;
        lastProgress = now;
        const via = progress.source === 'insights' ? 'Logs Insights' : 'FilterLogEvents';
        void this.deps.post(loading(`Reading the logs of this trace (${via})… ${progress.lines} line(s), ${progress.done}/${progress.total} done`));
      });
      if (signal.aborted) return;
      const view = buildTraceLogView(trace, fetched.plan.invocations, fetched.result.lines, { timeoutMsOf: fetched.timeoutMsOf });
      const message: LogsMessage = {
        type: 'logs',
        state: 'done',
        lines: view.lines,
        invocations: view.invocations,
        source: fetched.result.source,
        truncated: fetched.result.truncated || view.truncated,
        logGroups: fetched.plan.logGroups,
      };
      this.done = { traceId: trace.id, message, plan: fetched.plan };
      await this.deps.post(message);
    } catch (error) {
      if (signal.aborted) return;
      const failure = await this.deps.source.describeLogsFailure(error);
      if (failure.cancelled) return;
      this.deps.log.warn(`could not read the logs of trace ${trace.id}: ${failure.message}`);
      await this.deps.post({ type: 'logs', state: failure.state, lines: [], invocations: [], message: failure.message });
    } finally {
      if (this.running === controller) this.running = undefined;
    }
  }
}

function loading(message: string): LogsMessage {
  return { type: 'logs', state: 'loading', lines: [], invocations: [], message };
}
