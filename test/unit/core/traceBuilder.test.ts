import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTrace } from '../../../src/core/traceBuilder';
import type { Span, Trace } from '../../../src/shared/traceModel';
import { dynamoDbCall, httpCall, lambdaInvocation, segment, subsegment, TRACE_EPOCH_SECONDS } from '../../builders/segmentBuilder';
import { syntheticTraceDocuments } from '../../builders/syntheticTrace';
import { singleFixtureTrace } from './fixtureTraces';

function spanOf(trace: Trace, id: string): Span {
  const span = trace.spans.find((item) => item.id === id);
  assert.ok(span, `span ${id} is in the trace`);
  return span;
}

/** The tree as a user sees it: order, nesting and parents. */
function shape(trace: Trace): string[] {
  return trace.spans.map((span) => `${span.depth}:${span.id}<${span.parentId ?? '-'}`);
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('buildTrace: order and duplicates', () => {
  test('documents in any order give the same tree', () => {
    const source = singleFixtureTrace('xray-api-responses/awsdocs-xray-BatchGetTraces-scorekeep-with-lambda.json');
    const expected = shape(buildTrace({ documents: source.documents }));
    for (let seed = 1; seed <= 20; seed++) {
      assert.deepEqual(shape(buildTrace({ documents: shuffled(source.documents, seed) })), expected, `seed ${seed}`);
    }
    const synthetic = syntheticTraceDocuments(2_000, 7);
    assert.deepEqual(shape(buildTrace({ documents: shuffled(synthetic, 3) })), shape(buildTrace({ documents: synthetic })));
  });

  test('a completed document replaces the in-progress one, whichever comes first', () => {
    const open = segment('api', 'aaaaaaaaaaaaaaa1').at(0, 0).inProgress().child(subsegment('early', 'bbbbbbbbbbbbbbb1').at(1, 2));
    const done = segment('api', 'aaaaaaaaaaaaaaa1').at(0, 50).child(subsegment('early', 'bbbbbbbbbbbbbbb1').at(1, 2), subsegment('late', 'bbbbbbbbbbbbbbb2').at(10, 30));
    for (const documents of [[open.json(), done.json()], [done.json(), open.json()]]) {
      const trace = buildTrace({ documents });
      const root = spanOf(trace, 'aaaaaaaaaaaaaaa1');
      assert.deepEqual([root.inProgress, root.endMs, trace.inProgress], [false, 50, false]);
      assert.deepEqual(root.childIds, ['bbbbbbbbbbbbbbb1', 'bbbbbbbbbbbbbbb2']);
      assert.deepEqual(trace.warnings, [], 'the re-sent embedded subsegment is not a duplicate');
    }
  });

  test('an in-progress span ends at the end of the trace', () => {
    const root = segment('api', 'aaaaaaaaaaaaaaa1').at(0, 100);
    const pending = subsegment('slow', 'bbbbbbbbbbbbbbb1').at(20, 0).inProgress().independent(root.id);
    const trace = buildTrace({ documents: [root.build(), pending.build()] });
    assert.deepEqual([spanOf(trace, 'bbbbbbbbbbbbbbb1').endMs, spanOf(trace, 'bbbbbbbbbbbbbbb1').inProgress, trace.inProgress], [100, true, true]);
  });

  test('two complete copies of a span: the first wins, with a warning', () => {
    const first = segment('first', 'aaaaaaaaaaaaaaa1').at(0, 10);
    const second = segment('second', 'aaaaaaaaaaaaaaa1').at(0, 20);
    const trace = buildTrace({ documents: [first.json(), second.json()] });
    assert.deepEqual(trace.spans.map((span) => span.name), ['first']);
    assert.deepEqual(trace.warnings.map((warning) => [warning.code, warning.spanId]), [['duplicateSpan', 'aaaaaaaaaaaaaaa1']]);
  });
});

describe('buildTrace: times, skew and status', () => {
  test('a child that starts before its parent is clamped and flagged', () => {
    const root = segment('api', 'aaaaaaaaaaaaaaa1').at(10, 100).child(subsegment('early', 'bbbbbbbbbbbbbbb1').at(4, 20));
    const trace = buildTrace({ documents: [root.build()] });
    const child = spanOf(trace, 'bbbbbbbbbbbbbbb1');
    assert.deepEqual([child.clockSkew, child.startMs, child.endMs, child.durationMs], [true, 6, 20, 14]);
    assert.equal(trace.startEpochMs, TRACE_EPOCH_SECONDS * 1000 + 4);
    assert.deepEqual(trace.warnings.map((warning) => [warning.code, warning.spanId]), [['clockSkew', 'bbbbbbbbbbbbbbb1']]);
  });

  test('status precedence is fault > throttle > error, and the trace takes the worst', () => {
    const root = segment('api').at(0, 100).child(
      subsegment('e').at(1, 1).error(),
      subsegment('t').at(2, 1).throttle(),
      subsegment('ft').at(3, 1).throttle().set('fault', true),
    );
    const trace = buildTrace({ documents: [root.build()] });
    assert.deepEqual(trace.spans.map((span) => span.status), ['ok', 'error', 'throttle', 'fault']);
    assert.equal(trace.status, 'fault');
    assert.equal(buildTrace({ documents: [segment('x').error().build()] }).status, 'error');
  });

  test('siblings are ordered by start time, ties by input order', () => {
    const root = segment('api', 'aaaaaaaaaaaaaaa1').at(0, 100).child(
      subsegment('c', 'ccccccccccccccc1').at(30, 1),
      subsegment('a', 'ccccccccccccccc2').at(10, 1),
      subsegment('b', 'ccccccccccccccc3').at(10, 1),
    );
    assert.deepEqual(spanOf(buildTrace({ documents: [root.build()] }), 'aaaaaaaaaaaaaaa1').childIds, ['ccccccccccccccc2', 'ccccccccccccccc3', 'ccccccccccccccc1']);
  });
});

describe('buildTrace: Lambda', () => {
  test('a cold invocation sent as separate documents is marked and linked', () => {
    const lambda = lambdaInvocation('orders', { coldStart: true, requestId: 'req-1' });
    lambda.invocation.child(dynamoDbCall('GetItem', 'orders').at(200, 10));
    const fnDoc = lambda.fn.build();
    // Like the Node SDK in Lambda: subsegments arrive on their own, not embedded.
    const subs = (fnDoc['subsegments'] as Array<Record<string, unknown>>).map((sub) => ({ ...sub, type: 'subsegment', parent_id: lambda.fn.id, trace_id: fnDoc['trace_id'] }));
    delete fnDoc['subsegments'];
    const trace = buildTrace({ documents: shuffled([lambda.service.json(), JSON.stringify(fnDoc), ...subs], 5) });
    const fn = spanOf(trace, lambda.fn.id);
    assert.equal(trace.coldStart, true);
    assert.deepEqual([fn.coldStart, spanOf(trace, lambda.initialization?.id ?? '').coldStart], [true, true]);
    assert.equal(fn.lambda?.requestId, 'req-1');
    assert.deepEqual(fn.lambda?.logGroups, ['/aws/lambda/orders']);
    assert.equal(fn.lambda?.functionName, 'orders');
    assert.deepEqual(trace.spans.map((span) => span.name), ['orders', 'orders', 'Initialization', 'Invocation', 'DynamoDB', 'Overhead']);
    assert.deepEqual(trace.warnings, []);
  });

  test('a warm invocation is not a cold start', () => {
    const lambda = lambdaInvocation('orders');
    const trace = buildTrace({ documents: [lambda.service.build(), lambda.fn.build()] });
    assert.equal(trace.coldStart, false);
    assert.ok(trace.spans.every((span) => !span.coldStart));
  });
});

describe('buildTrace: causes', () => {
  test('references resolve to the span that records the exception', () => {
    const failing = dynamoDbCall('PutItem', 'orders').at(5, 5).fault('ResourceNotFoundException', 'no table', { exceptionId: 'e0e0e0e0e0e0e0e1', remote: true });
    const handler = subsegment('## handler').at(2, 20).causeReference(failing.id, 'nodeSdk').set('fault', true).child(failing);
    const root = segment('api').at(0, 30).causeReference('e0e0e0e0e0e0e0e1').set('fault', true).child(handler);
    const trace = buildTrace({ documents: [root.build()] });
    assert.deepEqual(spanOf(trace, root.id).cause?.reference, { id: 'e0e0e0e0e0e0e0e1', spanId: failing.id });
    assert.deepEqual(spanOf(trace, handler.id).cause?.reference, { id: failing.id, spanId: failing.id });
    const exception = spanOf(trace, failing.id).cause?.exceptions[0];
    assert.deepEqual(exception, { id: 'e0e0e0e0e0e0e0e1', type: 'ResourceNotFoundException', message: 'no table', remote: true, stack: [{ path: '/var/task/index.js', line: 12, label: 'handler' }] });
    assert.deepEqual(trace.warnings, []);
  });

  test('exception chains keep truncated, skipped and cause', () => {
    const root = segment('api').set('cause', { exceptions: [{ id: 'a', type: 'Outer', truncated: 3, skipped: 1, cause: 'b', stack: [{ path: 'x.js', line: '7', label: 'f' }, 'junk'] }, { id: 'b', type: 'Inner' }] });
    const exceptions = buildTrace({ documents: [root.build()] }).spans[0]?.cause?.exceptions;
    assert.deepEqual(exceptions, [
      { id: 'a', type: 'Outer', remote: false, truncated: 3, skipped: 1, causeId: 'b', stack: [{ path: 'x.js', line: 7, label: 'f' }] },
      { id: 'b', type: 'Inner', remote: false, stack: [] },
    ]);
  });
});

describe('buildTrace: hostile and odd input', () => {
  test('non-objects, bad JSON and bad headers become warnings', () => {
    const good = segment('ok', 'aaaaaaaaaaaaaaa1').json();
    const trace = buildTrace({ documents: [42, null, '[1,2]', '{"id":', `{"format":"xml","version":2}\n${good}`, { id: 'x' }, segment('ok2', 'aaaaaaaaaaaaaaa2').build()] });
    assert.deepEqual(trace.spans.map((span) => span.id).sort(), ['aaaaaaaaaaaaaaa1', 'aaaaaaaaaaaaaaa2']);
    assert.deepEqual(trace.warnings.map((warning) => warning.code), ['notAnObject', 'notAnObject', 'notAnObject', 'malformedJson', 'invalidHeader', 'missingField']);
  });

  test('wrong types: annotations keep scalars, metadata stays data, __proto__ is just a key', () => {
    const doc = JSON.parse('{"id":"aaaaaaaaaaaaaaa1","name":"n","start_time":1,"end_time":2,"annotations":{"ok":1,"no":{"a":1},"__proto__":"p"},"metadata":{"__proto__":{"polluted":true},"ns":{"n":1}},"http":"nope","aws":[1],"fault":"yes"}') as unknown;
    const span = buildTrace({ documents: [doc] }).spans[0];
    assert.ok(span);
    assert.deepEqual(Object.keys(span.annotations), ['ok', '__proto__']);
    assert.equal(Object.getPrototypeOf(span.metadata), Object.prototype);
    assert.deepEqual(Object.keys(span.metadata), ['__proto__', 'ns']);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.deepEqual([span.http, span.aws, span.fault, span.status], [undefined, undefined, false, 'ok']);
  });

  test('a parent cycle does not hang or lose spans', () => {
    const a = subsegment('a', 'aaaaaaaaaaaaaaa1').independent('aaaaaaaaaaaaaaa2');
    const b = subsegment('b', 'aaaaaaaaaaaaaaa2').independent('aaaaaaaaaaaaaaa1');
    const self = subsegment('self', 'aaaaaaaaaaaaaaa3').independent('aaaaaaaaaaaaaaa3');
    const trace = buildTrace({ documents: [a.build(), b.build(), self.build()] });
    assert.equal(trace.spans.length, 3);
    assert.equal(trace.rootIds.length, 2);
    assert.ok(trace.warnings.some((warning) => warning.code === 'invalidField'));
  });

  test('a subsegment whose parent is missing is a root with a warning; a segment is not warned about', () => {
    const trace = buildTrace({ documents: [subsegment('lost', 'aaaaaaaaaaaaaaa1').independent('ffffffffffffffff').build(), segment('called', 'aaaaaaaaaaaaaaa2').parent('eeeeeeeeeeeeeeee').build()] });
    assert.deepEqual(trace.rootIds, ['aaaaaaaaaaaaaaa1', 'aaaaaaaaaaaaaaa2']);
    assert.deepEqual(trace.spans.map((span) => span.declaredParentId), ['ffffffffffffffff', 'eeeeeeeeeeeeeeee']);
    assert.deepEqual(trace.warnings.map((warning) => [warning.code, warning.spanId]), [['orphanSpan', 'aaaaaaaaaaaaaaa1']]);
  });

  test('a skipped subsegment’s children hang from the nearest valid ancestor', () => {
    const root = segment('api', 'aaaaaaaaaaaaaaa1').child(subsegment('broken', 'aaaaaaaaaaaaaaa2').without('start_time').child(subsegment('kept', 'aaaaaaaaaaaaaaa3')));
    const trace = buildTrace({ documents: [root.build()] });
    assert.deepEqual(shape(trace), ['0:aaaaaaaaaaaaaaa1<-', '1:aaaaaaaaaaaaaaa3<aaaaaaaaaaaaaaa1']);
    assert.deepEqual(trace.warnings.map((warning) => warning.code), ['missingField']);
  });

  test('the trace id comes from the caller, else the documents, in X-Ray form', () => {
    const doc = segment('a').build();
    assert.equal(buildTrace({ documents: [doc] }).id, '1-6553f100-0123456789abcdef01234567');
    assert.equal(buildTrace({ traceId: ' 5759E988BD862E3FE1BE46A994272793 ', documents: [doc] }).id, '1-5759e988-bd862e3fe1be46a994272793');
    assert.equal(buildTrace({ documents: [] }).id, '');
  });

  test('limitExceeded is flagged and warned', () => {
    const trace = buildTrace({ documents: [segment('a').build()], limitExceeded: true });
    assert.equal(trace.limitExceeded, true);
    assert.deepEqual(trace.warnings.map((warning) => warning.code), ['limitExceeded']);
  });

  test('the built trace survives structured cloning unchanged', () => {
    const trace = buildTrace({ documents: syntheticTraceDocuments(300, 2) });
    assert.deepEqual(structuredClone(trace), trace);
  });

  test('entry point: http of the earliest segment root, else its name', () => {
    const client = subsegment('orphan', 'aaaaaaaaaaaaaaa1').at(0, 1).independent('ffffffffffffffff');
    const api = segment('api', 'aaaaaaaaaaaaaaa2').at(5, 10).http('GET', 'https://example.com/orders', 200);
    assert.equal(buildTrace({ documents: [client.build(), api.build()] }).entryPoint, 'GET https://example.com/orders');
    assert.equal(buildTrace({ documents: [segment('worker').build()] }).entryPoint, 'worker');
    assert.equal(buildTrace({ documents: [httpCall('GET', 'https://x.example/a').independent('ffffffffffffffff').build()] }).spans[0]?.serviceType, 'http');
  });
});

describe('buildTrace: size', () => {
  test('a 100,000-deep chain of independent subsegments builds without recursion', () => {
    const depth = 100_000;
    const documents: Array<Record<string, unknown>> = [];
    for (let i = 0; i < depth; i++) {
      const doc: Record<string, unknown> = { id: i.toString(16).padStart(16, '0'), name: `s${i}`, start_time: 1 + i / 1e6, end_time: 2, trace_id: '1-6553f100-0123456789abcdef01234567' };
      if (i > 0) Object.assign(doc, { type: 'subsegment', parent_id: (i - 1).toString(16).padStart(16, '0') });
      documents.push(doc);
    }
    const trace = buildTrace({ documents: documents.reverse() });
    assert.equal(trace.spans.length, depth);
    assert.equal(trace.spans[depth - 1]?.depth, depth - 1);
    assert.deepEqual(trace.warnings, []);
  });

  test('a 100,000-deep embedded nesting builds too', () => {
    const root: Record<string, unknown> = { id: 'root', name: 'root', start_time: 1, end_time: 2 };
    let current = root;
    for (let i = 0; i < 100_000; i++) {
      const child: Record<string, unknown> = { id: `n${i}`, name: 'n', start_time: 1, end_time: 2 };
      current['subsegments'] = [child];
      current = child;
    }
    const trace = buildTrace({ documents: [root] });
    assert.equal(trace.spans.length, 100_001);
    assert.equal(trace.spans.at(-1)?.depth, 100_000);
  });

  test('synthetic traces build into exactly the requested spans, in documents under 64 kB', () => {
    for (const count of [0, 1, 5, 7, 8, 100, 5_000]) {
      const documents = syntheticTraceDocuments(count, count + 1);
      const trace = buildTrace({ documents });
      assert.equal(trace.spans.length, count);
      assert.deepEqual(trace.warnings, []);
      for (const doc of documents) assert.ok(Buffer.byteLength(doc) <= 64_000, `document of ${Buffer.byteLength(doc)} bytes`);
    }
    assert.deepEqual(syntheticTraceDocuments(500, 9), syntheticTraceDocuments(500, 9));
    assert.notDeepEqual(syntheticTraceDocuments(500, 9), syntheticTraceDocuments(500, 10));
  });
});
