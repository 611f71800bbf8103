/**
 * One demo session, shared by `npm start` (scripts/start.mjs) and the end-to-end UI test, so the
 * test runs the code path a newcomer runs: the sample AWS endpoint on 127.0.0.1 (so nothing in
 * the demo talks to AWS), receiver ports (the defaults 2000/4318 when free, else free ones), the
 * workspace settings that turn the local receivers on, a fake AWS profile, and the traffic
 * generator as a child process once the extension's receivers listen. `stop()` undoes it all.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { isolatedEnv, writeFakeAwsFiles } from '../../test/integration/testWorkspace';

export const DEMO_PROFILE = 'serverless-lens-demo';
export const DEMO_REGION = 'us-east-1';
// `__filename`, not `__dirname`: loaded through tsx's `tsImport` (start.mjs), `__dirname` is not a path.
const REPO = resolve(dirname(__filename), '../..');

export interface DemoSessionOptions {
  /** The workspace folder: examples/ for `npm start`, a copy of it in tests. */
  folder: string;
  /** Always pick free ports (tests, `--check`), instead of preferring 2000/4318. */
  ephemeralPorts?: boolean;
  log?: (line: string) => void;
}

export interface TrafficProcess {
  /** Every line the traffic printed (its summaries, and the Lambda log lines with `logs`). */
  lines: string[];
  stop(): Promise<void>;
}

export interface DemoSession {
  folder: string;
  /** The environment for VS Code / code-server: the fake profile, no real AWS_* variables. */
  env: NodeJS.ProcessEnv;
  endpointUrl: string;
  udpAddress: string;
  otlpAddress: string;
  /** Resolves once the OTLP receiver accepts connections (the extension started the receivers). */
  waitForReceivers(timeoutMs: number): Promise<void>;
  startTraffic(options?: { rate?: number; printLogs?: boolean; onLine?: (line: string) => void }): Promise<TrafficProcess>;
  stop(): Promise<void>;
}

export async function startDemoSession(options: DemoSessionOptions): Promise<DemoSession> {
  const log = options.log ?? ((line: string) => console.log(line));
  const cleanups: Array<() => Promise<void> | void> = [];
  const stop = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log(`demo: cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  try {
    const endpoint = await startSampleEndpoint();
    cleanups.push(endpoint.stop);
    const udpPort = options.ephemeralPorts ? await freeUdpPort() : ((await udpPortFree(2000)) ? 2000 : await freeUdpPort());
    const otlpPort = options.ephemeralPorts ? await freeTcpPort() : ((await tcpPortFree(4318)) ? 4318 : await freeTcpPort());
    const udpAddress = `127.0.0.1:${udpPort}`;
    const otlpAddress = `127.0.0.1:${otlpPort}`;
    cleanups.push(writeDemoSettings(options.folder, { 'serverlessLens.aws.endpointUrl': endpoint.url, 'serverlessLens.aws.region': DEMO_REGION, 'serverlessLens.aws.profile': DEMO_PROFILE, 'serverlessLens.local.autoStart': true, 'serverlessLens.local.udpAddress': udpAddress, 'serverlessLens.local.otlpAddress': otlpAddress }));
    const tmp = mkdtempSync(join(tmpdir(), 'slens-demo-'));
    cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
    const env = isolatedEnv(writeFakeAwsFiles(join(tmp, 'aws'), DEMO_PROFILE, DEMO_REGION));
    return {
      folder: options.folder,
      env,
      endpointUrl: endpoint.url,
      udpAddress,
      otlpAddress,
      waitForReceivers: (timeoutMs) => waitForTcp(otlpPort, timeoutMs),
      startTraffic: async (trafficOptions = {}) => {
        const traffic = await startTrafficProcess(options.folder, udpAddress, `http://${otlpAddress}`, trafficOptions);
        cleanups.push(traffic.stop);
        return traffic;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The sample traces of test/support/localXRayServer.ts as a child process (it exits when stdin closes). */
function startSampleEndpoint(): Promise<{ url: string; stop: () => void }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/localXRayServer.ts', '--port', '0'], { cwd: REPO, stdio: ['pipe', 'pipe', 'inherit'] });
    const stop = (): void => {
      child.stdin.end();
      child.kill('SIGTERM');
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error('the local X-Ray endpoint printed no URL within 30 s'));
    }, 30_000);
    child.once('exit', (code) => reject(new Error(`the local X-Ray endpoint exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^LOCAL_XRAY_URL=(\S+)/.exec(line);
      if (!match?.[1]) return;
      clearTimeout(timer);
      resolvePromise({ url: match[1], stop });
    });
  });
}

/** Writes `.vscode/settings.json` (merged over what is there) and returns what puts it back. */
function writeDemoSettings(folder: string, settings: Record<string, unknown>): () => void {
  const dir = join(folder, '.vscode');
  const file = join(dir, 'settings.json');
  const dirExisted = existsSync(dir);
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  let merged: Record<string, unknown> = {};
  try {
    merged = previous === undefined ? {} : (JSON.parse(previous) as Record<string, unknown>);
  } catch {
    // A settings file with comments: ours replace it while the demo runs and it comes back after.
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...merged, ...settings }, null, 2)}\n`);
  return () => {
    if (previous !== undefined) {
      writeFileSync(file, previous);
      return;
    }
    rmSync(file, { force: true });
    if (!dirExisted) {
      try {
        rmdirSync(dir);
      } catch {
        // Not empty: something else was put there meanwhile.
      }
    }
  };
}

function startTrafficProcess(folder: string, xray: string, otlp: string, options: { rate?: number; printLogs?: boolean; onLine?: (line: string) => void }): Promise<TrafficProcess> {
  const args = ['scripts/demo-traffic.mjs', '--app', folder, '--xray', xray, '--otlp', otlp, '--rate', String(options.rate ?? 2), '--exit-with-stdin', ...(options.printLogs ? ['--logs'] : [])];
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, args, { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const stop = async (): Promise<void> => {
    if (exited) return;
    child.stdin.end();
    child.kill('SIGTERM');
    const deadline = Date.now() + 5000;
    while (!exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (!exited) child.kill('SIGKILL');
  };
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the demo traffic did not start within 60 s:\n${lines.slice(-10).join('\n')}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo traffic exited with ${code}:\n${lines.slice(-10).join('\n')}`));
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        lines.push(line);
        if (lines.length > 2000) lines.splice(0, 1000);
        options.onLine?.(line);
        if (line.startsWith('DEMO_TRAFFIC_READY')) {
          clearTimeout(timer);
          resolvePromise({ lines, stop });
        }
      });
    }
  });
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

function tcpPortFree(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePromise(true)));
  });
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolvePromise(port));
    });
  });
}

function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolvePromise(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolvePromise(true)));
  });
}

async function waitForTcp(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolvePromise) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolvePromise(true);
      });
      socket.once('error', () => resolvePromise(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${Math.round(timeoutMs / 1000)} s: the extension did not start the local receivers`);
}
