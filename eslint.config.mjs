// Lint enforces the layer boundaries of docs/architecture.md: only src/host (and the entry point)
// may import `vscode`; core is pure (no Node I/O); the webview reaches only shared/ and pure core/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const vscodeBan = { name: 'vscode', message: 'Only src/host and src/extension.ts may import vscode.' };
const nodeIoBan = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'http', 'node:http', 'https', 'node:https', 'net', 'node:net', 'dgram', 'node:dgram', 'child_process', 'node:child_process'].map(
  (name) => ({ name, message: 'src/core is pure: do I/O in src/aws, src/local or src/host.' }),
);

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test/fixtures/**', '.test-run/**', '.bench/**', 'examples/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly', __dirname: 'readonly', window: 'readonly', document: 'readonly', performance: 'readonly', requestAnimationFrame: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly', fetch: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly', navigator: 'readonly', HTMLElement: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    files: ['src/core/**', 'src/shared/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [vscodeBan, ...nodeIoBan], patterns: [{ group: ['../host/*', '../aws/*', '../local/*', '../webview/*'], message: 'core and shared depend on nothing above them.' }] }] },
  },
  {
    files: ['src/aws/**', 'src/local/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [vscodeBan], patterns: [{ group: ['../host/*', '../webview/*'], message: 'aws and local must not depend on the host or the webview.' }] }] },
  },
  {
    files: ['src/webview/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [vscodeBan, ...nodeIoBan], patterns: [{ group: ['../../host/*', '../../aws/*', '../../local/*', '../host/*', '../aws/*', '../local/*', 'node:*'], message: 'The webview imports only shared/ and pure core/.' }] }] },
  },
  {
    files: ['scripts/**', 'bench/**', 'test/**', 'esbuild.mjs', 'eslint.config.mjs'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
