/**
 * "Go to source" and the Problems view pin X-Ray's column-less frames with the invocation's
 * `Invoke Error` log line. For a local trace that line is among the OTLP log records the local
 * receiver filed under the trace, never in CloudWatch: no AWS call is made for local traces.
 *
 * The segments of an invocation arrive over UDP the moment it ends, but its log records come in
 * the log exporter's next batch (the OpenTelemetry SDK's `BatchLogRecordProcessor` waits up to a
 * second by default), and the store announces both coalesced. A failure resolved as soon as its
 * trace appears (the Problems view does exactly that) would find no line yet and fall back to
 * guessing from the frame's label, a few lines off in a minified bundle. So for an invocation
 * that ended moments ago the lookup waits, a bounded time, for the line to arrive.
 * No `vscode` here (unit-tested in plain Node against the real receivers).
 */
import type { InvocationInfo } from '../../core/failureSite';
import type { ParsedFrame } from '../../core/stackFrames';
import type { LocalLogLine } from '../../local/localTraceTypes';
import type { Trace } from '../../shared/traceModel';
import type { LocalEvidenceLookup } from '../source/failureResolver';

/** How long after an invocation's end its `Invoke Error` line may still be on its way. */
export const LOG_ARRIVAL_GRACE_MS = 3000;

/** The frames of the invocation's `Invoke Error` line among a local trace's log records. */
export function localInvokeErrorFrames(records: readonly LocalLogLine[], requestId: string | undefined): ParsedFrame[] | undefined {
  if (requestId === undefined) return undefined;
  for (const record of records) {
    const line = record.parsed;
    if (line.kind === 'invokeError' && line.requestId === requestId && line.frames.length > 0) return line.frames;
  }
  return undefined;
}

/** What the lookup reads: the local trace service (or, in tests, the receivers' store). */
export interface LocalLogSource {
  /** True when the trace is a local one. */
  has(traceId: string): boolean;
  logs(traceId: string): readonly LocalLogLine[];
  /** Fires (coalesced) with the ids of traces that changed, log records included. */
  onDidChangeTraces(listener: (traceIds: readonly string[]) => void): { dispose(): void };
}

export interface LocalEvidenceOptions {
  /** Default `LOG_ARRIVAL_GRACE_MS`. */
  graceMs?: number;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
}

/**
 * The `localEvidence` of `SourceNavigatorOptions`: undefined for a trace that is not local (its
 * evidence comes from CloudWatch), else `{ frames }` from the trace's log records, waiting up to
 * `graceMs` after the invocation's end for a line that has not arrived yet.
 */
export function localEvidenceLookup(source: LocalLogSource, options: LocalEvidenceOptions = {}): LocalEvidenceLookup {
  const graceMs = options.graceMs ?? LOG_ARRIVAL_GRACE_MS;
  const now = options.now ?? Date.now;
  return async (trace: Trace, invocation: InvocationInfo, signal: AbortSignal): Promise<{ frames: ParsedFrame[] | undefined } | undefined> => {
    if (!source.has(trace.id)) return undefined;
    const requestId = invocation.requestId;
    const read = (): Lookup => {
      const records = source.logs(trace.id);
      const frames = localInvokeErrorFrames(records, requestId);
      // The runtime writes `Invoke Error` before END and REPORT: once those are in, nothing more is coming.
      return { frames, final: frames !== undefined || records.some((record) => (record.parsed.kind === 'end' || record.parsed.kind === 'report') && record.parsed.requestId === requestId) };
    };
    const found = read();
    const deadline = invocation.endEpochMs + graceMs;
    if (found.final || requestId === undefined || now() >= deadline) return { frames: found.frames };
    return { frames: await waitForFrames(source, trace.id, read, deadline - now(), signal) };
  };
}

interface Lookup {
  frames: ParsedFrame[] | undefined;
  /** True when the answer cannot change any more (frames found, or the invocation's last lines are in). */
  final: boolean;
}

/** Re-reads on each change of the trace until the answer is final, `waitMs` passed or `signal` aborted. */
function waitForFrames(source: LocalLogSource, traceId: string, read: () => Lookup, waitMs: number, signal: AbortSignal): Promise<ParsedFrame[] | undefined> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (frames: ParsedFrame[] | undefined, error?: unknown): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      subscription.dispose();
      signal.removeEventListener('abort', onAbort);
      if (error !== undefined) reject(error);
      else resolve(frames);
    };
    const onAbort = (): void => finish(undefined, signal.reason ?? new Error('aborted'));
    const timer = setTimeout(() => finish(read().frames), Math.max(0, waitMs));
    const subscription = source.onDidChangeTraces((ids) => {
      if (!ids.includes(traceId)) return;
      const lookup = read();
      if (lookup.final) finish(lookup.frames);
    });
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
