import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTrace } from '../../../src/core/traceBuilder';
import { summarizeTrace } from '../../../src/core/traceSummaryOf';
import { dynamoDbCall, lambdaInvocation, segment, subsegment } from '../../builders/segmentBuilder';
import { singleFixtureTrace } from './fixtureTraces';

describe('summarizeTrace', () => {
  test('a Lambda trace from BatchGetTraces: entry point, http, services, cold start', () => {
    const source = singleFixtureTrace('xray-api-responses/awsdocs-xray-BatchGetTraces-scorekeep-with-lambda.json');
    const summary = summarizeTrace(buildTrace({ documents: source.documents }));
    assert.deepEqual(summary, {
      id: '1-59602603-23fc5b688855d396af79b496',
      startEpochMs: 1499473411562,
      durationMs: 3232,
      responseTimeMs: 3232,
      status: 'ok',
      hasError: false,
      hasFault: false,
      hasThrottle: false,
      isPartial: false,
      entryPoint: 'POST http://scorekeep.elasticbeanstalk.com/api/user',
      http: { method: 'POST', url: 'http://scorekeep.elasticbeanstalk.com/api/user', status: 200 },
      services: ['Scorekeep', 'random-name', 'SNS', 'DynamoDB'],
      coldStart: true,
    });
  });

  test('the root cause is the deepest failing span under the first fault', () => {
    const failing = dynamoDbCall('PutItem', 'orders').at(5, 5).fault('ResourceNotFoundException', 'Requested resource not found', { remote: true });
    const lambda = lambdaInvocation('orders');
    lambda.invocation.child(subsegment('## save').at(4, 10).set('fault', true).child(failing));
    const trace = buildTrace({ documents: [lambda.service.build(), lambda.fn.build()] });
    const summary = summarizeTrace(trace);
    assert.equal(summary.status, 'fault');
    assert.deepEqual([summary.hasFault, summary.hasError], [true, false]);
    assert.deepEqual(summary.rootCause, { service: 'orders', entity: 'DynamoDB', exceptionName: 'ResourceNotFoundException', message: 'Requested resource not found' });
    assert.equal(summary.entryPoint, 'orders');
    assert.equal(summary.coldStart, false);
  });

  test('an in-progress trace is partial', () => {
    const summary = summarizeTrace(buildTrace({ documents: [segment('worker').inProgress().build()] }));
    assert.equal(summary.isPartial, true);
    assert.equal(summary.http, undefined);
  });
});
