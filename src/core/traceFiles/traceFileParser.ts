/**
 * Reads a trace file by its content, whatever its name: a BatchGetTraces response (one page,
 * several concatenated as `aws xray batch-get-traces` pages, or an array of them), bare trace
 * objects, X-Ray segment documents (one, a JSON array of objects or of JSON strings, one per
 * line), X-Ray daemon datagrams, or OTLP/JSON. Everything readable is kept; every problem is
 * reported with where it is. Pure: no I/O, never throws.
 */
import { isRecord, readString } from '../jsonRead';
import type { JsonRecord } from '../jsonRead';
import { LineIndex, readJsonValues } from './jsonText';
import type { JsonTextProblem } from './jsonText';
import { otlpJsonToDocuments } from './otlpFileMapping';
import { TRACE_FILE_FORMAT_LABEL } from './traceFileTypes';
import type { FileTrace, ParsedTraceFile, SegmentDocumentObject, TraceFileFormat, TraceFileOptions, TraceFileProblem } from './traceFileTypes';

interface Counts {
  pages: number;
  traceObjects: number;
  otlpRequests: number;
  datagrams: number;
  documents: number;
  documentStrings: number;
  topLevelValues: number;
}

/** Where a value came from, for messages: a line of the file, then a JSON path inside it. */
interface Place {
  line: number;
  column: number;
  path: string;
}

function where(place: Place): string {
  return place.path === '' ? `line ${place.line}` : `line ${place.line}, ${place.path}`;
}

function isDaemonHeader(value: JsonRecord): boolean {
  return ('format' in value || 'version' in value) && !('id' in value) && Object.keys(value).length <= 3;
}

/** A (sub)segment document: the fields X-Ray requires, or enough of them to be one. */
function isSegmentDocument(value: JsonRecord): boolean {
  return typeof value['id'] === 'string' && ('start_time' in value || 'trace_id' in value || 'name' in value || 'subsegments' in value);
}

class Collector {
  readonly traces = new Map<string, FileTrace>();
  readonly loose: { document: SegmentDocumentObject; place: Place }[] = [];
  readonly problems: TraceFileProblem[] = [];
  readonly counts: Counts = { pages: 0, traceObjects: 0, otlpRequests: 0, datagrams: 0, documents: 0, documentStrings: 0, topLevelValues: 0 };

  constructor(private readonly options: TraceFileOptions) {}

  problem(place: Place, message: string, code: TraceFileProblem['code'] = 'invalidField'): void {
    this.problems.push({ code, message: `${where(place)}: ${message}`, line: place.line, column: place.column, ...(place.path === '' ? {} : { path: place.path }) });
  }

  private traceFor(id: string): FileTrace {
    let trace = this.traces.get(id);
    if (trace === undefined) {
      trace = { id, documents: [], limitExceeded: false };
      this.traces.set(id, trace);
    }
    return trace;
  }

  /** A top-level value, or an item of a top-level array. */
  value(value: unknown, place: Place, pendingHeader: { value?: JsonRecord }): void {
    if (pendingHeader.value !== undefined) {
      const header = pendingHeader.value;
      pendingHeader.value = undefined;
      this.datagramBody(header, value, place);
      return;
    }
    if (typeof value === 'string') {
      this.documentString(value, place);
      return;
    }
    if (Array.isArray(value)) {
      if (place.path !== '') {
        this.problem(place, 'an array inside an array is not a trace; skipped');
        return;
      }
      const header: { value?: JsonRecord } = {};
      value.forEach((item, index) => this.value(item, { ...place, path: `[${index}]` }, header));
      return;
    }
    if (!isRecord(value)) {
      this.problem(place, `${value === null ? 'null' : typeof value} is not a trace; skipped`);
      return;
    }
    this.record(value, place, pendingHeader);
  }

  private record(value: JsonRecord, place: Place, pendingHeader: { value?: JsonRecord }): void {
    if (Array.isArray(value['Traces'])) {
      this.counts.pages += 1;
      value['Traces'].forEach((item, index) => this.traceObject(item, { ...place, path: `${place.path}${place.path === '' ? '' : '.'}Traces[${index}]` }));
    } else if (Array.isArray(value['Segments'])) {
      this.traceObject(value, place);
    } else if (Array.isArray(value['resourceSpans'])) {
      this.otlp(value, place);
    } else if ('Document' in value && !('id' in value)) {
      this.segmentEntry(value, place, undefined);
    } else if (isDaemonHeader(value)) {
      pendingHeader.value = value;
    } else if (isSegmentDocument(value)) {
      this.document(value, place);
    } else {
      const keys = Object.keys(value).slice(0, 5).join(', ');
      this.problem(place, `this object is not a trace (expected Traces, Segments, resourceSpans, or a segment document with id and start_time; found ${keys === '' ? 'no members' : keys}); skipped`);
    }
  }

