import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTrace } from '../../../src/core/traceBuilder';
import type { Span, Trace } from '../../../src/shared/traceModel';
import { fixtureText, fixtureTraces, segmentFixtureNames, singleFixtureTrace } from './fixtureTraces';

function spanOf(trace: Trace, id: string): Span {
  const span = trace.spans.find((item) => item.id === id);
  assert.ok(span, `span ${id} is in the trace`);
  return span;
}

function fromSegmentFiles(...names: string[]): Trace {
  return buildTrace({ documents: names.map((name) => fixtureText(`xray-segments/${name}`)) });
}

function warningCodes(trace: Trace): string[] {
  return trace.warnings.map((warning) => warning.code);
}

describe('buildTrace over every segment fixture', () => {
  for (const name of segmentFixtureNames()) {
    const broken = /MALFORMED|INVALID-SCHEMA/.test(name);
    test(`${name} ${broken ? 'yields warnings' : 'builds'} without throwing`, () => {
      const trace = buildTrace({ documents: [fixtureText(`xray-segments/${name}`)] });
      if (broken) {
        assert.ok(trace.warnings.length > 0, 'a broken document is reported');
      } else if (name.startsWith('aws-lambda-nodejs-ric-XRayFormattedCause')) {
        // A bare cause object, not a segment: nothing to show, and it says why.
        assert.equal(trace.spans.length, 0);
        assert.deepEqual(warningCodes(trace), ['missingField']);
      } else {
        assert.ok(trace.spans.length > 0);
        assert.deepEqual(trace.warnings.filter((warning) => warning.code !== 'orphanSpan' && warning.code !== 'unresolvedCause'), []);
      }
    });
  }

  test('invalid JSON is reported as malformedJson and nothing else is invented', () => {
    for (const name of segmentFixtureNames().filter((item) => item.includes('MALFORMED'))) {
      const trace = fromSegmentFiles(name);
      assert.equal(trace.spans.length, 0, name);
      assert.deepEqual(warningCodes(trace), ['malformedJson'], name);
    }
  });

  test('a segment without start_time is skipped with missingField', () => {
    const trace = fromSegmentFiles('otel-contrib-segmentValidationFailed-missing-start_time.INVALID-SCHEMA.json');
    assert.equal(trace.spans.length, 0);
    assert.equal(trace.warnings[0]?.code, 'missingField');
    assert.equal(trace.warnings[0]?.spanId, 'bda182a644eee9b3');
  });

  test('a numeric cause is dropped with invalidField, the span is kept', () => {
    const trace = fromSegmentFiles('otel-contrib-minCauseIsInvalid-cause-is-number.INVALID-SCHEMA.json');
    assert.equal(trace.spans.length, 1);
    assert.equal(trace.spans[0]?.cause, undefined);
    assert.equal(trace.spans[0]?.status, 'fault');
    assert.deepEqual(warningCodes(trace), ['invalidField']);
  });

  test('a cause given as an exception id stays a reference and is reported unresolved', () => {
    const trace = fromSegmentFiles('otel-contrib-minCauseIsExceptionId.json');
    assert.deepEqual(trace.spans[0]?.cause, { exceptions: [], reference: { id: 'abcdefghijklmnop' } });
    assert.deepEqual(warningCodes(trace), ['unresolvedCause']);
    assert.equal(trace.status, 'fault');
  });

  test('daemon datagrams decode with their header, also with the docs’ literal \\n', () => {
    for (const name of ['awsdocs-xray-daemon-udp-datagram-segment.txt', 'awsdocs-xray-daemon-udp-datagram-literal-backslash-n.txt', 'otel-contrib-serverSample-udp-datagram-with-header.txt']) {
      const trace = fromSegmentFiles(name);
      assert.equal(trace.spans.length, 1, name);
      assert.deepEqual(trace.warnings, [], name);
    }
    const server = fromSegmentFiles('otel-contrib-serverSample-udp-datagram-with-header.txt');
    assert.equal(server.entryPoint, 'GET http://localhost:8000/');
    assert.equal(server.id, '1-5f2aebcc-b475d14618c51eaa28753d37');
  });

  test('a segment with an embedded remote call', () => {
    const trace = fromSegmentFiles('awsdocs-xray-segment-with-embedded-remote-subsegment.json');
    assert.deepEqual(trace.spans.map((span) => [span.id, span.parentId, span.depth]), [['defdfd9912dc5a56', undefined, 0], ['53995c3f42cd8ad8', 'defdfd9912dc5a56', 1]]);
    const call = spanOf(trace, '53995c3f42cd8ad8');
    assert.equal(call.serviceType, 'http');
    assert.deepEqual(call.http, { request: { method: 'POST', url: 'https://api.example.com/health', traced: true }, response: { status: 200, contentLength: 861 } });
    assert.equal(trace.entryPoint, 'GET https://www.example.com/health');
    assert.equal(call.startMs, 2.51);
    assert.equal(trace.durationMs, 29.02);
  });

  test('an in-progress segment alone ends where it starts', () => {
    const trace = fromSegmentFiles('awsdocs-xray-in-progress-segment.json');
    assert.equal(trace.inProgress, true);
    assert.deepEqual([trace.spans[0]?.inProgress, trace.spans[0]?.startMs, trace.spans[0]?.endMs], [true, 0, 0]);
  });

  test('an in-progress segment beside a finished one ends at the trace end', () => {
    const trace = fromSegmentFiles('awsdocs-xray-in-progress-segment.json', 'awsdocs-xray-minimal-complete-segment.json');
    assert.equal(spanOf(trace, '70de5b6f19ff9a0b').endMs, 178);
    assert.equal(spanOf(trace, '70de5b6f19ff9a0a').inProgress, false);
    assert.deepEqual(trace.rootIds, ['70de5b6f19ff9a0a', '70de5b6f19ff9a0b'], 'same start: by document, not by arrival');
  });

  test('an inferred segment hangs under the subsegment that called it', () => {
    const trace = fromSegmentFiles('awsdocs-xray-inferred-segment.json', 'awsdocs-xray-downstream-http-subsegment-content-length-minus1.json');
    const inferred = spanOf(trace, '168416dc2ea97781');
    assert.equal(inferred.kind, 'inferred');
    assert.equal(inferred.parentId, '004f72be19cddc2a');
    assert.equal(inferred.serviceType, 'http');
    assert.equal(inferred.http?.response?.contentLength, -1);
    assert.deepEqual(trace.services, ['names.example.com']);
    const alone = fromSegmentFiles('awsdocs-xray-inferred-segment.json');
    assert.equal(alone.spans[0]?.declaredParentId, '004f72be19cddc2a');
    assert.equal(alone.spans[0]?.parentId, undefined);
    assert.deepEqual(alone.warnings, [], 'a caller outside the trace is normal for segments');
  });

  test('sql, nested DynamoDB and metadata', () => {
    const sql = fromSegmentFiles('awsdocs-xray-sql-subsegment.json').spans[0];
    assert.equal(sql?.serviceType, 'sql');
    assert.equal(sql?.sql?.sanitizedQuery, 'SELECT  *  FROM  customers  WHERE  customer_id=?;');
    assert.equal(sql?.sql?.databaseType, 'PostgreSQL');
    const custom = fromSegmentFiles('awsdocs-xray-custom-subsegment-metadata-nested-dynamodb.json');
    assert.deepEqual(custom.spans[0]?.metadata, { debug: { test: 'Metadata string from UserModel.saveUser' } });
    const ddb = spanOf(custom, '0f910026178b71eb');
    assert.equal(ddb.serviceType, 'dynamodb');
    assert.equal(ddb.aws?.tableName, 'scorekeep-user');
    assert.deepEqual(ddb.aws?.resourceNames, ['scorekeep-user']);
  });

  test('independent subsegments join their parent segment from another document', () => {
    const trace = fromSegmentFiles('otel-contrib-indepSubsegmentWithSql.json', 'awsdocs-xray-segment-with-embedded-remote-subsegment.json');
    const sql = spanOf(trace, '3fd8634e78ca9560');
    assert.equal(sql.kind, 'subsegment');
    assert.equal(sql.parentId, 'defdfd9912dc5a56');
    assert.deepEqual(spanOf(trace, 'defdfd9912dc5a56').childIds, ['53995c3f42cd8ad8', '3fd8634e78ca9560']);
    const orphan = fromSegmentFiles('otel-contrib-indepSubsegment-traced-remote.json');
    assert.deepEqual(warningCodes(orphan), ['orphanSpan']);
    assert.equal(orphan.spans[0]?.declaredParentId, 'defdfd9912dc5a56');
    assert.equal(orphan.spans[0]?.http?.request?.traced, true);
  });

  test('the same subsegment embedded and sent alone is reported as a duplicate', () => {
    const trace = fromSegmentFiles('awsdocs-xray-segment-with-embedded-remote-subsegment.json', 'otel-contrib-indepSubsegment-traced-remote.json');
    assert.equal(trace.spans.length, 2);
    assert.deepEqual(warningCodes(trace), ['duplicateSpan']);
  });

  test('the Go SDK sample keeps its 18 nodes, 6 levels and remote exceptions', () => {
    const trace = fromSegmentFiles('otel-contrib-ddbSample-go-sdk-deep-nesting-remote-exceptions.minified.json');
    assert.equal(trace.spans.length, 18);
    assert.equal(Math.max(...trace.spans.map((span) => span.depth)), 5);
    const remote = trace.spans.filter((span) => span.cause?.exceptions.some((exception) => exception.remote));
    assert.deepEqual(remote.map((span) => span.depth), [0, 1, 2, 3, 3]);
    assert.equal(spanOf(trace, '0cab02b318413eb1').parentId, '417b81b977b9563b');
    assert.equal(trace.spans[0]?.cause?.exceptions[0]?.stack.length, 2);
    assert.equal(trace.status, 'fault');
    assert.equal(trace.spans[0]?.user, 'xraysegmentdump');
    assert.deepEqual(spanOf(trace, '7df694142c905d8d').annotations, { 'DDB.DescribeExistingTableAndPutToMissingTable.Annotation': 'anno' });
  });

  test('aws blocks keep the known call fields and the rest under other', () => {
    const span = fromSegmentFiles('otel-contrib-awsValidAwsFields-ecs-ec2-beanstalk.json').spans[0];
    assert.equal(span?.aws?.accountId, '000000000000');
    assert.deepEqual(Object.keys(span?.aws?.other ?? {}).sort(), ['ec2', 'ecs', 'elastic_beanstalk', 'xray']);
    assert.equal(span?.http?.request?.xForwardedFor, true);
  });
});

