// The tail's pure parts: the filter box (regex here, pattern at AWS), log group ARNs from the
// function ARN, the 10-group limit, request id → trace id (REPORT, Powertools, platform JSON),
// request ids filled from the log stream, the rows the view shows, and the status bar words.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLambdaLogLine } from '../../../src/core/lambdaLogParser';
import { MAX_MATCHED_LENGTH, parseTailFilter, serverPatternOf, tailFilterMatches } from '../../../src/core/tailFilter';
import { TailRequestIndex, shortGroupName, stackLinesOf, toTailViewLine } from '../../../src/core/tailLines';
import type { TailLineInput } from '../../../src/core/tailLines';
import { formatRate, tailStatusText, tailStatusTooltip } from '../../../src/core/tailStatusText';
import { logGroupArn, logGroupNameOfArn, parseFunctionArn, splitAtGroupLimit, tailTitle } from '../../../src/core/tailTargets';
import { validateLogGroupArns } from '../../../src/aws/liveTail';
import { framesOfLogStack } from '../../../src/core/stackFrames';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'lambda-logs');

describe('tail filter', () => {
  test('empty is none, /…/flags is a client-side regex, anything else a CloudWatch pattern', () => {
    assert.deepEqual(parseTailFilter('   '), { kind: 'none' });
    const regex = parseTailFilter('/timed out|ERROR/i');
    assert.equal(regex.kind, 'regex');
    assert.ok(tailFilterMatches(regex, 'Task Timed Out after 3.00 seconds'));
    assert.ok(!tailFilterMatches(regex, 'all good'));
    assert.equal(serverPatternOf(regex), undefined);
    const pattern = parseTailFilter('  { $.level = "ERROR" } ');
    assert.deepEqual(pattern, { kind: 'pattern', text: '{ $.level = "ERROR" }', pattern: '{ $.level = "ERROR" }' });
    assert.equal(serverPatternOf(pattern), '{ $.level = "ERROR" }');
    assert.ok(tailFilterMatches(pattern, 'anything'), 'a pattern was applied by AWS already');
    // A lone slash or a path is a pattern, not a regex.
    assert.equal(parseTailFilter('/').kind, 'pattern');
    assert.equal(parseTailFilter('?ERROR ?"Task timed out"').kind, 'pattern');
  });

  test('bad regexes and flags say why; g and y are dropped so test() stays stateless', () => {
    const bad = parseTailFilter('/(unclosed/');
    assert.equal(bad.kind, 'invalid');
    assert.match(bad.kind === 'invalid' ? bad.message : '', /Not a valid regular expression/);
    assert.equal(parseTailFilter('/x/q').kind, 'invalid');
    assert.equal(parseTailFilter('/x/ii').kind, 'invalid');
    const global = parseTailFilter('/a/g');
    assert.ok(global.kind === 'regex' && !global.regex.global);
    assert.ok(tailFilterMatches(global, 'a') && tailFilterMatches(global, 'a'), 'the same line matches twice');
  });

  test('a regex looks at a bounded prefix of a huge line', () => {
    const filter = parseTailFilter('/NEEDLE/');
    assert.ok(tailFilterMatches(filter, `NEEDLE${'x'.repeat(MAX_MATCHED_LENGTH * 2)}`));
    assert.ok(!tailFilterMatches(filter, `${'x'.repeat(MAX_MATCHED_LENGTH)}NEEDLE`));
  });
});

describe('tail targets', () => {
  test('the group ARN comes from the function ARN: partition, region, account', () => {
    assert.deepEqual(parseFunctionArn('arn:aws:lambda:eu-west-1:123456789012:function:orders-api:live'), { partition: 'aws', region: 'eu-west-1', accountId: '123456789012', functionName: 'orders-api' });
    const arn = logGroupArn('arn:aws-cn:lambda:cn-north-1:210987654321:function:orders', '/custom/orders-logs');
    assert.equal(arn, 'arn:aws-cn:logs:cn-north-1:210987654321:log-group:/custom/orders-logs');
    assert.deepEqual(validateLogGroupArns([arn as string]), [arn], 'StartLiveTail accepts it');
    assert.equal(logGroupArn('orders', '/aws/lambda/orders'), undefined);
    assert.equal(logGroupArn('arn:aws:lambda:us-east-1:123456789012:function:orders', 'bad name with spaces'), undefined);
    assert.equal(logGroupNameOfArn(`${arn as string}:*`), '/custom/orders-logs');
    assert.equal(logGroupNameOfArn('/aws/lambda/x'), '/aws/lambda/x');
  });

  test('at most 10 log groups; functions sharing a group count once', () => {
    const names = Array.from({ length: 12 }, (_, i) => `fn-${i}`);
    const { kept, dropped } = splitAtGroupLimit(names, (name) => `/aws/lambda/${name}`);
    assert.equal(kept.length, 10);
    assert.deepEqual(dropped, ['fn-10', 'fn-11']);
    const shared = splitAtGroupLimit(names, (name) => (name === 'fn-11' ? '/aws/lambda/fn-0' : `/aws/lambda/${name}`));
    assert.deepEqual(shared.dropped, ['fn-10']);
    assert.equal(tailTitle(['a', 'b']), 'Tail: a, b');
    assert.equal(tailTitle(['a', 'b', 'c', 'd']), 'Tail: a, b +2');
  });
});

function input(message: string, seq: number, stream = 's1', group = '/aws/lambda/orders'): TailLineInput {
  return { seq, timestamp: 1_700_000_000_000 + seq, logGroupName: group, logStream: stream, functionName: 'orders', parsed: parseLambdaLogLine(message) };
}

