import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetTraceSummariesCommand } from '@aws-sdk/client-xray';
import type { XRayClient } from '@aws-sdk/client-xray';
import { classifyAwsError, scrubSecrets } from '../../../src/aws/awsErrors';
import { AwsClientFactory } from '../../../src/aws/clientFactory';
import { CapturingLogger, FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY, startTestConnection, useFakeAwsHome } from '../../support/awsTestConnection';
import type { FakeAwsHome, TestConnection } from '../../support/awsTestConnection';
import { startLocalXRayServer } from '../../support/localXRayServer';

function summaries(client: XRayClient, signal?: AbortSignal): Promise<unknown> {
  const command = new GetTraceSummariesCommand({ StartTime: new Date(Date.now() - 60_000), EndTime: new Date() });
  return client.send(command, signal ? { abortSignal: signal } : {}).then(() => undefined, (error: unknown) => error);
}

describe('classifyAwsError over errors the SDK produced', () => {
  let conn: TestConnection | undefined;
  let home: FakeAwsHome | undefined;
  afterEach(async () => {
    await conn?.close();
    conn = undefined;
    home?.restore();
    home = undefined;
  });

  test('expired and rejected tokens → expiredCredentials with what to do', async () => {
    conn = await startTestConnection();
    conn.server.failNext('expiredToken');
    const expired = classifyAwsError(await summaries(conn.factory.xray()), { operation: 'GetTraceSummaries', profile: 'ci' });
    assert.equal(expired.kind, 'expiredCredentials');
    assert.match(expired.message, /credentials for profile 'ci' have expired/);

    conn.server.failNext('expiredToken');
    const sso = classifyAwsError(await summaries(conn.factory.xray()), { profile: 'dev', isSsoProfile: true });
    assert.equal(sso.message, "The SSO session for profile 'dev' has expired. Sign in again with `aws sso login --profile dev`.");

    conn.server.failNext('invalidToken');
    const rejected = classifyAwsError(await summaries(conn.factory.xray()), { profile: 'ci' });
    assert.equal(rejected.kind, 'expiredCredentials');
    assert.match(rejected.message, /UnrecognizedClientException/);
  });

  test('access denied names the action from the message, else from the operation', async () => {
    conn = await startTestConnection();
    conn.server.failNext('accessDenied');
    const error = await summaries(conn.factory.xray());
    const denied = classifyAwsError(error, { operation: 'GetTraceSummaries', profile: 'dev' });
    assert.equal(denied.kind, 'accessDenied');
    assert.equal(denied.missingAction, 'xray:GetTraceSummaries');
    const fromOperation = classifyAwsError({ name: 'AccessDeniedException', message: 'Access denied', $metadata: { httpStatusCode: 403 } }, { operation: 'BatchGetTraces' });
    assert.equal(fromOperation.missingAction, 'xray:BatchGetTraces');
  });

  test('throttling (ThrottledException, 429) → throttled', async () => {
    conn = await startTestConnection();
    conn.server.throttleNext(1);
    const throttled = classifyAwsError(await summaries(conn.factory.xray()), { operation: 'GetTraceSummaries' });
    assert.equal(throttled.kind, 'throttled');
    assert.equal(conn.server.requests.length, 1, 'the SDK leaves throttling to our back-off');
    assert.equal(classifyAwsError({ name: 'TooManyRequestsException' }).kind, 'throttled');
    assert.equal(classifyAwsError({ name: 'Whatever', $metadata: { httpStatusCode: 429 } }).kind, 'throttled');
    // Only the X-Ray trace fetch has a concurrency to lower; a throttled logs read can only back off.
    assert.match(throttled.message, /serverlessLens\.traces\.fetchConcurrency/);
    const logs = classifyAwsError({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }, { operation: 'FilterLogEvents' });
    assert.equal(logs.kind, 'throttled');
    assert.equal(logs.message, 'AWS is throttling CloudWatch Logs FilterLogEvents requests (too many calls to CloudWatch Logs in this account and region). Back off: wait a few seconds, then try again.');
  });

  test('invalid requests pass the service message through', async () => {
    conn = await startTestConnection();
    conn.server.failNext('invalidRequest');
    const invalid = classifyAwsError(await summaries(conn.factory.xray()));
    assert.equal(invalid.kind, 'invalidRequest');
    assert.match(invalid.message, /Invalid filter expression/);
  });

  test('a closed port → network; an aborted call → cancelled', async () => {
    home = useFakeAwsHome();
    const server = await startLocalXRayServer();
    const url = server.url;
    await server.close();
    const factory = new AwsClientFactory({ profile: 'serverless-lens-test', region: 'us-east-1', endpointUrl: url }, new CapturingLogger(), { maxAttempts: 1 });
    const network = classifyAwsError(await summaries(factory.xray()));
    assert.equal(network.kind, 'network');
    assert.match(network.message, /ECONNREFUSED/);
    factory.dispose();

    conn = await startTestConnection({ latencyMs: 2000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    assert.equal(classifyAwsError(await summaries(conn.factory.xray(), controller.signal)).kind, 'cancelled');
  });

  test('a profile without credentials → missingCredentials; an SSO profile not signed in → sso login', async () => {
    home = useFakeAwsHome({
      config: '[profile empty]\nregion = us-east-1\n[profile corp]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = ReadOnly\nregion = us-east-1\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n',
      credentials: '',
    });
    const server = await startLocalXRayServer();
    try {
      const empty = new AwsClientFactory({ profile: 'empty', endpointUrl: server.url }, new CapturingLogger());
      const missing = classifyAwsError(await summaries(empty.xray()), { profile: 'empty' });
      assert.equal(missing.kind, 'missingCredentials');
      assert.match(missing.message, /No AWS credentials found for profile 'empty'/);

      const corp = new AwsClientFactory({ profile: 'corp', endpointUrl: server.url }, new CapturingLogger());
      const sso = classifyAwsError(await summaries(corp.xray()), { profile: 'corp', isSsoProfile: true });
      assert.ok(sso.kind === 'expiredCredentials' || sso.kind === 'missingCredentials', sso.kind);
      assert.match(sso.message, /aws sso login --profile corp/);
      assert.equal(server.requests.length, 0, 'nothing was sent without credentials');
    } finally {
      await server.close();
    }
  });

  test('recognises the other shapes by name and code', () => {
    const cases: [unknown, string][] = [
      [{ name: 'TokenRefreshRequired', message: 'x' }, 'expiredCredentials'],
      [{ name: 'ExpiredToken' }, 'expiredCredentials'],
      [{ name: 'InvalidSignatureException', message: 'Signature expired' }, 'expiredCredentials'],
      [{ name: 'CredentialsProviderError', message: 'Could not load credentials from any providers' }, 'missingCredentials'],
      [{ name: 'CredentialsProviderError', message: 'The SSO session associated with this profile has expired.' }, 'expiredCredentials'],
      [{ name: 'AccessDenied', message: 'no' }, 'accessDenied'],
      [Object.assign(new Error('getaddrinfo ENOTFOUND xray.us-east-1.amazonaws.com'), { code: 'ENOTFOUND' }), 'network'],
      [Object.assign(new Error('x'), { code: 'EAI_AGAIN' }), 'network'],
      [{ name: 'TimeoutError', message: 'Connection timed out after 5000 ms' }, 'network'],
      [new Error('socket hang up'), 'network'],
      [Object.assign(new Error('aborted'), { name: 'AbortError' }), 'cancelled'],
      [{ name: 'InternalFailure', message: 'boom', $metadata: { httpStatusCode: 500 } }, 'unknown'],
      ['a string', 'unknown'],
    ];
    for (const [error, kind] of cases) {
      assert.equal(classifyAwsError(error).kind, kind, JSON.stringify(error));
    }
  });

  test('messages never carry credentials', () => {
    const error = { name: 'InvalidRequestException', message: `bad key ${FAKE_ACCESS_KEY_ID} secret ${FAKE_SECRET_ACCESS_KEY} X-Amz-Security-Token=abc123` };
    const classified = classifyAwsError(error);
    assert.ok(!classified.message.includes(FAKE_ACCESS_KEY_ID));
    assert.ok(!classified.message.includes(FAKE_SECRET_ACCESS_KEY));
    assert.ok(!classified.message.includes('abc123'));
    assert.equal(scrubSecrets('trace 1-5759e988-bd862e3fe1be46a994272793'), 'trace 1-5759e988-bd862e3fe1be46a994272793');
  });
});