describe('buildTrace over the Lambda samples', () => {
  test('the two derived Lambda segments link up, with cold start and request id', () => {
    const trace = fromSegmentFiles('awsdocs-xray-BatchGetTraces-derived-AWS-Lambda-Function-with-Initialization.json', 'awsdocs-xray-BatchGetTraces-derived-AWS-Lambda-service-segment.json');
    const service = spanOf(trace, '1fb07842d944e714');
    const fn = spanOf(trace, '00f91aa01f4984fd');
    assert.equal(fn.parentId, service.id);
    assert.deepEqual([service.serviceType, fn.serviceType], ['lambda', 'lambdaFunction']);
    assert.deepEqual(service.lambda, { requestId: 'ac086670-6373-11e7-a174-f31b3397f190', functionArn: 'arn:aws:lambda:us-west-2:123456789012:function:random-name', functionName: 'random-name' });
    assert.equal(fn.lambda?.requestId, 'ac086670-6373-11e7-a174-f31b3397f190');
    assert.equal(fn.coldStart, true);
    assert.equal(service.coldStart, false);
    const init = spanOf(trace, '2279c0030c955e52');
    assert.deepEqual([init.coldStart, init.clockSkew], [true, false], 'Initialization runs before the function segment by design');
    assert.ok(init.startMs < fn.startMs);
    assert.deepEqual(fn.childIds, ['2279c0030c955e52', 'e6d2fe619f827804', 'b29b548af4d54a0f'], 'children by start time');
    assert.deepEqual(warningCodes(trace), [], 'the service segment’s caller is outside these files, which is normal');
  });

  test('BatchGetTraces scorekeep-with-lambda: the whole tree', () => {
    const source = singleFixtureTrace('xray-api-responses/awsdocs-xray-BatchGetTraces-scorekeep-with-lambda.json');
    const trace = buildTrace({ traceId: source.id ?? '1-59602603-23fc5b688855d396af79b496', documents: source.documents });
    assert.equal(trace.id, '1-59602603-23fc5b688855d396af79b496');
    assert.deepEqual(trace.spans.map((span) => `${'  '.repeat(span.depth)}${span.name}`), [
      'Scorekeep', '  Lambda', '    random-name', '      random-name', '        Initialization', '        annotations', '        SNS', '          SNS', '  ## UserModel.saveUser', '    DynamoDB', '      DynamoDB',
    ]);
    assert.deepEqual(trace.rootIds, ['194fcc8747581230']);
    assert.equal(spanOf(trace, '1fb07842d944e714').parentId, '0c544c1b1bbff948');
    assert.deepEqual([spanOf(trace, '1ee3c4a523f89ca5').kind, spanOf(trace, '1ee3c4a523f89ca5').serviceType, spanOf(trace, '1ee3c4a523f89ca5').parentId], ['inferred', 'sns', 'b29b548af4d54a0f']);
    assert.equal(spanOf(trace, '17ba309b32c7fbaf').serviceType, 'dynamodb');
    assert.equal(trace.coldStart, true);
    assert.deepEqual(trace.services, ['Scorekeep', 'random-name', 'SNS', 'DynamoDB']);
    assert.equal(trace.entryPoint, 'POST http://scorekeep.elasticbeanstalk.com/api/user');
    assert.equal(trace.durationMs, 3232);
    assert.equal(trace.status, 'ok');
    assert.deepEqual(trace.warnings, []);
    assert.deepEqual(spanOf(trace, 'e6d2fe619f827804').annotations, { UserID: '5M388M1E', Name: 'Ola' });
    assert.equal(spanOf(trace, 'b29b548af4d54a0f').aws?.topicArn, 'arn:aws:sns:us-west-2:123456789012:awseb-e-ruag3jyweb-stack-NotificationTopic-6B829NT9V5O9');
  });
});

