import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseTraceFile } from '../../../src/core/traceFiles/traceFileParser';
import { sniffTraceFormat } from '../../../src/core/traceFiles/traceFileSniff';
import { buildFileTrace } from '../../../src/core/traceFiles/fileTraceBuilder';
import { readJsonValues } from '../../../src/core/traceFiles/jsonText';
import type { ParsedTraceFile } from '../../../src/core/traceFiles/traceFileTypes';

const FILES = new URL('../../fixtures/trace-files/', import.meta.url);

function sample(name: string): string {
  return readFileSync(new URL(name, FILES), 'utf8');
}

const CLI = 'awscli-example-batch-get-traces-scorekeep.json';
const LAMBDA = 'awsdocs-xray-BatchGetTraces-scorekeep-with-lambda.json';
const GRAFANA = 'grafana-xray-datasource-trace-parsed-documents-dynamodb-error-nodejs-stack.json';
const LAMBDA_TRACE = '1-59602603-23fc5b688855d396af79b496';
const CLI_TRACE = '1-5d82881a-0a9126e92a73e971eed891b9';

/** The `Document` strings of a BatchGetTraces sample. */
function documentStrings(name: string): string[] {
  const page = JSON.parse(sample(name)) as { Traces: { Segments: { Document: string }[] }[] };
  return page.Traces.flatMap((trace) => trace.Segments.map((segment) => segment.Document));
}

function summary(parsed: ParsedTraceFile): { format: string | undefined; traces: [string, number][] } {
  return { format: parsed.format, traces: parsed.traces.map((trace) => [trace.id, trace.documents.length]) };
}

function spanCount(parsed: ParsedTraceFile, index = 0): number {
  const file = parsed.traces[index];
  assert.ok(file, `trace ${index} is in the file`);
  return buildFileTrace(file, parsed).spans.length;
}

