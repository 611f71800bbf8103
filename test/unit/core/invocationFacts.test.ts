import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLambdaLogLine } from '../../../src/core/lambdaLogParser';
import { formatInvocationResult, summarizeInvocations } from '../../../src/core/invocationFacts';
import type { ParsedLogLine } from '../../../src/shared/logModel';
import { eventsOf } from './lambdaLogSamples';

function fromFile(file: string): ParsedLogLine[] {
  return eventsOf(file).map((e) => parseLambdaLogLine(e.message, e.timestamp === undefined ? undefined : { timestamp: e.timestamp }));
}

function parseAll(messages: string[], start = Date.parse('2024-05-01T10:00:00Z')): ParsedLogLine[] {
  return messages.map((m, i) => parseLambdaLogLine(m, { timestamp: start + i * 10 }));
}

const report = (id: string, duration: number, used: number, size = 128, extra = ''): string =>
  `REPORT RequestId: ${id}\tDuration: ${duration} ms\tBilled Duration: ${Math.ceil(duration)} ms\tMemory Size: ${size} MB\tMax Memory Used: ${used} MB\t${extra}\n`;

describe('summarizeInvocations over real samples', () => {
  test('Node text log with XRAY REPORT: cold, ok, trace id', () => {
    const [facts] = summarizeInvocations(fromFile('awsdocs-lambda-nodejs-text-log-with-xray-report.log'));
    assert.ok(facts);
    assert.deepEqual([facts.requestId, facts.durationMs, facts.billedDurationMs, facts.memorySizeMb, facts.maxMemoryUsedMb, facts.initDurationMs], ['c793869b-ee49-115b-a5b6-4fd21e8dedac', 128.83, 200, 128, 74, 166.62]);
    assert.deepEqual([facts.coldStart, facts.coldStartEvidence, facts.xrayTraceId, facts.verdict, facts.complete], [true, 'initDuration', '1-5d9d007f-0a8c7fd02xmpl480aed55ef0', 'ok', true]);
  });

  test('Logs Insights results (newest first): 12 invocations, INIT_START marks the cold one', () => {
    const facts = summarizeInvocations(fromFile('embr-logs-insights-GetQueryResults-results-lambda-START-END-REPORT-INIT_START.json'));
    assert.equal(facts.length, 12);
    const cold = facts.filter((f) => f.coldStart);
    assert.deepEqual(cold.map((f) => [f.requestId, f.initDurationMs]), [['be5b175d-ff9d-40db-adef-77555f4b77a8', 145.69]]);
    assert.ok(facts.every((f) => f.verdict === 'ok' && f.complete));
  });

  test('JSON telemetry samples: platform.report numbers, cold start from initDurationMs', () => {
    const [facts] = summarizeInvocations(fromFile('awsdocs-lambda-telemetry-api-event-examples-2022.txt'));
    assert.deepEqual([facts?.durationMs, facts?.initDurationMs, facts?.coldStart, facts?.xrayTraceId, facts?.verdict], [693.92, 397.68, true, '1-62e900b2-710d76f009d6e7785905449a', 'ok']);
  });

  test('Powertools cold_start', () => {
    const [facts] = summarizeInvocations(fromFile('powertools-ts-logger-logEvent-output-cold-start-xray.json'));
    assert.deepEqual([facts?.coldStart, facts?.coldStartEvidence, facts?.xrayTraceId], [true, 'powertools', '1-66bc8205-21f8b5190da519d22b2b0533']);
  });

  test('suppressed init: the init error attaches to the invocation that follows', () => {
    const lines = [...fromFile('danwakeem-telemetry-api-stream-suppressed-init-ImportModuleError.txt'), parseLambdaLogLine(JSON.stringify({ time: '2023-02-10T20:39:02.200Z', type: 'platform.report', record: { requestId: 'r-after', status: 'error', errorType: 'Runtime.ImportModuleError', metrics: { durationMs: 500, billedDurationMs: 500, memorySizeMB: 128, maxMemoryUsedMB: 60 } } }))];
    const [facts] = summarizeInvocations(lines);
    assert.deepEqual([facts?.verdict, facts?.error?.type, facts?.coldStart], ['error', 'Runtime.ImportModuleError', true]);
  });
});

