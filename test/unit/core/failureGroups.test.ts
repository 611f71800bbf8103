import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { failureGroupMessage, groupFailures } from '../../../src/core/failureGroups';
import type { LocatedFailure } from '../../../src/core/failureGroups';

const NOW = 1_700_000_000_000;
const MIN = 60_000;

function failure(traceId: string, minutesAgo: number, overrides: Partial<LocatedFailure<string>> = {}): LocatedFailure<string> {
  return {
    traceId,
    endEpochMs: NOW - minutesAgo * MIN,
    fault: true,
    exception: { type: 'TypeError', message: "Cannot read properties of undefined (reading 'customerId')" },
    location: { file: '/ws/src/lib/validate.ts', line: 12, guess: false },
    detail: traceId,
    ...overrides,
  };
}

describe('groupFailures: one problem per line and exception', () => {
  test('the same line and exception count together; the newest failure leads', () => {
    const [group, ...rest] = groupFailures([failure('t1', 10), failure('t2', 4), failure('t3', 7)]);
    assert.equal(rest.length, 0);
    assert.ok(group);
    assert.equal(group.traceIds.size, 3);
    assert.equal(group.latest.detail, 't2');
    assert.equal(failureGroupMessage(group, NOW), "TypeError: Cannot read properties of undefined (reading 'customerId') (3 failures, last 4 min ago)");
  });

  test('another line, another file or another message is another problem', () => {
    const groups = groupFailures([
      failure('t1', 1),
      failure('t2', 1, { location: { file: '/ws/src/lib/validate.ts', line: 13, guess: false } }),
      failure('t3', 1, { location: { file: '/ws/src/other.ts', line: 12, guess: false } }),
      failure('t4', 1, { exception: { type: 'TypeError', message: 'other' } }),
    ]);
    assert.equal(groups.length, 4);
  });

  test('one trace seen twice is one failure', () => {
    const [group] = groupFailures([failure('t1', 3), failure('t1', 3)]);
    assert.ok(group);
    assert.equal(failureGroupMessage(group, NOW), "TypeError: Cannot read properties of undefined (reading 'customerId') (1 failure, 3 min ago)");
  });

  test('a fault anywhere in the group makes it a fault', () => {
    const [group] = groupFailures([failure('t1', 3, { fault: false }), failure('t2', 5)]);
    assert.equal(group?.fault, true);
    const [errorsOnly] = groupFailures([failure('t1', 3, { fault: false })]);
    assert.equal(errorsOnly?.fault, false);
  });

  test('a guessed line and a missing exception say so', () => {
    const [group] = groupFailures([failure('t1', 0, { exception: {}, fault: false, location: { file: '/ws/a.ts', line: 1, guess: true } })]);
    assert.ok(group);
    assert.equal(failureGroupMessage(group, NOW), 'Error (1 failure, just now; the line is a best guess)');
  });
});