describe('trace file formats, detected by content', () => {
  test('a saved BatchGetTraces response', () => {
    const parsed = parseTraceFile(sample(LAMBDA));
    assert.deepEqual(summary(parsed), { format: 'batchGetTraces', traces: [[LAMBDA_TRACE, 5]] });
    assert.deepEqual(parsed.problems, []);
    const trace = buildFileTrace(parsed.traces[0]!, parsed);
    assert.equal(trace.id, LAMBDA_TRACE);
    assert.equal(trace.spans.length, 11);
    assert.equal(trace.coldStart, true, 'the Initialization subsegment marks the cold start');
    assert.deepEqual(trace.warnings, []);
  });

  test('aws xray batch-get-traces output, several pages concatenated', () => {
    const text = `${sample(CLI)}\n${sample(LAMBDA)}`;
    const parsed = parseTraceFile(text);
    assert.deepEqual(summary(parsed), { format: 'batchGetTraces', traces: [[CLI_TRACE, 2], [LAMBDA_TRACE, 5]] });
    assert.match(parsed.description, /2 pages/);
    assert.deepEqual(parsed.problems, []);
  });

  test('pages as a JSON array, and the same trace on two pages merges', () => {
    const text = `[${sample(CLI)}, ${sample(CLI)}, ${sample(LAMBDA)}]`;
    const parsed = parseTraceFile(text);
    assert.deepEqual(summary(parsed), { format: 'batchGetTraces', traces: [[CLI_TRACE, 4], [LAMBDA_TRACE, 5]] });
    assert.equal(spanCount(parsed, 0), 3, 'duplicate documents give the spans once');
  });

  test('a bare trace object whose Documents are objects', () => {
    const parsed = parseTraceFile(sample(GRAFANA));
    assert.deepEqual(summary(parsed), { format: 'batchGetTraces', traces: [['1-5ee20a4a-bab71b6bbc0660dba2adab3e', 2]] });
    const trace = buildFileTrace(parsed.traces[0]!, parsed);
    assert.ok(trace.spans.some((span) => span.cause?.exceptions.some((exception) => exception.stack.length > 0)));
  });

  test('segment documents: JSON array of objects, of JSON strings, and one per line', () => {
    const strings = documentStrings(LAMBDA);
    const objects = strings.map((text) => JSON.parse(text) as unknown);
    for (const [shape, text] of [
      ['array of objects', JSON.stringify(objects, null, 2)],
      ['array of strings', JSON.stringify(strings)],
      ['newline-delimited', `${objects.map((doc) => JSON.stringify(doc)).join('\n')}\n`],
    ] as const) {
      const parsed = parseTraceFile(text);
      assert.deepEqual(summary(parsed), { format: 'segmentDocuments', traces: [[LAMBDA_TRACE, 5]] }, shape);
      assert.deepEqual(parsed.problems, [], shape);
      assert.equal(spanCount(parsed), 11, shape);
    }
  });

  test('documents of several traces are grouped by trace_id', () => {
    const lines = [...documentStrings(CLI), ...documentStrings(LAMBDA)].map((text) => JSON.stringify(JSON.parse(text)));
    const parsed = parseTraceFile(lines.reverse().join('\n'));
    assert.deepEqual(new Set(parsed.traces.map((trace) => trace.id)), new Set([CLI_TRACE, LAMBDA_TRACE]));
  });

  test('a single segment document', () => {
    const parsed = parseTraceFile(sample('awsdocs-xray-segment-with-embedded-remote-subsegment.json'));
    assert.deepEqual(summary(parsed), { format: 'segmentDocuments', traces: [['1-5759e988-bd862e3fe1be46a994272793', 1]] });
    assert.equal(spanCount(parsed), 2);
    const deep = parseTraceFile(sample('otel-contrib-ddbSample-go-sdk-deep-nesting-remote-exceptions.minified.json'));
    assert.equal(spanCount(deep), 18);
  });

  test('X-Ray daemon datagrams: the real samples, and a stream of them', () => {
    for (const name of ['awsdocs-xray-daemon-udp-datagram-segment.txt', 'otel-contrib-serverSample-udp-datagram-with-header.txt']) {
      const parsed = parseTraceFile(sample(name));
      assert.equal(parsed.format, 'daemonDatagrams', name);
      assert.equal(spanCount(parsed), 1, name);
      assert.deepEqual(parsed.problems, [], name);
    }
    const stream = documentStrings(LAMBDA).map((doc) => `{"format":"json","version":1}\n${doc}`).join('\n');
    const parsed = parseTraceFile(stream);
    assert.deepEqual(summary(parsed), { format: 'daemonDatagrams', traces: [[LAMBDA_TRACE, 5]] });
    assert.equal(spanCount(parsed), 11);
  });

  test('a datagram with a wrong header is read, with a warning naming its line', () => {
    const [first, second] = documentStrings(LAMBDA);
    const parsed = parseTraceFile(`{"format":"json","version":1}\n${first}\n{"format":"xml","version":2}\n${second}\n`);
    assert.equal(parsed.traces[0]?.documents.length, 2);
    assert.equal(parsed.problems.length, 1);
    assert.equal(parsed.problems[0]?.code, 'invalidHeader');
    assert.equal(parsed.problems[0]?.line, 4);
  });

  test('OTLP JSON and the file exporter form are recognised', () => {
    const otlp = sample('opentelemetry-proto-examples-trace.json');
    const lines = `${JSON.stringify(JSON.parse(otlp))}\n${JSON.stringify(JSON.parse(otlp))}\n`;
    for (const text of [otlp, lines]) {
      const seen: unknown[] = [];
      const parsed = parseTraceFile(text, {
        otlpToDocuments: (request) => {
          seen.push(request);
          return { documents: [], warnings: [] };
        },
      });
      assert.equal(parsed.format, 'otlpJson');
      assert.equal(sniffTraceFormat(text), 'otlpJson');
      assert.ok(seen.length >= 1);
      assert.ok((seen[0] as { resourceSpans: unknown[] }).resourceSpans.length === 1, 'the mapper is handed the whole request');
    }
  });

  test('files that are not traces say so and name what they found', () => {
    const parsed = parseTraceFile(sample('awsdocs-xray-GetTraceSummaries-scorekeep.json'));
    assert.equal(parsed.format, undefined);
    assert.deepEqual(parsed.traces, []);
    assert.match(parsed.problems[0]?.message ?? '', /not a trace.*TraceSummaries/);
    assert.equal(sniffTraceFormat(sample('awsdocs-xray-GetTraceSummaries-scorekeep.json')), undefined);
    assert.deepEqual(parseTraceFile('').problems.map((problem) => problem.message), ['the file is empty']);
  });

  test('the sniff recognises each format from the start of the file only', () => {
    assert.equal(sniffTraceFormat(sample(LAMBDA).slice(0, 300)), 'batchGetTraces');
    assert.equal(sniffTraceFormat(sample(CLI)), 'batchGetTraces');
    assert.equal(sniffTraceFormat(sample(GRAFANA)), 'batchGetTraces');
    assert.equal(sniffTraceFormat(sample('otel-contrib-serverSample-udp-datagram-with-header.txt')), 'daemonDatagrams');
    assert.equal(sniffTraceFormat(sample('awsdocs-xray-segment-with-embedded-remote-subsegment.json')), 'segmentDocuments');
    assert.equal(sniffTraceFormat(JSON.stringify(documentStrings(LAMBDA))), 'segmentDocuments');
    assert.equal(sniffTraceFormat('{"name": "my-package", "version": "1.0.0"}'), undefined);
    assert.equal(sniffTraceFormat('plain text'), undefined);
  });
});

