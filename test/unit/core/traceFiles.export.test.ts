import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseTraceFile } from '../../../src/core/traceFiles/traceFileParser';
import { buildFileTrace } from '../../../src/core/traceFiles/fileTraceBuilder';
import { traceToDocuments } from '../../../src/core/traceFiles/modelToDocuments';
import { traceToOtlpRequest, otlpTraceId } from '../../../src/core/traceFiles/modelToOtlp';
import { exportFileName, serializeTraces } from '../../../src/core/traceFiles/traceFileExport';
import type { TraceExportFormat } from '../../../src/core/traceFiles/traceFileExport';
import { buildTrace } from '../../../src/core/traceBuilder';
import type { Span, Trace } from '../../../src/shared/traceModel';
import { syntheticTraceDocuments } from '../../builders/syntheticTrace';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { ORDERS_RESOURCE, runOrderScenario } from './otlpScenario';

const FILES = new URL('../../fixtures/trace-files/', import.meta.url);

function sample(name: string): string {
  return readFileSync(new URL(name, FILES), 'utf8');
}

/** Every trace-file sample that holds X-Ray traces. */
const SAMPLES = [
  'awscli-example-batch-get-traces-scorekeep.json',
  'awsdocs-xray-BatchGetTraces-scorekeep-with-lambda.json',
  'grafana-xray-datasource-trace-parsed-documents-dynamodb-error-nodejs-stack.json',
  'awsdocs-xray-daemon-udp-datagram-segment.txt',
  'otel-contrib-serverSample-udp-datagram-with-header.txt',
  'awsdocs-xray-segment-with-embedded-remote-subsegment.json',
  'otel-contrib-ddbSample-go-sdk-deep-nesting-remote-exceptions.minified.json',
  'awsdocs-xray-independent-subsegment.MALFORMED-missing-comma.json',
  'awsdocs-xray-ec2-http-segment.MALFORMED-trailing-comma-unclosed.json',
  'awsdocs-xray-subsegment-sent-separately.MALFORMED-smart-quotes.json',
];

interface Imported {
  trace: Trace;
  documents: Record<string, unknown>[];
}

function importFile(text: string): Imported[] {
  const parsed = parseTraceFile(text);
  return parsed.traces.map((file) => ({ trace: buildFileTrace(file, parsed), documents: file.documents }));
}

/** Plain JSON data (so -0 and 0 compare equal), without the warnings about the file itself. */
function comparable(trace: Trace, options: { warnings: boolean }): unknown {
  const plain = JSON.parse(JSON.stringify(trace)) as Trace;
  const warnings = options.warnings ? plain.warnings.filter((warning) => !warning.message.startsWith('In the file')) : [];
  return { ...plain, warnings };
}

const FORMATS: TraceExportFormat[] = ['batchGetTraces', 'segmentDocuments'];

