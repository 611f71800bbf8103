/**
 * Profiles from the shared AWS config and credentials files, for the profile picker. Reads the
 * files through the SDK's own loader, so AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE and the
 * `[profile x]` (config) vs `[x]` (credentials) section rules are exactly the SDK's.
 */
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';

export interface AwsProfileInfo {
  name: string;
  /** `region` from the config file, if set. */
  region?: string;
  /** Signs in through IAM Identity Center (`sso_session`, `sso_start_url` or `sso_account_id`). */
  isSso: boolean;
  sources: ('config' | 'credentials')[];
}

/** Sections of the config file that are not profiles (the loader keeps them as `type.name`). */
const NON_PROFILE_PREFIXES = ['sso-session.', 'services.'];
const SSO_KEYS = ['sso_session', 'sso_start_url', 'sso_account_id'];

/** Commercial regions plus GovCloud and China, sorted; the picker also accepts any typed name. */
export const AWS_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'cn-north-1',
  'cn-northwest-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-west-1',
  'us-west-2',
];

/** The profile the SDK uses when none is chosen: AWS_PROFILE, else `default`. */
export function defaultProfileName(): string {
  const fromEnv = process.env.AWS_PROFILE?.trim();
  return fromEnv ? fromEnv : 'default';
}

function isProfileKey(key: string): boolean {
  return !NON_PROFILE_PREFIXES.some((prefix) => key.startsWith(prefix));
}

/** Every profile in either file, sorted by name with `default` first. Missing files give no profiles. */
export async function listProfiles(): Promise<AwsProfileInfo[]> {
  // ignoreCache: the loader caches file contents for the process; the user may have edited them.
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  const byName = new Map<string, AwsProfileInfo>();
  for (const [name, values] of Object.entries(configFile)) {
    if (!isProfileKey(name)) {
      continue;
    }
    const region = values.region?.trim();
    byName.set(name, {
      name,
      ...(region ? { region } : {}),
      isSso: SSO_KEYS.some((key) => (values[key] ?? '').trim() !== ''),
      sources: ['config'],
    });
  }
  for (const name of Object.keys(credentialsFile)) {
    const existing = byName.get(name);
    if (existing) {
      existing.sources.push('credentials');
    } else {
      byName.set(name, { name, isSso: false, sources: ['credentials'] });
    }
  }
  return [...byName.values()].sort((a, b) => (a.name === 'default' ? -1 : b.name === 'default' ? 1 : a.name.localeCompare(b.name)));
}

/** True when the named profile signs in through SSO (for error messages that say `aws sso login`). */
export async function isSsoProfile(name: string): Promise<boolean> {
  const profiles = await listProfiles();
  return profiles.find((p) => p.name === name)?.isSso ?? false;
}
