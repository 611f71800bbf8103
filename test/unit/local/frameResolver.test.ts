/**
 * End to end over the built fixture app: real stacks from running the minified bundles under
 * `/var/task`, real X-Ray segments from aws-xray-sdk-core over UDP, resolved back to the lines
 * marked in the original TypeScript (markers are read from the source, never from the map).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTrace } from '../../../src/core/traceBuilder';
import { parseLambdaErrorPayload } from '../../../src/core/invokeErrorParser';
import { applyPathMappings, isInside, normalizePath, rankBySuffix } from '../../../src/core/pathMapping';
import { framesFromXRayException, parseStackText } from '../../../src/core/stackFrames';
import type { ParsedFrame } from '../../../src/core/stackFrames';
import { resolveFrames } from '../../../src/local/frameResolver';
import type { FrameResolverContext } from '../../../src/local/frameResolver';
import { SourceMapStore } from '../../../src/local/sourceMapStore';
import type { SpanException } from '../../../src/shared/traceModel';
import { buildSourceApp, markerLines, runHandler, runHandlerWithXRay } from '../../support/sourceAppBuild';
import type { SourceApp } from '../../support/sourceAppBuild';

interface Scenario {
  name: string;
  fn: string;
  event: unknown;
  errorType: string;
  /** Own frames, innermost first: [file, marker]. */
  expected: Array<[string, string]>;
}

const VALIDATE = 'src/lib/validate.ts';
const SCENARIOS: Scenario[] = [
  {
    name: 'new Error in a nested library function (CJS bundle)',
    fn: 'CreateOrderFunction',
    event: { body: '{}' },
    errorType: 'Error',
    expected: [[VALIDATE, 'validate-require-field'], [VALIDATE, 'validate-order-customer'], ['src/handlers/createOrder.ts', 'create-order-validate']],
  },
  {
    name: 'TypeError from reading a property of undefined',
    fn: 'CreateOrderFunction',
    event: { body: '{"customerId":"c-1"}' },
    errorType: 'TypeError',
    expected: [[VALIDATE, 'validate-total-items'], ['src/handlers/createOrder.ts', 'create-order-total']],
  },
  {
    name: 'async rejection (ESM bundle, file:// frames)',
    fn: 'GetOrderFunction',
    event: { pathParameters: { id: 'missing' } },
    errorType: 'Error',
    expected: [[VALIDATE, 'validate-load-order'], ['src/handlers/getOrder.ts', 'get-order-load']],
  },
];

let app: SourceApp;
const store = new SourceMapStore();

before(async () => {
  app = await buildSourceApp();
});
after(() => app?.dispose());

function context(fn: string, extra: Partial<FrameResolverContext> = {}): FrameResolverContext {
  const built = app.functions.get(fn);
  assert.ok(built, fn);
  return { store, workspaceFolders: [app.appDir], buildDir: built.buildDir, ...extra };
}

function expectedLine(file: string, marker: string): number {
  const line = markerLines(app, file).get(marker);
  assert.ok(line, `marker ${marker} in ${file}`);
  return line;
}

function workspaceFiles(): string[] {
  return readdirSync(app.appDir, { recursive: true, encoding: 'utf8' }).map((path) => join(app.appDir, path));
}

function ownFrames(frames: readonly ParsedFrame[]): ParsedFrame[] {
  return frames.filter((frame) => !frame.isRuntime);
}

