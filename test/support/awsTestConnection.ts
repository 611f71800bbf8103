/**
 * Test set-up for the AWS adapters: fake credentials in temp shared config files (never real
 * AWS), a capturing logger, and an `AwsClientFactory` pointed at a local X-Ray server.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { after, before, beforeEach } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsClientFactory } from '../../src/aws/clientFactory';
import type { AwsLogger } from '../../src/aws/clientFactory';
import { startLocalXRayServer } from './localXRayServer';
import type { LocalXRayServer, LocalXRayServerOptions } from './localXRayServer';

export const TEST_PROFILE = 'serverless-lens-test';
/** AWS's documented example key pair: recognisable, never valid. */
export const FAKE_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const FAKE_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
export const FAKE_SESSION_TOKEN = 'FwoGZXIvYXdzEFAKESESSIONTOKENdoNotLogMe0123456789abcdefSESSION';

const CLEARED_ENV = [
  'AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_DEFAULT_REGION',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN',
];

export interface FakeAwsHome {
  dir: string;
  configFile: string;
  credentialsFile: string;
  restore(): void;
}

/**
 * Points the SDK at temp config/credentials files (and HOME, for the SSO token cache), clears
 * credential variables, and disables instance metadata so nothing leaves 127.0.0.1.
 */
export function useFakeAwsHome(files: { config?: string; credentials?: string } = {}): FakeAwsHome {
  const dir = mkdtempSync(join(tmpdir(), 'slens-aws-'));
  const configFile = join(dir, 'config');
  const credentialsFile = join(dir, 'credentials');
  writeFileSync(configFile, files.config ?? `[profile ${TEST_PROFILE}]\nregion = us-west-2\n`);
  writeFileSync(
    credentialsFile,
    files.credentials ??
      `[${TEST_PROFILE}]\naws_access_key_id = ${FAKE_ACCESS_KEY_ID}\naws_secret_access_key = ${FAKE_SECRET_ACCESS_KEY}\naws_session_token = ${FAKE_SESSION_TOKEN}\n`,
  );
  const saved = new Map<string, string | undefined>();
  const set = (name: string, value: string | undefined): void => {
    if (!saved.has(name)) saved.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  CLEARED_ENV.forEach((name) => set(name, undefined));
  set('AWS_CONFIG_FILE', configFile);
  set('AWS_SHARED_CREDENTIALS_FILE', credentialsFile);
  set('AWS_EC2_METADATA_DISABLED', 'true');
  set('HOME', dir);
  set('USERPROFILE', dir);
  return {
    dir,
    configFile,
    credentialsFile,
    restore: () => {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export class CapturingLogger implements AwsLogger {
  readonly lines: { level: string; message: string }[] = [];
  debug(message: string): void { this.lines.push({ level: 'debug', message }); }
  info(message: string): void { this.lines.push({ level: 'info', message }); }
  warn(message: string): void { this.lines.push({ level: 'warn', message }); }
  error(message: string): void { this.lines.push({ level: 'error', message }); }
  text(): string {
    return this.lines.map((l) => `${l.level} ${l.message}`).join('\n');
  }
}

export interface TestConnection {
  server: LocalXRayServer;
  factory: AwsClientFactory;
  logger: CapturingLogger;
  home: FakeAwsHome;
  close(): Promise<void>;
}

/** A local server plus a factory for the fake profile, pointed at it. */
export async function startTestConnection(options: LocalXRayServerOptions = {}): Promise<TestConnection> {
  const home = useFakeAwsHome();
  const server = await startLocalXRayServer(options);
  const logger = new CapturingLogger();
  const factory = new AwsClientFactory({ profile: TEST_PROFILE, region: 'us-east-1', endpointUrl: server.url }, logger, { extensionVersion: '9.9.9-test' });
  return {
    server,
    factory,
    logger,
    home,
    close: async () => {
      factory.dispose();
      await server.close();
      home.restore();
    },
  };
}

/**
 * One test connection for the tests of a suite (or of the file, called at the top level): started
 * before them, closed after them, and before each test the local server back to its defaults
 * (request stats, faults, latency), then `reset` for the suite's own settings. The connection is
 * read through getters, as it exists only once `before` has run.
 */
export function useTestConnection(options: LocalXRayServerOptions = {}, reset?: (server: LocalXRayServer, conn: TestConnection) => void): TestConnection {
  let current: TestConnection | undefined;
  const live = (): TestConnection => {
    if (current === undefined) throw new Error('the test connection is used outside the tests of its suite');
    return current;
  };
  const conn: TestConnection = {
    get server() { return live().server; },
    get factory() { return live().factory; },
    get logger() { return live().logger; },
    get home() { return live().home; },
    close: () => live().close(),
  };
  before(async () => {
    current = await startTestConnection(options);
  });
  after(async () => {
    await current?.close();
    current = undefined;
  });
  beforeEach(() => {
    const server = live().server;
    server.resetStats();
    server.clearFaults();
    server.latencyMs = 0;
    reset?.(server, conn);
  });
  return conn;
}
