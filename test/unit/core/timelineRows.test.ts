// The timeline's columnar rows, encoded from the real scorekeep trace (API → Lambda → SNS and
// DynamoDB, with a cold start) and from small built traces for the cases the sample lacks.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeTimelineRows, encodeTraceHeader } from '../../../src/core/timelineRows';
import { buildTrace } from '../../../src/core/traceBuilder';
import { ROW_FLAG, SERVICE_TYPES, SPAN_KINDS, SPAN_STATUSES } from '../../../src/shared/timelineRows';
import type { TimelineRows } from '../../../src/shared/timelineRows';
import type { Span, Trace } from '../../../src/shared/traceModel';
import { dynamoDbCall, segment, subsegment } from '../../builders/segmentBuilder';
import { fixtureTraces } from './fixtureTraces';

function scorekeep(): Trace {
  const [raw] = fixtureTraces('xray-api-responses/awsdocs-xray-BatchGetTraces-scorekeep-with-lambda.json');
  assert.ok(raw);
  return buildTrace({ ...(raw.id !== undefined ? { traceId: raw.id } : {}), documents: raw.documents });
}

const TRACE = scorekeep();
const ROWS = encodeTimelineRows(TRACE);
const ID = {
  scorekeep: '194fcc8747581230',
  fn: '00f91aa01f4984fd',
  init: '2279c0030c955e52',
  annotations: 'e6d2fe619f827804',
  sns: 'b29b548af4d54a0f',
  saveUser: '071684f2e555e571',
  dynamo: '4cd3f10b76c624b4',
  dynamoInferred: '17ba309b32c7fbaf',
};

function row(rows: TimelineRows, id: string): number {
  const i = rows.ids.indexOf(id);
  assert.ok(i >= 0, `row of ${id}`);
  return i;
}

function flag(rows: TimelineRows, i: number, bit: number): boolean {
  return ((rows.flags[i] as number) & bit) !== 0;
}

/** Every row's parent comes before it and is the nearest open ancestor (depth-first pre-order). */
function assertPreOrder(rows: TimelineRows): void {
  const open: number[] = [];
  for (let i = 0; i < rows.count; i++) {
    const depth = rows.depth[i] as number;
    while (open.length > depth) open.pop();
    assert.equal(open.length, depth, `row ${i} is no deeper than one below the previous row`);
    assert.equal(rows.parent[i], open.length > 0 ? open[open.length - 1] : -1, `parent of row ${i}`);
    open.push(i);
  }
}

