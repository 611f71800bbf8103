/**
 * The extension-host test entry point: VS Code (code-server's workbench or @vscode/test-electron)
 * loads this module from out/test/suite/index.js and calls run().
 *
 * esbuild bundles the test files into this one file (the tests config has a single entry per
 * runner), so each file is pulled in with a literal dynamic import: esbuild inlines it, and the
 * module's top-level `suite()` calls only run after mocha has installed its TDD globals.
 */
import Mocha from 'mocha';

import { RESULT_MARKER } from '../testEnv';
import type { SuiteResult } from '../testEnv';

type TestModuleLoader = readonly [name: string, load: () => Promise<unknown>];

const testModules: TestModuleLoader[] = [
  ['activation.test', () => import('./activation.test')],
  ['traces.test', () => import('./traces.test')],
  ['openTrace.test', () => import('./openTrace.test')],
  ['source.test', () => import('./source.test')],
  ['insights.test', () => import('./insights.test')],
  ['serviceMap.test', () => import('./serviceMap.test')],
  ['tail.test', () => import('./tail.test')],
  ['tailInsights.test', () => import('./tailInsights.test')],
  ['localTraces.test', () => import('./localTraces.test')],
  ['traceFiles.test', () => import('./traceFiles.test')],
];

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', timeout: 30_000, color: false, reporter: 'spec' });
  for (const [name, load] of testModules) {
    // What mocha.loadFiles() does per file: install the interface globals, then evaluate it.
    mocha.suite.emit('pre-require', globalThis, name, mocha);
    await load();
  }
  const counts = await new Promise<SuiteResult>((resolve) => {
    const runner = mocha.run(() => {
      const passed = runner.stats?.passes ?? 0;
      const pending = runner.stats?.pending ?? 0;
      // A failed `before all` hook skips its suite's tests: count those as failed too, so the
      // totals do not shrink when something breaks early.
      resolve({ passed, failed: Math.max(runner.stats?.failures ?? 0, runner.total - passed - pending), pending });
    });
  });
  // Printed last and on one line: runCodeServer.ts reads the counts from the forwarded console.
  console.log(`${RESULT_MARKER} ${JSON.stringify(counts)}`);
  if (counts.failed > 0) {
    throw new Error(`${counts.failed} extension-host test(s) failed`);
  }
}
