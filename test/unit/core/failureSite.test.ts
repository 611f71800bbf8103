import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { failureExceptions, firstFailingSpan, invocationOf, logGroupCandidates } from '../../../src/core/failureSite';
import { buildTrace } from '../../../src/core/traceBuilder';
import { TRACE_EPOCH_SECONDS, lambdaInvocation, segment, subsegment } from '../../builders/segmentBuilder';

const REQUEST_ID = '5a9d7c1e-2222-4b2c-9d3e-0123456789ab';

function failingInvocation(): { documents: string[]; invocationId: string; functionId: string; serviceId: string } {
  const pair = lambdaInvocation('orders-api-CreateOrder', { requestId: REQUEST_ID, offsetMs: 20 });
  pair.invocation.fault('TypeError', "Cannot read properties of undefined (reading 'reduce')", { stack: [{ path: '/var/task/createOrder.js', line: 1, label: 'u' }] });
  // What aws-xray-sdk-core writes on the segment around a failed subsegment: a reference.
  pair.fn.set('fault', true).causeReference(pair.invocation.id, 'nodeSdk');
  const gateway = segment('orders-api').origin('AWS::ApiGateway::Stage').at(0, 200).http('POST', 'https://api.example.com/orders', 502);
  pair.service.parent(gateway.id);
  return { documents: [gateway.json(), pair.service.json(), pair.fn.json()], invocationId: pair.invocation.id, functionId: pair.fn.id, serviceId: pair.service.id };
}

describe('failureExceptions', () => {
  test('a span with its own exceptions gives them', () => {
    const { documents, invocationId } = failingInvocation();
    const found = failureExceptions(buildTrace({ documents }), invocationId);
    assert.equal(found?.span.id, invocationId);
    assert.equal(found?.exceptions[0]?.type, 'TypeError');
  });

  test('a span whose cause refers to another span gives that span\'s exceptions', () => {
    const { documents, invocationId, functionId } = failingInvocation();
    const found = failureExceptions(buildTrace({ documents }), functionId);
    assert.equal(found?.span.id, invocationId);
  });

  test('a failing ancestor without a cause finds the nearest descendant that recorded one', () => {
    const { documents, invocationId, serviceId } = failingInvocation();
    assert.equal(failureExceptions(buildTrace({ documents }), serviceId)?.span.id, invocationId);
  });

  test('unknown span or nothing recorded: undefined', () => {
    const trace = buildTrace({ documents: [segment('ok').at(0, 10).json()] });
    assert.equal(failureExceptions(trace, 'ffffffffffffffff'), undefined);
    assert.equal(failureExceptions(trace, trace.spans[0]?.id ?? ''), undefined);
    assert.equal(firstFailingSpan(trace), undefined);
  });

  test('firstFailingSpan prefers a span whose exception has a stack', () => {
    const { documents, invocationId } = failingInvocation();
    assert.equal(firstFailingSpan(buildTrace({ documents }))?.id, invocationId);
  });
});

describe('invocationOf', () => {
  test('walks up to the function and the AWS::Lambda segment: name, ARN, request id, log group, window', () => {
    const { documents, invocationId } = failingInvocation();
    const trace = buildTrace({ documents });
    const info = invocationOf(trace, invocationId);
    assert.ok(info);
    assert.equal(info.functionName, 'orders-api-CreateOrder');
    assert.equal(info.requestId, REQUEST_ID);
    assert.equal(info.functionKeys[0], 'arn:aws:lambda:us-east-1:123456789012:function:orders-api-CreateOrder');
    assert.deepEqual(info.logGroups, ['/aws/lambda/orders-api-CreateOrder']);
    assert.equal(info.startEpochMs, TRACE_EPOCH_SECONDS * 1000 + 20);
    assert.equal(info.endEpochMs, TRACE_EPOCH_SECONDS * 1000 + 140);
    assert.deepEqual(logGroupCandidates(info, '/custom/orders'), ['/aws/lambda/orders-api-CreateOrder', '/custom/orders']);
  });

  test('a span outside any Lambda function has no request id and no function', () => {
    const root = segment('worker').at(0, 50).child(subsegment('step').at(1, 5).fault('Error', 'x'));
    const trace = buildTrace({ documents: [root.json()] });
    const step = trace.spans.find((span) => span.name === 'step');
    const info = invocationOf(trace, step?.id ?? '');
    assert.deepEqual(info?.functionKeys, []);
    assert.equal(info?.requestId, undefined);
    assert.deepEqual(logGroupCandidates(info ?? { functionKeys: [], logGroups: [], startEpochMs: 0, endEpochMs: 0 }), []);
  });
});
