/**
 * Builds test/fixtures/source-app the way `sam build` does (esbuild, minified, linked source maps
 * with sourcesContent, `.aws-sam/build/<LogicalId>/<basename>.js`), then runs its handlers with
 * Node from a copy under a path ending in `/var/task` to capture real stack traces, and under
 * aws-xray-sdk-core to capture real X-Ray segments over UDP on 127.0.0.1. Paths are rewritten to
 * `/var/task/…` exactly as Lambda shows them.
 */
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { parse } from 'yaml';
import type { ScalarTag } from 'yaml';

const FIXTURE_APP = fileURLToPath(new URL('../fixtures/source-app/', import.meta.url));

export interface BuiltFunction {
  logicalId: string;
  /** `createOrder.handler`, as the built template names it. */
  handler: string;
  /** `<app>/.aws-sam/build/<LogicalId>`. */
  buildDir: string;
  /** File name of the bundle inside buildDir (and inside `/var/task`). */
  bundleName: string;
  entry: string;
}

export interface SourceApp {
  /** The workspace folder: a copy of the fixture app with its `.aws-sam/build` output. */
  appDir: string;
  functions: Map<string, BuiltFunction>;
  root: string;
  dispose(): void;
}

export interface CapturedFailure {
  errorType: string;
  errorMessage: string;
  /** `error.stack` with the temp prefix rewritten to `/var/task`. */
  stack: string;
  /** The line the Node runtime logs for the failure: `<ts>\t<id>\tERROR\tInvoke Error \t{json}`. */
  invokeErrorLine: string;
}

interface TemplateFunction {
  Properties?: { Handler?: string };
  Metadata?: { BuildMethod?: string; BuildProperties?: { EntryPoints?: string[]; Format?: string; OutExtension?: string[]; Target?: string } };
}

// CloudFormation short forms; only their presence matters to the build.
const SHORT_TAGS: ScalarTag[] = ['Ref', 'Sub', 'GetAtt'].map((name) => ({ tag: `!${name}`, resolve: (value: string) => value }));

export async function buildSourceApp(): Promise<SourceApp> {
  const root = mkdtempSync(join(tmpdir(), 'sl-source-app-'));
  const appDir = join(root, 'app');
  cpSync(FIXTURE_APP, appDir, { recursive: true });
  const template = parse(readFileSync(join(appDir, 'template.yaml'), 'utf8'), { customTags: SHORT_TAGS }) as { Resources: Record<string, TemplateFunction & { Type: string }> };
  const functions = new Map<string, BuiltFunction>();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Serverless::Function') continue;
    functions.set(logicalId, await buildFunction(appDir, logicalId, resource));
  }
  return { appDir, functions, root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

async function buildFunction(appDir: string, logicalId: string, resource: TemplateFunction): Promise<BuiltFunction> {
  const handler = resource.Properties?.Handler ?? '';
  const props = resource.Metadata?.BuildProperties ?? {};
  const exportName = handler.slice(handler.lastIndexOf('.') + 1);
  // SAM: EntryPoints when given, else Handler minus the export (`src/handlers/getOrder`).
  const entry = props.EntryPoints?.[0] ?? `${handler.slice(0, handler.lastIndexOf('.'))}.ts`;
  const outExtension = (props.OutExtension ?? []).find((item) => item.startsWith('.js='))?.slice('.js='.length) ?? '.js';
  const bundleName = `${basename(entry, extname(entry))}${outExtension}`;
  const buildDir = join(appDir, '.aws-sam', 'build', logicalId);
  await build({
    absWorkingDir: appDir,
    entryPoints: [join(appDir, entry)],
    outfile: join(buildDir, bundleName),
    bundle: true,
    platform: 'node',
    format: props.Format === 'esm' ? 'esm' : 'cjs',
    target: props.Target ?? 'es2022',
    minify: true,
    sourcemap: 'linked',
    sourcesContent: true,
    logLevel: 'silent',
  });
  return { logicalId, handler: `${basename(bundleName, extname(bundleName))}.${exportName}`, buildDir, bundleName, entry };
}

/** The runtime stand-in: imports the bundle from `…/var/task`, invokes, reports the failure. */
const RUNNER = `
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
const [bundle, exportName, eventJson, mode, port, sdkPath, name] = process.argv.slice(2);
const mod = await import(pathToFileURL(bundle).href);
const fn = mod[exportName] ?? mod.default?.[exportName];
let xray, segment, sub;
if (mode === 'xray') {
  xray = createRequire(import.meta.url)(sdkPath);
  xray.setDaemonAddress('127.0.0.1:' + port);
  xray.setContextMissingStrategy('IGNORE_ERROR');
  segment = new xray.Segment(name);
  sub = segment.addNewSubsegment('Invocation');
}
try {
  await fn(JSON.parse(eventJson), { awsRequestId: 'req-1' });
  sub?.close(); segment?.close();
  console.log(JSON.stringify({ ok: true }));
} catch (error) {
  sub?.close(error); segment?.close(error);
  const payload = { errorType: error.name, errorMessage: error.message, stack: String(error.stack).split('\\n') };
  const line = new Date().toISOString() + '\\treq-1\\tERROR\\tInvoke Error \\t' + JSON.stringify(payload);
  console.log(JSON.stringify({ errorType: error.name, errorMessage: error.message, stack: error.stack, invokeErrorLine: line }));
}
`;

interface RunOptions {
  enableSourceMaps?: boolean;
  xrayPort?: number;
}

/** Runs one handler in a child Node process from `<tmp>/fs/<LogicalId>/var/task`. */
export async function runHandler(app: SourceApp, logicalId: string, event: unknown, options: RunOptions = {}): Promise<CapturedFailure> {
  const fn = app.functions.get(logicalId);
  if (!fn) throw new Error(`no function ${logicalId}`);
  const fsRoot = join(app.root, 'fs', logicalId);
  const taskDir = join(fsRoot, 'var', 'task');
  rmSync(fsRoot, { recursive: true, force: true });
  // A copy, not a symlink: Node reports the real path of a module, which must end in /var/task.
  cpSync(fn.buildDir, taskDir, { recursive: true });
  mkdirSync(join(fsRoot, 'var', 'runtime'), { recursive: true });
  const runner = join(fsRoot, 'var', 'runtime', 'index.mjs');
  writeFileSync(runner, RUNNER);
  const sdkPath = createRequire(import.meta.url).resolve('aws-xray-sdk-core');
  const mode = options.xrayPort !== undefined ? 'xray' : 'plain';
  const exportName = fn.handler.slice(fn.handler.lastIndexOf('.') + 1);
  const args = [...(options.enableSourceMaps ? ['--enable-source-maps'] : []), runner, join(taskDir, fn.bundleName), exportName, JSON.stringify(event), mode, String(options.xrayPort ?? 0), sdkPath, logicalId];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, args, { cwd: taskDir, env: childEnv(), timeout: 20_000 }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)));
  });
  const parsed = JSON.parse(rewritePaths(stdout.trim().split('\n').pop() ?? '{}', app.root, fsRoot)) as Partial<CapturedFailure> & { ok?: boolean };
  if (parsed.ok || parsed.stack === undefined) throw new Error(`${logicalId} did not fail`);
  return parsed as CapturedFailure;
}

