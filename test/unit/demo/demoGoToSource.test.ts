/**
 * "Go to source" on the demo's local traces, end to end in plain Node: the built examples/
 * handlers run in the Lambda-like runtime (as `demoTraffic.test.ts` runs them), the real
 * aws-xray-sdk-core (api, worker) and OpenTelemetry SDK (notifier) send to the extension's own
 * local receivers, and each failure is resolved by the extension's own `FailureResolver` (the
 * resolution half of `SourceNavigator`), with the project index, the resolution contexts and the
 * local `Invoke Error` evidence the extension composes. Failures are resolved the moment their
 * trace appears in the store, as the Problems view does, and again once everything arrived.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { firstFailingSpan } from '../../../src/core/failureSite';
import { LOG_ARRIVAL_GRACE_MS, localEvidenceLookup } from '../../../src/host/local/localEvidence';
import type { LocalLogSource } from '../../../src/host/local/localEvidence';
import { FailureResolver } from '../../../src/host/source/failureResolver';
import type { ResolvedFailure } from '../../../src/host/source/failureResolver';
import { ResolutionContextFactory } from '../../../src/host/source/resolutionContext';
import { ProjectIndex } from '../../../src/local/projectIndex';
import { startLocalReceivers } from '../../../src/local/receivers';
import type { LocalReceivers } from '../../../src/local/receivers';
import { createLocalTraceStore } from '../../../src/local/localTraceStore';
import type { InMemoryLocalTraceStore } from '../../../src/local/localTraceStore';
import { SourceMapStore } from '../../../src/local/sourceMapStore';
import type { Trace } from '../../../src/shared/traceModel';
import { startTraffic } from '../../../scripts/demo/traffic';
import type { RecordedInvocation, TrafficHandle } from '../../../scripts/demo/traffic';
import { DEMO_BUGS, copyDemoApp, markerLine } from '../../support/demoApp';

let receivers: LocalReceivers;
let app: { dir: string; dispose(): void };
let traffic: TrafficHandle;
let index: ProjectIndex | undefined;
/** Resolutions started when a failing trace first appeared, by trace id. */
const atFirstSight = new Map<string, { logsThen: number; result: Promise<ResolvedFailure | undefined> }>();

/** The local store as `LocalTraceService` hands it to "Go to source". */
function logSource(store: InMemoryLocalTraceStore): LocalLogSource {
  return { has: (id) => store.get(id) !== undefined, logs: (id) => store.logs(id), onDidChangeTraces: (listener) => ({ dispose: store.onDidChange(listener) }) };
}

/** What `extension.ts` composes for `SourceNavigator`, minus `vscode`: the workspace file list is empty (it only ranks path suffixes). */
function resolverFor(store: InMemoryLocalTraceStore | undefined, options: { graceMs?: number; now?: () => number } = {}): FailureResolver {
  const projectIndex = { ready: () => (index ??= new ProjectIndex([app.dir])).ready(), findFunction: (key: string) => index?.findFunction(key) };
  const contexts = new ResolutionContextFactory(new SourceMapStore(), { folders: () => [app.dir], pathMappings: () => undefined, listSourceFiles: () => Promise.resolve([]) });
  return new FailureResolver({ index: projectIndex, contexts, ...(store === undefined ? {} : { localEvidence: localEvidenceLookup(logSource(store), options) }), log: { info: () => undefined } });
}

before(async () => {
  receivers = await startLocalReceivers({ udpPort: 0, otlpPort: 0, samplingRules: false });
  const state = receivers.state();
  app = copyDemoApp('goto');
  const store = receivers.store;
  const resolver = resolverFor(store);
  store.onDidChange((ids) => {
    for (const id of ids) {
      const trace = store.get(id);
      const span = trace === undefined ? undefined : firstFailingSpan(trace);
      if (trace === undefined || span?.cause === undefined || atFirstSight.has(id)) continue;
      atFirstSight.set(id, { logsThen: store.logs(id).length, result: resolver.resolveFailure(trace, span.id, AbortSignal.timeout(30_000)) });
    }
  });
  // Eight requests: every path of the cycle, the payment held for review (worker timeout) included.
  traffic = await startTraffic({ appDir: app.dir, xrayAddress: state.udp?.daemonAddress ?? '', otlpUrl: state.otlp?.endpoint ?? '', ratePerSecond: 20, count: 8, log: () => undefined });
  await traffic.done;
  await traffic.stop();
  // The last log batch and the store's coalesced notification.
  await new Promise((resolve) => setTimeout(resolve, 800));
});

