// The tail's invocation log (what the inline result at a handler shows) and the pure text of the
// tail's editor marks, over real samples and the formats written out.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLambdaLogLine } from '../../../src/core/lambdaLogParser';
import { MAX_KNOWN_REQUESTS, MAX_REQUESTS, MAX_SHOWN_LINES, TailInvocationLog } from '../../../src/core/tailInvocations';
import { ageRefreshMs, ageText, inlineResultText, stackKey, stackMarkText, stackOfLine } from '../../../src/core/tailInsightText';
import { eventsOf } from './lambdaLogSamples';

const T0 = Date.parse('2024-05-01T10:00:00.000Z');

/** Feeds `messages` as one tail of `fn`, one second apart unless the line has its own time. */
function tail(messages: string[], fn = 'orders-fn', log = new TailInvocationLog(), start = T0): TailInvocationLog {
  messages.forEach((message, index) => log.add(fn, parseLambdaLogLine(message), { sessionId: 's1', seq: index + 1 }, start + index * 1000));
  return log;
}

function report(id: string, duration: number, used: number, extra = ''): string {
  return `REPORT RequestId: ${id}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${Math.ceil(duration)} ms\tMemory Size: 512 MB\tMax Memory Used: ${used} MB\t${extra}\n`;
}

const INVOKE_ERROR = '2024-05-01T10:00:05.010Z\te2\tERROR\tInvoke Error \t{"errorType":"TypeError","errorMessage":"boom","stack":["TypeError: boom","    at validate (/var/task/index.js:12:9)","    at Runtime.handler (/var/task/index.js:25:11)","    at Runtime.handleOnce (file:///var/runtime/index.mjs:1173:29)"]}\n';

describe('TailInvocationLog', () => {
  test('the real Node sample with XRAY REPORT: one finished invocation, its facts and trace id', () => {
    const log = tail(eventsOf('awsdocs-lambda-nodejs-text-log-with-xray-report.log').map((event) => event.message), 'my-function');
    const latest = log.latestResult('my-function');
    assert.ok(latest);
    assert.equal(latest.requestId, 'c793869b-ee49-115b-a5b6-4fd21e8dedac');
    assert.equal(latest.facts.complete, true);
    assert.equal(latest.facts.durationMs, 128.83);
    assert.equal(latest.facts.maxMemoryUsedMb, 74);
    assert.equal(latest.facts.coldStart, true);
    assert.equal(latest.facts.xrayTraceId, '1-5d9d007f-0a8c7fd02xmpl480aed55ef0');
    assert.equal(latest.lines[0]?.line.kind, 'start');
    assert.equal(latest.lines.at(-1)?.line.kind, 'report');
    assert.equal(latest.revealRef.seq, latest.lines.at(-1)?.ref.seq, 'show in tail selects REPORT');
  });

  test('a running invocation does not hide the previous result; a failed one replaces it before its REPORT', () => {
    const log = tail(['START RequestId: e1 Version: $LATEST\n', report('e1', 182.2, 96), 'START RequestId: e2 Version: $LATEST\n']);
    assert.equal(log.latestResult('orders-fn')?.requestId, 'e1');
    const text = inlineResultText(log.latestResult('orders-fn')?.facts ?? assert.fail(), T0 + 3000);
    assert.deepEqual(text, { text: '✓ 182 ms · 96/512 MB · 2 s ago', tone: 'ok' });
    tail([INVOKE_ERROR], 'orders-fn', log, T0 + 5000);
    const failed = log.latestResult('orders-fn');
    assert.equal(failed?.requestId, 'e2');
    assert.equal(failed?.facts.complete, false);
    assert.deepEqual(inlineResultText(failed?.facts ?? assert.fail(), T0 + 10_010), { text: '✗ TypeError: boom · 5 s ago', tone: 'error' });
    assert.equal(failed?.revealRef.seq, 1, 'show in tail selects the error line');
    tail([report('e2', 30, 90, 'XRAY TraceId: 1-6630f0a0-0123456789abcdef01234567\tSegmentId: 0123456789abcdef\tSampled: true')], 'orders-fn', log, T0 + 6000);
    assert.equal(log.invocation('orders-fn', 'e2')?.facts.xrayTraceId, '1-6630f0a0-0123456789abcdef01234567');
    assert.equal(log.invocation('orders-fn', 'e2')?.facts.verdict, 'error');
  });

  test('init lines without a request id attach to the next invocation (cold start)', () => {
    const log = tail(['INIT_START Runtime Version: nodejs:20.v22\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:abc\n', 'START RequestId: c1 Version: $LATEST\n', report('c1', 10, 60)]);
    assert.equal(log.latestResult('orders-fn')?.facts.coldStart, true);
  });

  test('functions are separate; retain and clear drop what is no longer tailed', () => {
    const log = tail(['START RequestId: a1 Version: $LATEST\n', report('a1', 5, 50)], 'a');
    tail(['START RequestId: b1 Version: $LATEST\n', report('b1', 7, 51)], 'b', log);
    assert.equal(log.latestResult('a')?.requestId, 'a1');
    assert.equal(log.latestResult('b')?.requestId, 'b1');
    log.retain(new Set(['b']));
    assert.equal(log.latestResult('a'), undefined);
    assert.deepEqual(log.functionNames(), ['b']);
    log.clear();
    assert.equal(log.latestResult('b'), undefined);
  });

  test('bounded: a chatty invocation keeps its last lines and its facts; old requests are forgotten', () => {
    const messages = ['START RequestId: big Version: $LATEST\n'];
    for (let i = 0; i < 5000; i++) messages.push(`2024-05-01T10:00:00.000Z\tbig\tINFO\tline ${i}\n`);
    messages.push(report('big', 900, 300));
    const log = tail(messages);
    const latest = log.latestResult('orders-fn');
    assert.equal(latest?.lines.length, MAX_SHOWN_LINES);
    assert.equal(latest?.droppedLines, 5002 - MAX_SHOWN_LINES);
    assert.equal(latest?.facts.durationMs, 900);
    assert.equal(latest?.facts.lineCount, 5002);
    for (let i = 0; i < MAX_REQUESTS + 5; i++) tail([`START RequestId: r${i} Version: $LATEST\n`], 'orders-fn', log);
    assert.equal(log.invocation('orders-fn', 'big'), undefined);
    assert.equal(log.latestResult('orders-fn'), undefined, 'none of the kept requests finished');
  });

  test('a storm of other requests forgets the lines but not the trace id and end of a request', () => {
    const log = tail(['START RequestId: e2 Version: $LATEST\n', INVOKE_ERROR, report('e2', 30, 90, 'XRAY TraceId: 1-6630f0a0-0123456789abcdef01234567\tSegmentId: 0123456789abcdef\tSampled: true')]);
    for (let i = 0; i < MAX_REQUESTS * 4; i++) tail([INVOKE_ERROR.replace('\te2\t', `\tstorm-${i}\t`)], 'orders-fn', log);
    assert.equal(log.invocation('orders-fn', 'e2'), undefined, 'the lines are gone');
    assert.deepEqual(log.outline('orders-fn', 'e2'), { traceId: '1-6630f0a0-0123456789abcdef01234567', finished: true });
    assert.equal(log.outline('orders-fn', 'storm-0'), undefined, 'requests that named nothing are not remembered');
    for (let i = 0; i < MAX_KNOWN_REQUESTS + 1; i++) tail([report(`r${i}`, 1, 1)], 'orders-fn', log);
    assert.equal(log.outline('orders-fn', 'e2'), undefined, 'bounded');
  });

  test('the version changes with every line of the function', () => {
    const log = tail(['START RequestId: v1 Version: $LATEST\n']);
    const before = log.version('orders-fn');
    tail(['2024-05-01T10:00:00.000Z\tv1\tINFO\thello\n'], 'orders-fn', log);
    assert.notEqual(log.version('orders-fn'), before);
    assert.equal(log.version('other'), undefined);
  });
});

