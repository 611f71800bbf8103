/**
 * Serialises traces to a file in the formats the importer reads: a BatchGetTraces response (the
 * default: what the X-Ray API and `aws xray batch-get-traces` return), a JSON array of segment
 * documents, or OTLP/JSON. Raw documents are written as received when the caller has them (from
 * AWS, the local receivers or a file); otherwise the model is written back
 * (`modelToDocuments.ts`, `modelToOtlp.ts`). Pure.
 */
import type { Trace } from '../../shared/traceModel';
import { isRecord, readString } from '../jsonRead';
import { traceToDocuments } from './modelToDocuments';
import { traceToOtlpRequest } from './modelToOtlp';
import type { SegmentDocumentObject } from './traceFileTypes';

export type TraceExportFormat = 'batchGetTraces' | 'segmentDocuments' | 'otlpJson';

export const TRACE_EXPORT_FORMATS: readonly { format: TraceExportFormat; label: string; detail: string; suffix: string }[] = [
  { format: 'batchGetTraces', label: 'X-Ray BatchGetTraces JSON', detail: 'The X-Ray API response shape, as `aws xray batch-get-traces` prints it', suffix: '.json' },
  { format: 'segmentDocuments', label: 'X-Ray segment documents', detail: 'A JSON array of segment documents, as the X-Ray SDKs send them', suffix: '.segments.json' },
  { format: 'otlpJson', label: 'OpenTelemetry OTLP JSON', detail: 'An OTLP/HTTP JSON request body (ExportTraceServiceRequest)', suffix: '.otlp.json' },
];

export interface ExportableTrace {
  trace: Trace;
  /** The raw segment documents (JSON strings or objects), when the source kept them. */
  documents?: readonly unknown[];
}

function parseDocument(raw: unknown): SegmentDocumentObject | undefined {
  if (isRecord(raw)) return raw;
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The documents to write: the raw ones if any, else the model written back. */
function documentsOf(input: ExportableTrace): unknown[] {
  return input.documents !== undefined && input.documents.length > 0 ? input.documents.map(withoutFrameColumns) : traceToDocuments(input.trace);
}

/**
 * A document without the `column` of its stack frames. Documents mapped from OTLP keep the column
 * of each frame (`core/otlp/otlpToXray.ts`), but X-Ray's stack frame has no such field, so X-Ray
 * exports leave it out (the OTLP export keeps it in the stack text). Documents without one, as
 * every document from AWS, are returned as they are (a string stays the same string).
 */
function withoutFrameColumns(raw: unknown): unknown {
  if (typeof raw === 'string') {
    if (!raw.includes('"column"')) return raw;
    const parsed = parseDocument(raw);
    if (parsed === undefined) return raw;
    const stripped = stripColumns(parsed);
    return stripped === parsed ? raw : JSON.stringify(stripped);
  }
  return isRecord(raw) ? stripColumns(raw) : raw;
}

/** Copies only what changes: a (sub)segment whose cause or subsegments held a column. */
function stripColumns(document: Record<string, unknown>): Record<string, unknown> {
  let out = document;
  const cause = document['cause'];
  if (isRecord(cause) && Array.isArray(cause['exceptions'])) {
    let changed = false;
    const exceptions = cause['exceptions'].map((exception: unknown) => {
      if (!isRecord(exception) || !Array.isArray(exception['stack'])) return exception;
      if (!exception['stack'].some((frame: unknown) => isRecord(frame) && Object.hasOwn(frame, 'column'))) return exception;
      changed = true;
      const stack = exception['stack'].map((frame: unknown) => {
        if (!isRecord(frame) || !Object.hasOwn(frame, 'column')) return frame;
        const { column: _column, ...rest } = frame;
        return rest;
      });
      return { ...exception, stack };
    });
    if (changed) out = { ...out, cause: { ...cause, exceptions } };
  }
  const subsegments = document['subsegments'];
  if (Array.isArray(subsegments)) {
    const children = subsegments.map((child: unknown) => (isRecord(child) ? stripColumns(child) : child));
    if (children.some((child, index) => child !== subsegments[index])) out = { ...out, subsegments: children };
  }
  return out;
}

function batchGetTraces(inputs: readonly ExportableTrace[]): unknown {
  return {
    Traces: inputs.map((input) => ({
      Id: input.trace.id,
      Duration: Math.round(input.trace.durationMs) / 1000,
      LimitExceeded: input.trace.limitExceeded,
      Segments: documentsOf(input).map((raw) => {
        const document = parseDocument(raw);
        return { Id: (document === undefined ? undefined : readString(document, 'id')) ?? '', Document: typeof raw === 'string' ? raw : JSON.stringify(raw) };
      }),
    })),
    UnprocessedTraceIds: [],
  };
}

function segmentDocuments(inputs: readonly ExportableTrace[]): unknown[] {
  // A document that does not parse stays a JSON string: the importer reads arrays of strings too.
  return inputs.flatMap((input) => documentsOf(input).map((raw) => parseDocument(raw) ?? raw));
}

/** The file text for `traces` in `format`, pretty-printed, with a final newline. */
export function serializeTraces(inputs: readonly ExportableTrace[], format: TraceExportFormat): string {
  let value: unknown;
  if (format === 'batchGetTraces') value = batchGetTraces(inputs);
  else if (format === 'segmentDocuments') value = segmentDocuments(inputs);
  else value = { resourceSpans: inputs.flatMap((input) => traceToOtlpRequest(input.trace).resourceSpans) };
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** `trace-1-5759e988-bd862e3fe1be46a994272793.json`, with the format's suffix. */
export function exportFileName(traceId: string, format: TraceExportFormat): string {
  const safe = traceId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80) || 'unknown';
  const suffix = TRACE_EXPORT_FORMATS.find((item) => item.format === format)?.suffix ?? '.json';
  return `trace-${safe}${suffix}`;
}
