import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { parseLambdaErrorPayload } from '../../../src/core/invokeErrorParser';
import { framesFromXRayException, parseStackText } from '../../../src/core/stackFrames';
import type { ParsedFrame } from '../../../src/core/stackFrames';
import { fixtureText } from './fixtureTraces';

const NBSP = '\u00a0';

function frameAt(frames: readonly ParsedFrame[], index: number): ParsedFrame {
  const frame = frames[index];
  assert.ok(frame, `frame ${index} of ${JSON.stringify(frames)}`);
  return frame;
}

/** What each shared stack sample must give: [errorType, own (non-runtime) frames, all frames]. */
const STACK_SAMPLES: Record<string, [string | undefined, number, number]> = {
  'awsdocs-lambda-go-errorString-no-stack.json': ['errorString', 0, 0],
  'awsdocs-lambda-java-ArithmeticException.json': ['java.lang.ArithmeticException', 0, 0],
  'awsdocs-lambda-java-nested-cause-chain.MALFORMED-ellipsis.json': [undefined, 0, 0],
  'awsdocs-lambda-nodejs-ReferenceError-invoke-response-compact.json': ['ReferenceError', 1, 3],
  'awsdocs-lambda-nodejs-ReferenceError-invoke-response.json': ['ReferenceError', 1, 3],
  'awsdocs-lambda-python-ImportModuleError-no-stack.json': ['Runtime.ImportModuleError', 0, 0],
  'awsdocs-lambda-python-KeyError-invoke-response.json': ['KeyError', 1, 1],
  'awsdocs-lambda-python-marshal-error.json': ['Runtime.MarshalError', 0, 0],
  'powertools-python-logger-logging_stacktrace_output.json': ['HTTPError', 2, 2],
  'powertools-ts-logger-error-objects.CONCATENATED-JSON.txt': ['Error', 2, 10],
};

