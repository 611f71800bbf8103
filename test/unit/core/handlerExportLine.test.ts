import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { findHandlerExport, handlerLanguageOf } from '../../../src/core/handlerExportLine';

function lineOf(lines: string[], handlerExport = 'handler', language: 'typescript' | 'javascript' | 'python' = 'typescript'): number | undefined {
  return findHandlerExport(lines.join('\n'), handlerExport, language)?.line;
}

describe('findHandlerExport: the forms handlers are written in', () => {
  test('export const, with and without a type annotation', () => {
    assert.equal(lineOf(['import x from "y";', '', 'export const handler = async (event) => {', '};']), 2);
    assert.equal(lineOf(['export const handler: Handler<Event> = async () => ({})']), 0);
    assert.equal(lineOf(['export let handler = 1']), 0);
  });

  test('export (async) function', () => {
    assert.equal(lineOf(['// helper', 'function helper() {}', 'export async function handler(event: E) {', '}']), 2);
    assert.equal(lineOf(['export function handler<T>(event: T) {}']), 0);
  });

  test('CommonJS exports', () => {
    assert.equal(lineOf(['const a = 1;', 'exports.handler = async () => {};'], 'handler', 'javascript'), 1);
    assert.equal(lineOf(['module.exports.handler = function () {};'], 'handler', 'javascript'), 0);
    assert.equal(lineOf(['async function main() {}', 'module.exports = { handler: main };'], 'handler', 'javascript'), 1);
  });

  test('export lists', () => {
    assert.equal(lineOf(['const main = async () => {};', 'export { main as handler };']), 1);
    assert.equal(lineOf(['const handler = async () => {};', 'export { handler as other, handler2 };']), undefined);
  });

  test('the export the template names, not another one', () => {
    const text = ['export const list = async () => {};', 'export const create = async () => {};'];
    assert.equal(lineOf(text, 'create'), 1);
    assert.equal(lineOf(text, 'list'), 0);
    assert.equal(lineOf(['export const handlerV2 = 1;'], 'handler'), undefined, 'a longer name is not the handler');
  });

  test('dotted handler exports use the last part', () => {
    assert.equal(lineOf(['export const main = () => {};'], 'handlers.main'), 0);
  });

  test('commented-out handlers are skipped', () => {
    assert.equal(lineOf(['// export const handler = old;', 'export const handler = current;']), 1);
  });

  test('names with regular-expression characters are taken literally', () => {
    assert.equal(lineOf(['export const $handler = 1;'], '$handler'), 0);
    assert.equal(lineOf(['export const xhandler = 1;'], '.handler'), undefined);
  });

  test('Python: top-level def and async def, not methods', () => {
    const text = ['import json', '', 'class Service:', '    def handler(self, event):', '        pass', '', 'def handler(event, context):', '    return {}'];
    assert.equal(lineOf(text, 'handler', 'python'), 6);
    assert.equal(lineOf(['async def lambda_handler(event, context):'], 'lambda_handler', 'python'), 0);
    assert.equal(lineOf(['# def handler(event, context):', 'handler = make_handler()'], 'handler', 'python'), 1);
  });

  test('the column is where the name starts', () => {
    assert.deepEqual(findHandlerExport('export const handler = 1', 'handler', 'typescript'), { line: 0, character: 13 });
  });

  test('CRLF files', () => {
    assert.equal(findHandlerExport('a\r\nexport const handler = 1\r\n', 'handler', 'typescript')?.line, 1);
  });

  test('the fixture handlers', () => {
    for (const file of ['createOrder.ts', 'getOrder.ts']) {
      const text = readFileSync(new URL(`../../fixtures/source-app/src/handlers/${file}`, import.meta.url), 'utf8');
      const position = findHandlerExport(text, 'handler', 'typescript');
      assert.ok(position, file);
      assert.match(text.split('\n')[position.line] ?? '', /handler/);
    }
    const python = readFileSync(new URL('../../fixtures/templates/sam-app/python/app.py', import.meta.url), 'utf8');
    assert.equal(findHandlerExport(python, 'lambda_handler', 'python')?.line, 3);
  });
});

describe('handlerLanguageOf', () => {
  test('language ids and extensions', () => {
    assert.equal(handlerLanguageOf('typescript'), 'typescript');
    assert.equal(handlerLanguageOf('/a/b/app.mts'), 'typescript');
    assert.equal(handlerLanguageOf('javascriptreact'), 'javascript');
    assert.equal(handlerLanguageOf('index.cjs'), 'javascript');
    assert.equal(handlerLanguageOf('python'), 'python');
    assert.equal(handlerLanguageOf('go'), undefined);
  });
});
