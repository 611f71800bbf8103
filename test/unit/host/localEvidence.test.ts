// A local trace's "Go to source" evidence: the Invoke Error line the real fixture handler logs,
// filed as a local log record, gives the frames with columns for its request id only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLambdaLogLine } from '../../../src/core/lambdaLogParser';
import { localInvokeErrorFrames } from '../../../src/host/local/localEvidence';
import type { LocalLogLine } from '../../../src/local/localTraceTypes';
import { buildSourceApp, runHandler } from '../../support/sourceAppBuild';
import type { CapturedFailure, SourceApp } from '../../support/sourceAppBuild';

let app: SourceApp;
let failure: CapturedFailure;

before(async () => {
  app = await buildSourceApp();
  failure = await runHandler(app, 'CreateOrderFunction', { body: '{"customerId":"c-1"}' });
});
after(() => app.dispose());

function record(text: string): LocalLogLine {
  const parsed = parseLambdaLogLine(text, { timestamp: Date.now() });
  return { timestamp: Date.now(), traceId: '1-5759e988-bd862e3fe1be46a994272793', service: 'CreateOrderFunction', parsed };
}

test('finds the frames of the invocation\'s Invoke Error line, with columns', () => {
  const line = record(failure.invokeErrorLine);
  assert.equal(line.parsed.kind, 'invokeError');
  const requestId = line.parsed.requestId;
  assert.ok(requestId);
  const frames = localInvokeErrorFrames([record(`START RequestId: ${requestId} Version: $LATEST`), line], requestId);
  assert.ok(frames && frames.length > 0);
  assert.ok(frames.some((frame) => frame.path?.startsWith('/var/task/') === true && frame.column !== undefined), JSON.stringify(frames));
});

test('another request id, or none, finds nothing', () => {
  const line = record(failure.invokeErrorLine);
  assert.equal(localInvokeErrorFrames([line], 'another-request'), undefined);
  assert.equal(localInvokeErrorFrames([line], undefined), undefined);
  assert.equal(localInvokeErrorFrames([], line.parsed.requestId), undefined);
});
