/**
 * Builds the demo's functions the way `sam build` does with `BuildMethod: esbuild`: one bundle per
 * function in `.aws-sam/build/<LogicalId>/`, named after its entry point, CommonJS for Node,
 * minified with a linked source map (sourcesContent included) when the template asks for them,
 * the template's `External` packages left out.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Esbuild from 'esbuild';
import type { DemoApp } from './demoApp';

export interface BuildReport {
  functions: { logicalId: string; bundle: string; bytes: number }[];
  ms: number;
}

export async function buildDemo(app: DemoApp): Promise<BuildReport> {
  // A plain require: loaded through tsx's scoped `tsImport`, esbuild would look for its binary
  // under a path with tsx's namespace query appended.
  const { build } = createRequire(join(app.dir, 'template.yaml'))('esbuild') as typeof Esbuild;
  const started = performance.now();
  const functions: BuildReport['functions'] = [];
  for (const fn of app.functions) {
    rmSync(fn.buildDir, { recursive: true, force: true });
    mkdirSync(fn.buildDir, { recursive: true });
    const outfile = join(fn.buildDir, fn.bundleFile);
    const result = await build({
      absWorkingDir: app.dir,
      entryPoints: [join(app.dir, fn.entryPoint)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: fn.target,
      minify: fn.minify,
      sourcemap: fn.sourcemap ? 'linked' : false,
      sourcesContent: true,
      external: fn.external,
      metafile: true,
      logLevel: 'silent',
    });
    const output = result.metafile.outputs[Object.keys(result.metafile.outputs).find((path) => path.endsWith(fn.bundleFile)) ?? ''];
    functions.push({ logicalId: fn.logicalId, bundle: outfile, bytes: output?.bytes ?? 0 });
  }
  return { functions, ms: Math.round(performance.now() - started) };
}
