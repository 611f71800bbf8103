/**
 * Parsed Lambda log lines: one CloudWatch log event (or one Telemetry/Logs API record) becomes one
 * `ParsedLogLine`. Every variant keeps the exact input as `raw`, so a view can always fall back to
 * the text the user would see in the console. Plain data only (structured-clone safe), because
 * these values cross into the webview.
 */
import type { ParsedFrame } from '../core/stackFrames';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'unknown';

/** Fields every variant carries. `timestamp` is epoch ms: the line's own time, else the event's. */
export interface LogLineBase {
  raw: string;
  timestamp?: number;
  requestId?: string;
}

/** `START RequestId: <id> Version: $LATEST` */
export interface StartLine extends LogLineBase {
  kind: 'start';
  requestId: string;
  version?: string;
}

/** `END RequestId: <id>` */
export interface EndLine extends LogLineBase {
  kind: 'end';
  requestId: string;
}

/** The numbers of a REPORT line (or of a JSON `platform.report` record). Memory in MB. */
export interface ReportFields {
  durationMs?: number;
  billedDurationMs?: number;
  memorySizeMb?: number;
  maxMemoryUsedMb?: number;
  /** Present only on a cold start. */
  initDurationMs?: number;
  /** SnapStart: present instead of `initDurationMs` when a snapshot was restored. */
  restoreDurationMs?: number;
  xrayTraceId?: string;
  /** The function segment's id, from `SegmentId:`. */
  segmentId?: string;
  sampled?: boolean;
  /** `success | failure | error | timeout` (JSON format; newer text REPORT lines). */
  status?: string;
  /** e.g. `Runtime.OutOfMemory`, `Sandbox.Timedout`. */
  errorType?: string;
}

/** `REPORT RequestId: <id>\tDuration: … ms\t…`, the XRAY part on the same or the next line. */
export interface ReportLine extends LogLineBase, ReportFields {
  kind: 'report';
  requestId: string;
  durationMs: number;
  billedDurationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
}

/** `INIT_START Runtime Version: nodejs:18.v18\tRuntime Version ARN: …` */
export interface InitStartLine extends LogLineBase {
  kind: 'initStart';
  runtimeVersion: string;
  runtimeVersionArn?: string;
  /** `init`, or `invoke` for a suppressed init re-run during an invoke. */
  phase?: string;
}

/** `INIT_REPORT Init Duration: … ms\tPhase: init\tStatus: timeout` (SnapStart and init failures). */
export interface InitReportLine extends LogLineBase {
  kind: 'initReport';
  durationMs?: number;
  phase?: string;
  status?: string;
  errorType?: string;
}

/** `Task timed out after 3.00 seconds`, alone or after a timestamp and request id. */
export interface TimeoutLine extends LogLineBase {
  kind: 'timeout';
  seconds: number;
}

/** `Runtime exited with error: signal: killed` (the sandbox killed the runtime, in practice OOM). */
export interface OutOfMemoryLine extends LogLineBase {
  kind: 'outOfMemory';
  reason: string;
}

/** `Runtime.ExitError`, `Runtime exited with error: exit status 1`, `Process exited before completing request`. */
export interface RuntimeExitLine extends LogLineBase {
  kind: 'runtimeExit';
  reason: string;
  errorType?: string;
}

/** `Invoke Error`, `Uncaught Exception`, `Unhandled Promise Rejection`, a Python `[ERROR] …Traceback`. */
export interface InvokeErrorLine extends LogLineBase {
  kind: 'invokeError';
  errorType: string;
  errorMessage: string;
  /** The stack as text lines (what the console prints). */
  stack: string[];
  /** Innermost first, as `parseStackText` returns them. */
  frames: ParsedFrame[];
}

export type PlatformEvent = 'start' | 'end' | 'runtimeDone' | 'report' | 'initStart' | 'initReport' | 'initRuntimeDone' | 'fault' | 'other';

/** A JSON-format platform record (`{time, type: "platform.*", record}`), its fields flattened. */
export interface PlatformJsonLine extends LogLineBase, ReportFields {
  kind: 'platformJson';
  event: PlatformEvent;
  /** The record's `type` as written (the docs' platform.start example says `platform.initStart`). */
  type: string;
  version?: string;
  phase?: string;
  initializationType?: string;
  runtimeVersion?: string;
  /** `platform.fault` text and other string records. */
  message?: string;
}

export interface PowertoolsFields {
  xrayTraceId?: string;
  coldStart?: boolean;
  functionRequestId?: string;
  correlationId?: string;
  service?: string;
}

export type JsonObject = Readonly<Record<string, unknown>>;

/** A function's own line, in any runtime's text or JSON format. */
export interface AppLine extends LogLineBase {
  kind: 'app';
  level: LogLevel;
  message: string;
  /** The parsed object when the message (or the whole record) is JSON. */
  json?: JsonObject | readonly unknown[];
  powertools?: PowertoolsFields;
  /** Set only when a stack trace with frames is present. */
  stack?: ParsedFrame[];
  errorType?: string;
}

export type ParsedLogLine =
  | StartLine
  | EndLine
  | ReportLine
  | InitStartLine
  | InitReportLine
  | TimeoutLine
  | OutOfMemoryLine
  | RuntimeExitLine
  | InvokeErrorLine
  | PlatformJsonLine
  | AppLine;

export type LogLineKind = ParsedLogLine['kind'];