describe('encodeTimelineRows: scorekeep trace', () => {
  test('one row per span in trace order, every column the same length', () => {
    assert.equal(ROWS.count, TRACE.spans.length);
    assert.deepEqual(ROWS.ids, TRACE.spans.map((s) => s.id));
    assert.deepEqual(ROWS.names, TRACE.spans.map((s) => s.name));
    for (const column of [ROWS.secondary, ROWS.parent, ROWS.depth, ROWS.startMs, ROWS.durationMs, ROWS.status, ROWS.serviceType, ROWS.kind, ROWS.flags, ROWS.searchText]) {
      assert.equal(column.length, ROWS.count);
    }
    assert.ok(ROWS.parent instanceof Int32Array && ROWS.depth instanceof Int32Array && ROWS.startMs instanceof Float64Array && ROWS.flags instanceof Uint8Array);
  });

  test('parents are row indices of parentId, depths match the model, in pre-order', () => {
    TRACE.spans.forEach((span, i) => {
      const expected = span.parentId === undefined ? -1 : TRACE.spans.findIndex((s) => s.id === span.parentId);
      assert.equal(ROWS.parent[i], expected, `parent of ${span.name}`);
      assert.equal(ROWS.depth[i], span.depth, `depth of ${span.name}`);
    });
    assert.equal(ROWS.parent[row(ROWS, ID.scorekeep)], -1);
    assert.equal(ROWS.parent[row(ROWS, ID.dynamoInferred)], row(ROWS, ID.dynamo));
    assert.equal(ROWS.depth[row(ROWS, ID.init)], 4);
    assertPreOrder(ROWS);
  });

  test('status, service type, kind and times decode to the span values', () => {
    TRACE.spans.forEach((span: Span, i) => {
      assert.equal(SPAN_STATUSES[ROWS.status[i] as number], span.status);
      assert.equal(SERVICE_TYPES[ROWS.serviceType[i] as number], span.serviceType);
      assert.equal(SPAN_KINDS[ROWS.kind[i] as number], span.kind);
      assert.equal(ROWS.startMs[i], span.startMs);
      assert.equal(ROWS.durationMs[i], span.durationMs);
    });
    assert.equal(SPAN_KINDS[ROWS.kind[row(ROWS, ID.dynamoInferred)] as number], 'inferred');
    assert.equal(SERVICE_TYPES[ROWS.serviceType[row(ROWS, ID.dynamo)] as number], 'dynamodb');
  });

  test('flags: cold start on Initialization and its function segment, children as the model has them', () => {
    const cold = ROWS.ids.filter((_id, i) => flag(ROWS, i, ROW_FLAG.coldStart));
    assert.deepEqual(cold.sort(), [ID.fn, ID.init].sort());
    TRACE.spans.forEach((span, i) => {
      assert.equal(flag(ROWS, i, ROW_FLAG.hasChildren), span.childIds.length > 0, `hasChildren of ${span.name}`);
      assert.equal(flag(ROWS, i, ROW_FLAG.inProgress), false);
      assert.equal(flag(ROWS, i, ROW_FLAG.hasException), false);
    });
  });

  test('secondary text: AWS operation · resource, HTTP method and status', () => {
    assert.equal(ROWS.secondary[row(ROWS, ID.dynamo)], 'UpdateItem · scorekeep-user');
    assert.equal(ROWS.secondary[row(ROWS, ID.sns)], 'Publish · awseb-e-ruag3jyweb-stack-NotificationTopic-6B829NT9V5O9');
    assert.equal(ROWS.secondary[row(ROWS, ID.scorekeep)], 'POST 200');
    assert.equal(ROWS.secondary[row(ROWS, ID.init)], '');
  });

  test('search text is lower-cased and holds name, type, origin, URL, table, annotations and the Lambda request id', () => {
    for (const text of ROWS.searchText) {
      assert.equal(text, text.toLowerCase());
    }
    const of = (id: string): string => ROWS.searchText[row(ROWS, id)] ?? '';
    assert.match(of(ID.saveUser), /## usermodel\.saveuser/);
    assert.match(of(ID.scorekeep), /aws::elasticbeanstalk::environment/);
    assert.match(of(ID.scorekeep), /http:\/\/scorekeep\.elasticbeanstalk\.com\/api\/user/);
    assert.match(of(ID.scorekeep), /\npost\n/);
    assert.match(of(ID.dynamo), /\nscorekeep-user\n/);
    assert.match(of(ID.dynamo), /\nupdateitem\n/);
    assert.match(of(ID.annotations), /\nuserid\n5m388m1e\nname\nola$/);
    assert.match(of(ID.fn), /ac086670-6373-11e7-a174-f31b3397f190/);
    assert.match(of(ID.init), /^initialization\ninternal\n/);
  });

  test('the header carries the trace facts and the row count', () => {
    const header = encodeTraceHeader(TRACE, ROWS.count);
    assert.deepEqual(header, {
      id: TRACE.id,
      startEpochMs: TRACE.startEpochMs,
      durationMs: TRACE.durationMs,
      status: TRACE.status,
      entryPoint: 'POST http://scorekeep.elasticbeanstalk.com/api/user',
      services: TRACE.services,
      coldStart: true,
      inProgress: false,
      limitExceeded: false,
      warnings: TRACE.warnings,
      spanCount: TRACE.spans.length,
    });
  });
});

describe('encodeTimelineRows: statuses, exceptions and order repair', () => {
  const failing = (): Trace => {
    const root = segment('api')
      .at(0, 400)
      .child(
        dynamoDbCall('GetItem', 'orders').at(10, 20).fault('ProvisionedThroughputExceededException', 'Rate exceeded'),
        subsegment('validate').at(40, 10).error(),
        dynamoDbCall('PutItem', 'orders').at(60, 10).throttle(),
        subsegment('pending').at(80, 10).inProgress(),
      );
    return buildTrace({ documents: [root.json()] });
  };

  test('fault, error, throttle and in-progress are encoded; a cause with exceptions sets hasException', () => {
    const trace = failing();
    const rows = encodeTimelineRows(trace);
    trace.spans.forEach((span, i) => {
      assert.equal(SPAN_STATUSES[rows.status[i] as number], span.status, span.name);
      assert.equal(flag(rows, i, ROW_FLAG.hasException), (span.cause?.exceptions.length ?? 0) > 0, span.name);
      assert.equal(flag(rows, i, ROW_FLAG.inProgress), span.inProgress, span.name);
    });
    const statuses = new Set(trace.spans.map((s) => s.status));
    assert.deepEqual([...statuses].sort(), ['error', 'fault', 'ok', 'throttle']);
    assert.ok(trace.spans.some((s) => s.inProgress) && trace.spans.some((s) => (s.cause?.exceptions.length ?? 0) > 0), 'the fixture has both cases');
    const faultRow = rows.status.indexOf(SPAN_STATUSES.indexOf('fault'));
    assert.match(rows.searchText[faultRow] ?? '', /provisionedthroughputexceededexception\nrate exceeded/);
  });

  test('spans out of pre-order are put back in order, each id once', () => {
    const trace = failing();
    const shuffled: Trace = { ...trace, spans: [...trace.spans].reverse() };
    const rows = encodeTimelineRows(shuffled);
    assert.deepEqual(rows.ids, trace.spans.map((s) => s.id));
    assertPreOrder(rows);
    const withDuplicate: Trace = { ...trace, spans: [...trace.spans, trace.spans[1] as Span] };
    const deduped = encodeTimelineRows(withDuplicate);
    assert.deepEqual(deduped.ids, trace.spans.map((s) => s.id));
  });

  test('an empty trace has no rows', () => {
    const rows = encodeTimelineRows(buildTrace({ documents: [] }));
    assert.equal(rows.count, 0);
    assert.equal(rows.parent.length, 0);
  });
});
