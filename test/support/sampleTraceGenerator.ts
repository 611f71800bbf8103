/**
 * Realistic, deterministic serverless traces for tests and the demo: API Gateway → Lambda
 * (service + function segments, cold start on some) → DynamoDB / SQS / an HTTP API, as
 * BatchGetTraces returns them (processed documents, inferred segments included).
 *
 * Outcomes follow the index so every sample set has each kind: i % 10 === 3 is a fault with an
 * exception and stack frames (bundled `/var/task/index.js` paths, as real bundles give),
 * i % 10 === 7 a client error, i % 20 === 11 a DynamoDB throttle; every sixth trace is a cold start.
 */

import { seededRandom } from '../builders/seededRandom';

type Doc = Record<string, unknown>;

export type GeneratedOutcome = 'ok' | 'error' | 'fault' | 'throttle';

export interface GeneratedTrace {
  id: string;
  documents: string[];
  outcome: GeneratedOutcome;
  coldStart: boolean;
}

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const API_HOST = 'k3x9q2abcd.execute-api.us-east-1.amazonaws.com';

interface Route {
  method: string;
  path: string;
  fn: string;
  table?: string;
  queue?: string;
  remote?: string;
}

const ROUTES: Route[] = [
  { method: 'GET', path: '/orders', fn: 'orders-api-ListOrders', table: 'orders' },
  { method: 'POST', path: '/orders', fn: 'orders-api-CreateOrder', table: 'orders', queue: 'order-events' },
  { method: 'GET', path: '/orders/42', fn: 'orders-api-GetOrder', table: 'orders' },
  { method: 'POST', path: '/payments', fn: 'payments-api-Charge', table: 'payments', remote: 'api.stripe.com' },
  { method: 'GET', path: '/health', fn: 'orders-api-Health' },
];


function hex(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) {
    out += Math.floor(random() * 16).toString(16);
  }
  return out;
}

export function outcomeFor(index: number): GeneratedOutcome {
  if (index % 20 === 11) {
    return 'throttle';
  }
  if (index % 10 === 3) {
    return 'fault';
  }
  if (index % 10 === 7) {
    return 'error';
  }
  return 'ok';
}

interface Ctx {
  random: () => number;
  traceId: string;
  route: Route;
  outcome: GeneratedOutcome;
  coldStart: boolean;
  docs: Doc[];
}

function round(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}

function statusFor(outcome: GeneratedOutcome): number {
  return { ok: 200, error: 400, fault: 502, throttle: 429 }[outcome];
}

function flags(outcome: GeneratedOutcome): Doc {
  if (outcome === 'fault') {
    return { fault: true };
  }
  if (outcome === 'error') {
    return { error: true };
  }
  if (outcome === 'throttle') {
    return { error: true, throttle: true };
  }
  return {};
}

function faultCause(ctx: Ctx): Doc {
  return {
    working_directory: '/var/task',
    exceptions: [
      {
        id: hex(ctx.random, 16),
        type: 'TypeError',
        message: "Cannot read properties of undefined (reading 'customerId')",
        stack: [
          { path: '/var/task/index.js', line: 73786, label: 'validateOrder' },
          { path: '/var/task/index.js', line: 73912, label: 'handler' },
          { path: 'node:internal/process/task_queues', line: 95, label: 'process.processTicksAndRejections' },
        ],
      },
    ],
  };
}

