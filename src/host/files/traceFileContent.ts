/**
 * One read of a trace file: what `core/traceFiles` recognised, and its traces built on demand
 * (a CLI dump may hold hundreds; the editor shows one at a time). No `vscode` here.
 */
import { buildFileTrace } from '../../core/traceFiles/fileTraceBuilder';
import { parseTraceFile } from '../../core/traceFiles/traceFileParser';
import type { ParsedTraceFile, SegmentDocumentObject, TraceFileOptions } from '../../core/traceFiles/traceFileTypes';
import type { Trace } from '../../shared/traceModel';

export interface TraceChoice {
  index: number;
  id: string;
  spans: number;
  status: Trace['status'];
  entryPoint?: string;
  durationMs: number;
}

export class TraceFileContent {
  private readonly built = new Map<number, Trace>();

  constructor(
    /** The file name, for labels (`File · name.json`) and messages. */
    readonly name: string,
    readonly parsed: ParsedTraceFile,
  ) {}

  static read(name: string, text: string, options: TraceFileOptions = {}): TraceFileContent {
    return new TraceFileContent(name, parseTraceFile(text, options));
  }

  get traceCount(): number {
    return this.parsed.traces.length;
  }

  trace(index: number): Trace | undefined {
    const cached = this.built.get(index);
    if (cached !== undefined) return cached;
    const file = this.parsed.traces[index];
    if (file === undefined) return undefined;
    const trace = buildFileTrace(file, this.parsed);
    this.built.set(index, trace);
    return trace;
  }

  documents(index: number): SegmentDocumentObject[] {
    return this.parsed.traces[index]?.documents ?? [];
  }

  /** Index of the trace with this id (as built, or as written in the file), or -1. */
  indexOf(traceId: string): number {
    return this.parsed.traces.findIndex((file, index) => file.id === traceId || this.trace(index)?.id === traceId);
  }

  /** One line per trace, for the quick pick. */
  choices(): TraceChoice[] {
    return this.parsed.traces.map((_, index) => {
      const trace = this.trace(index);
      return {
        index,
        id: trace?.id || '(no trace id)',
        spans: trace?.spans.length ?? 0,
        status: trace?.status ?? 'ok',
        ...(trace?.entryPoint === undefined ? {} : { entryPoint: trace.entryPoint }),
        durationMs: trace?.durationMs ?? 0,
      };
    });
  }

  /** Why nothing can be shown: names the file and the first problems. */
  emptyReason(): string {
    const problems = this.parsed.problems.slice(0, 3).map((problem) => problem.message);
    const detail = problems.length > 0 ? ` ${problems.join('; ')}.` : '';
    if (this.parsed.format !== undefined) {
      return `${this.name} was recognised as ${this.parsed.description}, but holds no trace that can be shown.${detail}`;
    }
    return `${this.name} is not a trace file. Serverless Lens reads X-Ray BatchGetTraces responses, aws xray batch-get-traces output, segment documents, daemon datagrams and OTLP JSON.${detail}`;
  }
}
