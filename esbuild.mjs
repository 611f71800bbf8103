// One build for everything: the extension host bundle (Node, CommonJS, `vscode` external), the
// webview bundles (browser, one entry per view), and, with --tests, the extension-host test suite
// that runs inside VS Code. `tsc --noEmit` type-checks separately (npm run typecheck).
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync } from 'node:fs';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const withTests = args.has('--tests');

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const host = {
  ...common,
  // The map layout runs ELK in a worker thread of its own (src/host/map/mapLayoutWorker.ts).
  entryPoints: { extension: 'src/extension.ts', mapLayoutWorker: 'src/host/map/mapLayoutWorker.ts' },
  outdir: 'dist',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  // The AWS SDK ships ESM and CJS; prefer the module build so esbuild can drop unused code.
  mainFields: ['module', 'main'],
};

const webview = {
  ...common,
  entryPoints: { timeline: 'src/webview/timeline/main.ts', map: 'src/webview/map/main.ts', tail: 'src/webview/tail/main.ts' },
  outdir: 'dist/webview',
  platform: 'browser',
  format: 'iife',
  target: 'chrome120',
  loader: { '.css': 'css' },
};

const tests = {
  ...common,
  sourcemap: 'inline',
  entryPoints: {
    'suite/index': 'test/integration/suite/index.ts',
    runElectron: 'test/integration/runElectron.ts',
  },
  outdir: 'out/test',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode', 'mocha', '@vscode/test-electron'],
};

function copyMedia() {
  mkdirSync('dist/webview', { recursive: true });
  for (const file of readdirSync('media')) {
    if (file.endsWith('.css') || file.endsWith('.svg')) {
      cpSync(`media/${file}`, `dist/webview/${file}`);
    }
  }
}

const configs = [host, webview, ...(withTests ? [tests] : [])];
copyMedia();
if (watch) {
  for (const config of configs) {
    const ctx = await esbuild.context(config);
    await ctx.watch();
  }
  console.log('esbuild: watching');
} else {
  await Promise.all(configs.map((config) => esbuild.build(config)));
}