after(async () => {
  await receivers?.dispose();
  app?.dispose();
});

function traceOf(failure: RecordedInvocation): Trace {
  const trace = receivers.store.get(failure.traceId);
  assert.ok(trace, `trace ${failure.traceId} of ${failure.functionName} ${failure.requestId} is in the local store`);
  return trace;
}

function failuresOf(functionName: string): RecordedInvocation[] {
  const found = traffic.failures.filter((f) => f.functionName === functionName);
  assert.ok(found.length > 0, `${functionName} failed at least once`);
  return found;
}

function marker(bug: keyof typeof DEMO_BUGS): { file: string; line: number } {
  const { file } = DEMO_BUGS[bug];
  return { file: join(app.dir, file), line: markerLine(app.dir, file, `@bug:${bug}`) };
}

async function goToSource(resolver: FailureResolver, trace: Trace, spanId?: string): Promise<ResolvedFailure> {
  const span = spanId ?? firstFailingSpan(trace)?.id;
  assert.ok(span, `a failing span in ${trace.id}`);
  const resolved = await resolver.resolveFailure(trace, span, AbortSignal.timeout(30_000));
  assert.ok(resolved, `span ${span} recorded an exception`);
  return resolved;
}

const site = (resolved: ResolvedFailure | undefined): { file: string; line: number } | undefined =>
  resolved?.primary === undefined ? undefined : { file: resolved.primary.file, line: resolved.primary.line };

describe('the api (aws-xray-sdk-core: frames without columns)', () => {
  test('Go to source on the failing invocation lands on the @bug:quantity-zero line, pinned by the Invoke Error columns', async () => {
    const failures = failuresOf('orders-demo-api');
    const resolver = resolverFor(receivers.store);
    for (const failure of failures) {
      const trace = traceOf(failure);
      // From every span a user can start from: the default, the API stage, the function segment.
      const starts = [undefined, ...trace.spans.filter((span) => span.fault && (span.origin === 'AWS::ApiGateway::Stage' || span.origin === 'AWS::Lambda::Function')).map((span) => span.id)];
      assert.equal(starts.length, 3);
      for (const start of starts) {
        const resolved = await goToSource(resolver, trace, start);
        assert.deepEqual(site(resolved), marker('quantity-zero'), `from ${start ?? 'the first failing span'}: ${JSON.stringify(resolved.primary)}`);
        assert.equal(resolved.primary?.guess, false);
        assert.match(resolved.primary?.reason ?? '', /^column \d+ from the log stack of the same request$/);
      }
    }
  });

  test('resolved the moment the trace appeared (before its log records came), it waits for the Invoke Error line', async () => {
    const failures = failuresOf('orders-demo-api');
    for (const failure of failures) {
      const first = atFirstSight.get(failure.traceId);
      assert.ok(first, 'resolved on first sight');
      const resolved = await first.result;
      assert.deepEqual(site(resolved), marker('quantity-zero'), `${first.logsThen} log records were there at first sight: ${JSON.stringify(resolved?.primary)}`);
    }
  });

  test('replayed into a fresh store, segments first and the log records 300 ms later, as the OTLP log batch comes', async () => {
    const failure = failuresOf('orders-demo-api')[0]!;
    const fresh = createLocalTraceStore();
    try {
      for (const document of receivers.store.documents(failure.traceId)) {
        fresh.addDocument(failure.traceId, String(document['id']), document, JSON.stringify(document).length, document['in_progress'] === true);
      }
      fresh.flush();
      const trace = fresh.get(failure.traceId);
      assert.ok(trace);
      assert.equal(fresh.logs(failure.traceId).length, 0);
      const endedAt = Math.max(...trace.spans.map((span) => trace.startEpochMs + span.endMs));
      // The invocation "just ended": the clock reads its end.
      const waiting = goToSource(resolverFor(fresh, { now: () => endedAt }), trace);
      const late = setTimeout(() => {
        for (const line of receivers.store.logs(failure.traceId)) fresh.addLog(line);
        fresh.flush();
      }, 300);
      const resolved = await waiting;
      clearTimeout(late);
      assert.deepEqual(site(resolved), marker('quantity-zero'));
      assert.equal(resolved.primary?.guess, false);

      // No line is waited for long after the invocation, nor once its END and REPORT lines are in
      // without one: the frame label is all there is (a guess, and it says so).
      const cases = [
        { what: 'after the grace period', now: endedAt + LOG_ARRIVAL_GRACE_MS, logs: [] as ReturnType<InMemoryLocalTraceStore['logs']> },
        { what: 'with the other log lines in', now: endedAt, logs: receivers.store.logs(failure.traceId).filter((line) => line.parsed.kind !== 'invokeError') },
      ];
      for (const item of cases) {
        const other = createLocalTraceStore();
        try {
          for (const document of receivers.store.documents(failure.traceId)) other.addDocument(failure.traceId, String(document['id']), document, JSON.stringify(document).length, false);
          for (const line of item.logs) other.addLog(line);
          other.flush();
          const started = Date.now();
          const guessed = await goToSource(resolverFor(other, { now: () => item.now }), trace);
          assert.ok(Date.now() - started < LOG_ARRIVAL_GRACE_MS / 2, `${item.what}: no wait`);
          assert.equal(guessed.primary?.guess, true, `${item.what}: ${JSON.stringify(guessed.primary)}`);
        } finally {
          other.dispose();
        }
      }
    } finally {
      fresh.dispose();
    }
  });
});

