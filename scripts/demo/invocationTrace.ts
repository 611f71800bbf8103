/**
 * What the runtime asks of a tracer for one invocation, so the same runtime serves functions
 * traced by Lambda + the X-Ray SDK and functions traced by OpenTelemetry.
 */
import type { DemoFunction } from './demoApp';

/** An X-Ray trace header's parts (`Root=…;Parent=…;Sampled=1`). */
export interface TraceHeader {
  root: string;
  parent: string;
}

export interface InvocationStart {
  fn: DemoFunction;
  requestId: string;
  coldStart: boolean;
  startMs: number;
  /** The caller's context (API Gateway's Lambda subsegment): the invocation continues its trace. */
  parent?: TraceHeader;
  /** SQS message headers (`AWSTraceHeader`): the invocation starts a trace linked to each. */
  links: TraceHeader[];
  trigger: 'http' | 'pubsub';
}

export interface InvocationOutcome {
  endMs: number;
  error?: unknown;
  timedOut?: boolean;
  /** An HTTP-style status for the invocation span (API responses), when there is one. */
  statusCode?: number;
}

export interface InvocationTrace {
  /** X-Ray form (`1-…-…`). */
  readonly traceId: string;
  /** W3C trace id and the span id log lines of this invocation belong to. */
  readonly logContext: { traceId: string; spanId: string };
  /** For the REPORT line's `XRAY TraceId … SegmentId …` (X-Ray-traced functions only). */
  readonly reportXRay: { traceId: string; segmentId: string } | undefined;
  /** The cold start's init phase, when there was one. */
  initialized(startMs: number, endMs: number): void;
  /** Runs the handler with this invocation as the current trace context. */
  run<T>(work: () => Promise<T>): Promise<T>;
  end(outcome: InvocationOutcome): void;
}

export interface InvocationTracer {
  begin(start: InvocationStart): InvocationTrace;
}

export function parseTraceHeader(header: string | undefined): TraceHeader | undefined {
  if (header === undefined) return undefined;
  const fields = new Map(header.split(';').map((part) => part.split('=', 2).map((s) => s.trim()) as [string, string]));
  const root = fields.get('Root');
  const parent = fields.get('Parent');
  return root !== undefined && parent !== undefined ? { root, parent } : undefined;
}

export function formatTraceHeader(header: TraceHeader): string {
  return `Root=${header.root};Parent=${header.parent};Sampled=1`;
}
