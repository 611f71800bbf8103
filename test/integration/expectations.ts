/**
 * What the Traces view should show for a set of sample traces served by the local X-Ray server.
 * Derived from the sample data itself (status and cold start as the server's summaries report
 * them), not from the extension's code, so the suite compares the view against the server.
 */
import type { SampleTrace } from '../support/sampleTraces';
import type { ExpectedEndpoint } from './testEnv';

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
    traces: newestFirst.map((trace) => ({
      id: trace.id,
      startTime: trace.startTime,
      status: trace.status,
      coldStart: trace.coldStart,
      spans: countSpans(trace.documents),
    })),
  };
}
