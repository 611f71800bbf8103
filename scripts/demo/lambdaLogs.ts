/**
 * Lambda's log lines, in the Node runtime's text format (what CloudWatch Logs stores):
 * `START`, `END`, `REPORT` (with the X-Ray line when the function is traced), the runtime's
 * `<time>\t<request id>\t<LEVEL>\t<message>` prefix on console output, `Invoke Error` and
 * `Task timed out`. Each line goes to the sinks: the terminal when asked, and OTLP /v1/logs (a
 * telemetry extension's job in Lambda) with the invocation's trace context so it joins its trace.
 */
import { format } from 'node:util';

export type LogLevel = 'INFO' | 'WARN' | 'ERROR' | 'DEBUG';

export interface LogLine {
  timestampMs: number;
  requestId: string;
  level: LogLevel;
  /** The whole line as Lambda writes it. */
  text: string;
}

export interface InvocationLogContext {
  functionName: string;
  requestId: string;
  /** W3C form (32 hex) and the span the lines belong to (the function segment / invocation span). */
  traceId?: string;
  spanId?: string;
}

export interface LogSink {
  write(context: InvocationLogContext, line: LogLine): void;
}

export function startLine(requestId: string): string {
  return `START RequestId: ${requestId} Version: $LATEST`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

export interface ReportFacts {
  requestId: string;
  durationMs: number;
  memoryMb: number;
  maxMemoryUsedMb: number;
  initDurationMs?: number;
  xray?: { traceId: string; segmentId: string };
}

export function reportLine(facts: ReportFacts): string {
  const parts = [
    `REPORT RequestId: ${facts.requestId}`,
    `Duration: ${facts.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${Math.max(1, Math.ceil(facts.durationMs))} ms`,
    `Memory Size: ${facts.memoryMb} MB`,
    `Max Memory Used: ${facts.maxMemoryUsedMb} MB`,
  ];
  if (facts.initDurationMs !== undefined) parts.push(`Init Duration: ${facts.initDurationMs.toFixed(2)} ms`);
  if (facts.xray) parts.push(`XRAY TraceId: ${facts.xray.traceId}`, `SegmentId: ${facts.xray.segmentId}`, 'Sampled: true');
  return `${parts.join('\t')}\t`;
}

export function consoleLine(timestampMs: number, requestId: string, level: LogLevel, args: unknown[]): string {
  return `${new Date(timestampMs).toISOString()}\t${requestId}\t${level}\t${format(...args)}`;
}

/** The runtime's line for an unhandled error (aws-lambda-nodejs-runtime-interface-client). */
export function invokeErrorLine(timestampMs: number, requestId: string, error: unknown): string {
  const err = error instanceof Error ? error : new Error(String(error));
  const payload = { errorType: err.name, errorMessage: err.message, stack: String(err.stack ?? '').split('\n') };
  return `${new Date(timestampMs).toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(payload)}`;
}

export function timeoutLine(timestampMs: number, requestId: string, timeoutSeconds: number): string {
  return `${new Date(timestampMs).toISOString()} ${requestId} Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;
}

/** Prints lines to a stream, prefixed with the function name (a `sam logs --tail` look). */
export class TerminalLogSink implements LogSink {
  constructor(private readonly out: (text: string) => void) {}

  write(context: InvocationLogContext, line: LogLine): void {
    this.out(`[${context.functionName}] ${line.text}`);
  }
}

export class FanOutLogSink implements LogSink {
  constructor(private readonly sinks: LogSink[]) {}

  write(context: InvocationLogContext, line: LogLine): void {
    for (const sink of this.sinks) sink.write(context, line);
  }
}
