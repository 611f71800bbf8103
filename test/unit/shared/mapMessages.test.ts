// The host's parser of what the map webview posts: known shapes pass, anything else is dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_MAP_IDS, parseMapToHost, parseMapViewState } from '../../../src/shared/mapMessages';

test('valid messages pass through as typed values', () => {
  assert.deepEqual(parseMapToHost({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseMapToHost({ type: 'select', selection: { kind: 'node', id: 'lambdaFunction:orders' } }), { type: 'select', selection: { kind: 'node', id: 'lambdaFunction:orders' } });
  assert.deepEqual(parseMapToHost({ type: 'select' }), { type: 'select' });
  assert.deepEqual(parseMapToHost({ type: 'goToHandler', nodeId: 'lambdaFunction:orders', extra: 1 }), { type: 'goToHandler', nodeId: 'lambdaFunction:orders' });
  assert.deepEqual(parseMapToHost({ type: 'filterByNode', nodeIds: ['a', 'b'] }), { type: 'filterByNode', nodeIds: ['a', 'b'] });
  assert.deepEqual(parseMapToHost({ type: 'export', format: 'svg', data: '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>' })?.type, 'export');
  assert.deepEqual(parseMapToHost({ type: 'export', format: 'png', data: 'iVBORw0KGgo=' }), { type: 'export', format: 'png', data: 'iVBORw0KGgo=' });
  for (const scope of ['all', 'local', 'aws']) assert.deepEqual(parseMapToHost({ type: 'scope', scope }), { type: 'scope', scope });
});

test('malformed messages are dropped', () => {
  for (const raw of [
    null,
    'ready',
    { type: 'nope' },
    { type: 'select', selection: { kind: 'group', id: 'x' } },
    { type: 'goToHandler', nodeId: '' },
    { type: 'goToHandler', nodeId: 'x'.repeat(5000) },
    { type: 'tailLogs', nodeId: 42 },
    { type: 'filterByNode', nodeIds: [] },
    { type: 'filterByNode', nodeIds: Array.from({ length: MAX_MAP_IDS + 1 }, (_, i) => `n${i}`) },
    { type: 'edgeFailures', edgeIds: ['a', 7] },
    { type: 'export', format: 'svg', data: '<script>alert(1)</script>' },
    { type: 'export', format: 'png', data: 'not base64!' },
    { type: 'export', format: 'pdf', data: 'abc' },
    { type: 'scope' },
    { type: 'scope', scope: 'Local' },
    { type: 'scope', scope: ['local'] },
  ]) {
    assert.equal(parseMapToHost(raw), undefined, JSON.stringify(raw)?.slice(0, 80));
  }
});

test('the view state keeps only what it knows, in range', () => {
  const state = parseMapViewState({ zoom: 99, panX: 10, panY: 'x', selected: { kind: 'edge', id: 'a->b' }, collapsed: [{ kind: 'type', value: 'lambdaFunction' }, { kind: 'type', value: 'spaceship' }, { kind: 'prefix', value: 'orders-' }], legend: false, junk: true });
  assert.deepEqual(state, { panX: 10, selected: { kind: 'edge', id: 'a->b' }, collapsed: [{ kind: 'type', value: 'lambdaFunction' }, { kind: 'prefix', value: 'orders-' }], legend: false });
  assert.equal(parseMapViewState(null), undefined);
  assert.deepEqual(parseMapViewState({ scope: 'local' }), { scope: 'local' });
  assert.deepEqual(parseMapViewState({ scope: 'everything' }), {});
});
