/**
 * What a trace file holds once read: its format, the traces in it with their raw X-Ray segment
 * documents (the same documents `core/traceBuilder.ts` reads from the API and the receivers), and
 * every problem met, located by line and column or by JSON path.
 */

/** The formats a trace file is recognised as, by content. */
export type TraceFileFormat =
  /** A saved BatchGetTraces response or `aws xray batch-get-traces` output (pages, arrays of them, or bare trace objects). */
  | 'batchGetTraces'
  /** X-Ray segment documents: one, a JSON array (of objects or JSON strings), or one per line. */
  | 'segmentDocuments'
  /** X-Ray daemon UDP datagrams: `{"format":"json","version":1}` header, newline, document; repeated. */
  | 'daemonDatagrams'
  /** An OTLP/JSON `ExportTraceServiceRequest` (`{ resourceSpans }`), or the file exporter's one per line. */
  | 'otlpJson';

export const TRACE_FILE_FORMAT_LABEL: Record<TraceFileFormat, string> = {
  batchGetTraces: 'X-Ray BatchGetTraces response',
  segmentDocuments: 'X-Ray segment documents',
  daemonDatagrams: 'X-Ray daemon datagrams',
  otlpJson: 'OTLP JSON',
};

/** One raw X-Ray segment document (a JSON object). */
export type SegmentDocumentObject = Record<string, unknown>;

export interface TraceFileProblem {
  /** `malformedJson`: the text is not valid JSON there; `invalidHeader`: a bad daemon header; `invalidField`: valid JSON that is not a trace. */
  code: 'malformedJson' | 'invalidHeader' | 'invalidField';
  /** The full sentence, with where the problem is (`line 3, column 5: …`). */
  message: string;
  /** 1-based, in the file. */
  line?: number;
  column?: number;
  /** JSON path of the value concerned, such as `Traces[0].Segments[2].Document`. */
  path?: string;
}

export interface FileTrace {
  /** The trace id as written in the file (`Traces[].Id` or the documents' `trace_id`); '' when none says. */
  id: string;
  /** The segment documents, in file order. */
  documents: SegmentDocumentObject[];
  /** BatchGetTraces `LimitExceeded`. */
  limitExceeded: boolean;
}

export interface ParsedTraceFile {
  /** Undefined when nothing in the file is a trace. */
  format: TraceFileFormat | undefined;
  /** `X-Ray BatchGetTraces response, 2 pages`: what was recognised, for messages and the header. */
  description: string;
  traces: FileTrace[];
  problems: TraceFileProblem[];
}

/** Maps one OTLP/JSON `ExportTraceServiceRequest` to X-Ray segment documents (see `core/otlp/`). */
export type OtlpToDocuments = (request: unknown) => { documents: SegmentDocumentObject[]; warnings: string[] };

export interface TraceFileOptions {
  /** Defaults to the mapping of the local OTLP receiver (`otlpFileMapping.ts`). */
  otlpToDocuments?: OtlpToDocuments;
}
