/**
 * Builds the traces of a read trace file with the same model code as every other source
 * (`core/traceBuilder.ts`), and lists the file's own problems (bad JSON, skipped values) among
 * each trace's warnings, so the timeline shows them where it shows the builder's.
 */
import type { Trace } from '../../shared/traceModel';
import { buildTrace } from '../traceBuilder';
import type { FileTrace, ParsedTraceFile } from './traceFileTypes';

/** Warnings from the file itself, at most this many per trace (the full list is in the log). */
const MAX_FILE_WARNINGS = 50;

export function buildFileTrace(file: FileTrace, parsed: Pick<ParsedTraceFile, 'problems'>): Trace {
  const trace = buildTrace({ ...(file.id === '' ? {} : { traceId: file.id }), documents: file.documents, limitExceeded: file.limitExceeded });
  const fileWarnings = parsed.problems.slice(0, MAX_FILE_WARNINGS).map((problem) => ({ code: problem.code, message: `In the file, ${problem.message}` }));
  if (parsed.problems.length > MAX_FILE_WARNINGS) {
    fileWarnings.push({ code: 'malformedJson', message: `In the file, ${parsed.problems.length - MAX_FILE_WARNINGS} more problems` });
  }
  return fileWarnings.length === 0 ? trace : { ...trace, warnings: [...fileWarnings, ...trace.warnings] };
}