  private traceObject(item: unknown, place: Place): void {
    if (!isRecord(item) || !Array.isArray(item['Segments'])) {
      this.problem(place, 'a trace without a Segments array; skipped');
      return;
    }
    this.counts.traceObjects += 1;
    const id = readString(item, 'Id') ?? '';
    const trace = id === '' ? undefined : this.traceFor(id);
    if (trace !== undefined && item['LimitExceeded'] === true) trace.limitExceeded = true;
    const segments = item['Segments'];
    segments.forEach((segment, index) => this.segmentEntry(segment, { ...place, path: `${place.path}${place.path === '' ? '' : '.'}Segments[${index}]` }, trace));
    if (segments.length === 0 && trace !== undefined) {
      this.problem(place, `trace ${id} has no segments`);
    }
  }

  private segmentEntry(entry: unknown, place: Place, trace: FileTrace | undefined): void {
    const raw = isRecord(entry) ? entry['Document'] : undefined;
    const documentPlace = { ...place, path: `${place.path}.Document` };
    const document = typeof raw === 'string' ? this.parseDocumentString(raw, documentPlace) : raw;
    if (!isRecord(document)) {
      if (raw === undefined) this.problem(place, 'a segment without a Document; skipped');
      else if (typeof raw !== 'string') this.problem(documentPlace, 'the Document is neither a JSON string nor an object; skipped');
      return;
    }
    if (trace === undefined) {
      this.document(document, documentPlace);
      return;
    }
    this.counts.documents += 1;
    trace.documents.push(document);
  }

  /** A segment document written as a JSON string (a `Document`, an array item), maybe a datagram. */
  private parseDocumentString(text: string, place: Place): unknown {
    const { values, problems } = readJsonValues(text);
    for (const problem of problems) {
      this.problem(place, `${problemAt(problem, text)}${problem.message}`, 'malformedJson');
    }
    const [first, second] = values;
    if (first !== undefined && isRecord(first.value) && isDaemonHeader(first.value) && second !== undefined) {
      this.checkHeader(first.value, place);
      return second.value;
    }
    return first?.value;
  }

  private documentString(text: string, place: Place): void {
    this.counts.documentStrings += 1;
    const document = this.parseDocumentString(text, place);
    if (isRecord(document) && isSegmentDocument(document)) {
      this.document(document, place);
    } else if (document !== undefined) {
      this.problem(place, 'this string is not a segment document; skipped');
    }
  }

  private checkHeader(header: JsonRecord, place: Place): void {
    const format = readString(header, 'format');
    if (format?.toLowerCase() !== 'json' || header['version'] !== 1) {
      this.problem(place, `the daemon header is not {"format":"json","version":1} (the daemon would drop this datagram); read anyway`, 'invalidHeader');
    }
  }

  private datagramBody(header: JsonRecord, body: unknown, place: Place): void {
    this.counts.datagrams += 1;
    this.checkHeader(header, place);
    if (isRecord(body) && isSegmentDocument(body)) {
      this.document(body, place);
    } else {
      this.problem(place, 'a daemon header is not followed by a segment document; skipped');
    }
  }

  private otlp(request: JsonRecord, place: Place): void {
    this.counts.otlpRequests += 1;
    const map = this.options.otlpToDocuments ?? otlpJsonToDocuments;
    const { documents, warnings } = map(request);
    for (const warning of warnings) this.problem(place, warning);
    for (const document of documents) this.document(document, place);
  }

  private document(document: SegmentDocumentObject, place: Place): void {
    this.counts.documents += 1;
    const traceId = readString(document, 'trace_id');
    if (traceId === undefined || traceId.trim() === '') {
      this.loose.push({ document, place });
      return;
    }
    this.traceFor(traceId.trim()).documents.push(document);
  }