describe('malformed trace files: located problems, nothing readable lost', () => {
  test('a missing comma is reported at its line and the document is kept whole', () => {
    const parsed = parseTraceFile(sample('awsdocs-xray-independent-subsegment.MALFORMED-missing-comma.json'));
    assert.deepEqual(parsed.problems.map((problem) => [problem.code, problem.line, problem.column]), [['malformedJson', 8, 3]]);
    assert.match(parsed.problems[0]?.message ?? '', /^line 8, column 3: a comma is missing/);
    const document = parsed.traces[0]?.documents[0];
    assert.equal(document?.['parent_id'], 'defdfd9912dc5a56', 'the member after the missing comma is read');
    assert.equal(document?.['namespace'], 'remote');
  });

  test('a trailing comma and an unclosed object: both reported, the segment is built', () => {
    const parsed = parseTraceFile(sample('awsdocs-xray-ec2-http-segment.MALFORMED-trailing-comma-unclosed.json'));
    assert.deepEqual(parsed.problems.map((problem) => problem.line), [16, 1]);
    assert.match(parsed.problems[1]?.message ?? '', /not closed before the end of the file/);
    const trace = buildFileTrace(parsed.traces[0]!, parsed);
    assert.equal(trace.spans[0]?.http?.response?.status, 200, 'members after the trailing comma are read');
    assert.ok(trace.warnings.some((warning) => warning.code === 'malformedJson' && warning.message.includes('line 16')), 'the timeline lists the file problems');
  });

  test('typographic quotes are read as strings and reported', () => {
    const parsed = parseTraceFile(sample('awsdocs-xray-subsegment-sent-separately.MALFORMED-smart-quotes.json'));
    const document = parsed.traces[0]?.documents[0];
    assert.equal(document?.['end_time'], 1.478293361449e9);
    assert.equal(document?.['type'], 'subsegment');
    assert.ok(parsed.problems.some((problem) => problem.message.includes('typographic quotes') && problem.line === 6));
  });

  test('a truncated line of NDJSON costs only that line', () => {
    const lines = documentStrings(LAMBDA).map((text) => JSON.stringify(JSON.parse(text)));
    const broken = [...lines];
    broken[2] = broken[2]!.slice(0, 40);
    const parsed = parseTraceFile(broken.join('\n'));
    assert.equal(parsed.traces[0]?.documents.length, 5, 'the truncated document is kept as far as it goes');
    assert.ok(parsed.problems.every((problem) => problem.line === 3), JSON.stringify(parsed.problems));
    const trace = buildFileTrace(parsed.traces[0]!, parsed);
    const intact = parseTraceFile(lines.filter((_, index) => index !== 2).join('\n'));
    const intactIds = buildFileTrace(intact.traces[0]!, intact).spans.map((span) => span.id);
    const ids = new Set(trace.spans.map((span) => span.id));
    assert.ok(intactIds.length > 0 && intactIds.every((id) => ids.has(id)), 'every span of the other lines is there');
  });

  test('a broken Document string inside a BatchGetTraces response is located by path and column', () => {
    const page = JSON.parse(sample(LAMBDA)) as { Traces: { Segments: { Document: string }[] }[] };
    const segment = page.Traces[0]!.Segments[1]!;
    segment.Document = segment.Document.replace('"name":', '"name"');
    const parsed = parseTraceFile(JSON.stringify(page, null, 2));
    assert.equal(parsed.problems.length >= 1, true);
    assert.match(parsed.problems[0]?.message ?? '', /Traces\[0\]\.Segments\[1\]\.Document: column \d+ of the string: expected :/);
    assert.equal(parsed.traces[0]?.documents.length, 5);
  });

  test('garbage between valid values is skipped with its line', () => {
    const [first, second] = documentStrings(CLI);
    const parsed = parseTraceFile(`${first}\nthis is not json\n${second}\n`);
    assert.equal(parsed.traces[0]?.documents.length, 2);
    assert.deepEqual(parsed.problems.map((problem) => [problem.line, problem.column]), [[2, 1]]);
  });

  test('random bytes never throw', () => {
    let seed = 7;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const alphabet = '{}[]",:\\n tfnul0123456789-.eE"abc\u201c\u201d';
    const base = sample(CLI);
    for (let round = 0; round < 300; round++) {
      const chars = [...base.slice(0, 400 + (next() % 400))];
      for (let k = 0; k < 8; k++) chars[next() % chars.length] = alphabet[next() % alphabet.length]!;
      const parsed = parseTraceFile(chars.join(''));
      for (const file of parsed.traces) buildFileTrace(file, parsed);
    }
  });

  test('deeply nested input does not overflow the stack', () => {
    const text = `${'['.repeat(100_000)}`;
    const result = readJsonValues(text);
    assert.ok(result.problems.length > 0);
  });
});
