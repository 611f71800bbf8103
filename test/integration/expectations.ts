/**
 * What the Traces view should show for a set of sample traces served by the local X-Ray server.
 * Derived from the sample data itself (status and cold start as the server's summaries report
 * them), not from the extension's code, so the suite compares the view against the server.
 */
import type { SampleTrace } from '../support/sampleTraces';
import type { ExpectedEndpoint, ExpectedFunction, ExpectedProblem } from './testEnv';

/** The view's `traces.pageSize` default from package.json: the first page shows at most this many. */
export const DEFAULT_PAGE_SIZE = 50;

function countSpans(documents: readonly string[]): number {
  let spans = 0;
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    spans += 1;
    const { subsegments } = node as { subsegments?: unknown };
    if (Array.isArray(subsegments)) subsegments.forEach(visit);
  };
  for (const text of documents) {
    try {
      visit(JSON.parse(text));
    } catch {
      // Malformed documents are the extension's to report, not ours to count.
    }
  }
  return spans;
}

export function expectationsFor(traces: readonly SampleTrace[], pageSize = DEFAULT_PAGE_SIZE): ExpectedEndpoint {
  const newestFirst = [...traces].sort((a, b) => b.startTime - a.startTime).slice(0, pageSize);
  return {
    functions: expectedFunctionStats(newestFirst),
    traces: newestFirst.map((trace) => ({
      id: trace.id,
      startTime: trace.startTime,
      status: trace.status,
      coldStart: trace.coldStart,
      spans: countSpans(trace.documents),
    })),
  };
}

type Doc = Record<string, unknown>;

interface FunctionRun {
  name: string;
  durationMs: number;
  coldStart: boolean;
  failed: boolean;
  endSeconds: number;
  errorType?: string;
}

function asDoc(value: unknown): Doc | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Doc) : undefined;
}

function subsegmentsOf(doc: Doc): Doc[] {
  return Array.isArray(doc.subsegments) ? doc.subsegments.map(asDoc).filter((sub): sub is Doc => sub !== undefined) : [];
}

function exceptionType(doc: Doc | undefined): string | undefined {
  const exceptions = asDoc(doc?.cause)?.exceptions;
  const first = Array.isArray(exceptions) ? asDoc(exceptions[0]) : undefined;
  return typeof first?.type === 'string' ? first.type : undefined;
}

/** One run per `AWS::Lambda::Function` document (the samples record every invocation with one). */
function functionRun(doc: Doc): FunctionRun | undefined {
  if (doc.origin !== 'AWS::Lambda::Function' || typeof doc.name !== 'string' || typeof doc.start_time !== 'number' || typeof doc.end_time !== 'number') return undefined;
  const subsegments = subsegmentsOf(doc);
  const invocation = subsegments.find((sub) => sub.name === 'Invocation');
  const failed = [doc, invocation].some((item) => item?.fault === true || item?.error === true);
  const errorType = exceptionType(doc) ?? exceptionType(invocation);
  return {
    name: doc.name,
    // Whole microseconds: X-Ray's resolution (epoch-second floats carry noise below it).
    durationMs: Math.round((doc.end_time - doc.start_time) * 1e6) / 1000,
    coldStart: subsegments.some((sub) => sub.name === 'Initialization'),
    failed,
    endSeconds: doc.end_time,
    ...(failed && errorType !== undefined ? { errorType } : {}),
  };
}

/**
 * Per function: invocations, errors, cold starts, the nearest-rank p95 duration and the newest
 * error's type, read straight from the segment documents (not through the extension's code).
 */
export function expectedFunctionStats(traces: readonly Pick<SampleTrace, 'documents'>[]): ExpectedFunction[] {
  const runs = new Map<string, FunctionRun[]>();
  for (const trace of traces) {
    for (const text of trace.documents) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        continue;
      }
      const doc = asDoc(parsed);
      const run = doc === undefined ? undefined : functionRun(doc);
      if (run !== undefined) runs.set(run.name, [...(runs.get(run.name) ?? []), run]);
    }
  }
  return [...runs].map(([functionName, list]) => {
    const sorted = list.map((run) => run.durationMs).sort((a, b) => a - b);
    const lastFailure = list.filter((run) => run.failed).sort((a, b) => b.endSeconds - a.endSeconds)[0];
    return {
      functionName,
      invocations: list.length,
      errors: list.filter((run) => run.failed).length,
      coldStarts: list.filter((run) => run.coldStart).length,
      p95Ms: sorted[Math.ceil(0.95 * sorted.length) - 1] ?? 0,
      ...(lastFailure?.errorType !== undefined ? { lastErrorType: lastFailure.errorType } : {}),
    };
  });
}

/** One failing invocation of the fixture app, at the line that threw (found by its marker comment). */
export interface SourceFailure {
  traceId: string;
  /** Relative to the workspace folder. */
  file: string;
  /** 1-based. */
  line: number;
  exceptionType: string;
  fault: boolean;
}

/**
 * The problems the Problems view must show for the failures whose traces the view lists (the
 * extension reads only those): one per file, line and exception type, counting its traces, a
 * fault if any of them was one.
 */
export function expectedProblems(failures: readonly SourceFailure[], shownTraceIds: ReadonlySet<string>): ExpectedProblem[] {
  const groups = new Map<string, ExpectedProblem & { traceIds: Set<string> }>();
  for (const failure of failures) {
    if (!shownTraceIds.has(failure.traceId)) continue;
    const key = [failure.file, failure.line, failure.exceptionType].join('\u0000');
    const group = groups.get(key) ?? { file: failure.file, line: failure.line, exceptionType: failure.exceptionType, failures: 0, fault: false, traceIds: new Set<string>() };
    group.traceIds.add(failure.traceId);
    group.failures = group.traceIds.size;
    group.fault ||= failure.fault;
    groups.set(key, group);
  }
  return [...groups.values()].map(({ traceIds: _traceIds, ...problem }) => problem);
}
