/**
 * The Logs tab of a local trace: the log records the OTLP receiver filed under the trace, parsed
 * and linked to invocations by the same pure `core/traceLogView.ts` as CloudWatch lines, with no
 * AWS call. Records that name a span of the trace link to it even without a request id.
 */
import { buildTraceLogView } from '../../core/traceLogView';
import { invocationsOfTrace } from '../../core/traceLogQuery';
import type { RawTraceLogLine } from '../../core/traceLogView';
import type { LocalLogLine } from '../../local/localTraceTypes';
import type { HostToTimelineMessage } from '../../shared/timelineMessages';
import type { Trace } from '../../shared/traceModel';

export type LocalLogsMessage = Extract<HostToTimelineMessage, { type: 'logs' }>;

/** What the empty state names as the place searched ("No log lines for this trace in …"). */
export const LOCAL_LOGS_PLACE = 'the local OTLP receiver (/v1/logs)';

export function localLogsMessage(trace: Trace, records: readonly LocalLogLine[]): LocalLogsMessage {
  // Sorted here (stably) so line i of the view is record i: the view sorts by time too.
  const sorted = [...records].sort((a, b) => a.timestamp - b.timestamp);
  const raw: RawTraceLogLine[] = sorted.map((record) => ({ timestamp: record.timestamp, message: record.parsed.raw, logGroup: record.service ?? 'local' }));
  const view = buildTraceLogView(trace, invocationsOfTrace(trace), raw);
  const spanIds = new Set(trace.spans.map((span) => span.id));
  view.lines.forEach((line, i) => {
    const spanId = sorted[i]?.spanId;
    if (line.spanId === undefined && spanId !== undefined && spanIds.has(spanId)) line.spanId = spanId;
  });
  return { type: 'logs', state: 'done', lines: view.lines, invocations: view.invocations, source: 'local', truncated: view.truncated, logGroups: [LOCAL_LOGS_PLACE] };
}