describe('request ids and trace ids', () => {
  test('the REPORT of the real sample gives the trace of its request, also for earlier lines', () => {
    const index = new TailRequestIndex();
    const lines = readFileSync(join(FIXTURES, 'awsdocs-lambda-nodejs-text-log-with-xray-report.log'), 'utf8').split('\n').filter((l) => /^(START|END|REPORT) |^\d{4}-/.test(l));
    lines.forEach((text, i) => index.observe(input(text, i)));
    assert.equal(index.traceIdOf('c793869b-ee49-115b-a5b6-4fd21e8dedac'), '1-5d9d007f-0a8c7fd02xmpl480aed55ef0');
    assert.equal(index.traceIdOf('another-request'), undefined);
  });

  test('Powertools xray_trace_id names the trace; lines without an id take their stream\'s request', () => {
    const index = new TailRequestIndex();
    const requestId = '4d4f1f9a-8f0a-4e0b-9d4e-9d7c0c8c0a11';
    index.observe(input(`START RequestId: ${requestId} Version: $LATEST`, 0, 'a'));
    const plain = input('print() output without an id', 1, 'a');
    assert.equal(index.observe(plain), requestId);
    assert.equal(plain.parsed.requestId, requestId);
    const other = input('line on another stream', 2, 'b');
    assert.equal(index.observe(other), undefined);
    const powertools = input(JSON.stringify({ level: 'INFO', message: 'hello', function_request_id: requestId, xray_trace_id: '1-65f1a2b3-4c5d6e7f8a9b0c1d2e3f4a5b' }), 3, 'a');
    index.observe(powertools);
    assert.equal(index.traceIdOf(requestId), '1-65f1a2b3-4c5d6e7f8a9b0c1d2e3f4a5b');
    const init = input('INIT_START Runtime Version: nodejs:20.v13\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:abc', 4, 'a');
    assert.equal(index.observe(init), undefined, 'INIT_START belongs to the next request');
  });

  test('memory stays bounded over a long tail', () => {
    const index = new TailRequestIndex();
    for (let i = 0; i < 30_000; i += 1) index.observe(input(`REPORT RequestId: r-${i}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tXRAY TraceId: 1-65f1a2b3-${i.toString(16).padStart(24, '0')}\tSegmentId: 0123456789abcdef\tSampled: true`, i, `s-${i}`));
    assert.equal(index.traceIdOf('r-0'), undefined, 'the oldest were forgotten');
    assert.equal(index.traceIdOf('r-29999'), `1-65f1a2b3-${(29_999).toString(16).padStart(24, '0')}`);
  });
});

describe('tail view lines', () => {
  test('REPORT is summarised with cold start; errors are level error; stacks keep their lines', () => {
    const report = toTailViewLine(input('REPORT RequestId: r1\tDuration: 182.00 ms\tBilled Duration: 183 ms\tMemory Size: 512 MB\tMax Memory Used: 96 MB\tInit Duration: 230.11 ms\t', 0));
    assert.equal(report.message, 'REPORT 182 ms (billed 183 ms) · 96/512 MB · init 230.11 ms');
    assert.equal(report.coldStart, true);
    assert.equal(report.fn, 'orders');
    const timeout = toTailViewLine(input('2026-03-13T10:00:00.000Z r2 Task timed out after 3.00 seconds', 1));
    assert.equal(timeout.level, 'error');
    const error = `2026-03-13T10:00:01.000Z\tr3\tERROR\tInvoke Error \t${JSON.stringify({ errorType: 'TypeError', errorMessage: 'x is undefined', stack: ['TypeError: x is undefined', '    at handler (/var/task/index.js:7:3)'] })}`;
    const parsed = parseLambdaLogLine(error);
    const view = toTailViewLine({ ...input(error, 2), parsed });
    assert.equal(view.message, 'Invoke Error · TypeError: x is undefined');
    assert.equal(view.requestId, 'r3');
    assert.deepEqual(view.stack, stackLinesOf(parsed));
    assert.equal(framesOfLogStack(view.stack ?? [])[0]?.line, 7);
    assert.equal(view.json, true);
    assert.equal(toTailViewLine({ ...input('x', 3), functionName: undefined }).fn, 'orders');
    assert.equal(shortGroupName('/custom/group'), '/custom/group');
  });
});

describe('tail status bar', () => {
  test('text, rate and tooltip', () => {
    const figures = { sessions: 1, functions: 2, eventsPerSecond: 34.4, billedMinutes: 3, sampled: false, sources: ['liveTail' as const], functionNames: ['fn-a', 'fn-b'] };
    assert.equal(tailStatusText(figures), '$(pulse) Tail · 2 fns · 34 ev/s');
    assert.equal(tailStatusText({ ...figures, functions: 1, eventsPerSecond: 2.46, sampled: true }), '$(warning) Tail · 1 fn · 2.5 ev/s');
    assert.equal(formatRate(5200), '5.2k ev/s');
    assert.equal(formatRate(0), '0 ev/s');
    const tooltip = tailStatusTooltip(figures);
    assert.ok(tooltip.includes('Tailing fn-a, fn-b'));
    assert.ok(tooltip.includes('Source: Live Tail'));
    assert.ok(tooltip.includes('Live Tail minutes billed so far: 3'));
    assert.ok(tailStatusTooltip({ ...figures, sampled: true, sources: ['polling'] }).some((line) => /sampling/.test(line)));
  });
});