/** Downstream calls inside the Invocation subsegment; inferred segments go to ctx.docs. */
function downstreamCalls(ctx: Ctx, start: number): { subsegments: Doc[]; end: number } {
  const subsegments: Doc[] = [];
  let t = start + 0.002;
  const { route } = ctx;
  if (route.table) {
    const duration = 0.008 + ctx.random() * 0.03;
    const throttled = ctx.outcome === 'throttle';
    const id = hex(ctx.random, 16);
    const operation = route.method === 'GET' ? 'Query' : 'PutItem';
    const requestId = hex(ctx.random, 32).toUpperCase();
    const common = {
      start_time: round(t),
      end_time: round(t + duration),
      http: { response: { status: throttled ? 400 : 200 } },
      aws: { operation, table_name: route.table, region: REGION, request_id: requestId, retries: throttled ? 3 : 0 },
      ...(throttled ? { error: true, throttle: true } : {}),
    };
    const cause = throttled
      ? { cause: { exceptions: [{ id: hex(ctx.random, 16), type: 'ProvisionedThroughputExceededException', message: 'Rate of requests exceeds the allowed throughput.', remote: true }] } }
      : {};
    subsegments.push({ id, name: 'DynamoDB', namespace: 'aws', ...common, ...cause });
    ctx.docs.push({ id: hex(ctx.random, 16), name: 'DynamoDB', trace_id: ctx.traceId, parent_id: id, inferred: true, origin: 'AWS::DynamoDB::Table', ...common });
    t += duration + 0.001;
  }
  if (route.queue && ctx.outcome === 'ok') {
    const duration = 0.01 + ctx.random() * 0.02;
    const id = hex(ctx.random, 16);
    const queueUrl = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${route.queue}`;
    const common = {
      start_time: round(t),
      end_time: round(t + duration),
      http: { response: { status: 200 } },
      aws: { operation: 'SendMessage', queue_url: queueUrl, region: REGION, request_id: hex(ctx.random, 8) + '-' + hex(ctx.random, 4), retries: 0 },
    };
    subsegments.push({ id, name: 'SQS', namespace: 'aws', ...common });
    ctx.docs.push({ id: hex(ctx.random, 16), name: route.queue, trace_id: ctx.traceId, parent_id: id, inferred: true, origin: 'AWS::SQS::Queue', ...common });
    t += duration + 0.001;
  }
  if (route.remote) {
    const duration = 0.12 + ctx.random() * 0.2;
    const id = hex(ctx.random, 16);
    const common = {
      start_time: round(t),
      end_time: round(t + duration),
      http: { request: { method: 'POST', url: `https://${route.remote}/v1/charges` }, response: { status: 200, content_length: 1832 } },
    };
    subsegments.push({ id, name: route.remote, namespace: 'remote', ...common });
    ctx.docs.push({ id: hex(ctx.random, 16), name: route.remote, trace_id: ctx.traceId, parent_id: id, inferred: true, ...common });
    t += duration + 0.001;
  }
  return { subsegments, end: t + 0.003 + ctx.random() * 0.01 };
}

