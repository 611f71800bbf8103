// Python functions deploy their source as is: `/var/task/<path>` frames land on the same path
// under the function's code folder (SAM CodeUri), exactly, without a source map.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeRootOf } from '../../../src/core/pathMapping';
import { parseStackText } from '../../../src/core/stackFrames';
import { resolveFrames } from '../../../src/local/frameResolver';
import { SourceMapStore } from '../../../src/local/sourceMapStore';

const NBSP = '\u00a0';
const APP = ['import json', '', 'def load(event):', '    return event["order"]  # @throws:py-load', '', 'def handler(event, context):', '    order = load(event)', '    return {"statusCode": 200, "body": json.dumps(order)}', ''].join('\n');

function markerLine(source: string, marker: string): number {
  return source.split('\n').findIndex((line) => line.includes(marker)) + 1;
}

describe('Python frames resolve through the function code folder', () => {
  let workspace: string;
  before(() => {
    workspace = mkdtempSync(join(tmpdir(), 'slens-py-'));
    mkdirSync(join(workspace, 'orders', 'src'), { recursive: true });
    writeFileSync(join(workspace, 'orders', 'src', 'app.py'), APP);
    // A file with the same name elsewhere: suffix ranking alone would be a guess.
    mkdirSync(join(workspace, 'other'), { recursive: true });
    writeFileSync(join(workspace, 'other', 'app.py'), APP);
  });
  after(() => rmSync(workspace, { recursive: true, force: true }));

  test('codeRootOf strips the handler module path from the handler file', () => {
    assert.equal(codeRootOf('/ws/fn/src/app.py', 'src/app'), '/ws/fn/');
    assert.equal(codeRootOf('/ws/fn/app.py', 'app'), '/ws/fn/');
    assert.equal(codeRootOf('/ws/fn/src/app.ts', 'dist/app'), undefined);
  });

  test('a Lambda traceback (no-break-space indentation) lands on the line that raised', async () => {
    const traceback = [
      "[ERROR] KeyError: 'order'",
      'Traceback (most recent call last):',
      `${NBSP}${NBSP}File "/var/task/src/app.py", line 7, in handler`,
      `${NBSP}${NBSP}${NBSP}${NBSP}order = load(event)`,
      `${NBSP}${NBSP}File "/var/task/src/app.py", line ${markerLine(APP, '@throws:py-load')}, in load`,
      `${NBSP}${NBSP}${NBSP}${NBSP}return event["order"]`,
    ].join('\n');
    const stack = parseStackText(traceback);
    assert.equal(stack.language, 'python');
    const codeRoot = codeRootOf(join(workspace, 'orders', 'src', 'app.py'), 'src/app');
    assert.ok(codeRoot);
    const results = await resolveFrames(stack.frames, {
      store: new SourceMapStore(),
      workspaceFolders: [workspace],
      codeRoot,
      workspaceFiles: [join(workspace, 'orders', 'src', 'app.py'), join(workspace, 'other', 'app.py')],
    });
    const innermost = results[0]?.resolved;
    assert.ok(innermost, results[0]?.why);
    assert.equal(innermost.file, join(workspace, 'orders', 'src', 'app.py'));
    assert.equal(innermost.line, markerLine(APP, '@throws:py-load'));
    assert.equal(innermost.guess, false);
  });

  test('a code folder outside the workspace is never used', async () => {
    const stack = parseStackText('Traceback (most recent call last):\n  File "/var/task/app.py", line 2, in handler\n');
    const results = await resolveFrames(stack.frames, { store: new SourceMapStore(), workspaceFolders: [join(workspace, 'other')], codeRoot: join(workspace, 'orders', 'src') + '/' });
    assert.equal(results[0]?.resolved?.file.startsWith(join(workspace, 'orders')) ?? false, false);
  });
});