describe('real Node stacks from the minified bundles', () => {
  for (const scenario of SCENARIOS) {
    test(`${scenario.name}: every own frame resolves to its marked line`, async () => {
      const failure = await runHandler(app, scenario.fn, scenario.event);
      assert.match(failure.stack, /\/var\/task\/\w+\.m?js:1:\d+/);
      const payload = parseLambdaErrorPayload(failure.invokeErrorLine);
      assert.equal(payload.errorType, scenario.errorType);
      const fromStack = parseStackText(failure.stack);
      assert.deepEqual(payload.frames, fromStack.frames, 'the Invoke Error line and error.stack give the same frames');
      const results = await resolveFrames(payload.frames, context(scenario.fn));
      const own = results.filter((result) => !result.frame.isRuntime);
      assert.equal(own.length, scenario.expected.length, JSON.stringify(payload.frames));
      own.forEach((result, index) => {
        const [file, marker] = scenario.expected[index] ?? ['', ''];
        assert.ok(result.resolved, `${result.frame.path}: ${result.why}`);
        assert.equal(result.resolved.file, join(app.appDir, file));
        assert.equal(result.resolved.line, expectedLine(file, marker), `${marker}`);
        assert.equal(result.resolved.guess, false);
      });
      for (const skipped of results.filter((result) => result.frame.isRuntime)) assert.equal(skipped.skipped, 'runtime');
    });
  }

  test('--enable-source-maps stacks (original .ts paths) map directly by path suffix', async () => {
    const failure = await runHandler(app, 'CreateOrderFunction', { body: '{}' }, { enableSourceMaps: true });
    const frames = ownFrames(parseStackText(failure.stack).frames);
    assert.ok(frames.every((frame) => frame.path.endsWith('.ts')), failure.stack);
    const results = await resolveFrames(frames, context('CreateOrderFunction', { workspaceFiles: workspaceFiles() }));
    const expected = SCENARIOS[0]?.expected ?? [];
    results.forEach((result, index) => {
      const [file, marker] = expected[index] ?? ['', ''];
      assert.equal(result.resolved?.file, join(app.appDir, file), result.why);
      assert.equal(result.resolved?.line, expectedLine(file, marker));
    });
  });
});

describe('real X-Ray segments from aws-xray-sdk-core', () => {
  async function xrayCapture(scenario: Scenario): Promise<{ exception: SpanException; logFrames: ParsedFrame[] }> {
    const { failure, datagrams } = await runHandlerWithXRay(app, scenario.fn, scenario.event);
    assert.ok(datagrams.length > 0, 'datagrams received');
    assert.ok(datagrams.every((datagram) => datagram.startsWith('{"format":"json","version":1}\n')));
    const trace = buildTrace({ documents: datagrams });
    const exception = trace.spans.flatMap((span) => span.cause?.exceptions ?? []).find((e) => e.stack.length > 0);
    assert.ok(exception, JSON.stringify(trace.warnings));
    assert.equal(exception.type, scenario.errorType);
    return { exception, logFrames: parseLambdaErrorPayload(failure.invokeErrorLine).frames };
  }

  // The Node SDK splits `file:///…:16:9` at ':' and keeps path "file": only CJS bundles give
  // usable X-Ray frames, so the ESM scenario is left to the log stack.
  for (const scenario of SCENARIOS.filter((s) => s.fn === 'CreateOrderFunction')) {
    test(`${scenario.name}: column-less frames resolve exactly, or say they guessed among candidates`, async (t) => {
      const { exception } = await xrayCapture(scenario);
      const frames = framesFromXRayException(exception);
      assert.ok(frames.every((frame) => frame.column === undefined && frame.origin === 'xray'));
      const results = await resolveFrames(frames.filter((frame) => frame.path.startsWith('/var/task/')), context(scenario.fn));
      assert.equal(results.length, scenario.expected.length);
      let right = 0;
      results.forEach((result, index) => {
        const [file, marker] = scenario.expected[index] ?? ['', ''];
        assert.ok(result.resolved, result.why);
        const correct = result.resolved.file === join(app.appDir, file) && result.resolved.line === expectedLine(file, marker);
        if (correct) right++;
        if (!result.resolved.guess) assert.ok(correct, 'a resolution not marked as a guess must be right');
        else assert.ok((result.resolved.candidates ?? 0) > 1, 'a guess names how many lines were possible');
      });
      t.diagnostic(`label evidence alone chose the marked line for ${right} of ${results.length} frames`);
    });

    test(`${scenario.name}: with the log stack of the same request, every X-Ray frame becomes exact`, async () => {
      const { exception, logFrames } = await xrayCapture(scenario);
      const results = await resolveFrames(framesFromXRayException(exception), context(scenario.fn, { evidenceFrames: logFrames }));
      const own = results.filter((result) => result.skipped === undefined && result.frame.path.startsWith('/var/task/'));
      assert.equal(own.length, scenario.expected.length);
      own.forEach((result, index) => {
        const [file, marker] = scenario.expected[index] ?? ['', ''];
        assert.equal(result.resolved?.file, join(app.appDir, file));
        assert.equal(result.resolved?.line, expectedLine(file, marker));
        assert.equal(result.resolved?.guess, false, result.resolved?.reason);
      });
    });
  }
});

