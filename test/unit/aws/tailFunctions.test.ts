// Lambda functions for the tail through the real LambdaClient against the local endpoint:
// ListFunctions pages (Marker/NextMarker) until the end, custom log groups and their ARNs from
// the function ARN, GetFunctionConfiguration for one function, and its errors as the SDK throws them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { functionInfoOf, listFunctions, readFunctionInfo } from '../../../src/aws/lambdaFunctions';
import { startTestConnection } from '../../support/awsTestConnection';
import type { TestConnection } from '../../support/awsTestConnection';

let conn: TestConnection;

before(async () => {
  conn = await startTestConnection();
  const functions: Record<string, { LoggingConfig?: { LogGroup?: string }; Timeout?: number }> = {};
  for (let i = 0; i < 120; i += 1) functions[`fn-${String(i).padStart(3, '0')}`] = {};
  functions['custom-logs'] = { LoggingConfig: { LogGroup: '/shared/app-logs' }, Timeout: 30 };
  conn.server.setFunctionConfigurations(functions);
});
after(async () => conn.close());

test('ListFunctions is read page by page until the last', async () => {
  const pages: number[] = [];
  const names: string[] = [];
  for await (const page of listFunctions(conn.factory.lambda(), new AbortController().signal)) {
    pages.push(page.length);
    names.push(...page.map((info) => info.functionName));
  }
  assert.deepEqual(pages, [50, 50, 21]);
  assert.equal(new Set(names).size, 121);
  const markers = conn.server.requests.filter((r) => r.operation === 'ListFunctions');
  assert.equal(markers.length, 3);
});

test('a custom log group and its ARN in the function\'s account and region', async () => {
  const info = await readFunctionInfo(conn.factory.lambda(), 'custom-logs', new AbortController().signal);
  assert.equal(info.logGroupName, '/shared/app-logs');
  assert.equal(info.logGroupArn, 'arn:aws:logs:us-east-1:123456789012:log-group:/shared/app-logs');
  assert.equal(info.timeoutMs, 30_000);
  const plain = await readFunctionInfo(conn.factory.lambda(), 'fn-007', new AbortController().signal);
  assert.equal(plain.logGroupName, '/aws/lambda/fn-007');
});

test('a missing function rejects with the SDK error; an abort stops paging', async () => {
  await assert.rejects(readFunctionInfo(conn.factory.lambda(), 'nope', new AbortController().signal), { name: 'ResourceNotFoundException' });
  const controller = new AbortController();
  const pages = listFunctions(conn.factory.lambda(), controller.signal);
  await pages.next();
  controller.abort();
  await assert.rejects(pages.next());
  assert.equal(functionInfoOf({ FunctionName: 'x' }), undefined, 'no ARN, no target');
});
