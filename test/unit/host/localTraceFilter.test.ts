// The Traces view's errors-only toggle and filter applied to local traces: summaries of real
// sample traces, built by the same code as the AWS path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildTrace } from '../../../src/core/traceBuilder';
import { summarizeTrace } from '../../../src/core/traceSummaryOf';
import { functionTracesFilter } from '../../../src/core/functionStats';
import { filterLocalSummaries, filterTerms, matchesLocalFilter } from '../../../src/host/local/localTraceFilter';
import type { TraceSummary } from '../../../src/shared/traceModel';

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/xray-segments/${name}`, import.meta.url), 'utf8'));
}

function summaryOf(...names: string[]): TraceSummary {
  return summarizeTrace(buildTrace({ documents: names.map(fixture) }));
}

const lambda = summaryOf('awsdocs-xray-BatchGetTraces-derived-AWS-Lambda-service-segment.json', 'awsdocs-xray-BatchGetTraces-derived-AWS-Lambda-Function-with-Initialization.json');
const failing = summaryOf('otel-contrib-ddbSample-go-sdk-deep-nesting-remote-exceptions.minified.json');
const plain = summaryOf('awsdocs-xray-minimal-complete-segment.json');
const all = [lambda, failing, plain];

test('the samples differ in the ways the filter looks at', () => {
  assert.equal(lambda.status, 'ok');
  assert.notEqual(failing.status, 'ok');
  assert.ok(lambda.services.includes('random-name'), `services: ${lambda.services.join(', ')}`);
});

test('errors only keeps the failing traces, in order', () => {
  const shown = filterLocalSummaries(all, { errorsOnly: true, expression: '' });
  assert.deepEqual(shown.map((s) => s.id), all.filter((s) => s.status !== 'ok').map((s) => s.id));
  assert.ok(shown.includes(failing));
});

test('no filter and no toggle keeps everything', () => {
  assert.deepEqual(filterLocalSummaries(all, { errorsOnly: false, expression: '' }), all);
});

test('a service() expression matches by the quoted name', () => {
  const shown = filterLocalSummaries(all, { errorsOnly: false, expression: 'service("random-name")' });
  assert.deepEqual(shown, [lambda]);
});

test('the handler lens filter (a Lambda function id) matches the function, not its type name', () => {
  const expression = functionTracesFilter('random-name');
  assert.deepEqual(filterTerms(expression).terms, ['random-name']);
  assert.deepEqual(filterLocalSummaries(all, { errorsOnly: false, expression }), [lambda]);
});

test('plain text matches the trace id, entry point or services; AND needs every term, OR one', () => {
  assert.deepEqual(filterLocalSummaries(all, { errorsOnly: false, expression: plain.id.slice(2, 12) }), [plain]);
  const both = `service("random-name") AND service("${failing.services[0] ?? 'x'}")`;
  assert.deepEqual(filterLocalSummaries(all, { errorsOnly: false, expression: both }), []);
  const either = `service("random-name") OR service("${failing.services[0] ?? 'x'}")`;
  assert.deepEqual(filterLocalSummaries(all, { errorsOnly: false, expression: either }), [lambda, failing]);
});

test('errors only and a filter combine', () => {
  assert.equal(matchesLocalFilter(lambda, { errorsOnly: true, expression: 'service("random-name")' }), false);
});

test('escaped quotes inside a value are part of the term', () => {
  assert.deepEqual(filterTerms('annotation.note = "say \\"hi\\""').terms, ['say "hi"']);
});
