import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AWS_REGIONS, defaultProfileName, isSsoProfile, listProfiles } from '../../../src/aws/awsProfiles';
import { useFakeAwsHome } from '../../support/awsTestConnection';
import type { FakeAwsHome } from '../../support/awsTestConnection';

const CONFIG = `# comment
[default]
region = us-east-1

[profile dev]
region = eu-west-1
output = json

[profile sso-dev]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = ReadOnly
region = ap-southeast-2

[profile legacy-sso]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1

[services local]
xray =
  endpoint_url = http://127.0.0.1:4566

[notaprofile]
region = us-west-2
`;

const CREDENTIALS = `[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[ci]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[dev]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
`;

describe('awsProfiles', () => {
  let home: FakeAwsHome | undefined;
  afterEach(() => {
    home?.restore();
    home = undefined;
  });

  test('lists profiles from both files with regions, SSO and sources', async () => {
    home = useFakeAwsHome({ config: CONFIG, credentials: CREDENTIALS });
    const profiles = await listProfiles();
    assert.deepEqual(profiles, [
      { name: 'default', region: 'us-east-1', isSso: false, sources: ['config', 'credentials'] },
      { name: 'ci', isSso: false, sources: ['credentials'] },
      { name: 'dev', region: 'eu-west-1', isSso: false, sources: ['config', 'credentials'] },
      { name: 'legacy-sso', isSso: true, sources: ['config'] },
      { name: 'sso-dev', region: 'ap-southeast-2', isSso: true, sources: ['config'] },
    ]);
    assert.equal(await isSsoProfile('sso-dev'), true);
    assert.equal(await isSsoProfile('dev'), false);
  });

  test('sees edits to the files without a restart', async () => {
    home = useFakeAwsHome({ config: '[profile a]\nregion = us-east-2\n', credentials: '' });
    assert.deepEqual((await listProfiles()).map((p) => p.name), ['a']);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(home.configFile, '[profile a]\nregion = us-east-2\n[profile b]\nregion = eu-north-1\n');
    assert.deepEqual((await listProfiles()).map((p) => p.name), ['a', 'b']);
  });

  test('missing files give no profiles', async () => {
    home = useFakeAwsHome();
    process.env.AWS_CONFIG_FILE = `${home.dir}/nope`;
    process.env.AWS_SHARED_CREDENTIALS_FILE = `${home.dir}/nope2`;
    assert.deepEqual(await listProfiles(), []);
  });

  test('defaultProfileName follows AWS_PROFILE', () => {
    home = useFakeAwsHome();
    assert.equal(defaultProfileName(), 'default');
    process.env.AWS_PROFILE = 'dev';
    assert.equal(defaultProfileName(), 'dev');
  });

  test('AWS_REGIONS is sorted, unique and has the usual suspects', () => {
    assert.deepEqual([...AWS_REGIONS], [...AWS_REGIONS].sort());
    assert.equal(new Set(AWS_REGIONS).size, AWS_REGIONS.length);
    for (const region of ['us-east-1', 'eu-west-1', 'ap-northeast-1', 'us-gov-west-1', 'cn-north-1']) {
      assert.ok(AWS_REGIONS.includes(region), region);
    }
  });
});