function functionSegment(ctx: Ctx, parentId: string, start: number): { doc: Doc; end: number } {
  const id = hex(ctx.random, 16);
  const fn = ctx.route.fn;
  const subsegments: Doc[] = [];
  let t = start;
  if (ctx.coldStart) {
    const init = 0.18 + ctx.random() * 0.4;
    subsegments.push({ id: hex(ctx.random, 16), name: 'Initialization', start_time: round(t), end_time: round(t + init), aws: { function_arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fn}` } });
    t += init;
  }
  const invocationStart = t;
  const calls = downstreamCalls(ctx, invocationStart);
  const failed = ctx.outcome === 'fault';
  subsegments.push({
    id: hex(ctx.random, 16),
    name: 'Invocation',
    start_time: round(invocationStart),
    end_time: round(calls.end),
    subsegments: calls.subsegments,
    ...(failed ? { fault: true, cause: faultCause(ctx) } : {}),
  });
  const end = calls.end + 0.0005;
  subsegments.push({ id: hex(ctx.random, 16), name: 'Overhead', start_time: round(calls.end), end_time: round(end) });
  const doc: Doc = {
    id,
    name: fn,
    start_time: round(start),
    end_time: round(end),
    trace_id: ctx.traceId,
    parent_id: parentId,
    origin: 'AWS::Lambda::Function',
    resource_arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fn}`,
    aws: { account_id: ACCOUNT, function_arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fn}`, resource_names: [fn], cloudwatch_logs: [{ log_group: `/aws/lambda/${fn}` }] },
    annotations: { route: `${ctx.route.method} ${ctx.route.path}`, tenant: ctx.random() < 0.5 ? 'acme' : 'globex' },
    ...(failed ? { fault: true, cause: faultCause(ctx) } : {}),
    subsegments,
  };
  return { doc, end };
}

function lambdaServiceSegment(ctx: Ctx, parentId: string, start: number): { doc: Doc; end: number } {
  const id = hex(ctx.random, 16);
  const fn = functionSegment(ctx, id, start + 0.004 + ctx.random() * 0.01);
  const end = fn.end + 0.002;
  const requestId = `${hex(ctx.random, 8)}-${hex(ctx.random, 4)}-${hex(ctx.random, 4)}-${hex(ctx.random, 4)}-${hex(ctx.random, 12)}`;
  ctx.docs.push(fn.doc);
  const doc: Doc = {
    id,
    name: ctx.route.fn,
    start_time: round(start),
    end_time: round(end),
    trace_id: ctx.traceId,
    parent_id: parentId,
    origin: 'AWS::Lambda',
    resource_arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${ctx.route.fn}`,
    http: { response: { status: 200 } },
    aws: { request_id: requestId },
    ...(ctx.outcome === 'fault' ? { fault: true } : {}),
  };
  return { doc, end };
}

/** One API Gateway → Lambda trace starting at `startSeconds` (epoch seconds). */
export function generateTrace(index: number, startSeconds: number, seed = 7): GeneratedTrace {
  const random = seededRandom(seed * 100_003 + index);
  const route = ROUTES[index % ROUTES.length] ?? ROUTES[0]!;
  const outcome = route.table === undefined && outcomeFor(index) === 'throttle' ? 'ok' : outcomeFor(index);
  const traceId = `1-${Math.floor(startSeconds).toString(16).padStart(8, '0')}-${hex(random, 24)}`;
  const ctx: Ctx = { random, traceId, route, outcome, coldStart: index % 6 === 0, docs: [] };
  const apiId = hex(random, 16);
  const invokeId = hex(random, 16);
  const invokeStart = startSeconds + 0.003;
  const lambda = lambdaServiceSegment(ctx, invokeId, invokeStart + 0.001);
  ctx.docs.push(lambda.doc);
  const end = lambda.end + 0.004;
  const status = statusFor(outcome);
  const api: Doc = {
    id: apiId,
    name: `${route.fn.split('-')[0] ?? 'api'}-api/prod`,
    start_time: round(startSeconds),
    end_time: round(end),
    trace_id: traceId,
    origin: 'AWS::ApiGateway::Stage',
    resource_arn: `arn:aws:apigateway:${REGION}::/restapis/k3x9q2abcd/stages/prod`,
    http: { request: { url: `https://${API_HOST}/prod${route.path}`, method: route.method, user_agent: 'Mozilla/5.0', client_ip: '203.0.113.10', x_forwarded_for: true }, response: { status } },
    aws: { api_gateway: { account_id: ACCOUNT, rest_api_id: 'k3x9q2abcd', stage: 'prod', request_id: hex(random, 8) } },
    annotations: {},
    metadata: {},
    ...flags(outcome),
    subsegments: [
      {
        id: invokeId,
        name: 'Lambda',
        start_time: round(invokeStart),
        end_time: round(lambda.end + 0.001),
        namespace: 'aws',
        http: { response: { status: 200 } },
        aws: { function_name: route.fn, region: REGION, operation: 'Invoke', resource_names: [route.fn] },
        ...(outcome === 'fault' ? { fault: true } : {}),
      },
    ],
  };
  ctx.docs.unshift(api);
  return { id: traceId, documents: ctx.docs.map((doc) => JSON.stringify(doc)), outcome, coldStart: ctx.coldStart };
}
