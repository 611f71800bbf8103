// The host's parser of what the tail webview posts: exactly the known shapes, nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_FILTER_LENGTH, parseTailToHost } from '../../../src/shared/tailMessages';

test('known messages pass with only their fields', () => {
  assert.deepEqual(parseTailToHost({ type: 'ready', extra: '<script>' }), { type: 'ready' });
  assert.deepEqual(parseTailToHost({ type: 'setFilter', text: '/err/i' }), { type: 'setFilter', text: '/err/i' });
  assert.deepEqual(parseTailToHost({ type: 'openTrace', seq: 12 }), { type: 'openTrace', seq: 12 });
  assert.deepEqual(parseTailToHost({ type: 'openFrame', seq: 0, frameIndex: 3 }), { type: 'openFrame', seq: 0, frameIndex: 3 });
  for (const type of ['clear', 'stop', 'restart'] as const) assert.deepEqual(parseTailToHost({ type }), { type });
  assert.deepEqual(parseTailToHost({ type: 'copy', text: 'a\tb' }), { type: 'copy', text: 'a\tb' });
});

test('anything else is dropped', () => {
  const bad: unknown[] = [
    null,
    'ready',
    [],
    { type: 'unknown' },
    { type: 'setFilter' },
    { type: 'setFilter', text: 'x'.repeat(MAX_FILTER_LENGTH + 1) },
    { type: 'openTrace', seq: -1 },
    { type: 'openTrace', seq: 1.5 },
    { type: 'openTrace', seq: '3' },
    { type: 'openTrace', seq: Number.MAX_SAFE_INTEGER + 2 },
    { type: 'openFrame', seq: 1 },
    { type: 'openFrame', seq: 1, frameIndex: 10_000 },
    { type: 'openFrame', seq: 1, frameIndex: Number.NaN },
    { type: 'copy', text: 42 },
    { type: '__proto__' },
  ];
  for (const message of bad) assert.equal(parseTailToHost(message), undefined, JSON.stringify(message));
});
