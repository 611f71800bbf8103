/**
 * A cheap look at the start of a file to tell whether it is probably a trace file, before reading
 * it all: used when a `.json` file is opened in the text editor, to offer the trace view. The full
 * read (`traceFileParser.ts`) decides; this only has to be fast and rarely wrong.
 */
import type { TraceFileFormat } from './traceFileTypes';

/** How much of a file the sniff looks at. */
export const SNIFF_BYTES = 64 * 1024;

const DAEMON_HEADER = /^\s*\{\s*"format"\s*:\s*"json"\s*,\s*"version"\s*:\s*1\s*\}\s*(?:\r?\n|\\n)\s*\{/;
const TRACES = /^\s*[[{][\s\S]*?"Traces"\s*:\s*\[/;
const SEGMENTS = /"Segments"\s*:\s*\[\s*(?:\{\s*"(?:Id|Document)"|\])/;
const RESOURCE_SPANS = /^\s*[[{]\s*(?:\{\s*)?"resourceSpans"\s*:\s*\[/;
const SEGMENT_FIELDS = ['"trace_id"', '"start_time"', '"id"'];

/** The format the start of `head` suggests, or undefined when it does not look like a trace file. */
export function sniffTraceFormat(head: string): TraceFileFormat | undefined {
  const text = head.length > SNIFF_BYTES ? head.slice(0, SNIFF_BYTES) : head;
  const start = text.trimStart().charAt(0);
  if (start !== '{' && start !== '[' && start !== '"') return undefined;
  if (DAEMON_HEADER.test(text)) return 'daemonDatagrams';
  if (RESOURCE_SPANS.test(text)) return 'otlpJson';
  if (TRACES.test(text) && SEGMENTS.test(text)) return 'batchGetTraces';
  if (SEGMENTS.test(text) && text.includes('"Document"')) return 'batchGetTraces';
  if (SEGMENT_FIELDS.every((field) => text.includes(field) || text.includes(field.replace(/"/g, '\\"')))) return 'segmentDocuments';
  return undefined;
}
