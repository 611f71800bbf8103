/**
 * Test helpers for the demo app (examples/): a throwaway copy under the repository's .test-run/
 * (inside the repository so the built bundles resolve `aws-xray-sdk-core` and `@opentelemetry/api`
 * from its node_modules, as Lambda resolves them from a layer), and the 1-based line of a marker
 * comment (`// @bug:<id>`, `// @calls:<id>`), read from the source, never from a source map.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '../..');
export const EXAMPLES = join(REPO, 'examples');

/** The demo's bugs: where each one is marked. */
export const DEMO_BUGS = {
  'quantity-zero': { file: 'src/lib/orders.ts', functionName: 'orders-demo-api' },
  'missing-email': { file: 'src/lib/notifications.ts', functionName: 'orders-demo-notifier' },
  'payment-timeout': { file: 'src/lib/payments.ts', functionName: 'orders-demo-worker' },
} as const;

export function copyDemoApp(label: string): { dir: string; dispose(): void } {
  const parent = join(REPO, '.test-run');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, `demo-${label}-`));
  cpSync(EXAMPLES, dir, { recursive: true, filter: (source) => !/[\\/](\.aws-sam|\.vscode)$/.test(source) });
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export function markerLine(appDir: string, file: string, marker: string): number {
  const lines = readFileSync(join(appDir, file), 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(`// ${marker}`));
  if (index < 0) throw new Error(`no "// ${marker}" comment in ${file}`);
  return index + 1;
}
