/**
 * Deterministic, realistic X-Ray traces of any size for benchmarks and rendering tests:
 * API Gateway → Lambda service → function segment (Initialization, Invocation, Overhead), then
 * DynamoDB / SQS / HTTP / SQL calls and custom subsegments under Invocation, some nested deeply,
 * some failing, some with inferred segments. Documents stay under the 64 kB limit like real
 * producers: subsegments that do not fit are sent as independent subsegments.
 */

import { seededRandom } from './seededRandom';

type Doc = Record<string, unknown>;

interface Node {
  fields: Doc;
  children: Node[];
  /** Segments (and inferred segments) are documents of their own. */
  topLevel: boolean;
  startUs: number;
  endUs: number;
}

const DOCUMENT_BUDGET = 60_000;
const EPOCH_SECONDS = 1_700_000_000;
const MAX_NESTING = 40;


function hex(next: () => number, digits: number): string {
  let out = '';
  while (out.length < digits) out += Math.floor(next() * 0x10000).toString(16).padStart(4, '0');
  return out.slice(0, digits);
}

/** The X-Ray trace id `syntheticTraceDocuments(_, seed)` uses. */
export function syntheticTraceId(seed = 1): string {
  return `1-${(EPOCH_SECONDS + (seed % 100_000)).toString(16)}-${hex(seededRandom(seed ^ 0x5eed), 24)}`;
}

class Generator {
  readonly next: () => number;
  readonly traceId: string;
  readonly nodes: Node[] = [];
  private counter = 0;
  private readonly idPrefix: string;

  constructor(seed: number) {
    this.next = seededRandom(seed);
    this.traceId = syntheticTraceId(seed);
    this.idPrefix = (seed & 0xffff).toString(16).padStart(4, '0');
  }

  id(): string {
    this.counter += 1;
    return this.idPrefix + this.counter.toString(16).padStart(12, '0');
  }

  /** A span inside `parent` (or at the given times), registered as a node. */
  add(name: string, parent: Node | undefined, extra: Doc, options: { topLevel?: boolean; startUs?: number; endUs?: number } = {}): Node {
    const startUs = options.startUs ?? (parent === undefined ? 0 : parent.startUs + Math.floor(this.next() * (parent.endUs - parent.startUs) * 0.5));
    const endUs = options.endUs ?? (parent === undefined ? startUs + 1000 : startUs + Math.max(1, Math.floor(this.next() * (parent.endUs - startUs))));
    const fields: Doc = { id: this.id(), name, start_time: EPOCH_SECONDS + startUs / 1e6, end_time: EPOCH_SECONDS + endUs / 1e6, ...extra };
    const node: Node = { fields, children: [], topLevel: options.topLevel === true, startUs, endUs };
    if (node.topLevel) {
      fields['trace_id'] = this.traceId;
      if (parent !== undefined) fields['parent_id'] = parent.fields['id'];
    }
    parent?.children.push(node);
    this.nodes.push(node);
    return node;
  }
}

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:orders-api';

/** The fixed head of every trace; stops early for tiny span counts. Returns the Invocation node. */
function addHead(gen: Generator, count: number): Node | undefined {
  const steps: Array<(prev: Node[]) => Node> = [
    () => gen.add('orders-api/prod', undefined, { origin: 'AWS::ApiGateway::Stage', http: { request: { method: 'POST', url: 'https://api.example.com/prod/orders' }, response: { status: 200 } }, annotations: { 'aws:api_id': 'a1b2c3' } }, { topLevel: true, startUs: 0, endUs: 2_000_000 }),
    ([api]) => gen.add('Lambda', api, { namespace: 'aws', aws: { operation: 'Invoke', function_name: 'orders-api', region: 'us-east-1' } }, { startUs: 1_000, endUs: 1_990_000 }),
    ([, call]) => gen.add('orders-api', call, { origin: 'AWS::Lambda', resource_arn: ARN, aws: { request_id: 'c6af9ac6-7b61-11e6-9a41-93e812345678' } }, { topLevel: true, startUs: 2_000, endUs: 1_985_000 }),
    ([, , service]) => gen.add('orders-api', service, { origin: 'AWS::Lambda::Function', aws: { function_arn: ARN, cloudwatch_logs: [{ log_group: '/aws/lambda/orders-api' }] } }, { topLevel: true, startUs: 300_000, endUs: 1_980_000 }),
    ([, , , fn]) => gen.add('Initialization', fn, {}, { startUs: 3_000, endUs: 299_000 }),
    ([, , , fn]) => gen.add('Invocation', fn, {}, { startUs: 300_500, endUs: 1_970_000 }),
    ([, , , fn]) => gen.add('Overhead', fn, {}, { startUs: 1_970_000, endUs: 1_979_000 }),
  ];
  const made: Node[] = [];
  for (const step of steps.slice(0, count)) made.push(step(made));
  return made[5];
}

