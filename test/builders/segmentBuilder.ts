/**
 * Fluent builder for X-Ray segment documents, so tests state the shape they need
 * (`segment('api').at(0, 120).child(dynamoDbCall('GetItem', 'orders'))`) instead of JSON blobs.
 * Times are given in milliseconds from `TRACE_EPOCH_SECONDS`; ids are deterministic.
 */

export type SegmentDoc = Record<string, unknown>;

/** 2023-11-14T22:13:20Z: the epoch second every built document is relative to. */
export const TRACE_EPOCH_SECONDS = 1_700_000_000;
export const DEFAULT_TRACE_ID = '1-6553f100-0123456789abcdef01234567';

let idCounter = 0;

/** A fresh 16-hex id; deterministic within a process run. */
export function nextSpanId(): string {
  idCounter += 1;
  return (0xa000000000 + idCounter).toString(16).padStart(16, '0');
}

export interface StackFrameInput {
  path: string;
  line: number;
  label: string;
}

export class SegmentBuilder {
  private readonly doc: SegmentDoc;
  private readonly children: SegmentBuilder[] = [];

  constructor(name: string, id = nextSpanId()) {
    this.doc = { id, name, start_time: TRACE_EPOCH_SECONDS, end_time: TRACE_EPOCH_SECONDS + 0.001 };
  }

  get id(): string {
    return this.doc['id'] as string;
  }

  /** Any raw field, for cases the helpers do not cover (including wrong types on purpose). */
  set(key: string, value: unknown): this {
    this.doc[key] = value;
    return this;
  }

  without(key: string): this {
    delete this.doc[key];
    return this;
  }

  traceId(traceId = DEFAULT_TRACE_ID): this {
    return this.set('trace_id', traceId);
  }

  parent(parentId: string): this {
    return this.set('parent_id', parentId);
  }

  /** Starts `offsetMs` after the trace epoch and lasts `durationMs`. */
  at(offsetMs: number, durationMs: number): this {
    this.doc['start_time'] = TRACE_EPOCH_SECONDS + offsetMs / 1000;
    this.doc['end_time'] = TRACE_EPOCH_SECONDS + (offsetMs + durationMs) / 1000;
    return this;
  }

  inProgress(): this {
    delete this.doc['end_time'];
    return this.set('in_progress', true);
  }

  origin(origin: string): this {
    return this.set('origin', origin);
  }

  namespace(namespace: 'aws' | 'remote'): this {
    return this.set('namespace', namespace);
  }

  http(method: string, url: string, status?: number, contentLength?: number): this {
    const response = status === undefined ? undefined : { status, ...(contentLength === undefined ? {} : { content_length: contentLength }) };
    return this.set('http', { request: { method, url }, ...(response === undefined ? {} : { response }) });
  }

  aws(fields: Record<string, unknown>): this {
    return this.set('aws', { ...((this.doc['aws'] as Record<string, unknown> | undefined) ?? {}), ...fields });
  }

  sql(fields: Record<string, unknown>): this {
    return this.set('sql', fields);
  }

  annotate(key: string, value: string | number | boolean): this {
    return this.set('annotations', { ...((this.doc['annotations'] as Record<string, unknown> | undefined) ?? {}), [key]: value });
  }

  metadata(namespace: string, key: string, value: unknown): this {
    const all = (this.doc['metadata'] as Record<string, Record<string, unknown>> | undefined) ?? {};
    return this.set('metadata', { ...all, [namespace]: { ...(all[namespace] ?? {}), [key]: value } });
  }

  error(): this {
    return this.set('error', true);
  }

  throttle(): this {
    return this.set('error', true).set('throttle', true);
  }

  /** A fault with one exception (and a stack unless `stack` is empty). */
  fault(type: string, message: string, options: { exceptionId?: string; remote?: boolean; stack?: StackFrameInput[] } = {}): this {
    const stack = options.stack ?? [{ path: '/var/task/index.js', line: 12, label: 'handler' }];
    const exception = { id: options.exceptionId ?? nextSpanId(), type, message, ...(options.remote === true ? { remote: true } : {}), ...(stack.length > 0 ? { stack } : {}) };
    return this.set('fault', true).set('cause', { working_directory: '/var/task', exceptions: [exception] });
  }

