// The README's reference tables must say what the extension does: its settings table lists every
// setting package.json contributes (no more) with the same default, and its IAM table names every
// AWS action the code calls (each `new XxxCommand` of src/aws) and no other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

const ROOT = new URL('../../../', import.meta.url);
const README = readFileSync(new URL('README.md', ROOT), 'utf8');

/** The rows of the markdown table under `## heading`, as cells (header and rule left out). */
function tableUnder(heading: string): string[][] {
  const start = README.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README has a "## ${heading}" section`);
  const next = README.indexOf('\n## ', start + 1);
  const section = README.slice(start, next < 0 ? undefined : next);
  const rows = section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) => line.slice(1, line.endsWith('|') ? -1 : undefined).split(' | ').map((cell) => cell.trim()));
  assert.ok(rows.length > 2, `the "${heading}" section has a table`);
  return rows.slice(2);
}

function contributedDefaults(): Map<string, unknown> {
  const manifest = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
  };
  return new Map(Object.entries(manifest.contributes.configuration.properties).map(([name, spec]) => [name, spec.default]));
}

/** The README's way of writing a default: `auto`, 15, true, `{}`; an empty string is explained in parentheses. */
function matchesDefault(cell: string, value: unknown): boolean {
  if (value === '') return /^\(.+\)$/.test(cell);
  const text = cell.replace(/^`(.*)`$/, '$1');
  return typeof value === 'object' ? text === JSON.stringify(value) : text === String(value);
}

test('the settings table lists every contributed setting, once, with its default', () => {
  const contributed = contributedDefaults();
  const rows = tableUnder('Settings');
  const listed = rows.map((cells) => (cells[0] ?? '').replace(/`/g, ''));
  assert.deepEqual([...listed].sort(), [...contributed.keys()].sort(), 'README settings vs package.json contributes.configuration');
  for (const [name, defaultCell] of rows.map((cells) => [(cells[0] ?? '').replace(/`/g, ''), cells[1] ?? ''] as const)) {
    const value = contributed.get(name);
    assert.ok(matchesDefault(defaultCell, value), `README gives ${name} the default ${defaultCell}; package.json says ${JSON.stringify(value)}`);
  }
});

/** `xray:BatchGetTraces` for each `new BatchGetTracesCommand(` of the AWS adapters. */
function calledActions(): string[] {
  const service: Record<string, string> = { 'client-xray': 'xray', 'client-cloudwatch-logs': 'logs', 'client-lambda': 'lambda' };
  const actions = new Set<string>();
  const dir = new URL('src/aws/', ROOT);
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.ts'))) {
    const text = readFileSync(new URL(name, dir), 'utf8');
    for (const [, command] of text.matchAll(/new (\w+)Command\(/g)) {
      const from = new RegExp(`import \\{[^}]*\\b${command}Command\\b[^}]*\\} from '@aws-sdk/(client-[a-z-]+)'`).exec(text)?.[1];
      const prefix = from === undefined ? undefined : service[from];
      assert.ok(prefix, `${name}: ${command}Command comes from an SDK client this test knows`);
      actions.add(`${prefix}:${command}`);
    }
  }
  return [...actions].sort();
}

test('the IAM table names every AWS action the extension calls, and no other', () => {
  const listed = tableUnder('Required IAM permissions').flatMap((cells) => [...(cells[0] ?? '').matchAll(/`([a-z]+:\w+)`/g)].map((match) => match[1] as string));
  assert.deepEqual([...listed].sort(), calledActions());
});