  /** Documents without `trace_id` join the trace that holds their parent, or the only trace. */
  settleLoose(): void {
    if (this.loose.length === 0) return;
    const owners = spanOwners(this.traces);
    const only = this.traces.size === 1 ? [...this.traces.values()][0] : undefined;
    let unplaced = 0;
    for (const { document } of this.loose) {
      const parent = readString(document, 'parent_id');
      const owner = (parent === undefined ? undefined : owners.get(parent)) ?? only;
      if (owner !== undefined) {
        owner.documents.push(document);
      } else {
        unplaced += 1;
        this.traceFor('').documents.push(document);
      }
    }
    if (unplaced > 0 && this.traces.size > 1) {
      const first = this.loose[0];
      if (first !== undefined) {
        this.problem(first.place, `${unplaced} document${unplaced === 1 ? ' has' : 's have'} no trace_id and no parent in another trace; shown together as a trace without id`);
      }
    }
  }
}

/** Id of every span (top-level and embedded) → its trace, to place documents without `trace_id`. */
function spanOwners(traces: ReadonlyMap<string, FileTrace>): Map<string, FileTrace> {
  const owners = new Map<string, FileTrace>();
  for (const trace of traces.values()) {
    const stack: unknown[] = [...trace.documents];
    for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
      if (!isRecord(item)) continue;
      const id = readString(item, 'id');
      if (id !== undefined) owners.set(id, trace);
      const children = item['subsegments'];
      if (Array.isArray(children)) stack.push(...(children as unknown[]));
    }
  }
  return owners;
}

function problemAt(problem: JsonTextProblem, text: string): string {
  return text.includes('\n') ? `line ${problem.line}, column ${problem.column} of the string: ` : `column ${problem.column} of the string: `;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function describe(counts: Counts, jsonArray: boolean): { format: TraceFileFormat | undefined; description: string } {
  if (counts.pages > 0 || counts.traceObjects > 0) {
    const detail = counts.pages > 1 ? `, ${plural(counts.pages, 'page')}` : counts.pages === 0 ? ` (${plural(counts.traceObjects, 'trace object')})` : '';
    return { format: 'batchGetTraces', description: `${TRACE_FILE_FORMAT_LABEL.batchGetTraces}${detail}` };
  }
  if (counts.otlpRequests > 0) {
    const detail = counts.otlpRequests > 1 ? `, ${plural(counts.otlpRequests, 'request')} (one per line)` : '';
    return { format: 'otlpJson', description: `${TRACE_FILE_FORMAT_LABEL.otlpJson}${detail}` };
  }
  if (counts.datagrams > 0) {
    return { format: 'daemonDatagrams', description: `${TRACE_FILE_FORMAT_LABEL.daemonDatagrams} (${counts.datagrams})` };
  }
  if (counts.documents > 0) {
    const shape = counts.documents === 1 ? 'one document' : jsonArray ? `${counts.documents}, JSON array${counts.documentStrings > 0 ? ' of strings' : ''}` : `${counts.documents}, one per line`;
    return { format: 'segmentDocuments', description: `${TRACE_FILE_FORMAT_LABEL.segmentDocuments} (${shape})` };
  }
  return { format: undefined, description: 'not a trace file' };
}

/** Reads a trace file's text. Never throws; `traces` is empty when nothing readable is a trace. */
export function parseTraceFile(text: string, options: TraceFileOptions = {}): ParsedTraceFile {
  const collector = new Collector(options);
  const { values, problems } = readJsonValues(text);
  for (const problem of problems) {
    collector.problems.push({ code: 'malformedJson', message: `line ${problem.line}, column ${problem.column}: ${problem.message}`, line: problem.line, column: problem.column });
  }
  const lines = new LineIndex(text);
  const header: { value?: JsonRecord } = {};
  for (const item of values) {
    collector.counts.topLevelValues += 1;
    const position = lines.position(item.start);
    try {
      collector.value(item.value, { line: position.line, column: position.column, path: '' }, header);
    } catch (error) {
      collector.problem({ line: position.line, column: position.column, path: '' }, `could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (header.value !== undefined) {
    collector.problems.push({ code: 'invalidHeader', message: 'the file ends after a daemon header, without its segment document' });
  }
  collector.settleLoose();
  const traces = [...collector.traces.values()].filter((trace) => trace.documents.length > 0);
  const jsonArray = values.length === 1 && Array.isArray(values[0]?.value);
  const { format, description } = describe(collector.counts, jsonArray);
  if (traces.length === 0 && values.length === 0 && collector.problems.length === 0) {
    collector.problems.push({ code: 'invalidField', message: 'the file is empty' });
  }
  return { format, description, traces, problems: collector.problems };
}
