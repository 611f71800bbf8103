// The Logs tab's model: lines sorted by time, tagged with their function, linked to the span of
// their invocation by request id, summarised per invocation with the right verdicts, and capped.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { invocationsOfTrace } from '../../../src/core/traceLogQuery';
import { buildTraceLogView, invocationSpanId } from '../../../src/core/traceLogView';
import { API_REQUEST, RESIZE_REQUEST, WORKER_REQUEST, traceLogsSample } from '../../builders/traceLogsSample';

describe('buildTraceLogView', () => {
  const { trace, lines, view } = traceLogsSample();
  const functionSpan = (name: string): string | undefined => trace.spans.find((s) => s.name === name && s.origin === 'AWS::Lambda::Function')?.id;

  test('sorts by time and tags each line with its function and the function span of its invocation', () => {
    const times = view.lines.map((line) => line.timestamp);
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
    assert.equal(view.lines.length, lines.length);
    for (const line of view.lines) {
      const expected = { [API_REQUEST]: 'orders-api', [WORKER_REQUEST]: 'orders-worker', [RESIZE_REQUEST]: 'orders-resize' }[line.requestId ?? ''];
      assert.equal(line.functionName, expected, line.message);
      assert.equal(line.spanId, functionSpan(expected ?? ''), line.message);
    }
  });

  test('REPORT becomes a compact summary, JSON lines are marked, levels come from the parser', () => {
    const reportLine = view.lines.find((line) => line.kind === 'report' && line.requestId === API_REQUEST);
    assert.equal(reportLine?.message, 'REPORT 98.5 ms (billed 99 ms) · 71/256 MB');
    assert.match(reportLine?.raw ?? '', /^REPORT RequestId: /);
    const json = view.lines.find((line) => line.json === true && line.kind === 'app');
    assert.equal(json?.message, 'order created');
    assert.equal(json?.level, 'info');
    assert.equal(view.lines.find((line) => line.kind === 'timeout')?.level, 'error');
  });

  test('summarises each invocation with its verdict and numbers', () => {
    const byRequest = new Map(view.invocations.map((invocation) => [invocation.requestId, invocation]));
    assert.equal(byRequest.get(API_REQUEST)?.verdict, 'ok');
    assert.equal(byRequest.get(API_REQUEST)?.memoryUsedMb, 71);
    assert.equal(byRequest.get(API_REQUEST)?.memorySizeMb, 256);
    assert.equal(byRequest.get(WORKER_REQUEST)?.verdict, 'timeout');
    assert.equal(byRequest.get(WORKER_REQUEST)?.timeoutMs, 3000);
    assert.equal(byRequest.get(RESIZE_REQUEST)?.verdict, 'outOfMemory');
    assert.equal(byRequest.get(RESIZE_REQUEST)?.summary, '✗ out of memory (128/128 MB)');
    assert.equal(byRequest.get(API_REQUEST)?.spanId, functionSpan('orders-api'));
    assert.equal(byRequest.get(API_REQUEST)?.spanIds.length, 2);
  });

  test('uses the configured timeout for near-timeout, and caps lines with truncated', () => {
    const near = buildTraceLogView(trace, invocationsOfTrace(trace), lines, { timeoutMsOf: (name) => (name === 'orders-api' ? 120 : undefined), maxLines: 3 });
    assert.equal(near.invocations.find((i) => i.requestId === API_REQUEST)?.verdict, 'nearTimeout');
    assert.equal(near.lines.length, 3);
    assert.equal(near.truncated, true);
    assert.equal(view.truncated, false);
  });

  test('lines of unknown requests keep the function of their group and link to no span', () => {
    const stray = buildTraceLogView(trace, invocationsOfTrace(trace), [{ timestamp: trace.startEpochMs, logGroup: '/aws/lambda/other-fn', message: 'START RequestId: 99999999-9999-4999-8999-999999999999 Version: $LATEST' }]);
    assert.equal(stray.lines[0]?.functionName, 'other-fn');
    assert.equal(stray.lines[0]?.spanId, undefined);
  });

  test('invocationSpanId falls back to the first span when there is no function segment', () => {
    const invocation = { requestId: 'r', functionName: 'f', logGroups: [], startEpochMs: 0, endEpochMs: 0, spanIds: ['a', 'b'] };
    assert.equal(invocationSpanId(invocation, new Map()), 'a');
  });
});
