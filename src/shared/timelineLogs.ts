/**
 * The Logs tab's data, as the host posts it to the timeline webview: plain, structured-clone-safe
 * records, text only. Every string here came from CloudWatch Logs and is hostile: the webview
 * renders it with `textContent` only.
 */
import type { LogLevel, LogLineKind } from './logModel';

/** One CloudWatch log event of the trace, parsed and linked to its invocation's span. */
export interface TimelineLogLine {
  /** Epoch milliseconds. */
  timestamp: number;
  functionName: string;
  logGroup: string;
  logStream?: string;
  requestId?: string;
  /** The span of this line's invocation (its `AWS::Lambda::Function` span, else `AWS::Lambda`). */
  spanId?: string;
  kind: LogLineKind;
  level?: LogLevel;
  /** What the tab shows: the parsed message, or a compact summary for REPORT lines. */
  message: string;
  /** The event as CloudWatch stored it, when it differs from `message` (copy, JSON view). */
  raw?: string;
  /** The line carries a JSON object that can be pretty-printed on demand. */
  json?: boolean;
  /** The line carries stack frames (shown as text lines in `stack`). */
  frames?: boolean;
  /** Stack lines as the runtime printed them. */
  stack?: string[];
}

export type TimelineVerdict = 'ok' | 'error' | 'timeout' | 'outOfMemory' | 'nearTimeout' | 'nearMemoryLimit';

/** One Lambda invocation of the trace, summarised from its log lines. */
export interface TimelineInvocation {
  requestId: string;
  functionName: string;
  /** The span lines of this invocation link to. */
  spanId?: string;
  /** Every span of the trace that belongs to this invocation (for filtering by selection). */
  spanIds: string[];
  durationMs?: number;
  billedDurationMs?: number;
  memoryUsedMb?: number;
  memorySizeMb?: number;
  timeoutMs?: number;
  initDurationMs?: number;
  coldStart: boolean;
  verdict: TimelineVerdict;
  /** `formatInvocationResult` text (no "ago": the trace is history). */
  summary: string;
}

export type TimelineLogsState = 'loading' | 'done' | 'error' | 'unavailable';

/** Lines shown at most; the host says `truncated` when the trace has more. */
export const MAX_LOG_LINES = 5_000;
