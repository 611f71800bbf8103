// The host's validation of what the timeline webview posts: only the known shapes pass, rebuilt
// with just their fields; anything else is dropped.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTimelineToHost, parseTimelineViewState } from '../../../src/shared/timelineMessages';

describe('parseTimelineToHost', () => {
  test('accepts requestSpan with a span id and keeps only its fields', () => {
    assert.deepEqual(parseTimelineToHost({ type: 'requestSpan', spanId: '4cd3f10b76c624b4' }), { type: 'requestSpan', spanId: '4cd3f10b76c624b4' });
    assert.deepEqual(parseTimelineToHost({ type: 'requestSpan', spanId: 'abc', extra: { huge: 'x'.repeat(10) } }), { type: 'requestSpan', spanId: 'abc' });
  });

  test('rejects requestSpan without a usable span id', () => {
    for (const spanId of [undefined, null, 42, {}, ['a'], '', 'x'.repeat(201)]) {
      assert.equal(parseTimelineToHost({ type: 'requestSpan', spanId }), undefined, JSON.stringify(spanId));
    }
    assert.equal(parseTimelineToHost({ type: 'requestSpan' }), undefined);
    assert.deepEqual(parseTimelineToHost({ type: 'requestSpan', spanId: 'x'.repeat(200) }), { type: 'requestSpan', spanId: 'x'.repeat(200) });
  });

  test('still accepts the other messages and rejects unknown or malformed ones', () => {
    assert.deepEqual(parseTimelineToHost({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseTimelineToHost({ type: 'spanSelected', spanId: 'a' }), { type: 'spanSelected', spanId: 'a' });
    assert.deepEqual(parseTimelineToHost({ type: 'copy', text: 't', what: 'value' }), { type: 'copy', text: 't', what: 'value' });
    assert.equal(parseTimelineToHost({ type: 'copy', text: 't', what: 'everything' }), undefined);
    for (const raw of [undefined, null, 'requestSpan', 7, [], { type: 'span', span: {} }, { type: 'trace' }, { type: 'REQUESTSPAN', spanId: 'a' }]) {
      assert.equal(parseTimelineToHost(raw), undefined, JSON.stringify(raw));
    }
  });

  test('accepts goToSource with a span id and keeps only its fields', () => {
    assert.deepEqual(parseTimelineToHost({ type: 'goToSource', spanId: '4cd3f10b76c624b4', path: '/etc/passwd' }), { type: 'goToSource', spanId: '4cd3f10b76c624b4' });
    assert.deepEqual(parseTimelineToHost({ type: 'goToSource', spanId: 'x'.repeat(200) }), { type: 'goToSource', spanId: 'x'.repeat(200) });
    for (const spanId of [undefined, null, 7, {}, ['a'], '', 'x'.repeat(201)]) {
      assert.equal(parseTimelineToHost({ type: 'goToSource', spanId }), undefined, JSON.stringify(spanId));
    }
  });

  test('accepts openFrame with a span id and two small non-negative integer indexes', () => {
    assert.deepEqual(parseTimelineToHost({ type: 'openFrame', spanId: 'abc', exceptionIndex: 0, frameIndex: 3, line: 12, path: '/var/task/x.js' }), {
      type: 'openFrame',
      spanId: 'abc',
      exceptionIndex: 0,
      frameIndex: 3,
    });
    assert.deepEqual(parseTimelineToHost({ type: 'openFrame', spanId: 'abc', exceptionIndex: 9_999, frameIndex: 9_999 }), { type: 'openFrame', spanId: 'abc', exceptionIndex: 9_999, frameIndex: 9_999 });
  });

  test('rejects openFrame with a bad span id or index', () => {
    const good = { type: 'openFrame', spanId: 'abc', exceptionIndex: 1, frameIndex: 2 };
    for (const spanId of [undefined, 3, '', 'x'.repeat(201)]) {
      assert.equal(parseTimelineToHost({ ...good, spanId }), undefined, `spanId ${JSON.stringify(spanId)}`);
    }
    const badIndexes: unknown[] = [undefined, null, -1, 1.5, 10_000, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Number.POSITIVE_INFINITY, '1', [1], { valueOf: () => 1 }, true];
    for (const index of badIndexes) {
      assert.equal(parseTimelineToHost({ ...good, exceptionIndex: index }), undefined, `exceptionIndex ${String(index)}`);
      assert.equal(parseTimelineToHost({ ...good, frameIndex: index }), undefined, `frameIndex ${String(index)}`);
    }
    assert.equal(parseTimelineToHost({ type: 'openFrame', spanId: 'abc', frameIndex: 0 }), undefined);
  });
});

describe('parseTimelineToHost: the Logs tab', () => {
  test('accepts requestLogs, cancelLogs and openLogsInConsole without extra fields', () => {
    for (const type of ['requestLogs', 'cancelLogs', 'openLogsInConsole'] as const) {
      assert.deepEqual(parseTimelineToHost({ type, groups: ['/etc'], query: 'x' }), { type });
    }
  });

  test('copy of log lines allows long text, other copies stay short', () => {
    const long = 'l'.repeat(200_000);
    assert.deepEqual(parseTimelineToHost({ type: 'copy', text: long, what: 'logs' }), { type: 'copy', text: long, what: 'logs' });
    assert.equal(parseTimelineToHost({ type: 'copy', text: long, what: 'value' }), undefined);
    assert.equal(parseTimelineToHost({ type: 'copy', text: 'x'.repeat(4_000_001), what: 'logs' }), undefined);
    assert.equal(parseTimelineToHost({ type: 'copy', text: 42, what: 'logs' }), undefined);
  });

  test('rejects near misses', () => {
    for (const raw of [{ type: 'requestlogs' }, { type: 'logs' }, { type: 'openStackLine', lineIndex: 1 }, { type: 'cancelLogs ' }]) {
      assert.equal(parseTimelineToHost(raw), undefined, JSON.stringify(raw));
    }
  });
});

describe('parseTimelineToHost: openLogFrame', () => {
  test('accepts a line index below MAX_LOG_LINES and a frame index below MAX_INDEX, and nothing else', () => {
    assert.deepEqual(parseTimelineToHost({ type: 'openLogFrame', lineIndex: 4_999, frameIndex: 9_999, path: '/etc/passwd' }), { type: 'openLogFrame', lineIndex: 4_999, frameIndex: 9_999 });
    assert.deepEqual(parseTimelineToHost({ type: 'openLogFrame', lineIndex: 0, frameIndex: 0 }), { type: 'openLogFrame', lineIndex: 0, frameIndex: 0 });
  });

  test('rejects a bad line or frame index', () => {
    const good = { type: 'openLogFrame', lineIndex: 3, frameIndex: 1 };
    const bad: unknown[] = [undefined, null, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Number.POSITIVE_INFINITY, '1', [1], { valueOf: () => 1 }, true];
    for (const index of bad) {
      assert.equal(parseTimelineToHost({ ...good, lineIndex: index }), undefined, `lineIndex ${String(index)}`);
      assert.equal(parseTimelineToHost({ ...good, frameIndex: index }), undefined, `frameIndex ${String(index)}`);
    }
    assert.equal(parseTimelineToHost({ ...good, lineIndex: 5_000 }), undefined);
    assert.equal(parseTimelineToHost({ ...good, frameIndex: 10_000 }), undefined);
    assert.equal(parseTimelineToHost({ type: 'openLogFrame', frameIndex: 0 }), undefined);
  });
});

describe('parseTimelineViewState: the selected tab', () => {
  test('keeps spans or logs and drops anything else', () => {
    assert.equal(parseTimelineViewState({ traceId: 't', source: 'aws', tab: 'logs' })?.tab, 'logs');
    assert.equal(parseTimelineViewState({ traceId: 't', source: 'aws', tab: 'spans' })?.tab, 'spans');
    for (const tab of ['Logs', 'details', 1, null, ['logs'], { toString: () => 'logs' }]) {
      const state = parseTimelineViewState({ traceId: 't', source: 'aws', tab });
      assert.ok(state !== undefined && !('tab' in state), JSON.stringify(tab));
    }
  });
});