describe('shared stack samples', () => {
  test('every sample in test/fixtures/stack-traces is covered', () => {
    assert.deepEqual(readdirSync(new URL('../../fixtures/stack-traces/', import.meta.url)).sort(), Object.keys(STACK_SAMPLES).sort());
  });

  for (const [name, [errorType, own, all]] of Object.entries(STACK_SAMPLES)) {
    test(name, () => {
      const payload = parseLambdaErrorPayload(fixtureText(`stack-traces/${name}`));
      assert.equal(payload.errorType, errorType);
      assert.equal(payload.frames.length, all, JSON.stringify(payload.frames));
      assert.equal(payload.frames.filter((frame) => !frame.isRuntime).length, own);
    });
  }

  test('Node invoke response: path, line, column, label; runtime frames flagged', () => {
    const { frames, errorMessage } = parseLambdaErrorPayload(fixtureText('stack-traces/awsdocs-lambda-nodejs-ReferenceError-invoke-response.json'));
    assert.equal(errorMessage, 'x is not defined');
    assert.deepEqual(frameAt(frames, 0), { path: '/var/task/index.js', line: 2, column: 3, label: 'Runtime.exports.handler', origin: 'node', isRuntime: false });
    assert.deepEqual(
      frames.map((frame) => frame.isRuntime),
      [false, true, true],
    );
  });

  test('Python invoke response stackTrace strings', () => {
    const { frames } = parseLambdaErrorPayload(fixtureText('stack-traces/awsdocs-lambda-python-KeyError-invoke-response.json'));
    assert.deepEqual(frames, [{ path: '/var/task/lambda_function.py', line: 36, label: 'lambda_handler', origin: 'python', isRuntime: false }]);
  });

  test('Powertools TS: both concatenated records, stack collapsed to spaces', () => {
    const [first, second] = fixtureText('stack-traces/powertools-ts-logger-error-objects.CONCATENATED-JSON.txt').split(/\n(?=\{)/);
    const one = parseLambdaErrorPayload(first ?? '');
    const two = parseLambdaErrorPayload(second ?? '');
    assert.equal(one.errorMessage, 'Unexpected error #1');
    assert.equal(two.errorMessage, 'Unexpected error #2');
    assert.deepEqual(frameAt(two.frames, 0), { path: '/path/to/my/source-code/my-service/handler.ts', line: 24, column: 11, label: 'lambdaHandler', origin: 'node', isRuntime: false });
    assert.equal(frameAt(one.frames, 5).label, 'Object.require.extensions.<computed> [as .ts]');
    assert.ok(frameAt(one.frames, 3).isRuntime, 'node_modules/ts-node is library code');
  });

  test('Powertools Python: structured frames, innermost first', () => {
    const { frames } = parseLambdaErrorPayload(fixtureText('stack-traces/powertools-python-logger-logging_stacktrace_output.json'));
    assert.equal(frameAt(frames, 0).path, '/var/task/requests/models.py');
    assert.equal(frameAt(frames, 1).line, 14);
  });
});

describe('Lambda log lines', () => {
  test('Telemetry API batch with an escaped "Uncaught Exception" init failure', () => {
    const payload = parseLambdaErrorPayload(fixtureText('lambda-logs/danwakeem-telemetry-api-stream-suppressed-init-ImportModuleError.txt'));
    assert.equal(payload.errorType, 'Runtime.ImportModuleError');
    assert.equal(payload.frames.length, 4);
    assert.ok(payload.frames.every((frame) => frame.isRuntime && frame.path === '/var/runtime/index.mjs'));
  });

  test('Powertools Python exception text (one collapsed, one multi-line)', () => {
    const collapsed = parseLambdaErrorPayload(fixtureText('lambda-logs/powertools-python-logger-logging_exceptions_output.json'));
    assert.equal(collapsed.errorType, 'RuntimeError');
    assert.deepEqual(collapsed.frames, [{ path: '<input>', line: 2, label: '<module>', origin: 'python', isRuntime: false }]);
    const full = parseLambdaErrorPayload(fixtureText('lambda-logs/powertools-python-logger-logging_uncaught_exceptions_output.json'));
    assert.equal(full.errorType, 'HTTPError');
    assert.deepEqual(
      full.frames.map((frame) => [frame.line, frame.isRuntime]),
      [
        [1021, true],
        [17, false],
        [52, false],
      ],
    );
  });

  const stack = ['Error: boom', '    at r (/var/task/index.js:1:48213)', '    at Runtime.handler (file:///var/runtime/index.mjs:1173:29)'];
  const json = JSON.stringify({ errorType: 'Error', errorMessage: 'boom', stack });

  for (const line of [
    `2024-05-01T10:00:00.000Z\tabc-123\tERROR\tInvoke Error \t${json}`,
    `2019-05-01T10:00:00.000Z\tabc-123\tERROR\tInvoke Error\t${json}`,
    `2024-05-01T10:00:00.000Z\tundefined\tERROR\tUncaught Exception \t${json}`,
    `2024-05-01T10:00:00.000Z\tundefined\tERROR\tUnhandled Promise Rejection \t${json}`,
    `2024-05-01T10:00:00.000Z\tabc-123\tERROR\tInvoke Error \t${json}`.replace(/\n/g, '\r'),
    JSON.stringify({ timestamp: 't', level: 'ERROR', requestId: 'abc', message: { errorType: 'Error', errorMessage: 'boom', stackTrace: stack } }),
    JSON.stringify({ timestamp: 't', level: 'ERROR', requestId: 'abc', errorType: 'Error', errorMessage: 'boom', stackTrace: stack }),
    JSON.stringify({ errorType: 'Error', errorMessage: 'boom', trace: stack }),
  ]) {
    test(`parses ${line.slice(0, 70)}…`, () => {
      const payload = parseLambdaErrorPayload(line);
      assert.equal(payload.errorType, 'Error');
      assert.equal(payload.errorMessage, 'boom');
      assert.deepEqual(frameAt(payload.frames, 0), { path: '/var/task/index.js', line: 1, column: 48213, label: 'r', origin: 'node', isRuntime: false });
      assert.equal(frameAt(payload.frames, 1).isRuntime, true);
    });
  }
});

describe('Node stack text', () => {
  test('frame forms: named, anonymous, async, new, file:// ESM, eval, native', () => {
    const text = [
      "TypeError: Cannot read properties of undefined (reading 'id')",
      '    at new Order (/var/task/index.js:1:100)',
      '    at async handler (file:///var/task/index.mjs:1:2200)',
      '    at /var/task/index.js:1:2',
      '    at async Promise.all (index 0)',
      '    at eval (eval at run (/var/task/index.js:1:5), <anonymous>:1:1)',
      '    at Array.map (<anonymous>)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      '    at file:///var/task/my%20dir/app.mjs:3:4',
    ].join('\n');
    const stack = parseStackText(text);
    assert.equal(stack.language, 'node');
    assert.equal(stack.errorType, 'TypeError');
    assert.equal(stack.message, "Cannot read properties of undefined (reading 'id')");
    assert.deepEqual(
      stack.frames.map((f) => [f.path, f.line, f.column, f.label, f.isRuntime]),
      [
        ['/var/task/index.js', 1, 100, 'new Order', false],
        ['/var/task/index.mjs', 1, 2200, 'handler', false],
        ['/var/task/index.js', 1, 2, undefined, false],
        ['<anonymous>', 1, 1, 'eval', true],
        ['<anonymous>', undefined, undefined, 'Array.map', true],
        ['node:internal/process/task_queues', 95, 5, 'process.processTicksAndRejections', true],
        ['/var/task/my dir/app.mjs', 3, 4, undefined, false],
      ],
    );
  });

  test('lines joined by \\r (stdout logging) and a log-line prefix', () => {
    const stack = parseStackText('2024-05-01T10:00:00.000Z\tabc\tERROR\tError [ERR_X]: bad\r    at f (/var/task/a.js:2:3)\r    at g (/opt/nodejs/node_modules/lib/x.js:1:1)');
    assert.equal(stack.errorType, 'Error');
    assert.equal(stack.message, 'bad');
    assert.deepEqual(
      stack.frames.map((f) => [f.path, f.isRuntime]),
      [
        ['/var/task/a.js', false],
        ['/opt/nodejs/node_modules/lib/x.js', true],
      ],
    );
  });

  test('OpenTelemetry exception.stacktrace keeps columns and is tagged otel', () => {
    const node = parseStackText('Error: x\n    at handler (/var/task/index.js:1:77)', { origin: 'otel' });
    assert.deepEqual(frameAt(node.frames, 0), { path: '/var/task/index.js', line: 1, column: 77, label: 'handler', origin: 'otel', isRuntime: false });
    const python = parseStackText('Traceback (most recent call last):\n  File "/var/task/app.py", line 3, in handler\n    x()\nValueError: nope', { origin: 'otel' });
    assert.equal(python.errorType, 'ValueError');
    assert.equal(frameAt(python.frames, 0).origin, 'otel');
  });

  test('a message that mentions "at" is not a frame', () => {
    const stack = parseStackText('Error: look at this\n    at f (/var/task/a.js:1:1)');
    assert.equal(stack.message, 'look at this');
    assert.equal(stack.frames.length, 1);
  });
});

describe('Python tracebacks', () => {
  test('Lambda text format: [ERROR] first line, NO-BREAK SPACE indentation, \\r joins', () => {
    const text = [
      "[ERROR] KeyError: 'x'",
      'Traceback (most recent call last):',
      `${NBSP}${NBSP}File "/var/task/app.py", line 12, in handler`,
      `${NBSP}${NBSP}${NBSP}${NBSP}return lookup(event)`,
      `${NBSP}${NBSP}File "/var/task/lib/store.py", line 40, in lookup`,
      `${NBSP}${NBSP}${NBSP}${NBSP}return TABLE[event['x']]`,
      `${NBSP}${NBSP}File "/var/lang/lib/python3.12/json/__init__.py", line 1, in loads`,
    ].join('\r');
    const stack = parseStackText(text);
    assert.equal(stack.language, 'python');
    assert.equal(stack.errorType, 'KeyError');
    assert.equal(stack.message, "'x'");
    assert.deepEqual(
      stack.frames.map((f) => [f.path, f.line, f.label, f.isRuntime]),
      [
        ['/var/lang/lib/python3.12/json/__init__.py', 1, 'loads', true],
        ['/var/task/lib/store.py', 40, 'lookup', false],
        ['/var/task/app.py', 12, 'handler', false],
      ],
    );
  });

  test('site-packages and /usr/lib/python frames are library code', () => {
    const stack = parseStackText('  File "/var/task/site-packages/boto3/x.py", line 1, in f\n  File "/usr/lib/python3.9/a.py", line 2, in g');
    assert.ok(stack.frames.every((frame) => frame.isRuntime));
  });
});

describe('X-Ray exceptions', () => {
  test('the Node runtime cause: path, line, label and no column', () => {
    const cause = JSON.parse(fixtureText('xray-segments/aws-lambda-nodejs-ric-XRayFormattedCause-docstring-example.json')) as { exceptions: Array<{ stack: Array<{ path: string; line: number; label: string }> }> };
    const frames = framesFromXRayException({ remote: false, stack: cause.exceptions[0]?.stack ?? [] });
    assert.deepEqual(frames, [{ path: '/var/task/event_invoke.js', line: 502, label: 'exports.throw_custom_exception', origin: 'xray', isRuntime: false }]);
  });

  test('SDK quirks: "anonymous" labels dropped, frames without a path skipped, ESM "file" kept without line', () => {
    const frames = framesFromXRayException({ remote: false, stack: [{ path: '/var/task/a.js', line: 1, label: 'anonymous' }, { line: 3 }, { path: 'file', label: 'anonymous' }] });
    assert.deepEqual(frames, [
      { path: '/var/task/a.js', line: 1, origin: 'xray', isRuntime: false },
      { path: 'file', origin: 'xray', isRuntime: false },
    ]);
  });
});

describe('never throws', () => {
  const stackish = fc.array(fc.constantFrom('at ', 'async ', 'new ', '(', ')', ':', '1', '42', '/var/task/', 'file:///', 'x.js', ' ', '\n', '\r', NBSP, 'File "', '", line ', ', in ', 'Traceback', '[ERROR] ', 'Error: ', '{', '}', '[', ']', '"', '\\', 'Invoke Error \t', 'errorType', 'stack', ','), { maxLength: 60 }).map((parts) => parts.join(''));

  test('parseStackText and parseLambdaErrorPayload on arbitrary and stack-like text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), stackish), (text) => {
        for (const parsed of [parseStackText(text), parseStackText(text, { origin: 'otel' }), parseLambdaErrorPayload(text)]) {
          assert.ok(Array.isArray(parsed.frames));
          for (const frame of parsed.frames) assert.equal(typeof frame.path, 'string');
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('framesFromXRayException on malformed stacks', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ path: fc.option(fc.string(), { nil: undefined }), line: fc.option(fc.integer(), { nil: undefined }), label: fc.option(fc.string(), { nil: undefined }) })), (stack) => {
        assert.ok(Array.isArray(framesFromXRayException({ remote: false, stack })));
      }),
    );
  });
});