describe('a frame with its own column (X-Ray frames mapped from an OpenTelemetry stack trace)', () => {
  test('the exact (line, column) mapping wins over the log stack and the label', async () => {
    const scenario = SCENARIOS[0]!;
    const { failure, datagrams } = await runHandlerWithXRay(app, scenario.fn, scenario.event);
    const exception = buildTrace({ documents: datagrams }).spans.flatMap((span) => span.cause?.exceptions ?? []).find((e) => e.stack.length > 0);
    assert.ok(exception);
    const logFrames = parseLambdaErrorPayload(failure.invokeErrorLine).frames;
    // The same stack with the columns V8 printed, as `core/otlp/otlpToXray.ts` keeps them.
    const withColumns: SpanException = { ...exception, stack: exception.stack.map((frame, index) => ({ ...frame, ...(logFrames[index]?.column === undefined ? {} : { column: logFrames[index].column }) })) };
    const frames = framesFromXRayException(withColumns).filter((frame) => frame.path.startsWith('/var/task/'));
    assert.ok(frames.length === scenario.expected.length && frames.every((frame) => frame.column !== undefined), JSON.stringify(frames));
    // Evidence that points elsewhere: every log frame's column shifted to the next frame's.
    const misleading = logFrames.map((frame, index) => ({ ...frame, ...(logFrames[(index + 1) % logFrames.length]?.column === undefined ? {} : { column: logFrames[(index + 1) % logFrames.length]?.column }) }));
    const results = await resolveFrames(frames, context(scenario.fn, { evidenceFrames: misleading }));
    results.forEach((result, index) => {
      const [file, marker] = scenario.expected[index] ?? ['', ''];
      assert.equal(result.resolved?.file, join(app.appDir, file), result.why);
      assert.equal(result.resolved?.line, expectedLine(file, marker), marker);
      assert.deepEqual([result.resolved?.guess, result.resolved?.reason], [false, 'source map']);
    });
  });
});

