/**
 * Starts and stops code-server (VS Code's workbench and Node extension host over HTTP) the way
 * ../shared/docs/vscode-in-ci.md describes, for the integration lane and the demo's check.
 * Only 127.0.0.1 is used. code-server runs in its own process group because the extension host,
 * pty host and file watcher it spawns can outlive the main process; stop() kills the group.
 */
import { spawn, execFile } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface CodeServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly port: number;
  /** Kills the whole process group; safe to call more than once. */
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  entry: string;
  /** Scratch directory for user data, extensions, config and the log. */
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Extra user settings merged over the quiet defaults. */
  userSettings?: Record<string, unknown>;
}

/** Runs scripts/ensure-code-server.sh (installs once into a cache) and returns the entry script. */
export function ensureCodeServer(repo: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [join(repo, 'scripts/ensure-code-server.sh')], { cwd: repo, timeout: 10 * 60_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`ensure-code-server.sh failed: ${error.message}\n${stderr}`));
        return;
      }
      // The script logs to stderr and prints the entry path as its last stdout line.
      const last = stdout.trim().split('\n').pop();
      if (!last) {
        reject(new Error('ensure-code-server.sh printed no entry path'));
        return;
      }
      resolve(last.trim());
    });
  });
}

/** A port the OS considers free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Settings that keep the workbench quiet and deterministic: no welcome page, trust prompt, telemetry or update checks. */
export const QUIET_USER_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'npm.autoDetect': 'off',
  'typescript.disableAutomaticTypeAcquisition': true,
  'chat.commandCenter.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
};

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const userData = join(options.dir, 'user-data');
  const extensions = join(options.dir, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({ ...QUIET_USER_SETTINGS, ...options.userSettings }, null, 2));
  const config = join(options.dir, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const port = await freePort();
  const log = createWriteStream(join(options.dir, 'code-server.log'));
  const child = spawn(
    process.execPath,
    [
      options.entry,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--user-data-dir', userData,
      '--extensions-dir', extensions,
      '--config', config,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
    ],
    { env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const pid = child.pid;
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (pid === undefined) {
      return;
    }
    killGroup(pid, 'SIGTERM');
    const deadline = Date.now() + 3000;
    while (!exited && Date.now() < deadline) {
      await delay(100);
    }
    // Children (extension host, watchers) may ignore SIGTERM or still be shutting down.
    killGroup(pid, 'SIGKILL');
    log.end();
  };
  try {
    await waitForHealth(url, () => exited, 30_000);
  } catch (error) {
    await stop();
    throw new Error(`code-server did not come up (log: ${join(options.dir, 'code-server.log')}): ${String(error)}`);
  }
  return { url, port, stop };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

async function waitForHealth(url: string, exited: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) {
      throw new Error('code-server exited during start-up');
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await delay(150);
  }
  throw new Error(`no answer from ${url}/healthz within ${timeoutMs} ms`);
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface WorkbenchUrlOptions {
  folder: string;
  extensionDevelopmentPath: string;
  /** Absolute path of the tests module without `.js`; omitted for a plain (UI) session. */
  extensionTestsPath?: string;
}

/**
 * The workbench URL with a `payload`. Paths must be `vscode-remote://` URIs on this server:
 * `file://` leaves the workbench without an extension host that can run tests.
 */
export function workbenchUrl(server: CodeServer, options: WorkbenchUrlOptions): string {
  const remote = (path: string): string => `vscode-remote://127.0.0.1:${server.port}${path}`;
  const payload: [string, string][] = [['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)]];
  if (options.extensionTestsPath !== undefined) {
    payload.push(['extensionTestsPath', remote(options.extensionTestsPath)]);
  }
  payload.push(['skipWelcome', 'true']);
  return `${server.url}/?folder=${encodeURIComponent(options.folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}