/** Runs a handler under aws-xray-sdk-core and collects the datagrams it sends (header + JSON). */
export async function runHandlerWithXRay(app: SourceApp, logicalId: string, event: unknown): Promise<{ failure: CapturedFailure; datagrams: string[] }> {
  const socket = createSocket('udp4');
  const datagrams: string[] = [];
  socket.on('message', (message) => datagrams.push(message.toString('utf8')));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    const failure = await runHandler(app, logicalId, event, { xrayPort: socket.address().port });
    // The child exits only after its sends completed; a short grace covers socket delivery.
    for (let waited = 0; datagrams.length === 0 && waited < 2000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    const fsRoot = join(app.root, 'fs', logicalId);
    return { failure, datagrams: datagrams.map((datagram) => rewritePaths(datagram, app.root, fsRoot)) };
  } finally {
    socket.close();
  }
}

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('AWS_XRAY_') || key === 'NODE_OPTIONS' || key === 'LAMBDA_TASK_ROOT' || key.startsWith('_X_AMZN')) delete env[key];
  }
  return env;
}

/**
 * `<root>/fs/<Id>/var/task/x.js` → `/var/task/x.js`. `--enable-source-maps` paths climb above
 * the fake root (`/var/task/../../../src/…`), which Lambda clamps to `/src/…`: same rewrite.
 */
function rewritePaths(text: string, root: string, fsRoot: string): string {
  return text.split(`${fsRoot}/`).join('/').split(`${join(root, 'fs')}/`).join('/');
}

/** Marker comments (`// @throws:id`, `// @calls:id`) → 1-based line numbers, read from the source. */
export function markerLines(app: SourceApp, relativePath: string): Map<string, number> {
  const lines = readFileSync(join(app.appDir, relativePath), 'utf8').split('\n');
  const markers = new Map<string, number>();
  lines.forEach((line, index) => {
    const match = /\/\/ @(?:throws|calls):([\w-]+)/.exec(line);
    if (match?.[1]) markers.set(match[1], index + 1);
  });
  return markers;
}

export function bundlePath(app: SourceApp, logicalId: string): string {
  const fn = app.functions.get(logicalId);
  if (!fn) throw new Error(`no function ${logicalId}`);
  return join(fn.buildDir, fn.bundleName);
}
