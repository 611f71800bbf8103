import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildTrace } from '../../../src/core/traceBuilder';
import { parseTraceIdInput, w3cToXray, xrayToW3c } from '../../../src/core/traceIds';
import type { Trace } from '../../../src/shared/traceModel';
import { lambdaInvocation } from '../../builders/segmentBuilder';
import { syntheticTraceDocuments } from '../../builders/syntheticTrace';
import { singleFixtureTrace } from './fixtureTraces';

type Doc = Record<string, unknown>;

function lambdaDocuments(): string[] {
  const lambda = lambdaInvocation('orders', { coldStart: true });
  const fn = lambda.fn.build();
  const subs = (fn['subsegments'] as Doc[]).map((sub) => JSON.stringify({ ...sub, type: 'subsegment', parent_id: lambda.fn.id, trace_id: fn['trace_id'] }));
  delete fn['subsegments'];
  return [lambda.service.json(), JSON.stringify(fn), ...subs];
}

const CORPORA: string[][] = [
  syntheticTraceDocuments(40, 1),
  // Large enough to overflow one document: includes independent subsegments.
  syntheticTraceDocuments(400, 2),
  lambdaDocuments(),
  singleFixtureTrace('xray-api-responses/awsdocs-xray-BatchGetTraces-scorekeep-with-lambda.json').documents.filter((doc): doc is string => typeof doc === 'string'),
];

const FIELDS = ['id', 'name', 'start_time', 'end_time', 'in_progress', 'trace_id', 'parent_id', 'type', 'subsegments', 'cause', 'http', 'aws', 'sql', 'annotations', 'metadata', 'fault', 'error', 'origin', 'inferred', 'links'];

type Mutation =
  | { kind: 'drop'; key: string; nested: boolean }
  | { kind: 'set'; key: string; value: unknown; nested: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), key: fc.constantFrom(...FIELDS), nested: fc.boolean() }),
  fc.record({ kind: fc.constant('set' as const), key: fc.constantFrom(...FIELDS), value: fc.anything(), nested: fc.boolean() }),
  fc.record({ kind: fc.constant('string' as const), value: fc.string() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function target(doc: Doc, nested: boolean): Doc {
  const subs = doc['subsegments'];
  const first: unknown = Array.isArray(subs) ? subs[0] : undefined;
  return nested && typeof first === 'object' && first !== null && !Array.isArray(first) ? (first as Doc) : doc;
}

function mutate(document: unknown, change: Mutation): unknown {
  const text = typeof document === 'string' ? document : JSON.stringify(document) ?? '';
  if (change.kind === 'string') return change.value;
  if (change.kind === 'truncate') return text.slice(0, change.at % Math.max(1, text.length));
  let doc: unknown;
  try {
    doc = typeof document === 'string' ? JSON.parse(document) : document;
  } catch {
    return document;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return document;
  const place = target(doc as Doc, change.nested);
  if (change.kind === 'drop') delete place[change.key];
  else place[change.key] = change.value;
  return doc;
}

/** Every (sub)segment of an untouched document, with the parent it must have when that parent is in the trace. */
function expectations(document: string): Array<{ id: string; parentId?: string }> {
  const out: Array<{ id: string; parentId?: string }> = [];
  const stack: Array<{ doc: Doc; parentId?: string }> = [{ doc: JSON.parse(document) as Doc }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const id = item.doc['id'] as string;
    const declared = item.doc['parent_id'];
    const parentId = item.parentId ?? (typeof declared === 'string' ? declared : undefined);
    out.push({ id, ...(parentId === undefined ? {} : { parentId }) });
    for (const sub of (item.doc['subsegments'] as Doc[] | undefined) ?? []) stack.push({ doc: sub, parentId: id });
  }
  return out;
}

function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed % 2147483647 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 16807) % 2147483647;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function assertKept(trace: Trace, intact: readonly string[]): void {
  const byId = new Map(trace.spans.map((span) => [span.id, span]));
  for (const document of intact) {
    for (const expected of expectations(document)) {
      const span = byId.get(expected.id);
      assert.ok(span, `span ${expected.id} of an intact document is kept`);
      if (expected.parentId !== undefined && byId.has(expected.parentId)) {
        assert.equal(span.parentId, expected.parentId, `span ${expected.id} keeps its parent`);
      }
    }
  }
}

describe('buildTrace properties', () => {
  test('mutated documents never throw and never cost a well-formed span', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: CORPORA.length - 1 }),
        fc.array(fc.record({ index: fc.nat(), change: mutation }), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.nat(),
        (corpus, changes, duplicates, order) => {
          const source = CORPORA[corpus] ?? [];
          const documents: unknown[] = [...source];
          const mutated = new Set<number>();
          for (const { index, change } of changes) {
            const at = index % documents.length;
            documents[at] = mutate(documents[at], change);
            mutated.add(at);
          }
          const intact = source.filter((_, index) => !mutated.has(index));
          for (const index of duplicates) documents.push(documents[index % documents.length]);
          const trace = buildTrace({ documents: shuffle(documents, order) });
          assert.ok(Array.isArray(trace.spans) && Array.isArray(trace.warnings));
          assert.equal(new Set(trace.spans.map((span) => span.id)).size, trace.spans.length, 'ids are unique');
          for (const span of trace.spans) assert.ok(span.endMs >= span.startMs && Number.isFinite(span.endMs));
          assertKept(trace, intact);
        },
      ),
      { numRuns: 300, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
  });

  test('arbitrary values as documents never throw', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.anything(), fc.json(), fc.string())), fc.option(fc.string()), (documents, traceId) => {
        const trace = buildTrace({ documents, ...(traceId === null ? {} : { traceId }), limitExceeded: true });
        assert.equal(trace.limitExceeded, true);
      }),
      { numRuns: 300 },
    );
  });

  test('trace ids: any 128-bit id survives both conversions and parsing', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{32}$/), (hex) => {
        fc.pre(!/^0+$/.test(hex));
        const xray = w3cToXray(hex);
        assert.ok(xray);
        assert.equal(xrayToW3c(xray), hex);
        assert.equal(parseTraceIdInput(hex.toUpperCase()), xray);
        assert.equal(parseTraceIdInput(`Root=${xray};Sampled=1`), xray);
      }),
    );
    fc.assert(fc.property(fc.string(), (text) => {
      const parsed = parseTraceIdInput(text);
      assert.ok(parsed === undefined || /^1-[0-9a-f]{8}-[0-9a-f]{24}$/.test(parsed));
    }));
  });
});
