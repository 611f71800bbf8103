// The Logs tab of a local trace: OTLP log records filed under the trace become the tab's lines,
// linked to spans by request id (as CloudWatch lines are) or by the span id the record names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildTrace } from '../../../src/core/traceBuilder';
import { parseLambdaLogLine } from '../../../src/core/lambdaLogParser';
import { LOCAL_LOGS_PLACE, localLogsMessage } from '../../../src/host/local/localLogs';
import type { LocalLogLine } from '../../../src/local/localTraceTypes';

function fixture(path: string): string {
  return readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8');
}

const trace = buildTrace({
  documents: [
    JSON.parse(fixture('xray-segments/awsdocs-xray-BatchGetTraces-derived-AWS-Lambda-service-segment.json')),
    JSON.parse(fixture('xray-segments/awsdocs-xray-BatchGetTraces-derived-AWS-Lambda-Function-with-Initialization.json')),
  ],
});
const functionSpan = trace.spans.find((span) => span.origin === 'AWS::Lambda::Function');
const requestId = trace.spans.find((span) => span.lambda?.requestId !== undefined)?.lambda?.requestId;
// A real Node.js runtime log line (another invocation's request id: it links by span id only).
const appLine = fixture('lambda-logs/awsdocs-lambda-nodejs-text-log-with-xray-report.log').split('\n')[1] as string;

function record(text: string, timestamp: number, spanId?: string): LocalLogLine {
  return { timestamp, traceId: trace.id, service: 'random-name', ...(spanId !== undefined ? { spanId } : {}), parsed: parseLambdaLogLine(text, { timestamp }) };
}

test('the sample trace has a function span and an invocation request id', () => {
  assert.ok(functionSpan);
  assert.ok(requestId);
  assert.match(appLine, /INFO/);
});

test('lines come sorted by time, say they are local, and name the receiver when empty', () => {
  const late = record(appLine, trace.startEpochMs + 2000);
  const early = record(`START RequestId: ${requestId} Version: $LATEST`, trace.startEpochMs + 10);
  const message = localLogsMessage(trace, [late, early]);
  assert.equal(message.state, 'done');
  assert.equal(message.source, 'local');
  assert.deepEqual(message.logGroups, [LOCAL_LOGS_PLACE]);
  assert.deepEqual(message.lines.map((line) => line.timestamp), [early.timestamp, late.timestamp]);
  assert.equal(localLogsMessage(trace, []).lines.length, 0);
});

test('a line of the invocation links to the function span by its request id', () => {
  const message = localLogsMessage(trace, [record(`START RequestId: ${requestId} Version: $LATEST`, trace.startEpochMs + 10)]);
  assert.equal(message.lines[0]?.requestId, requestId);
  assert.equal(message.lines[0]?.spanId, functionSpan?.id);
  assert.equal(message.invocations.length, 1);
  assert.equal(message.invocations[0]?.spanId, functionSpan?.id);
});

test('a record that names a span of the trace links to it; an unknown span id is ignored', () => {
  const named = localLogsMessage(trace, [record(appLine, trace.startEpochMs + 100, 'b29b548af4d54a0f')]);
  assert.equal(named.lines[0]?.spanId, 'b29b548af4d54a0f');
  assert.equal(named.lines[0]?.functionName, 'random-name');
  const unknown = localLogsMessage(trace, [record(appLine, trace.startEpochMs + 100, 'ffffffffffffffff')]);
  assert.equal(unknown.lines[0]?.spanId, undefined);
});