describe('buildTrace over the other API responses', () => {
  test('aws-cli batch-get-traces: Scorekeep → DynamoDB call → inferred table', () => {
    const [source] = fixtureTraces('xray-api-responses/awscli-example-batch-get-traces-scorekeep.json');
    assert.ok(source);
    const trace = buildTrace({ documents: source.documents });
    assert.equal(trace.id, '1-5d82881a-0a9126e92a73e971eed891b9');
    assert.deepEqual(trace.spans.map((span) => [span.id, span.kind, span.serviceType, span.parentId]), [
      ['54aff5735b12dd28', 'segment', 'elasticBeanstalk', undefined],
      ['2d6900034ccfe558', 'subsegment', 'dynamodb', '54aff5735b12dd28'],
      ['0f278b6334c34e6b', 'inferred', 'dynamodb', '2d6900034ccfe558'],
    ]);
    assert.equal(trace.durationMs, 232);
  });

  test('Grafana dotnet-sql: object documents, non-hex ids and an inferred database', () => {
    const source = singleFixtureTrace('xray-api-responses/grafana-xray-datasource-trace-parsed-documents-dotnet-sql.json');
    const trace = buildTrace({ documents: source.documents });
    assert.equal(trace.id, '1-12345678-1234567890abcdefghijklmn', 'an anonymized id is kept as written');
    assert.equal(trace.spans.length, 7);
    assert.equal(spanOf(trace, 'fakeid44444444dddddddd').parentId, 'fakeid22222222bbbbbbbb');
    assert.equal(spanOf(trace, 'fakeid44444444dddddddd').serviceType, 'ecs');
    const sql = spanOf(trace, 'fakeid55555555eeeeeeee');
    assert.equal(sql.serviceType, 'sql');
    assert.equal(sql.sql?.sanitizedQuery, 'INSERT INTO transactions_history SELECT * FROM transactions');
    assert.deepEqual([spanOf(trace, 'fakeid66666666ffffffff').kind, spanOf(trace, 'fakeid66666666ffffffff').serviceType], ['inferred', 'sql']);
    assert.equal(spanOf(trace, 'fakeid77777777gggggggg').serviceType, 'awsService');
    assert.deepEqual(trace.warnings, []);
  });

  test('Grafana DynamoDB error: exceptions with and without stacks, fault on the inferred table', () => {
    const source = singleFixtureTrace('xray-api-responses/grafana-xray-datasource-trace-parsed-documents-dynamodb-error-nodejs-stack.json');
    const trace = buildTrace({ traceId: source.id ?? '', documents: source.documents });
    const call = spanOf(trace, '4ab39ad12cff04b5');
    assert.equal(call.status, 'error');
    assert.deepEqual(call.cause?.exceptions.map((exception) => [exception.id, exception.type, exception.stack.length]), [
      ['exception-1', 'ConditionalCheckFailedException', 2],
      ['exception-2', 'UndefinedStackException', 0],
    ]);
    assert.equal(call.cause?.workingDirectory, '/var/app/current');
    assert.equal(call.cause?.exceptions[0]?.stack[1]?.line, 266);
    assert.equal(spanOf(trace, '3f8b028e1847bc4c').status, 'fault');
    assert.equal(trace.status, 'fault');
  });
});
