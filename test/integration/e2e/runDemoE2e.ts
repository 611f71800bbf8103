/**
 * Runs only the demo's end-to-end UI checks (the integration lane runs them too, after its own):
 *   node esbuild.mjs && node --import tsx test/integration/e2e/runDemoE2e.ts [--update-screenshots]
 * Exits non-zero when a check fails.
 */
import { join, resolve } from 'node:path';
import { ensureCodeServer } from '../codeServer';
import { launchChromium } from '../workbenchBrowser';
import { runDemoE2e } from './demoE2e';

const repo = resolve(__dirname, '../../..');

async function main(): Promise<number> {
  const entry = await ensureCodeServer(repo);
  const browser = await launchChromium();
  try {
    const screenshotDir = process.argv.includes('--update-screenshots') ? join(repo, 'docs/images') : join(repo, '.test-run/screenshots');
    const results = await runDemoE2e({ browser, entry, repo, screenshotDir, failureScreenshot: join(repo, '.test-run/demo-failure.png'), log: (line) => console.log(line) });
    const failed = results.filter((r) => !r.ok).length;
    console.log(`\ndemo e2e: ${results.length - failed} passed, ${failed} failed`);
    return failed > 0 ? 1 : 0;
  } finally {
    await browser.close();
  }
}

const timer = setTimeout(() => {
  console.log('demo e2e: over 5 minutes, giving up');
  process.exit(1);
}, 5 * 60_000);
main().then(
  (code) => {
    clearTimeout(timer);
    process.exit(code);
  },
  (error: unknown) => {
    console.log(`demo e2e: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
