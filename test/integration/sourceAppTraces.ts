/**
 * The jump-to-source fixture of the integration lane: test/fixtures/source-app built into the
 * `.aws-sam/build` layout (so the project index finds its build output and source maps), run
 * under `/var/task` with aws-xray-sdk-core to capture REAL exception segments and REAL Node
 * stacks, then dressed as Lambda invocations: the `AWS::Lambda` service segment (with
 * `aws.request_id`) around the real segment as the `AWS::Lambda::Function` segment, and the
 * runtime's real `Invoke Error` line in `/aws/lambda/<function name>`.
 * Runs in the runner process only (it needs esbuild and child processes).
 */
import { randomUUID } from 'node:crypto';
import type { LocalLogEvent } from '../support/localLogsHandlers';
import { deriveTrace } from '../support/localXRaySummaries';
import type { SampleTrace } from '../support/sampleTraces';
import { buildSourceApp, markerLines, runHandlerWithXRay } from '../support/sourceAppBuild';
import type { SourceApp } from '../support/sourceAppBuild';
import type { SourceFailure } from './expectations';
import type { SourceAppExpectations, SourceTraceExpectation } from './testEnv';

/** Where the built app sits inside the test workspace. */
export const SOURCE_APP_FOLDER = 'source-app';
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

interface Scenario {
  logicalId: string;
  /** A deployed name the template's name pattern matches. */
  functionName: string;
  event: unknown;
  /** The line "Go to source" must open: file relative to the app, and its marker comment. */
  file: string;
  marker: string;
}

const SCENARIOS: Scenario[] = [
  // CJS bundle: X-Ray frames (no column) + the log line's columns resolve exactly.
  { logicalId: 'CreateOrderFunction', functionName: 'orders-source-create-order', event: { body: '{"customerId":"c-1"}' }, file: 'src/lib/validate.ts', marker: 'validate-total-items' },
  // ESM bundle: the X-Ray SDK drops `file://` paths, so only the log stack can resolve it.
  { logicalId: 'GetOrderFunction', functionName: 'orders-source-GetOrderFunction-Q1W2E3R4T5Y6', event: { pathParameters: { id: 'missing' } }, file: 'src/lib/validate.ts', marker: 'validate-load-order' },
];

export interface SourceAppTraces {
  app: SourceApp;
  traces: SampleTrace[];
  logGroups: Map<string, LocalLogEvent[]>;
  expectations: SourceAppExpectations;
  /** Each invocation's failure where the Problems view must show it (workspace-relative). */
  failures: SourceFailure[];
}

type Doc = Record<string, unknown>;

export async function buildSourceAppTraces(): Promise<SourceAppTraces> {
  const app = await buildSourceApp();
  const traces: SampleTrace[] = [];
  const logGroups = new Map<string, LocalLogEvent[]>();
  const expected: SourceTraceExpectation[] = [];
  const failures: SourceFailure[] = [];
  let clipboardStack = '';
  for (const scenario of SCENARIOS) {
    const { failure, datagrams } = await runHandlerWithXRay(app, scenario.logicalId, scenario.event);
    const requestId = randomUUID();
    const invocation = asLambdaInvocation(datagrams, scenario.functionName, requestId);
    traces.push(invocation.trace);
    logGroups.set(`/aws/lambda/${scenario.functionName}`, logEvents(invocation.startMs, invocation.endMs, requestId, failure.invokeErrorLine.replace('\treq-1\t', `\t${requestId}\t`)));
    expected.push({ traceId: invocation.trace.id, spanId: invocation.invocationSpanId, functionSpanId: invocation.functionSpanId, file: scenario.file, marker: scenario.marker, errorType: failure.errorType });
    failures.push({
      traceId: invocation.trace.id,
      file: `${SOURCE_APP_FOLDER}/${scenario.file}`,
      line: markerLine(app, scenario.file, scenario.marker),
      exceptionType: failure.errorType,
      fault: invocation.fault,
    });
    if (scenario.logicalId === 'CreateOrderFunction') clipboardStack = failure.stack;
  }
  return { app, traces, logGroups, expectations: { folder: SOURCE_APP_FOLDER, traces: expected, clipboardStack }, failures };
}

