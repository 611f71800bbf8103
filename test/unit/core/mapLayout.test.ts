// The map layout through real ELK: a left-to-right layering, no overlaps, and stability: a
// refresh that adds nodes leaves every node already placed where it was.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ELK from 'elkjs/lib/elk.bundled.js';
import { layoutServiceMap, toElkGraph } from '../../../src/core/mapLayout';
import type { ElkLike } from '../../../src/core/mapLayout';
import { MAP_NODE_HEIGHT, MAP_NODE_WIDTH } from '../../../src/shared/mapMessages';
import type { MapNodePosition } from '../../../src/shared/mapMessages';

const elk: ElkLike = new ELK();

function overlapping(positions: readonly MapNodePosition[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < positions.length; i++) {
    for (let j = i + 1; j < positions.length; j++) {
      const a = positions[i] as MapNodePosition;
      const b = positions[j] as MapNodePosition;
      if (a.x < b.x + MAP_NODE_WIDTH && b.x < a.x + MAP_NODE_WIDTH && a.y < b.y + MAP_NODE_HEIGHT && b.y < a.y + MAP_NODE_HEIGHT) found.push(`${a.id}/${b.id}`);
    }
  }
  return found;
}

const chain = { nodeIds: ['client', 'api', 'fn', 'table', 'queue'], edges: [{ from: 'client', to: 'api' }, { from: 'api', to: 'fn' }, { from: 'fn', to: 'table' }, { from: 'fn', to: 'queue' }] };

describe('map layout', () => {
  test('ELK lays callers left of callees, boxes apart', async () => {
    const layout = await layoutServiceMap(chain, elk);
    const at = new Map(layout.positions.map((p) => [p.id, p]));
    assert.equal(layout.positions.length, 5);
    for (const { from, to } of chain.edges) {
      assert.ok((at.get(from)?.x ?? 0) + MAP_NODE_WIDTH <= (at.get(to)?.x ?? 0), `${from} left of ${to}`);
    }
    assert.deepEqual(overlapping(layout.positions), []);
  });

  test('a refresh with new nodes keeps the old positions and places the new ones without overlap', async () => {
    const first = await layoutServiceMap(chain, elk);
    const grown = {
      nodeIds: [...chain.nodeIds, 'consumer', 'bucket', 'other-client'],
      edges: [...chain.edges, { from: 'queue', to: 'consumer' }, { from: 'fn', to: 'bucket' }, { from: 'other-client', to: 'api' }],
      previous: first.positions,
    };
    const second = await layoutServiceMap(grown, elk);
    const before = new Map(first.positions.map((p) => [p.id, p]));
    for (const p of second.positions) {
      const old = before.get(p.id);
      if (old) assert.deepEqual({ x: p.x, y: p.y }, { x: old.x, y: old.y }, `${p.id} stayed`);
    }
    assert.equal(second.positions.length, 8);
    assert.deepEqual(overlapping(second.positions), []);
    const at = new Map(second.positions.map((p) => [p.id, p]));
    // The consumer of the queue goes right of the queue (its ELK column), not anywhere.
    assert.ok((at.get('consumer')?.x ?? 0) > (at.get('queue')?.x ?? 0));
  });

  test('a refresh with no new node returns the same positions without asking ELK', async () => {
    const first = await layoutServiceMap(chain, elk);
    const refuse: ElkLike = { layout: () => Promise.reject(new Error('ELK must not run')) };
    const again = await layoutServiceMap({ ...chain, edges: [...chain.edges, { from: 'client', to: 'fn' }], previous: first.positions }, refuse);
    assert.deepEqual(again.positions, first.positions);
  });

  test('the ELK graph drops self loops, unknown ends and duplicate pairs', () => {
    const graph = toElkGraph(['b', 'a'], [{ from: 'a', to: 'a' }, { from: 'a', to: 'b' }, { from: 'a', to: 'b' }, { from: 'a', to: 'zzz' }]);
    assert.deepEqual(graph.children.map((c) => c.id), ['a', 'b']);
    assert.equal(graph.edges.length, 1);
    assert.equal(graph.layoutOptions['elk.direction'], 'RIGHT');
  });
});