function failure(gen: Generator): Doc {
  const roll = gen.next();
  if (roll < 0.02) {
    return { fault: true, cause: { working_directory: '/var/task', exceptions: [{ id: hex(gen.next, 16), type: 'InternalServerError', message: 'Service unavailable', remote: true, stack: [{ path: '/var/task/orders.js', line: 88, label: 'saveOrder' }, { path: '/var/task/index.js', line: 12, label: 'handler' }] }] } };
  }
  if (roll < 0.04) return { error: true, cause: { exceptions: [{ id: hex(gen.next, 16), type: 'ValidationException', message: 'One or more parameter values were invalid' }] } };
  if (roll < 0.05) return { error: true, throttle: true, http: { response: { status: 429 } } };
  return {};
}

/** Adds one call (and its inferred segment when there is room); returns the spans added. */
function addCall(gen: Generator, parent: Node, room: number): number {
  const roll = gen.next();
  if (roll < 0.3) {
    const call = gen.add('DynamoDB', parent, { namespace: 'aws', aws: { operation: 'GetItem', table_name: 'orders', region: 'us-east-1', request_id: hex(gen.next, 24).toUpperCase(), retries: 0 }, http: { response: { status: 200, content_length: 58 } }, ...failure(gen) });
    if (room < 2 || gen.next() < 0.5) return 1;
    gen.add('DynamoDB', call, { inferred: true, origin: 'AWS::DynamoDB::Table', aws: { table_name: 'orders', operation: 'GetItem' } }, { topLevel: true, startUs: call.startUs, endUs: call.endUs });
    return 2;
  }
  if (roll < 0.4) {
    gen.add('SQS', parent, { namespace: 'aws', aws: { operation: 'SendMessage', queue_url: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders', region: 'us-east-1' }, ...failure(gen) });
    return 1;
  }
  if (roll < 0.55) {
    gen.add('payments.example.com', parent, { namespace: 'remote', http: { request: { method: 'POST', url: 'https://payments.example.com/charge', traced: false }, response: { status: 200, content_length: -1 } }, ...failure(gen) });
    return 1;
  }
  gen.add('orders@db.example.internal', parent, { namespace: 'remote', sql: { url: 'jdbc:postgresql://db.example.internal:5432/orders', database_type: 'PostgreSQL', sanitized_query: 'SELECT * FROM orders WHERE id = ?', preparation: 'statement' } });
  return 1;
}

/** Fills the Invocation with calls and custom subsegments until `remaining` spans were added. */
function addBody(gen: Generator, invocation: Node, remaining: number): void {
  const open: Node[] = [invocation];
  let left = remaining;
  while (left > 0) {
    const parent = open[open.length - 1] ?? invocation;
    if (gen.next() < 0.35) {
      const custom = gen.add(`## orders.step${open.length}`, parent, gen.next() < 0.3 ? { annotations: { orderId: Math.floor(gen.next() * 1e6), priority: 'high' }, metadata: { debug: { attempt: 1, tags: ['a', 'b'] } } } : {});
      left -= 1;
      if (open.length < MAX_NESTING) open.push(custom);
    } else {
      left -= addCall(gen, parent, left);
    }
    // Climb back out now and then so the tree has both breadth and depth.
    if (open.length > 1 && gen.next() < 0.2) open.pop();
  }
}

function independent(node: Node, parentId: unknown, traceId: string): Doc {
  return { ...node.fields, type: 'subsegment', trace_id: traceId, parent_id: parentId };
}

/** Serializes the nodes into documents of at most `DOCUMENT_BUDGET` characters. */
function toDocuments(gen: Generator): string[] {
  const queue: Array<{ node: Node; doc: Doc }> = gen.nodes.filter((node) => node.topLevel).map((node) => ({ node, doc: { ...node.fields } }));
  const documents: string[] = [];
  for (let q = 0; q < queue.length; q++) {
    const root = queue[q];
    if (root === undefined) continue;
    let size = JSON.stringify(root.doc).length;
    const stack: Array<{ node: Node; parentDoc: Doc }> = [];
    const pushChildren = (node: Node, parentDoc: Doc): void => {
      for (let i = node.children.length - 1; i >= 0; i--) {
        const child = node.children[i];
        if (child !== undefined && !child.topLevel) stack.push({ node: child, parentDoc });
      }
    };
    pushChildren(root.node, root.doc);
    for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
      const doc: Doc = { ...item.node.fields };
      const cost = JSON.stringify(doc).length + 20;
      if (size + cost > DOCUMENT_BUDGET) {
        queue.push({ node: item.node, doc: independent(item.node, item.parentDoc['id'], gen.traceId) });
        continue;
      }
      size += cost;
      const siblings = (item.parentDoc['subsegments'] as Doc[] | undefined) ?? [];
      siblings.push(doc);
      item.parentDoc['subsegments'] = siblings;
      pushChildren(item.node, doc);
    }
    documents.push(JSON.stringify(root.doc));
  }
  return documents;
}

/**
 * Segment documents (JSON strings) of one trace that builds into exactly `spanCount` spans.
 * Same `spanCount` and `seed` → same documents.
 */
export function syntheticTraceDocuments(spanCount: number, seed = 1): string[] {
  const count = Math.max(0, Math.floor(spanCount));
  const gen = new Generator(seed);
  const invocation = addHead(gen, count);
  if (invocation !== undefined && count > gen.nodes.length) addBody(gen, invocation, count - gen.nodes.length);
  return toDocuments(gen);
}
