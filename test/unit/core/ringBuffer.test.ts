import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RingBuffer } from '../../../src/core/ringBuffer';

describe('RingBuffer', () => {
  test('keeps items in order below capacity', () => {
    const ring = new RingBuffer<number>(4);
    ring.pushAll([1, 2, 3]);
    assert.deepEqual(ring.toArray(), [1, 2, 3]);
    assert.equal(ring.size, 3);
    assert.equal(ring.dropped, 0);
    assert.equal(ring.at(0), 1);
    assert.equal(ring.last(), 3);
    assert.equal(ring.at(3), undefined);
    assert.equal(ring.at(-1), undefined);
  });

  test('overwrites the oldest when full and counts what it dropped', () => {
    const ring = new RingBuffer<number>(3);
    ring.pushAll([1, 2, 3, 4, 5]);
    assert.deepEqual([...ring], [3, 4, 5]);
    assert.equal(ring.size, 3);
    assert.equal(ring.dropped, 2);
  });

  test('shift and drain take from the oldest end', () => {
    const ring = new RingBuffer<string>(3);
    ring.pushAll(['a', 'b', 'c', 'd']);
    assert.equal(ring.shift(), 'b');
    ring.push('e');
    assert.deepEqual(ring.drain(), ['c', 'd', 'e']);
    assert.equal(ring.size, 0);
    assert.equal(ring.shift(), undefined);
    assert.equal(ring.last(), undefined);
  });

  test('clear empties but keeps the dropped count', () => {
    const ring = new RingBuffer<number>(2);
    ring.pushAll([1, 2, 3]);
    ring.clear();
    assert.equal(ring.size, 0);
    assert.deepEqual(ring.toArray(), []);
    assert.equal(ring.dropped, 1);
    ring.push(9);
    assert.deepEqual(ring.toArray(), [9]);
  });

  test('refuses a capacity that is not a positive integer', () => {
    assert.throws(() => new RingBuffer(0), RangeError);
    assert.throws(() => new RingBuffer(2.5), RangeError);
    assert.throws(() => new RingBuffer(Number.NaN), RangeError);
  });

  test('property: holds exactly the last `capacity` items pushed, whatever the mix of pushes and shifts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.oneof(fc.integer(), fc.constant(null)), { maxLength: 200 }), (capacity, ops) => {
        const ring = new RingBuffer<number>(capacity);
        const model: number[] = [];
        for (const op of ops) {
          if (op === null) {
            assert.equal(ring.shift(), model.shift());
          } else {
            ring.push(op);
            model.push(op);
            if (model.length > capacity) model.shift();
          }
          assert.ok(ring.size <= capacity);
        }
        assert.deepEqual(ring.toArray(), model);
      }),
    );
  });
});
