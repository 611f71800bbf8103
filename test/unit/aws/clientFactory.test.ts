import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchGetTracesCommand, GetTraceSummariesCommand } from '@aws-sdk/client-xray';
import { AwsClientFactory, redactHeaders } from '../../../src/aws/clientFactory';
import { loadSampleTraces } from '../../support/sampleTraces';
import {
  CapturingLogger,
  FAKE_ACCESS_KEY_ID,
  FAKE_SECRET_ACCESS_KEY,
  FAKE_SESSION_TOKEN,
  TEST_PROFILE,
  startTestConnection,
  useFakeAwsHome,
} from '../../support/awsTestConnection';
import type { FakeAwsHome, TestConnection } from '../../support/awsTestConnection';

describe('AwsClientFactory', () => {
  let conn: TestConnection | undefined;
  let home: FakeAwsHome | undefined;
  afterEach(async () => {
    await conn?.close();
    conn = undefined;
    home?.restore();
    home = undefined;
  });

  test('logs operation, status and duration, and never a credential, signature or token', async () => {
    const samples = loadSampleTraces({ count: 5 });
    conn = await startTestConnection({ traces: samples });
    const client = conn.factory.xray();
    await client.send(new BatchGetTracesCommand({ TraceIds: samples.slice(0, 2).map((s) => s.id) }));
    conn.server.failNext('accessDenied');
    await client.send(new GetTraceSummariesCommand({ StartTime: new Date(Date.now() - 60_000), EndTime: new Date() })).catch(() => undefined);

    const logged = conn.logger.text();
    assert.match(logged, /info \[aws\] BatchGetTraces 200 in \d+ ms/);
    assert.match(logged, /warn \[aws\] GetTraceSummaries failed 403 AccessDeniedException in \d+ ms/);
    assert.match(logged, /"authorization":"\[redacted\]"/);
    assert.match(logged, /"x-amz-security-token":"\[redacted\]"/);

    // What the server actually received is secret material the log must not contain.
    const received = conn.server.requests[0]?.headers ?? {};
    const signature = /Signature=([0-9a-f]+)/.exec(received.authorization ?? '')?.[1];
    assert.ok(signature && signature.length >= 32, 'the request was signed');
    assert.equal(received['x-amz-security-token'], FAKE_SESSION_TOKEN);
    for (const secret of [FAKE_SECRET_ACCESS_KEY, FAKE_SESSION_TOKEN, signature, FAKE_ACCESS_KEY_ID, received.authorization ?? 'x']) {
      assert.ok(!logged.includes(secret), `log contains ${secret.slice(0, 8)}…`);
    }
  });

  test('sends the serverless-lens user agent', async () => {
    conn = await startTestConnection();
    await conn.factory.xray().send(new GetTraceSummariesCommand({ StartTime: new Date(Date.now() - 60_000), EndTime: new Date() }));
    assert.match(conn.server.requests[0]?.headers['user-agent'] ?? '', /serverless-lens\/9\.9\.9-test/);
  });

  test('redactHeaders hides secret headers and key ids in other values', () => {
    const redacted = redactHeaders({
      Authorization: `AWS4-HMAC-SHA256 Credential=${FAKE_ACCESS_KEY_ID}/20261120/us-east-1/xray/aws4_request, Signature=abc`,
      'X-Amz-Security-Token': FAKE_SESSION_TOKEN,
      'x-debug': `key ${FAKE_ACCESS_KEY_ID}`,
      host: 'xray.us-east-1.amazonaws.com',
    });
    assert.equal(redacted.Authorization, '[redacted]');
    assert.equal(redacted['X-Amz-Security-Token'], '[redacted]');
    assert.ok(!redacted['x-debug']?.includes(FAKE_ACCESS_KEY_ID));
    assert.equal(redacted.host, 'xray.us-east-1.amazonaws.com');
  });

  test('region: setting, then the profile, then AWS_REGION / AWS_DEFAULT_REGION, then us-east-1', async () => {
    home = useFakeAwsHome({ config: `[profile ${TEST_PROFILE}]\nregion = eu-west-3\n[profile noregion]\noutput = json\n` });
    const logger = new CapturingLogger();
    assert.equal(await new AwsClientFactory({ profile: TEST_PROFILE, region: 'ap-south-1' }, logger).region(), 'ap-south-1');
    assert.equal(await new AwsClientFactory({ profile: TEST_PROFILE, region: '' }, logger).region(), 'eu-west-3');
    assert.equal(await new AwsClientFactory({ profile: 'noregion' }, logger).region(), 'us-east-1');
    process.env.AWS_DEFAULT_REGION = 'ca-central-1';
    assert.equal(await new AwsClientFactory({ profile: 'noregion' }, logger).region(), 'ca-central-1');
    process.env.AWS_REGION = 'sa-east-1';
    assert.equal(await new AwsClientFactory({ profile: 'noregion' }, logger).region(), 'sa-east-1');
    process.env.AWS_PROFILE = TEST_PROFILE;
    assert.equal(await new AwsClientFactory({}, logger).region(), 'eu-west-3');
  });

  test('caches the client per factory and refuses it after dispose', async () => {
    conn = await startTestConnection();
    const client = conn.factory.xray();
    assert.equal(conn.factory.xray(), client);
    conn.factory.dispose();
    assert.throws(() => conn?.factory.xray(), /disposed/);
  });
});