describe('summarizeInvocations over written-out sequences', () => {
  test('timeout: text line and REPORT', () => {
    const [facts] = summarizeInvocations(parseAll(['START RequestId: t1 Version: $LATEST\n', '2024-05-01T10:00:03.000Z t1 Task timed out after 3.00 seconds\n', 'END RequestId: t1\n', report('t1', 3000, 80)]));
    assert.deepEqual([facts?.verdict, facts?.timedOutAfterSeconds], ['timeout', 3]);
    assert.match(formatInvocationResult(facts!, Date.parse('2024-05-01T10:00:05Z')), /^⏱ timed out after 3\.00 s · 5 s ago$/);
  });

  test('timeout from JSON platform.report status', () => {
    const [facts] = summarizeInvocations([parseLambdaLogLine(JSON.stringify({ time: '2024-05-01T10:00:03Z', type: 'platform.report', record: { requestId: 't2', status: 'timeout', metrics: { durationMs: 3000.4, billedDurationMs: 3000, memorySizeMB: 128, maxMemoryUsedMB: 50 } } }))]);
    assert.equal(facts?.verdict, 'timeout');
  });

  test('out of memory: signal killed, and ExitError at the memory limit', () => {
    const [killed] = summarizeInvocations(parseAll(['START RequestId: m1 Version: $LATEST\n', 'RequestId: m1 Error: Runtime exited with error: signal: killed\nRuntime.ExitError', report('m1', 900, 128)]));
    assert.equal(killed?.verdict, 'outOfMemory');
    assert.match(formatInvocationResult(killed!, Date.parse('2024-05-01T10:00:02Z')), /^✗ out of memory \(128\/128 MB\) · 2 s ago$/);
    const [exit] = summarizeInvocations(parseAll(['RequestId: m2 Error: Runtime exited with error: exit status 137\nRuntime.ExitError', report('m2', 900, 128)]));
    assert.equal(exit?.verdict, 'outOfMemory');
    const [reported] = summarizeInvocations(parseAll([report('m3', 10, 128, 128, 'Status: error\tError Type: Runtime.OutOfMemory')]));
    assert.equal(reported?.verdict, 'outOfMemory');
  });

  test('error with frames and its one-line result', () => {
    const [facts] = summarizeInvocations(parseAll(['START RequestId: e1 Version: $LATEST\n', '2024-05-01T10:00:00.010Z\te1\tERROR\tInvoke Error \t{"errorType":"TypeError","errorMessage":"Cannot read properties of undefined (reading \'id\')","stack":["TypeError: Cannot read properties of undefined (reading \'id\')","    at Runtime.handler (/var/task/index.js:25:11)"]}\n', report('e1', 20, 70)]));
    assert.equal(facts?.verdict, 'error');
    assert.equal(facts?.error?.frames[0]?.path, '/var/task/index.js');
    assert.equal(formatInvocationResult(facts!, Date.parse('2024-05-01T10:00:05Z')), "✗ TypeError: Cannot read properties of undefined (reading 'id') · 5 s ago");
  });

  test('near timeout with a given timeout; near memory limit; ok', () => {
    const lines = parseAll([report('n1', 2500, 40), report('n2', 100, 110), report('n3', 182.4, 96, 512)]);
    const facts = summarizeInvocations(lines, { timeoutMs: (id) => (id === 'n1' ? 3000 : undefined) });
    assert.deepEqual(facts.map((f) => f.verdict), ['nearTimeout', 'nearMemoryLimit', 'ok']);
    assert.ok(Math.abs((facts[0]?.timeoutRatio ?? 0) - 2500 / 3000) < 1e-9);
    const now = Date.parse('2024-05-01T10:00:02.020Z');
    assert.equal(formatInvocationResult(facts[2]!, now), '✓ 182 ms · 96/512 MB · 2 s ago');
    assert.equal(formatInvocationResult(facts[0]!, now), '⚠ 2.5 s · 83 % of 3 s timeout · 40/128 MB · 2 s ago');
    assert.equal(formatInvocationResult(facts[1]!, now), '⚠ 100 ms · 110/128 MB (86 %) · 2 s ago');
    assert.equal(summarizeInvocations(lines)[0]?.verdict, 'ok', 'no timeout known, no near-timeout');
  });

  test('cold start in each format', () => {
    const text = summarizeInvocations(parseAll(['INIT_START Runtime Version: nodejs:20.v1\tRuntime Version ARN: arn:x\n', 'START RequestId: c1 Version: $LATEST\n', report('c1', 5, 60)]));
    assert.deepEqual([text[0]?.coldStart, text[0]?.coldStartEvidence], [true, 'initStart']);
    const warm = summarizeInvocations(parseAll(['START RequestId: c2 Version: $LATEST\n', report('c2', 5, 60)]));
    assert.equal(warm[0]?.coldStart, false);
    const snap = summarizeInvocations(parseAll([report('c3', 5, 60, 128, 'Restore Duration: 222.05 ms\tBilled Restore Duration: 222 ms')]));
    assert.deepEqual([snap[0]?.coldStart, snap[0]?.coldStartEvidence], [true, 'restoreDuration']);
    const json = summarizeInvocations([parseLambdaLogLine('{"time":"2024-05-01T10:00:00Z","type":"platform.initStart","record":{"initializationType":"on-demand","phase":"init","runtimeVersion":"python:3.12.v1"}}'), parseLambdaLogLine('{"time":"2024-05-01T10:00:01Z","type":"platform.start","record":{"requestId":"c4","version":"$LATEST"}}')]);
    assert.deepEqual([json[0]?.coldStart, json[0]?.coldStartEvidence], [true, 'initStart']);
  });
});
