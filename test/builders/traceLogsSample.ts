/**
 * A trace of three Lambda invocations with the CloudWatch lines each wrote: an API function that
 * succeeds (text and JSON lines), a worker that times out, and a resizer killed out of memory.
 * Lines are given out of time order, as Logs Insights may return them; one message is hostile.
 */
import { buildTrace } from '../../src/core/traceBuilder';
import { invocationsOfTrace } from '../../src/core/traceLogQuery';
import { buildTraceLogView } from '../../src/core/traceLogView';
import type { RawTraceLogLine, TraceLogView } from '../../src/core/traceLogView';
import type { Trace } from '../../src/shared/traceModel';
import { lambdaInvocation } from './segmentBuilder';

export const API_REQUEST = '11111111-1111-4111-8111-111111111111';
export const WORKER_REQUEST = '22222222-2222-4222-8222-222222222222';
export const RESIZE_REQUEST = '33333333-3333-4333-8333-333333333333';
export const HOSTILE_MESSAGE = '<img src=x onerror="window.__pwned=1">&lt;b&gt;</script>';

export interface TraceLogsSample {
  trace: Trace;
  lines: RawTraceLogLine[];
  view: TraceLogView;
}

function report(id: string, duration: number, used: number, size: number): string {
  return `REPORT RequestId: ${id}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${Math.ceil(duration)} ms\tMemory Size: ${size} MB\tMax Memory Used: ${used} MB\t\n`;
}

export function traceLogsSample(): TraceLogsSample {
  const api = lambdaInvocation('orders-api', { requestId: API_REQUEST, offsetMs: 0 });
  const worker = lambdaInvocation('orders-worker', { requestId: WORKER_REQUEST, offsetMs: 200 });
  const resize = lambdaInvocation('orders-resize', { requestId: RESIZE_REQUEST, offsetMs: 400 });
  const documents = [api, worker, resize].flatMap((pair) => [pair.service.json(), pair.fn.json()]);
  const trace = buildTrace({ documents });
  const t0 = trace.startEpochMs;
  const at = (ms: number, group: string, message: string): RawTraceLogLine => ({ timestamp: t0 + ms, logGroup: `/aws/lambda/${group}`, logStream: `2024/05/01/[$LATEST]${group}`, message });
  const iso = (ms: number): string => new Date(t0 + ms).toISOString();
  const lines: RawTraceLogLine[] = [
    at(399, 'orders-worker', report(WORKER_REQUEST, 3000, 80, 128)),
    at(1, 'orders-api', `START RequestId: ${API_REQUEST} Version: $LATEST\n`),
    at(20, 'orders-api', `${iso(20)}\t${API_REQUEST}\tINFO\t${HOSTILE_MESSAGE}\n`),
    at(30, 'orders-api', `${JSON.stringify({ timestamp: iso(30), level: 'INFO', requestId: API_REQUEST, message: 'order created', order: { id: 'o-1', items: 2 } })}\n`),
    at(110, 'orders-api', `END RequestId: ${API_REQUEST}\n`),
    at(111, 'orders-api', report(API_REQUEST, 98.5, 71, 256)),
    at(201, 'orders-worker', `START RequestId: ${WORKER_REQUEST} Version: $LATEST\n`),
    at(398, 'orders-worker', `${iso(398)} ${WORKER_REQUEST} Task timed out after 3.00 seconds\n`),
    at(401, 'orders-resize', `START RequestId: ${RESIZE_REQUEST} Version: $LATEST\n`),
    at(450, 'orders-resize', `RequestId: ${RESIZE_REQUEST} Error: Runtime exited with error: signal: killed\nRuntime.ExitError\n`),
    at(451, 'orders-resize', report(RESIZE_REQUEST, 49, 128, 128)),
  ];
  const view = buildTraceLogView(trace, invocationsOfTrace(trace), lines);
  return { trace, lines, view };
}