describe('the notifier (OpenTelemetry: frames with columns)', () => {
  test('Go to source lands on the @bug:missing-email line by the exact (line, column) mapping, with or without log evidence', async () => {
    const failures = failuresOf('orders-demo-notifier');
    for (const resolver of [resolverFor(receivers.store), resolverFor(undefined)]) {
      for (const failure of failures) {
        const trace = traceOf(failure);
        const resolved = await goToSource(resolver, trace);
        assert.deepEqual(site(resolved), marker('missing-email'), JSON.stringify(resolved.primary));
        assert.equal(resolved.primary?.guess, false);
        assert.equal(resolved.primary?.reason, 'source map');
        const innermost = resolved.frames.find((frame) => !frame.frame.isRuntime);
        assert.ok(innermost?.frame.column !== undefined && innermost.frame.path === '/var/task/notifier.js', JSON.stringify(innermost?.frame));
      }
    }
  });

  test('resolved the moment the trace appeared, it lands there too', async () => {
    for (const failure of failuresOf('orders-demo-notifier')) {
      const first = atFirstSight.get(failure.traceId);
      assert.ok(first, 'resolved on first sight');
      assert.deepEqual(site(await first.result), marker('missing-email'));
    }
  });
});

describe('the worker (aws-xray-sdk-core: a timeout)', () => {
  test('a timed-out invocation has no stack: Go to source opens the handler and says why', async () => {
    const timedOut = failuresOf('orders-demo-worker').filter((f) => f.timedOut);
    assert.ok(timedOut.length > 0, 'the payment held for review timed the worker out');
    const resolver = resolverFor(receivers.store);
    for (const failure of timedOut) {
      const resolved = await goToSource(resolver, traceOf(failure));
      assert.equal(resolved.exception.type, 'Sandbox.Timedout');
      assert.equal(resolved.primary, undefined);
      assert.deepEqual(resolved.fallback, { handlerFile: join(app.dir, 'src/handlers/worker.ts'), why: 'the exception has no stack frames' });
    }
  });
});
