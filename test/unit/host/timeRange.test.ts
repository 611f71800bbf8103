// What users type into the time-range and filter boxes of the Traces view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAbsoluteRange, describeTimeRange, parseDuration, parseInstant, parseStoredTimeRange, resolveTimeRange } from '../../../src/host/traces/timeRange';
import { checkFilterExpression } from '../../../src/host/traces/filterExpressionCheck';
import { formatAgo, formatDuration } from '../../../src/host/traces/traceFormat';

test('durations in the forms people type', () => {
  assert.equal(parseDuration('90m'), 90);
  assert.equal(parseDuration('2h'), 120);
  assert.equal(parseDuration('1h30m'), 90);
  assert.equal(parseDuration('1.5 h'), 90);
  assert.equal(parseDuration('last 2 hours'), 120);
  assert.equal(parseDuration('3d'), 4320);
  assert.equal(parseDuration('45'), 45);
  assert.equal(parseDuration('2h garbage'), undefined);
  assert.equal(parseDuration('31d'), undefined, 'X-Ray keeps 30 days');
  assert.equal(parseDuration(''), undefined);
  assert.equal(parseDuration('2026-11-22'), undefined);
});

test('absolute instants must be ISO dates', () => {
  assert.equal(parseInstant('2026-11-22T06:00:00Z'), Date.UTC(2026, 10, 22, 6));
  assert.equal(parseInstant('2026-11-22 06:00Z'), Date.UTC(2026, 10, 22, 6));
  assert.equal(parseInstant('March 3'), undefined);
  assert.equal(parseInstant('1'), undefined);
});

test('absolute ranges are checked against the clock and the 30-day retention', () => {
  const now = Date.UTC(2026, 10, 22, 12);
  assert.equal(checkAbsoluteRange(now - 3_600_000, now, now), undefined);
  assert.match(checkAbsoluteRange(now, now - 1, now) ?? '', /after the start/);
  assert.match(checkAbsoluteRange(now - 40 * 86_400_000, now, now) ?? '', /30 days/);
});

test('ranges resolve against the clock and describe themselves', () => {
  const now = Date.UTC(2026, 10, 22, 12);
  const { start, end } = resolveTimeRange({ kind: 'last', minutes: 15 }, now);
  assert.equal(end.getTime() - start.getTime(), 15 * 60_000);
  assert.equal(describeTimeRange({ kind: 'last', minutes: 15 }), 'Last 15 min');
  assert.equal(describeTimeRange({ kind: 'last', minutes: 90 }), 'Last 1 h 30 min');
  assert.equal(describeTimeRange({ kind: 'last', minutes: 1440 }), 'Last 1 d');
});

test('stored ranges from older or edited state are validated', () => {
  assert.deepEqual(parseStoredTimeRange({ kind: 'last', minutes: 60 }), { kind: 'last', minutes: 60 });
  assert.equal(parseStoredTimeRange({ kind: 'last', minutes: -1 }), undefined);
  assert.equal(parseStoredTimeRange({ kind: 'absolute', startMs: 5, endMs: 1 }), undefined);
  assert.equal(parseStoredTimeRange('15'), undefined);
});

test('filter expressions with unbalanced quotes or braces are caught before sending', () => {
  assert.equal(checkFilterExpression('service("checkout") { fault }'), undefined);
  assert.equal(checkFilterExpression('annotation.orderId = "4{2"'), undefined, 'braces inside strings do not count');
  assert.match(checkFilterExpression('service("checkout) { fault }') ?? '', /quote/);
  assert.match(checkFilterExpression('service("checkout") { fault') ?? '', /"\{" is not closed/);
  assert.match(checkFilterExpression('responsetime > 2)') ?? '', /Unexpected "\)"/);
});

test('durations and ages read naturally', () => {
  assert.equal(formatDuration(245), '245 ms');
  assert.equal(formatDuration(1240), '1.24 s');
  assert.equal(formatDuration(123_000), '2 min 3 s');
  assert.equal(formatAgo(0, 4 * 60_000 + 5_000), '4 min ago');
  assert.equal(formatAgo(0, 3_000), 'just now');
  assert.equal(formatAgo(0, 3 * 3_600_000), '3 h ago');
});
