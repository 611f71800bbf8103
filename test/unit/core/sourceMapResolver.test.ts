import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { transform } from 'esbuild';
import { createResolver, decodeDataUrl, readSourceMappingUrl } from '../../../src/core/sourceMapResolver';

/** Three functions on three original lines each; minified onto one generated line. */
const SOURCE = [
  'function alpha(x: number): number {',
  "  if (x > 1) throw new Error('alpha');",
  '  return x;',
  '}',
  'function beta(y: number): number {',
  '  return alpha(y) + 1;',
  '}',
  'export function run(z: number): number {',
  '  return beta(z) * 2;',
  '}',
  '',
].join('\n');

async function minified(): Promise<{ code: string; map: string }> {
  const result = await transform(SOURCE, { loader: 'ts', minify: true, sourcemap: 'external', sourcefile: 'src/app.ts', sourcesContent: true, format: 'esm' });
  return { code: result.code, map: result.map };
}

describe('createResolver / resolve', () => {
  test('1-based columns in, relative sources resolved against the map URL', () => {
    // Generated line 1: col 0 → a.ts 1:0, col 5 → a.ts 2:0 (name 0).
    const resolver = createResolver({ version: 3, sources: ['../src/a.ts'], names: ['orig'], mappings: 'AAAA,KACAA' }, '/work/app/dist/index.js.map');
    assert.deepEqual(resolver.resolve({ line: 1, column: 1 }), { source: '/work/app/src/a.ts', line: 1, column: 1 });
    assert.deepEqual(resolver.resolve({ line: 1, column: 6 }), { source: '/work/app/src/a.ts', line: 2, column: 1, name: 'orig' });
    assert.equal(resolver.resolve({ line: 9, column: 1 }), undefined);
  });

  test('sourceRoot: relative and absolute URL', () => {
    const relative = createResolver(JSON.stringify({ version: 3, sourceRoot: 'src/', sources: ['a.ts'], names: [], mappings: 'AAAA' }), '/b/dist/x.js.map');
    assert.equal(relative.resolve({ line: 1, column: 1 })?.source, '/b/dist/src/a.ts');
    const remote = createResolver({ version: 3, sourceRoot: 'https://example.com/src/', sources: ['a.ts'], names: [], mappings: 'AAAA' }, '/b/dist/x.js.map');
    assert.equal(remote.resolve({ line: 1, column: 1 })?.source, 'https://example.com/src/a.ts');
  });

  test('sourcesContent is available per resolved source', () => {
    const resolver = createResolver({ version: 3, sources: ['a.ts'], sourcesContent: ['const a = 1;\n'], names: [], mappings: 'AAAA' }, '/x/a.js.map');
    assert.equal(resolver.sourceContent('/x/a.ts'), 'const a = 1;\n');
  });

  test('index maps (sections) are flattened', () => {
    const resolver = createResolver(
      {
        version: 3,
        sections: [
          { offset: { line: 0, column: 0 }, map: { version: 3, sources: ['one.ts'], names: [], mappings: 'AAAA' } },
          { offset: { line: 1, column: 10 }, map: { version: 3, sources: ['two.ts'], names: [], mappings: 'AAEA' } },
        ],
      },
      '/x/bundle.js.map',
    );
    assert.equal(resolver.resolve({ line: 1, column: 1 })?.source, '/x/one.ts');
    assert.deepEqual(resolver.resolve({ line: 2, column: 11 }), { source: '/x/two.ts', line: 3, column: 1 });
  });

  test('a map that is not a map throws a message the caller can show', () => {
    assert.throws(() => createResolver('{"version":3}', '/x.map'), /no mappings/);
    assert.throws(() => createResolver('not json', '/x.map'));
  });

  test('esbuild minified map: the throw column resolves to the throw line', async () => {
    const { code, map } = await minified();
    const resolver = createResolver(map, '/proj/dist/app.js.map');
    const position = resolver.resolve({ line: 1, column: code.indexOf('throw') + 1 });
    assert.equal(position?.source, '/proj/dist/src/app.ts');
    assert.equal(position?.line, 2);
  });
});