describe('the workspace boundary', () => {
  const frame = (path: string): ParsedFrame => ({ path, line: 1, column: 1, origin: 'node', isRuntime: false });

  test('a map source outside the workspace folders never resolves', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'sl-elsewhere-'));
    try {
      const [result] = await resolveFrames([frame('/var/task/createOrder.js')], context('CreateOrderFunction', { workspaceFolders: [elsewhere] }));
      assert.equal(result?.resolved, undefined);
      assert.match(result?.why ?? '', /not a file in the workspace folders/);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test('frame paths that climb out or name system files never resolve', async () => {
    const results = await resolveFrames([frame('/etc/hostname'), frame('/var/task/../../../etc/hostname.js'), frame(`${app.appDir}/../outside.ts`)], context('CreateOrderFunction', { workspaceFiles: workspaceFiles() }));
    for (const result of results) assert.equal(result.resolved, undefined, JSON.stringify(result));
  });

  test('runtime frames are skipped, not resolved', async () => {
    const results = await resolveFrames(parseStackText('Error: x\n    at file:///var/runtime/index.mjs:1:2\n    at node:internal/process/task_queues:95:5').frames, context('CreateOrderFunction'));
    assert.deepEqual(
      results.map((result) => result.skipped),
      ['runtime', 'runtime'],
    );
  });

  test('pathMappings send /var/task frames to a workspace folder when there is no map', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sl-mapped-'));
    try {
      writeFileSync(join(folder, 'app.js'), 'throw new Error("x");\n');
      const [result] = await resolveFrames([frame('/var/task/app.js')], { store, workspaceFolders: [folder], pathMappings: { '/var/task/': '${workspaceFolder}/' } });
      assert.equal(result?.resolved?.file, join(folder, 'app.js'));
      assert.equal(result?.resolved?.reason, 'serverlessLens.source.pathMappings');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('SourceMapStore', () => {
  test('reloads a map when it changes on disk, and finds the .map next to the bundle without a comment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-store-'));
    try {
      const bundle = join(dir, 'index.js');
      writeFileSync(bundle, 'x();\n');
      writeFileSync(`${bundle}.map`, JSON.stringify({ version: 3, sources: ['src/a.ts'], names: [], mappings: 'AAAA' }));
      const local = new SourceMapStore({ recheckAfterMs: 0 });
      const first = await local.resolve(bundle, 1, 1);
      assert.equal(first.resolution?.line, 1);
      assert.equal(first.resolution?.source, join(dir, 'src/a.ts'));
      writeFileSync(`${bundle}.map`, JSON.stringify({ version: 3, sources: ['src/a.ts'], names: [], mappings: 'AAKA' }));
      utimesSync(`${bundle}.map`, new Date(), new Date(Date.now() + 5000));
      const second = await local.resolve(bundle, 1, 1);
      assert.equal(second.resolution?.line, 6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('reads inline data: maps and says why when there is no map', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-store-'));
    try {
      const inline = join(dir, 'inline.js');
      const encoded = Buffer.from(JSON.stringify({ version: 3, sources: ['ü.ts'], names: [], mappings: 'AAEA' })).toString('base64');
      writeFileSync(inline, `x();\n//# sourceMappingURL=data:application/json;base64,${encoded}\n`);
      const local = new SourceMapStore();
      const result = await local.resolve(inline, 1, 1);
      assert.equal(result.resolution?.source, join(dir, 'ü.ts'));
      assert.equal(result.resolution?.line, 3);
      const bare = join(dir, 'bare.js');
      writeFileSync(bare, 'x();\n');
      assert.match((await local.resolve(bare, 1, 1)).why ?? '', /no source map/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// The pure path rules the resolver relies on (src/core/pathMapping.ts).
describe('applyPathMappings', () => {
  const vars = { workspaceFolder: '/home/me/app' };

  test('longest prefix wins and ${workspaceFolder} is substituted', () => {
    const mappings = { '/var/task/': '${workspaceFolder}/dist/', '/var/task/src/': '${workspaceFolder}/src/' };
    assert.equal(applyPathMappings('/var/task/index.js', mappings, vars), '/home/me/app/dist/index.js');
    assert.equal(applyPathMappings('/var/task/src/handler.ts', mappings, vars), '/home/me/app/src/handler.ts');
    assert.equal(applyPathMappings('/opt/x.js', mappings, vars), undefined);
  });

  test('a missing separator is added, and .. is normalized', () => {
    assert.equal(applyPathMappings('/var/task/a/../b.js', { '/var/task': '${workspaceFolder}/out' }, vars), '/home/me/app/out/b.js');
  });
});

describe('rankBySuffix', () => {
  test('longest shared suffix first; no shared file name, no candidate', () => {
    const ranked = rankBySuffix('/var/task/src/handlers/app.ts', ['/w/app.ts', '/w/src/handlers/app.ts', '/w/lib/handlers/app.ts', '/w/other.ts']);
    assert.deepEqual(ranked, [
      { path: '/w/src/handlers/app.ts', matchedSegments: 3 },
      { path: '/w/lib/handlers/app.ts', matchedSegments: 2 },
      { path: '/w/app.ts', matchedSegments: 1 },
    ]);
  });
});

describe('isInside', () => {
  test('.. cannot climb out; prefixes must end at a separator; relative paths never count', () => {
    assert.equal(isInside('/w/app/src/a.ts', ['/w/app']), true);
    assert.equal(isInside('/w/app/../secret', ['/w/app']), false);
    assert.equal(isInside('/w/app-other/a.ts', ['/w/app']), false);
    assert.equal(isInside('src/a.ts', ['/w/app']), false);
    assert.equal(isInside('/w/app', ['/w/app/']), true);
  });

  test('Windows drive paths compare case-insensitively; POSIX paths do not', () => {
    assert.equal(isInside('c:\\Users\\Me\\App\\src\\a.ts', ['C:\\Users\\me\\app']), true);
    assert.equal(isInside('/W/App/a.ts', ['/w/app']), false);
    assert.equal(isInside('/W/App/a.ts', ['/w/app'], { caseInsensitive: true }), true);
  });

  test('normalizePath', () => {
    assert.equal(normalizePath('/a/./b/../../../c'), '/c');
    assert.equal(normalizePath('C:\\a\\..\\b'), 'C:/b');
  });
});