/** The line of the scenario's marker comment, read from the original source (never from a map). */
function markerLine(app: SourceApp, file: string, marker: string): number {
  const line = markerLines(app, file).get(marker);
  if (line === undefined) throw new Error(`no marker @throws:${marker} in ${file}`);
  return line;
}

function segmentOf(datagram: string): Doc {
  return JSON.parse(datagram.slice(datagram.indexOf('\n') + 1)) as Doc;
}

function num(value: unknown): number {
  if (typeof value !== 'number') throw new Error(`expected a number, got ${String(value)}`);
  return value;
}

interface LambdaInvocation {
  trace: SampleTrace;
  startMs: number;
  endMs: number;
  invocationSpanId: string;
  functionSpanId: string;
  /** What the captured segments recorded: a fault (5xx-like) rather than an error. */
  fault: boolean;
}

function asLambdaInvocation(datagrams: string[], functionName: string, requestId: string): LambdaInvocation {
  const real = datagrams.map(segmentOf).find((doc) => Array.isArray(doc.subsegments));
  if (!real) throw new Error(`no segment with subsegments among ${datagrams.length} datagrams`);
  const invocationSpan = (real.subsegments as Doc[]).find((sub) => sub.name === 'Invocation');
  if (!invocationSpan || typeof invocationSpan.id !== 'string') throw new Error('the real segment has no Invocation subsegment');
  const traceId = String(real.trace_id);
  const arn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`;
  const start = num(real.start_time);
  const end = num(real.end_time);
  const serviceId = randomHex(16);
  const service: Doc = {
    id: serviceId,
    trace_id: traceId,
    name: functionName,
    origin: 'AWS::Lambda',
    start_time: start - 0.021,
    end_time: end + 0.004,
    http: { response: { status: 200 } },
    aws: { request_id: requestId },
    resource_arn: arn,
  };
  // The real segment, as Lambda would name and parent it; its subsegments and cause stay as captured.
  const functionSegment: Doc = { ...real, name: functionName, origin: 'AWS::Lambda::Function', parent_id: serviceId, resource_arn: arn, aws: { ...(real.aws as Doc), account_id: ACCOUNT, function_arn: arn } };
  const documents = [JSON.stringify(service), JSON.stringify(functionSegment)];
  const derived = deriveTrace({ id: traceId, documents });
  const trace: SampleTrace = { id: traceId, documents, startTime: derived.startTime, status: derived.status, coldStart: false, source: `source-app ${functionName}` };
  // Read from the captured documents, as the X-Ray SDK marked them, not from the extension's model.
  const marked = [real, invocationSpan];
  if (!marked.some((doc) => doc.fault === true || doc.error === true)) throw new Error(`the run of ${functionName} recorded no error or fault`);
  const fault = marked.some((doc) => doc.fault === true);
  return { trace, startMs: Math.round(start * 1000), endMs: Math.round(end * 1000), invocationSpanId: invocationSpan.id, functionSpanId: String(real.id), fault };
}

/** What the runtime writes for a failed invocation, around the real error line. */
function logEvents(startMs: number, endMs: number, requestId: string, invokeErrorLine: string): LocalLogEvent[] {
  return [
    { timestamp: startMs - 15, message: `START RequestId: ${requestId} Version: $LATEST\n` },
    { timestamp: endMs, message: `${invokeErrorLine}\n` },
    { timestamp: endMs + 2, message: `END RequestId: ${requestId}\n` },
    { timestamp: endMs + 2, message: `REPORT RequestId: ${requestId}\tDuration: ${(endMs - startMs + 12).toFixed(2)} ms\tBilled Duration: ${endMs - startMs + 13} ms\tMemory Size: 256 MB\tMax Memory Used: 71 MB\t\n` },
  ];
}

function randomHex(length: number): string {
  return randomUUID().replace(/-/g, '').slice(0, length);
}