describe('export → import gives the same trace', () => {
  for (const name of SAMPLES) {
    for (const format of FORMATS) {
      test(`${name} as ${format}, from the raw documents`, () => {
        const before = importFile(sample(name));
        assert.ok(before.length > 0);
        const text = serializeTraces(before, format);
        const after = importFile(text);
        assert.equal(parseTraceFile(text).format, format);
        assert.deepEqual(parseTraceFile(text).problems, []);
        assert.deepEqual(after.map((item) => comparable(item.trace, { warnings: true })), before.map((item) => comparable(item.trace, { warnings: true })));
      });

      test(`${name} as ${format}, from the model alone`, () => {
        const before = importFile(sample(name));
        const text = serializeTraces(before.map((item) => ({ trace: item.trace })), format);
        const after = importFile(text);
        assert.deepEqual(after.map((item) => comparable(item.trace, { warnings: false })), before.map((item) => comparable(item.trace, { warnings: false })));
      });
    }
  }

  test('generated traces of every shape survive the model round trip', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const original = buildTrace({ documents: syntheticTraceDocuments(30 + seed * 50, seed) });
      const again = buildTrace({ documents: traceToDocuments(original) });
      const strip = (trace: Trace): unknown => {
        const plain = JSON.parse(JSON.stringify(trace)) as Trace;
        return { ...plain, warnings: [], spans: plain.spans.map((span) => ({ ...span, clockSkew: false })) };
      };
      assert.deepEqual(strip(again), strip(original), `seed ${seed}`);
    }
  });

  test('spans, times, statuses and causes are what the file said', () => {
    const [imported] = importFile(sample('otel-contrib-ddbSample-go-sdk-deep-nesting-remote-exceptions.minified.json'));
    assert.ok(imported);
    const documents = traceToDocuments(imported.trace);
    const again = buildTrace({ documents: JSON.parse(JSON.stringify(documents)) as unknown[] });
    const failing = again.spans.filter((span) => span.status !== 'ok');
    assert.ok(failing.length > 0);
    for (const span of failing) {
      const original: Span | undefined = imported.trace.spans.find((item) => item.id === span.id);
      assert.deepEqual(span.cause, original?.cause);
      assert.equal(span.startMs, original?.startMs);
      assert.equal(span.endMs, original?.endMs);
    }
  });

  test('BatchGetTraces export keeps the API shape, Documents as JSON strings', () => {
    const before = importFile(sample('awsdocs-xray-BatchGetTraces-scorekeep-with-lambda.json'));
    const written = JSON.parse(serializeTraces(before, 'batchGetTraces')) as { Traces: { Id: string; Duration: number; Segments: { Id: string; Document: unknown }[] }[]; UnprocessedTraceIds: unknown[] };
    assert.equal(written.Traces[0]?.Id, '1-59602603-23fc5b688855d396af79b496');
    assert.equal(written.Traces[0]?.Duration, 3.232);
    assert.ok(written.Traces[0]?.Segments.every((segment) => typeof segment.Document === 'string' && segment.Id === (JSON.parse(segment.Document as string) as { id: string }).id));
    assert.deepEqual(written.UnprocessedTraceIds, []);
  });

  test('file names carry the trace id and the format', () => {
    assert.equal(exportFileName('1-5759e988-bd862e3fe1be46a994272793', 'batchGetTraces'), 'trace-1-5759e988-bd862e3fe1be46a994272793.json');
    assert.equal(exportFileName('1-5759e988-bd862e3fe1be46a994272793', 'otlpJson'), 'trace-1-5759e988-bd862e3fe1be46a994272793.otlp.json');
    assert.equal(exportFileName('../../etc/passwd', 'segmentDocuments'), 'trace-.._.._etc_passwd.segments.json');
  });
});

