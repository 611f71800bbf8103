/**
 * A throwaway workspace and AWS configuration for a VS Code under test: the workspace folder
 * (a copy of test/integration/workspace/) with `.vscode/settings.json` pointing the extension at
 * a local X-Ray endpoint, and shared AWS config/credentials files with one fake profile. The
 * returned environment drops the machine's own AWS_* variables so nothing can reach real AWS.
 */
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestWorkspaceOptions {
  /** Scratch directory that will hold the workspace and the AWS files. */
  dir: string;
  /** Folder copied as the workspace (skipped if it does not exist). */
  template: string;
  endpointUrl: string;
  profile: string;
  region: string;
  /** Variables added to the environment (test endpoints, expectations). */
  extraEnv?: Record<string, string>;
  /** Folders copied into the workspace: name inside the workspace → source folder. */
  extraFolders?: Record<string, string>;
}

export interface TestWorkspace {
  folder: string;
  env: NodeJS.ProcessEnv;
}

export function prepareTestWorkspace(options: TestWorkspaceOptions): TestWorkspace {
  const folder = join(options.dir, 'workspace');
  mkdirSync(folder, { recursive: true });
  if (existsSync(options.template)) {
    cpSync(options.template, folder, { recursive: true });
  }
  for (const [name, source] of Object.entries(options.extraFolders ?? {})) {
    cpSync(source, join(folder, name), { recursive: true });
  }
  writeWorkspaceSettings(folder, { endpointUrl: options.endpointUrl, profile: options.profile, region: options.region });
  const aws = writeFakeAwsFiles(join(options.dir, 'aws'), options.profile, options.region);
  return { folder, env: { ...isolatedEnv(aws), ...options.extraEnv } };
}

export function writeWorkspaceSettings(folder: string, connection: { endpointUrl: string; profile: string; region: string }): void {
  mkdirSync(join(folder, '.vscode'), { recursive: true });
  const settings = {
    'serverlessLens.aws.endpointUrl': connection.endpointUrl,
    'serverlessLens.aws.region': connection.region,
    'serverlessLens.aws.profile': connection.profile,
  };
  writeFileSync(join(folder, '.vscode', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
}

export interface FakeAwsFiles {
  configFile: string;
  credentialsFile: string;
}

/** A static fake key: the local server does not check signatures, the SDK only needs something to sign with. */
export function writeFakeAwsFiles(dir: string, profile: string, region: string): FakeAwsFiles {
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, 'config');
  const credentialsFile = join(dir, 'credentials');
  writeFileSync(configFile, `[profile ${profile}]\nregion = ${region}\noutput = json\n`);
  writeFileSync(credentialsFile, `[${profile}]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n`);
  return { configFile, credentialsFile };
}

/**
 * The current environment without AWS_* variables (a developer's real profile or keys must not
 * leak into tests), pointed at the fake files, with instance metadata off so the SDK's credential
 * chain never tries 169.254.169.254.
 */
export function isolatedEnv(aws: FakeAwsFiles): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('AWS_') && !/^(http_proxy|https_proxy|all_proxy)$/i.test(key)) {
      env[key] = value;
    }
  }
  env.AWS_CONFIG_FILE = aws.configFile;
  env.AWS_SHARED_CREDENTIALS_FILE = aws.credentialsFile;
  env.AWS_EC2_METADATA_DISABLED = 'true';
  env.NO_PROXY = '127.0.0.1,localhost';
  return env;
}
