/**
 * The sample traces behind the unit tests, the demo (`npm start`) and the extension-host tests:
 * the real BatchGetTraces responses in test/fixtures/xray-api-responses plus generated
 * API Gateway → Lambda traces, rebased so the newest starts at `rebaseTo`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { generateTrace } from './sampleTraceGenerator';
import { deriveTrace } from './localXRaySummaries';

export interface SampleTrace {
  /** X-Ray trace id; its epoch part matches the (rebased) start. */
  id: string;
  /** Segment documents as BatchGetTraces returns them (JSON strings). */
  documents: string[];
  /** Epoch seconds of the earliest segment start. */
  startTime: number;
  /** What GetTraceSummaries reports for it: fault > throttle > error > ok. */
  status: 'ok' | 'error' | 'fault' | 'throttle';
  /** True when a Lambda function segment has an `Initialization` subsegment. */
  coldStart: boolean;
  /** Fixture file name, or `generated`. */
  source: string;
}

export interface LoadSampleTracesOptions {
  /** Start of the newest trace; default now. */
  rebaseTo?: Date;
  /** Total number of traces (fixtures included); default 40. */
  count?: number;
  /** Seconds between consecutive trace starts; default 12 (40 traces span 8 minutes). */
  spacingSeconds?: number;
}

const FIXTURE_FILES = [
  'awsdocs-xray-BatchGetTraces-scorekeep-with-lambda.json',
  'awscli-example-batch-get-traces-scorekeep.json',
  'grafana-xray-datasource-trace-parsed-documents-dynamodb-error-nodejs-stack.json',
  'grafana-xray-datasource-trace-parsed-documents-dotnet-sql.json',
];
/** Where the fixtures go in the newest-first list, so they sit among generated traces. */
const FIXTURE_POSITIONS = [1, 4, 8, 13];

interface RawTrace {
  id: string;
  documents: string[];
  source: string;
}

/**
 * Finds test/fixtures from this file, or from the working directory: this module also runs
 * bundled (out/test), where its own directory is not in the source tree.
 */
function fixturesDir(): string {
  const starts = [typeof __dirname === 'string' ? __dirname : process.cwd(), process.cwd()];
  for (const start of starts) {
    let dir = resolve(start);
    for (let i = 0; i < 8; i += 1) {
      const candidate = join(dir, 'test', 'fixtures', 'xray-api-responses');
      if (existsSync(candidate)) {
        return candidate;
      }
      dir = dirname(dir);
    }
  }
  throw new Error('test/fixtures/xray-api-responses not found from ' + starts.join(' or '));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readFixture(file: string): RawTrace[] {
  const parsed: unknown = JSON.parse(readFileSync(join(fixturesDir(), file), 'utf8'));
  const traces = isRecord(parsed) && Array.isArray(parsed.Traces) ? parsed.Traces : [parsed];
  const out: RawTrace[] = [];
  for (const trace of traces) {
    if (!isRecord(trace) || typeof trace.Id !== 'string' || !Array.isArray(trace.Segments)) {
      continue;
    }
    // Some sources hold parsed documents; the API always sends strings.
    const documents = trace.Segments.filter(isRecord).map((segment) =>
      typeof segment.Document === 'string' ? segment.Document : JSON.stringify(segment.Document),
    );
    out.push({ id: trace.Id, documents, source: file });
  }
  return out;
}

function earliestStart(value: unknown): number {
  let min = Number.POSITIVE_INFINITY;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (isRecord(node)) {
      if (typeof node.start_time === 'number') {
        min = Math.min(min, node.start_time);
      }
      Object.values(node).forEach(visit);
    }
  };
  visit(value);
  return min;
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The new id keeps the random part (hashed to hex when a source anonymized it to non-hex). */
function rebasedId(oldId: string, startSeconds: number): string {
  const random = oldId.split('-')[2] ?? '';
  const part = /^[0-9a-f]{24}$/.test(random) ? random : createHash('sha1').update(oldId).digest('hex').slice(0, 24);
  return `1-${Math.floor(startSeconds).toString(16).padStart(8, '0')}-${part}`;
}

function shiftTimes(node: unknown, delta: number, oldId: string, newId: string): unknown {
  if (Array.isArray(node)) {
    return node.map((item) => shiftTimes(item, delta, oldId, newId));
  }
  if (!isRecord(node)) {
    return node;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'start_time' || key === 'end_time') && typeof value === 'number') {
      out[key] = Math.round((value + delta) * 1e6) / 1e6;
    } else if (key === 'trace_id' && value === oldId) {
      out[key] = newId;
    } else {
      out[key] = shiftTimes(value, delta, oldId, newId);
    }
  }
  return out;
}

/** Moves a trace so it starts at `startSeconds`; the id's epoch follows. Unparsable documents stay as they are. */
export function rebaseTrace(trace: { id: string; documents: readonly string[] }, startSeconds: number): { id: string; documents: string[] } {
  const parsed = trace.documents.map(parseOrUndefined);
  const start = earliestStart(parsed);
  const delta = Number.isFinite(start) ? startSeconds - start : 0;
  const id = rebasedId(trace.id, startSeconds);
  const documents = trace.documents.map((text, i) => {
    const doc = parsed[i];
    return doc === undefined ? text : JSON.stringify(shiftTimes(doc, delta, trace.id, id));
  });
  return { id, documents };
}

function hasColdStart(documents: readonly string[]): boolean {
  return documents.some((text) => {
    const doc = parseOrUndefined(text);
    return isRecord(doc) && doc.origin === 'AWS::Lambda::Function' && Array.isArray(doc.subsegments) &&
      doc.subsegments.some((sub) => isRecord(sub) && sub.name === 'Initialization');
  });
}

function finish(id: string, documents: string[], source: string): SampleTrace {
  const derived = deriveTrace({ id, documents });
  return { id, documents, startTime: derived.startTime, status: derived.status, coldStart: hasColdStart(documents), source };
}

/** The sample traces, newest first; the same options give the same traces (ids differ only in their epoch part). */
export function loadSampleTraces(options: LoadSampleTracesOptions = {}): SampleTrace[] {
  const newest = (options.rebaseTo ?? new Date()).getTime() / 1000;
  const count = Math.max(0, options.count ?? 40);
  const spacing = options.spacingSeconds ?? 12;
  const fixtures = FIXTURE_FILES.flatMap(readFixture);
  const out: SampleTrace[] = [];
  let generated = 0;
  for (let position = 0; position < count; position += 1) {
    // A little deterministic jitter so starts do not look machine-made.
    const start = Math.round((newest - position * spacing - (position === 0 ? 0 : (position * 7) % 5)) * 1000) / 1000;
    const fixtureIndex = FIXTURE_POSITIONS.indexOf(position);
    const fixture = fixtureIndex >= 0 ? fixtures[fixtureIndex] : undefined;
    if (fixture) {
      const rebased = rebaseTrace(fixture, start);
      out.push(finish(rebased.id, rebased.documents, fixture.source));
    } else {
      const trace = generateTrace(generated, start);
      generated += 1;
      out.push(finish(trace.id, trace.documents, 'generated'));
    }
  }
  return out;
}