describe('OTLP JSON export', () => {
  test('ids, times, statuses, exceptions and links follow OTLP/JSON', () => {
    const [imported] = importFile(sample('grafana-xray-datasource-trace-parsed-documents-dynamodb-error-nodejs-stack.json'));
    assert.ok(imported);
    const request = traceToOtlpRequest(imported.trace) as { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
    const spans = request.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
    assert.equal(spans.length, imported.trace.spans.length);
    for (const span of spans) {
      assert.equal(span['traceId'], '5ee20a4abab71b6bbc0660dba2adab3e');
      assert.match(String(span['spanId']), /^[0-9a-f]{16}$/);
      const model: Span | undefined = imported.trace.spans.find((item) => item.name === span['name']);
      assert.ok(model);
      const startNs = BigInt(String(span['startTimeUnixNano']));
      assert.equal(startNs, BigInt(Math.round((imported.trace.startEpochMs + model.startMs) * 1000)) * 1000n);
    }
    const failing = spans.filter((span) => (span['status'] as { code: number }).code === 2);
    assert.ok(failing.length > 0);
    const events = failing.flatMap((span) => span['events'] as { name: string; attributes: { key: string; value: { stringValue?: string } }[] }[]);
    const stack = events.flatMap((event) => event.attributes).find((attribute) => attribute.key === 'exception.stacktrace');
    assert.match(stack?.value.stringValue ?? '', /\n {4}at .+:\d+/);
    assert.ok(request.resourceSpans.some((resource) => resource.resource.attributes.some((attribute) => attribute.key === 'service.name' && attribute.value.stringValue === 'myfrontend-dev')));
  });

  /** What OTLP can carry of an X-Ray span, and the mapping back to X-Ray restores. */
  function otlpView(trace: Trace): unknown[] {
    const plain = JSON.parse(JSON.stringify(trace)) as Trace;
    return plain.spans.map((span) => ({
      id: span.id,
      name: span.name,
      parent: span.parentId ?? span.declaredParentId,
      startMs: span.startMs,
      endMs: span.endMs,
      failed: span.status !== 'ok',
      exceptions: span.cause?.exceptions.map((exception) => ({ type: exception.type, message: exception.message, stack: exception.stack })) ?? [],
    }));
  }

  for (const name of SAMPLES.filter((item) => !item.includes('MALFORMED'))) {
    test(`${name}: X-Ray → OTLP JSON → X-Ray keeps ids, tree, times, failures and exceptions`, () => {
      const before = importFile(sample(name));
      const text = serializeTraces(before, 'otlpJson');
      const parsed = parseTraceFile(text);
      assert.equal(parsed.format, 'otlpJson');
      assert.deepEqual(parsed.problems, []);
      const after = importFile(text);
      assert.deepEqual(after.map((item) => item.trace.id), before.map((item) => item.trace.id));
      assert.deepEqual(after.map((item) => otlpView(item.trace)), before.map((item) => otlpView(item.trace)));
    });
  }

  test('an OTLP file round-trips through every export format', () => {
    const before = importFile(sample('opentelemetry-proto-examples-trace.json'));
    assert.equal(before[0]?.trace.id, '1-5b8efff7-98038103d269b633813fc60c');
    assert.deepEqual(before[0]?.trace.spans.map((span) => [span.name, span.durationMs]), [['my.service', 1000]]);
    for (const format of ['batchGetTraces', 'segmentDocuments', 'otlpJson'] as const) {
      const after = importFile(serializeTraces(before, format));
      assert.deepEqual(after.map((item) => otlpView(item.trace)), before.map((item) => otlpView(item.trace)), format);
    }
  });

  test('stack columns of an OpenTelemetry trace: kept by the OTLP export, left out of X-Ray documents', async () => {
    // A real OTLP/JSON body from the OpenTelemetry SDK, with an exception recorded by `recordException`.
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ resource: resourceFromAttributes(ORDERS_RESOURCE), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const result = runOrderScenario(provider.getTracer('orders'), provider.getTracer('notifier'));
    await provider.forceFlush();
    const body = JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans());
    assert.ok(body);
    const stackOf = (imported: Imported[]): Array<{ line?: number; column?: number; label?: string }> => {
      const validate = imported.flatMap((item) => item.trace.spans).find((item) => item.id === result.validate.spanId);
      return (validate?.cause?.exceptions[0]?.stack ?? []).map((frame) => ({ line: frame.line, column: frame.column, label: frame.label }));
    };
    const before = importFile(new TextDecoder().decode(body));
    const frames = stackOf(before);
    assert.ok(frames.length > 0 && frames[0]?.column !== undefined, JSON.stringify(frames));

    assert.deepEqual(stackOf(importFile(serializeTraces(before, 'otlpJson'))), frames, 'OTLP keeps line and column in the stack text');
    const withoutColumns = frames.map(({ column: _column, ...rest }) => rest);
    for (const format of FORMATS) {
      for (const input of [before, before.map((item) => ({ trace: item.trace }))]) {
        const text = serializeTraces(input, format);
        assert.doesNotMatch(text, /\\?"column\\?"/, `${format}: X-Ray stack frames have no column field`);
        assert.deepEqual(stackOf(importFile(text)).map((frame) => JSON.parse(JSON.stringify(frame)) as unknown), withoutColumns.map((frame) => JSON.parse(JSON.stringify(frame)) as unknown), format);
      }
    }
    assert.match(JSON.stringify(before[0]?.documents), /"column"/, 'the raw documents mapped from OTLP still hold the column (the export leaves it out)');
  });

  test('W3C and X-Ray ids are the same 128 bits', () => {
    assert.equal(otlpTraceId('1-5759e988-bd862e3fe1be46a994272793'), '5759e988bd862e3fe1be46a994272793');
    assert.match(otlpTraceId('1-12345678-1234567890abcdefghijklmn'), /^[0-9a-f]{32}$/);
  });
});
