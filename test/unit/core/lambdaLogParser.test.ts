import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseLambdaLogLine, traceIdsIn } from '../../../src/core/lambdaLogParser';
import type { ParsedLogLine } from '../../../src/shared/logModel';
import { eventsOf, sampleFiles } from './lambdaLogSamples';

function parseFile(file: string): ParsedLogLine[] {
  return eventsOf(file).map((e) => parseLambdaLogLine(e.message, e.timestamp === undefined ? undefined : { timestamp: e.timestamp }));
}

function kindCounts(lines: ParsedLogLine[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const l of lines) {
    const key = l.kind === 'platformJson' ? `platformJson:${l.event}` : l.kind;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function only<K extends ParsedLogLine['kind']>(lines: ParsedLogLine[], kind: K): Array<Extract<ParsedLogLine, { kind: K }>> {
  return lines.filter((l): l is Extract<ParsedLogLine, { kind: K }> => l.kind === kind);
}

// Kinds per sample (see lambdaLogSamples.eventsOf for how each file is split into events).
const EXPECTED_KINDS: Record<string, Record<string, number>> = {
  'awscli-example-get-log-events-response.json': { app: 3 },
  'awsdocs-lambda-go-log-format.log': { start: 1, app: 20, end: 1, report: 1 },
  'awsdocs-lambda-java-context-logger.log': { start: 1, app: 25, end: 1, report: 1 },
  'awsdocs-lambda-java-log4j2-format.log': { start: 1, app: 14 },
  // app: the `function` record "Hello World" and logsDropped (doc bug: a missing colon).
  'awsdocs-lambda-logs-api-platform-events-2020-2021.txt': { app: 2, 'platformJson:start': 1, 'platformJson:end': 1, 'platformJson:report': 1, 'platformJson:fault': 1, 'platformJson:other': 2, 'platformJson:runtimeDone': 3 },
  'awsdocs-lambda-nodejs-get-log-events-output.MULTIDOC.txt': { start: 1, app: 2, end: 1, report: 1 },
  'awsdocs-lambda-nodejs-invoke-tail-decoded-LogResult.log': { start: 1, app: 1, end: 1, report: 1 },
  'awsdocs-lambda-nodejs-text-log-with-xray-report.log': { start: 1, app: 16, end: 1, report: 1 },
  'awsdocs-lambda-python-logging-module-format.log': { start: 1, app: 4, end: 1, report: 1 },
  'awsdocs-lambda-python-print-log-with-xray-line.log': { start: 1, app: 4, end: 1, report: 1 },
  'awsdocs-lambda-ruby-log-format.log': { start: 1, app: 13, end: 1, report: 1 },
  'awsdocs-lambda-telemetry-api-event-examples-2022.txt': { 'platformJson:initStart': 1, 'platformJson:initRuntimeDone': 1, 'platformJson:initReport': 1, 'platformJson:start': 1, 'platformJson:runtimeDone': 1, 'platformJson:report': 1, 'platformJson:other': 3 },
  'danwakeem-telemetry-api-stream-suppressed-init-ImportModuleError.txt': { 'platformJson:initStart': 2, 'platformJson:other': 2, invokeError: 1 },
  'embr-logs-insights-GetQueryResults-results-lambda-START-END-REPORT-INIT_START.json': { end: 12, report: 12, app: 13, start: 12, initStart: 1 },
  'powertools-python-logger-inject_lambda_context_output.json': { app: 2 },
  'powertools-python-logger-logging_exceptions_output.json': { app: 1 },
  'powertools-python-logger-logging_uncaught_exceptions_output.json': { app: 1 },
  'powertools-python-logger-set_correlation_id_output.json': { app: 1 },
  'powertools-ts-logger-correlation-id-output.json': { app: 1 },
  'powertools-ts-logger-debug-sampling-output.json': { app: 4 },
  'powertools-ts-logger-logEvent-output-cold-start-xray.json': { app: 1 },
};

describe('parseLambdaLogLine over every real sample', () => {
  test('every fixture has an expectation', () => {
    assert.deepEqual(sampleFiles(), Object.keys(EXPECTED_KINDS).sort());
  });
  for (const file of sampleFiles()) {
    test(`${file}: kinds, raw kept`, () => {
      const events = eventsOf(file);
      const lines = parseFile(file);
      assert.deepEqual(kindCounts(lines), EXPECTED_KINDS[file]);
      lines.forEach((line, i) => assert.equal(line.raw, events[i]?.message));
    });
  }

  test('Node text REPORT with XRAY: durations, memory, init, trace id', () => {
    const lines = parseFile('awsdocs-lambda-nodejs-text-log-with-xray-report.log');
    const [report] = only(lines, 'report');
    assert.ok(report);
    assert.deepEqual({ ...report, raw: '' }, {
      kind: 'report', raw: '', requestId: 'c793869b-ee49-115b-a5b6-4fd21e8dedac', durationMs: 128.83, billedDurationMs: 200, memorySizeMb: 128,
      maxMemoryUsedMb: 74, initDurationMs: 166.62, xrayTraceId: '1-5d9d007f-0a8c7fd02xmpl480aed55ef0', segmentId: '3d752xmpl1bbe37e', sampled: true,
    });
    assert.deepEqual(traceIdsIn(report), ['1-5d9d007f-0a8c7fd02xmpl480aed55ef0']);
    const warn = only(lines, 'app').find((l) => l.level === 'warn');
    assert.equal(warn?.message, 'Event not processed.');
    assert.equal(warn?.requestId, 'c793869b-ee49-115b-a5b6-4fd21e8dedac');
    assert.equal(warn?.timestamp, Date.parse('2019-06-07T19:11:20.564Z'));
  });

  test('XRAY part on its own line (Python, Go, Ruby) and tabs rendered as spaces', () => {
    for (const file of ['awsdocs-lambda-python-print-log-with-xray-line.log', 'awsdocs-lambda-go-log-format.log', 'awsdocs-lambda-ruby-log-format.log', 'awsdocs-lambda-python-logging-module-format.log']) {
      const [report] = only(parseFile(file), 'report');
      assert.match(report?.xrayTraceId ?? '', /^1-/, file);
      assert.equal(report?.sampled, true, file);
      assert.ok((report?.initDurationMs ?? 0) > 100, file);
    }
    const [tail] = only(parseFile('awsdocs-lambda-nodejs-invoke-tail-decoded-LogResult.log'), 'report');
    assert.equal(tail?.durationMs, 79.67);
    assert.equal(tail?.maxMemoryUsedMb, 73);
    assert.equal(tail?.initDurationMs, undefined);
  });

  test('Python logging format and Java log4j2 lines carry level, time and request id', () => {
    const python = only(parseFile('awsdocs-lambda-python-logging-module-format.log'), 'app')[0];
    assert.equal(python?.level, 'info');
    assert.equal(python?.requestId, '1c8df7d3-xmpl-46da-9778-518e6eca8125');
    assert.equal(python?.message, '## ENVIRONMENT VARIABLES');
    const java = only(parseFile('awsdocs-lambda-java-log4j2-format.log'), 'app')[0];
    assert.equal(java?.level, 'info');
    assert.equal(java?.requestId, '6bc28136-xmpl-4365-b021-0ce6b2e64ab0');
  });

  test('GetLogEvents messages: trailing \\t\\n, \\r inside one event, JSON message', () => {
    const lines = parseFile('awsdocs-lambda-nodejs-get-log-events-output.MULTIDOC.txt');
    const [report] = only(lines, 'report');
    assert.equal(report?.billedDurationMs, 27);
    assert.equal(report?.timestamp, 1559763003218);
    const event = only(lines, 'app')[1];
    assert.equal(event?.message.startsWith('EVENT\r{'), true);
  });

  test('suppressed init telemetry: initStart phase invoke, then Runtime.ImportModuleError', () => {
    const lines = parseFile('danwakeem-telemetry-api-stream-suppressed-init-ImportModuleError.txt');
    const phases = only(lines, 'platformJson').filter((l) => l.event === 'initStart').map((l) => l.phase);
    assert.deepEqual(phases, ['init', 'invoke']);
    const [error] = only(lines, 'invokeError');
    assert.equal(error?.errorType, 'Runtime.ImportModuleError');
    assert.equal(error?.requestId, undefined);
    assert.ok((error?.frames.length ?? 0) > 0);
    assert.ok(error?.stack.some((s) => s.includes('_loadUserApp')));
  });

  test('telemetry reference quirks: start typed initStart, trailing comma in report', () => {
    const lines = only(parseFile('awsdocs-lambda-telemetry-api-event-examples-2022.txt'), 'platformJson');
    const start = lines.find((l) => l.event === 'start');
    assert.equal(start?.type, 'platform.initStart');
    assert.equal(start?.requestId, '6d68ca91-49c9-448d-89b8-7ca3e6dc66aa');
    assert.deepEqual(start && traceIdsIn(start), ['1-62e900b2-710d76f009d6e7785905449a']);
    const report = lines.find((l) => l.event === 'report');
    assert.deepEqual([report?.durationMs, report?.billedDurationMs, report?.memorySizeMb, report?.maxMemoryUsedMb, report?.initDurationMs], [693.92, 694, 128, 84, 397.68]);
  });

  test('legacy Logs API: fault and runtimeDone statuses', () => {
    const lines = only(parseFile('awsdocs-lambda-logs-api-platform-events-2020-2021.txt'), 'platformJson');
    assert.deepEqual(lines.filter((l) => l.event === 'runtimeDone').map((l) => l.status), ['success', 'failure', 'timeout']);
    const fault = lines.find((l) => l.event === 'fault');
    assert.equal(fault?.requestId, 'd783b35e-a91d-4251-af17-035953428a2c');
  });

  test('Logs Insights results: INIT_START, init-phase line without request id', () => {
    const lines = parseFile('embr-logs-insights-GetQueryResults-results-lambda-START-END-REPORT-INIT_START.json');
    const [init] = only(lines, 'initStart');
    assert.equal(init?.runtimeVersion, 'nodejs:18.v18');
    assert.match(init?.runtimeVersionArn ?? '', /^arn:aws:lambda:us-east-2::runtime:/);
    const loading = only(lines, 'app').find((l) => l.message === 'Loading function');
    assert.equal(loading?.requestId, undefined);
    assert.equal(only(lines, 'report').filter((r) => r.initDurationMs === 145.69).length, 1);
  });

  test('Powertools fields (TS and Python)', () => {
    const [ts] = only(parseFile('powertools-ts-logger-logEvent-output-cold-start-xray.json'), 'app');
    assert.deepEqual(ts?.powertools, { xrayTraceId: '1-66bc8205-21f8b5190da519d22b2b0533', coldStart: true, functionRequestId: '0a9df60d-e2de-447d-ba3e-45f149eae6c9', service: 'service_undefined' });
    assert.equal(ts?.requestId, '0a9df60d-e2de-447d-ba3e-45f149eae6c9');
    assert.deepEqual(ts && traceIdsIn(ts), ['1-66bc8205-21f8b5190da519d22b2b0533']);
    const [py] = only(parseFile('powertools-python-logger-set_correlation_id_output.json'), 'app');
    assert.equal(py?.powertools?.correlationId, 'correlation_id_value');
    assert.equal(py?.timestamp, Date.parse('2021-05-03T11:47:12.494Z'));
    const sampling = only(parseFile('powertools-ts-logger-debug-sampling-output.json'), 'app');
    assert.deepEqual(sampling.map((l) => l.level), ['error', 'debug', 'info', 'warn']);
    assert.deepEqual(traceIdsIn(sampling[0] as ParsedLogLine), [], 'placeholder id is not a trace id');
    const [uncaught] = only(parseFile('powertools-python-logger-logging_uncaught_exceptions_output.json'), 'app');
    assert.equal(uncaught?.errorType, 'HTTPError');
    assert.ok((uncaught?.stack?.length ?? 0) > 0);
  });
});

describe('parseLambdaLogLine on formats written out', () => {
  test('timeout lines', () => {
    const line = parseLambdaLogLine('2019-06-05T19:30:03.173Z 4ce9340a-b765-490f-ad8a-02ab3415e2bf Task timed out after 5.01 seconds\n\n');
    assert.equal(line.kind, 'timeout');
    assert.equal(line.kind === 'timeout' && line.seconds, 5.01);
    assert.equal(line.requestId, '4ce9340a-b765-490f-ad8a-02ab3415e2bf');
    const response = parseLambdaLogLine('{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: abc-1 Error: Task timed out after 3.00 seconds"}');
    assert.equal(response.kind, 'app');
  });

  test('runtime exits: signal killed, Runtime.ExitError, process exited', () => {
    const killed = parseLambdaLogLine('RequestId: 8f5a-1 Error: Runtime exited with error: signal: killed\nRuntime.ExitError');
    assert.equal(killed.kind, 'outOfMemory');
    assert.equal(killed.requestId, '8f5a-1');
    const status = parseLambdaLogLine('RequestId: 8f5a-2 Error: Runtime exited with error: exit status 1\nRuntime.ExitError');
    assert.deepEqual([status.kind, status.kind === 'runtimeExit' && status.errorType], ['runtimeExit', 'Runtime.ExitError']);
    const legacy = parseLambdaLogLine('RequestId: 8f5a-3 Process exited before completing request');
    assert.equal(legacy.kind, 'runtimeExit');
  });

  test('REPORT with Status: timeout, SnapStart Restore Duration', () => {
    const timeout = parseLambdaLogLine('REPORT RequestId: r1\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\tStatus: timeout\n');
    assert.equal(timeout.kind === 'report' && timeout.status, 'timeout');
    const oom = parseLambdaLogLine('REPORT RequestId: r2\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB\tStatus: error\tError Type: Runtime.OutOfMemory\n');
    assert.equal(oom.kind === 'report' && oom.errorType, 'Runtime.OutOfMemory');
    const snap = parseLambdaLogLine('REPORT RequestId: r3\tDuration: 200.12 ms\tBilled Duration: 423 ms\tMemory Size: 512 MB\tMax Memory Used: 150 MB\tRestore Duration: 222.05 ms\tBilled Restore Duration: 222 ms\t\n');
    assert.deepEqual(snap.kind === 'report' && [snap.restoreDurationMs, snap.initDurationMs, snap.durationMs], [222.05, undefined, 200.12]);
  });

  test('JSON platform.report with status timeout and errorType', () => {
    const line = parseLambdaLogLine(JSON.stringify({ time: '2024-01-01T00:00:03.000Z', type: 'platform.report', record: { requestId: 'r4', status: 'timeout', errorType: 'Sandbox.Timedout', metrics: { durationMs: 3000.5, billedDurationMs: 3000, memorySizeMB: 128, maxMemoryUsedMB: 70 } } }));
    assert.equal(line.kind, 'platformJson');
    if (line.kind !== 'platformJson') return;
    assert.deepEqual([line.event, line.requestId, line.status, line.errorType, line.durationMs, line.timestamp], ['report', 'r4', 'timeout', 'Sandbox.Timedout', 3000.5, Date.parse('2024-01-01T00:00:03.000Z')]);
  });

  test('Node Invoke Error and Python unhandled error records', () => {
    const node = parseLambdaLogLine('2024-05-01T10:00:00.000Z\tr5\tERROR\tInvoke Error \t{"errorType":"TypeError","errorMessage":"x is not a function","stack":["TypeError: x is not a function","    at Runtime.handler (/var/task/index.js:25:11)"]}\n');
    assert.equal(node.kind, 'invokeError');
    if (node.kind === 'invokeError') {
      assert.deepEqual([node.errorType, node.errorMessage, node.requestId, node.frames[0]?.line], ['TypeError', 'x is not a function', 'r5', 25]);
    }
    const python = parseLambdaLogLine("[ERROR] KeyError: 'id'\rTraceback (most recent call last):\r\u00a0\u00a0File \"/var/task/app.py\", line 12, in handler\r\u00a0\u00a0\u00a0\u00a0return event['id']");
    assert.equal(python.kind, 'invokeError');
    assert.equal(python.kind === 'invokeError' && python.errorType, 'KeyError');
    const pyJson = parseLambdaLogLine('{"timestamp":"2024-05-01T10:00:00Z","log_level":"ERROR","errorMessage":"\'id\'","errorType":"KeyError","requestId":"r6","stackTrace":["  File \\"/var/task/app.py\\", line 12, in handler\\n    return event[\'id\']\\n"]}');
    assert.deepEqual([pyJson.kind, pyJson.requestId], ['invokeError', 'r6']);
  });

  test('Node JSON format with Root= trace header in the message, W3C id normalized', () => {
    const line = parseLambdaLogLine('{"timestamp":"2024-05-01T10:00:00.000Z","level":"INFO","requestId":"r7","message":"trace Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"}');
    assert.deepEqual([line.kind, line.requestId], ['app', 'r7']);
    assert.deepEqual(traceIdsIn(line), ['1-5759e988-bd862e3fe1be46a994272793']);
    const w3c = parseLambdaLogLine('2024-05-01T10:00:00.000Z\tr8\tINFO\ttraceparent: 00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01');
    assert.deepEqual(traceIdsIn(w3c), ['1-5759e988-bd862e3fe1be46a994272793']);
  });

  test('context timestamp fills in only when the line has none', () => {
    assert.equal(parseLambdaLogLine('END RequestId: r9\n', { timestamp: 42 }).timestamp, 42);
    assert.equal(parseLambdaLogLine('2024-05-01T10:00:00.000Z\tr9\tINFO\thi', { timestamp: 42 }).timestamp, Date.parse('2024-05-01T10:00:00.000Z'));
  });
});

describe('parseLambdaLogLine is total', () => {
  const real = sampleFiles().flatMap((file) => eventsOf(file).map((e) => e.message));
  test('never throws and keeps raw on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => parseLambdaLogLine(text).raw === text), { numRuns: 3000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => parseLambdaLogLine(text).raw === text), { numRuns: 1000 });
  });
  test('never throws and keeps raw on mutated real lines', () => {
    const mutated = fc.tuple(fc.constantFrom(...real), fc.nat(), fc.nat(), fc.string({ maxLength: 8 })).map(([line, a, b, insert]) => {
      const at = a % (line.length + 1);
      const cut = Math.min(line.length, at + (b % 16));
      return line.slice(0, at) + insert + line.slice(cut);
    });
    fc.assert(fc.property(mutated, (text) => {
      const line = parseLambdaLogLine(text);
      traceIdsIn(line);
      return line.raw === text;
    }), { numRuns: 5000 });
  });
});