describe('resolveLine (frames without a column)', () => {
  test('one original line on the generated line: exact', () => {
    const resolver = createResolver({ version: 3, sources: ['a.ts'], names: [], mappings: 'AAAA,KAAK;AACA' }, '/x/a.js.map');
    const result = resolver.resolveLine(1);
    assert.equal(result?.guess, false);
    assert.equal(result?.candidates, 1);
    assert.equal(result?.position.line, 1);
  });

  test('several original lines: a guess without evidence, exact with a log column', async () => {
    const { code, map } = await minified();
    const resolver = createResolver(map, '/proj/app.js.map', { generatedCode: code });
    const bare = resolver.resolveLine(1);
    assert.equal(bare?.guess, true);
    assert.ok((bare?.candidates ?? 0) > 3);
    const withColumn = resolver.resolveLine(1, { columns: [code.indexOf('throw') + 1] });
    assert.equal(withColumn?.guess, false);
    assert.equal(withColumn?.position.line, 2);
    assert.match(withColumn?.reason ?? '', /column \d+ from the log stack/);
  });

  test('the label, even minified, picks the function; the callee picks the call site (still a guess)', async () => {
    const { code, map } = await minified();
    const resolver = createResolver(map, '/proj/app.js.map', { generatedCode: code });
    // The minified names of alpha and beta, read from the generated code as a stack would show them.
    const alpha = /function (\w+)\(\w+\)\{if/.exec(code)?.[1];
    const beta = /function (\w+)\(\w+\)\{return \w+\(\w+\)\+1/.exec(code)?.[1];
    assert.ok(alpha && beta, code);
    const thrower = resolver.resolveLine(1, { label: alpha, innermost: true });
    assert.equal(thrower?.guess, true);
    assert.equal(thrower?.position.line, 2);
    assert.match(thrower?.reason ?? '', /frame label/);
    const caller = resolver.resolveLine(1, { label: beta, callee: alpha });
    assert.equal(caller?.position.line, 6);
    // Unminified labels work without the generated code.
    const plain = createResolver(map, '/proj/app.js.map').resolveLine(1, { label: 'Object.run', callee: 'beta' });
    assert.equal(plain?.position.line, 9);
  });
});

describe('sourceMappingURL comments and data: URLs', () => {
  test('the last comment wins; //@ is accepted; none gives undefined', () => {
    assert.equal(readSourceMappingUrl('a();\n//# sourceMappingURL=old.js.map\nb();\n//# sourceMappingURL=index.js.map\n'), 'index.js.map');
    assert.equal(readSourceMappingUrl('a();\n//@ sourceMappingURL=legacy.map'), 'legacy.map');
    assert.equal(readSourceMappingUrl('const s = "sourceMappingURL=nope";'), undefined);
    assert.equal(readSourceMappingUrl(''), undefined);
  });

  test('inline base64 (UTF-8) and percent-encoded maps decode; junk does not', () => {
    const json = JSON.stringify({ version: 3, sources: ['ü.ts'], names: [], mappings: 'AAAA' });
    assert.equal(decodeDataUrl(`data:application/json;charset=utf-8;base64,${Buffer.from(json).toString('base64')}`), json);
    assert.equal(decodeDataUrl(`data:application/json,${encodeURIComponent(json)}`), json);
    assert.equal(decodeDataUrl('data:application/json;base64,@@@'), undefined);
    assert.equal(decodeDataUrl('index.js.map'), undefined);
  });

  test('an esbuild inline map round-trips through the comment', async () => {
    const result = await transform(SOURCE, { loader: 'ts', minify: true, sourcemap: 'inline', sourcefile: 'src/app.ts' });
    const url = readSourceMappingUrl(result.code);
    assert.ok(url?.startsWith('data:application/json;base64,'));
    const resolver = createResolver(decodeDataUrl(url ?? '') ?? '', '/proj/app.js');
    assert.equal(resolver.resolve({ line: 1, column: result.code.indexOf('throw') + 1 })?.line, 2);
  });
});
