/**
 * The log group of a function through the real LambdaClient (REST-JSON
 * `GET /2015-03-31/functions/{name}/configuration`) against the local endpoint.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LogGroupResolver, resolveLogGroup } from '../../../src/aws/lambdaLogGroups';
import { useTestConnection } from '../../support/awsTestConnection';

const signal = (): AbortSignal => new AbortController().signal;

const conn = useTestConnection({}, (server, { logger }) => {
  server.setFunctionConfigurations({
    orders: { LoggingConfig: { LogFormat: 'JSON', LogGroup: '/shop/orders-logs' } },
    payments: {},
  });
  logger.lines.length = 0;
});

const lambdaCalls = (): number => conn.server.requests.filter((r) => r.operation === 'GetFunctionConfiguration').length;

describe('resolveLogGroup', () => {
  test('custom group from LoggingConfig, default otherwise, ARNs accepted', async () => {
    assert.equal(await resolveLogGroup(conn.factory.lambda(), 'orders', signal()), '/shop/orders-logs');
    assert.equal(await resolveLogGroup(conn.factory.lambda(), 'payments', signal()), '/aws/lambda/payments');
    assert.equal(await resolveLogGroup(conn.factory.lambda(), 'arn:aws:lambda:us-east-1:123456789012:function:orders:live', signal()), '/shop/orders-logs');
    assert.equal(lambdaCalls(), 3);
  });

  test('ResourceNotFound is thrown as the SDK raised it', async () => {
    await assert.rejects(resolveLogGroup(conn.factory.lambda(), 'missing', signal()), { name: 'ResourceNotFoundException' });
  });
});

describe('LogGroupResolver', () => {
  test('caches per function, including concurrent asks', async () => {
    const resolver = new LogGroupResolver(() => conn.factory.lambda(), conn.logger);
    const groups = await resolver.resolveAll(['orders', 'orders', 'payments'], signal());
    assert.deepEqual([...groups], [['orders', '/shop/orders-logs'], ['payments', '/aws/lambda/payments']]);
    assert.equal(await resolver.resolve('orders', signal()), '/shop/orders-logs');
    assert.equal(resolver.peek('orders'), '/shop/orders-logs');
    assert.equal(lambdaCalls(), 2);
  });

  test('ResourceNotFound and AccessDenied give the default group, cached, logged once', async () => {
    const resolver = new LogGroupResolver(() => conn.factory.lambda(), conn.logger);
    assert.equal(await resolver.resolve('missing', signal()), '/aws/lambda/missing');
    conn.server.failNext('accessDenied', 'GetFunctionConfiguration');
    assert.equal(await resolver.resolve('orders', signal()), '/aws/lambda/orders');
    conn.server.failNext('accessDenied', 'GetFunctionConfiguration');
    assert.equal(await resolver.resolve('payments', signal()), '/aws/lambda/payments');
    assert.equal(await resolver.resolve('orders', signal()), '/aws/lambda/orders', 'cached');
    assert.equal(lambdaCalls(), 3);
    const notes = conn.logger.lines.filter((l) => l.message.startsWith('[logs] using the default log group'));
    assert.equal(notes.length, 2, 'one note per kind: ResourceNotFound and AccessDenied');
  });

  test('transient failures give the default without caching it', async () => {
    const resolver = new LogGroupResolver(() => conn.factory.lambda(), conn.logger);
    conn.server.failNext('invalidRequest', 'GetFunctionConfiguration');
    assert.equal(await resolver.resolve('orders', signal()), '/aws/lambda/orders');
    assert.equal(await resolver.resolve('orders', signal()), '/shop/orders-logs');
  });

  test('an aborted ask rethrows and is not cached', async () => {
    const resolver = new LogGroupResolver(() => conn.factory.lambda(), conn.logger);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(resolver.resolve('orders', controller.signal), { name: 'AbortError' });
    assert.equal(await resolver.resolve('orders', signal()), '/shop/orders-logs');
  });
});
