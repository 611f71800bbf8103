/**
 * The same extension-host suite on desktop VS Code through @vscode/test-electron, for
 * contributors whose machines can download VS Code (`npm run test:electron`). CI machines cannot
 * reach the download and use runCodeServer.ts instead. Built by `node esbuild.mjs --tests` to
 * out/test/runElectron.js, so paths below are relative to out/test.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

import { QUIET_USER_SETTINGS } from './codeServer';
import { TEST_PROFILE, TEST_REGION } from './testEnv';
import { startTestServers } from './testServers';
import { prepareTestWorkspace } from './testWorkspace';

async function main(): Promise<number> {
  const repo = resolve(__dirname, '../..');
  const servers = await startTestServers();
  const tmp = mkdtempSync(join(tmpdir(), 'slens-electron-'));
  try {
    const workspace = prepareTestWorkspace({
      dir: tmp,
      template: join(repo, 'test/integration/workspace'),
      endpointUrl: servers.primary.url,
      profile: TEST_PROFILE,
      region: TEST_REGION,
      extraEnv: servers.env,
    });
    const userData = join(tmp, 'user-data');
    mkdirSync(join(userData, 'User'), { recursive: true });
    writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(QUIET_USER_SETTINGS, null, 2));
    // extensionTestsEnv is merged over the inherited environment: blank the AWS variables that
    // isolatedEnv() dropped, so a developer's real credentials never reach the tests.
    const extensionTestsEnv: Record<string, string | undefined> = {};
    for (const key of Object.keys(process.env)) {
      if (key.startsWith('AWS_')) extensionTestsEnv[key] = undefined;
    }
    Object.assign(extensionTestsEnv, workspace.env);
    await runTests({
      extensionDevelopmentPath: repo,
      extensionTestsPath: join(repo, 'out/test/suite/index'),
      launchArgs: [workspace.folder, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--user-data-dir', userData],
      extensionTestsEnv,
    });
    return 0;
  } catch (error) {
    console.error(`integration tests (electron) failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await servers.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

void main().then((code) => process.exit(code));