  /** `cause` as a reference: the string form, or the Node SDK's `{ id, exceptions: [] }`. */
  causeReference(id: string, form: 'string' | 'nodeSdk' = 'string'): this {
    return this.set('cause', form === 'string' ? id : { id, exceptions: [] });
  }

  inferred(): this {
    return this.set('inferred', true);
  }

  /** Makes this a subsegment sent on its own: `type`, `trace_id` and `parent_id` become required. */
  independent(parentId: string, traceId = DEFAULT_TRACE_ID): this {
    return this.set('type', 'subsegment').set('trace_id', traceId).set('parent_id', parentId);
  }

  child(...children: SegmentBuilder[]): this {
    this.children.push(...children);
    return this;
  }

  build(): SegmentDoc {
    const doc: SegmentDoc = { ...this.doc };
    if (this.children.length > 0) {
      doc['subsegments'] = this.children.map((child) => child.build());
    }
    return doc;
  }

  json(): string {
    return JSON.stringify(this.build());
  }
}

/** A top-level segment with a trace id. */
export function segment(name: string, id?: string): SegmentBuilder {
  return new SegmentBuilder(name, id).traceId();
}

export function subsegment(name: string, id?: string): SegmentBuilder {
  return new SegmentBuilder(name, id);
}

export function dynamoDbCall(operation: string, table: string, region = 'us-east-1'): SegmentBuilder {
  return subsegment('DynamoDB')
    .namespace('aws')
    .aws({ operation, table_name: table, region, request_id: `REQ${nextSpanId().toUpperCase()}`, retries: 0, resource_names: [table] })
    .set('http', { response: { status: 200, content_length: 58 } });
}

export function httpCall(method: string, url: string, status = 200): SegmentBuilder {
  return subsegment(new URL(url).host).namespace('remote').http(method, url, status);
}

export interface LambdaPair {
  service: SegmentBuilder;
  fn: SegmentBuilder;
  initialization?: SegmentBuilder;
  invocation: SegmentBuilder;
  overhead: SegmentBuilder;
}

/**
 * The two segments Lambda records per invocation: the `AWS::Lambda` service segment and the
 * `AWS::Lambda::Function` segment with `Initialization` (cold start only), `Invocation` and
 * `Overhead`, laid out from `offsetMs` like the real thing (Initialization before the function segment).
 */
export function lambdaInvocation(functionName: string, options: { offsetMs?: number; coldStart?: boolean; requestId?: string; region?: string } = {}): LambdaPair {
  const offset = options.offsetMs ?? 0;
  const arn = `arn:aws:lambda:${options.region ?? 'us-east-1'}:123456789012:function:${functionName}`;
  const initMs = options.coldStart === true ? 150 : 0;
  const service = segment(functionName).origin('AWS::Lambda').at(offset, initMs + 120)
    .set('resource_arn', arn)
    .aws({ request_id: options.requestId ?? '8f5e7c2a-1111-4b2c-9d3e-0123456789ab' })
    .set('http', { response: { status: 200 } });
  const fn = segment(functionName).origin('AWS::Lambda::Function').at(offset + initMs + 5, 110).parent(service.id)
    .aws({ function_arn: arn, account_id: '123456789012', resource_names: [functionName], cloudwatch_logs: [{ log_group: `/aws/lambda/${functionName}` }] });
  const initialization = options.coldStart === true ? subsegment('Initialization').at(offset + 2, initMs - 2).aws({ function_arn: arn }) : undefined;
  const invocation = subsegment('Invocation').at(offset + initMs + 5, 100);
  const overhead = subsegment('Overhead').at(offset + initMs + 105, 5);
  if (initialization !== undefined) fn.child(initialization);
  fn.child(invocation, overhead);
  return { service, fn, invocation, overhead, ...(initialization === undefined ? {} : { initialization }) };
}