describe('tail insight text', () => {
  test('ages and when they next change', () => {
    assert.equal(ageText(T0, T0 + 2400), '2 s ago');
    assert.equal(ageText(T0, T0 - 500), '0 s ago');
    assert.equal(ageText(T0, T0 + 61_000), '1 min ago');
    assert.equal(ageText(T0, T0 + 2 * 3_600_000), '2 h ago');
    assert.equal(ageRefreshMs(T0, T0 + 2400), 600);
    assert.equal(ageRefreshMs(T0, T0 + 61_000), 59_000);
  });

  test('stacks of Invoke Error lines and of app lines that logged one; plain lines have none', () => {
    const stack = stackOfLine(parseLambdaLogLine(INVOKE_ERROR));
    assert.equal(stack?.title, 'TypeError: boom');
    assert.equal(stack?.frames[0]?.path, '/var/task/index.js');
    assert.equal(stack?.frames[0]?.line, 12);
    assert.equal(stackOfLine(parseLambdaLogLine('2024-05-01T10:00:00.000Z\te1\tINFO\thello\n')), undefined);
    const powertools = eventsOf('powertools-python-logger-logging_exceptions_output.json').map((event) => parseLambdaLogLine(event.message));
    const logged = powertools.map(stackOfLine).find((found) => found !== undefined);
    assert.ok(logged, 'the Powertools exception record carries a stack');
    assert.ok(logged.frames.length > 0);
  });

  test('stack mark text: the error and its age, cut to fit', () => {
    assert.equal(stackMarkText('TypeError: boom', T0, T0 + 5000), '✗ TypeError: boom · 5 s ago');
    const long = stackMarkText(`Error: ${'x'.repeat(300)}`, T0, T0);
    assert.ok(long.length <= 120, `${long.length}`);
    assert.ok(long.endsWith('… · 0 s ago'));
    assert.equal(stackMarkText('Error:\n  two\tlines', T0, T0), '✗ Error: two lines · 0 s ago');
  });

  test('tones: near limits warn, failures are errors', () => {
    const log = tail(['START RequestId: n1 Version: $LATEST\n', report('n1', 10, 450)]);
    assert.equal(inlineResultText(log.latestResult('orders-fn')?.facts ?? assert.fail(), T0).tone, 'warning');
    const timeout = tail(['START RequestId: t1 Version: $LATEST\n', '2024-05-01T10:00:03.000Z t1 Task timed out after 3.00 seconds\n']);
    // The line's event time (the second event, T0 + 1 s) dates it.
    assert.deepEqual(inlineResultText(timeout.latestResult('orders-fn')?.facts ?? assert.fail(), T0 + 2000), { text: '⏱ timed out after 3.00 s · 1 s ago', tone: 'error' });
  });

  test('stack keys differ by function and by frame position', () => {
    const frames = stackOfLine(parseLambdaLogLine(INVOKE_ERROR))?.frames ?? [];
    assert.notEqual(stackKey('a', frames), stackKey('b', frames));
    assert.notEqual(stackKey('a', frames), stackKey('a', frames.slice(1)));
    assert.equal(stackKey('a', frames), stackKey('a', [...frames]));
  });
});
