/**
 * "Go to source" and the Problems view pin X-Ray's column-less frames with the invocation's
 * `Invoke Error` log line. For a local trace that line is among the OTLP log records the local
 * receiver filed under the trace, never in CloudWatch: no AWS call is made for local traces.
 */
import type { ParsedFrame } from '../../core/stackFrames';
import type { LocalLogLine } from '../../local/localTraceTypes';

/** The frames of the invocation's `Invoke Error` line among a local trace's log records. */
export function localInvokeErrorFrames(records: readonly LocalLogLine[], requestId: string | undefined): ParsedFrame[] | undefined {
  if (requestId === undefined) return undefined;
  for (const record of records) {
    const line = record.parsed;
    if (line.kind === 'invokeError' && line.requestId === requestId && line.frames.length > 0) return line.frames;
  }
  return undefined;
}
