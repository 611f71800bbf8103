/**
 * In-process stand-ins for DynamoDB and SQS behind the demo app's `AwsClients` interface
 * (examples/src/lib/aws.ts). Nothing leaves the process; each call records the X-Ray subsegment
 * the AWS SDK's X-Ray capture would (`namespace: aws`, operation, region, request id,
 * `table_name` / `queue_url` / `message_id`), and a sent message carries the sender's trace
 * header in its `AWSTraceHeader` attribute, as SQS does.
 */
import { randomUUID } from 'node:crypto';
import * as AWSXRay from 'aws-xray-sdk-core';
import { DEMO_REGION } from './demoApp';
import { formatTraceHeader } from './invocationTrace';

/** The shapes of examples/src/lib/aws.ts (the app owns them; this is the runtime side). */
interface StoredOrder {
  id: string;
  status: string;
  [key: string]: unknown;
}

export interface QueuedMessage {
  messageId: string;
  body: string;
  traceHeader: string | undefined;
  sentMs: number;
  receiveCount: number;
  visibleAtMs: number;
}

const MAX_ROWS = 5000;
const MAX_QUEUED = 2000;

type Sub = AWSXRay.Subsegment & Record<string, unknown>;

function latency(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 4 + Math.random() * 18));
}

/** One AWS call: a subsegment named after the service, filled in the way the SDK's capture does. */
function awsCall<T>(service: 'DynamoDB' | 'SQS', operation: string, fields: Record<string, unknown>, work: (sub: Sub | undefined) => Promise<T>): Promise<T> {
  return AWSXRay.captureAsyncFunc(service, async (subsegment) => {
    const sub = subsegment as Sub | undefined;
    try {
      await latency();
      const value = await work(sub);
      if (sub) {
        sub.addAttribute('namespace', 'aws');
        sub.addAttribute('aws', { operation, region: DEMO_REGION, request_id: randomUUID().toUpperCase().replace(/-/g, '').slice(0, 20), retries: 0, ...fields, ...(sub.awsExtra as Record<string, unknown> | undefined) });
        delete sub.awsExtra;
        sub.addAttribute('http', { response: { status: 200 } });
        sub.close();
      }
      return value;
    } catch (error) {
      sub?.addAttribute('namespace', 'aws');
      sub?.close(error as Error, true);
      throw error;
    }
  });
}

export class FakeTable {
  private readonly rows = new Map<string, StoredOrder>();

  constructor(readonly name: string) {}

  put(order: StoredOrder): Promise<void> {
    return awsCall('DynamoDB', 'PutItem', { table_name: this.name }, async () => {
      this.rows.set(order.id, structuredClone(order));
      if (this.rows.size > MAX_ROWS) this.rows.delete(this.rows.keys().next().value as string);
    });
  }

  get(id: string): Promise<StoredOrder | undefined> {
    return awsCall('DynamoDB', 'GetItem', { table_name: this.name, consistent_read: true }, async () => {
      const row = this.rows.get(id);
      return row === undefined ? undefined : structuredClone(row);
    });
  }

  updateStatus(id: string, status: string): Promise<void> {
    return awsCall('DynamoDB', 'UpdateItem', { table_name: this.name }, async () => {
      const row = this.rows.get(id);
      if (row) row.status = status;
    });
  }
}

export class FakeQueue {
  private readonly messages: QueuedMessage[] = [];
  /** Messages dropped after too many receives (a dead-letter queue would keep them). */
  deadLettered = 0;

  constructor(
    readonly url: string,
    readonly maxReceiveCount = 3,
  ) {}

  send(body: unknown): Promise<{ messageId: string }> {
    return awsCall('SQS', 'SendMessage', { queue_url: this.url }, async (sub) => {
      const messageId = randomUUID();
      const header = sub ? formatTraceHeader({ root: (sub.segment as { trace_id: string }).trace_id, parent: sub.id }) : undefined;
      if (this.messages.length < MAX_QUEUED) this.messages.push({ messageId, body: JSON.stringify(body), traceHeader: header, sentMs: Date.now(), receiveCount: 0, visibleAtMs: Date.now() });
      if (sub) sub.awsExtra = { message_id: messageId };
      return { messageId };
    });
  }

  /** Up to `max` visible messages, hidden for `visibilityMs` until deleted or failed. */
  receive(max: number, visibilityMs: number): QueuedMessage[] {
    const now = Date.now();
    const batch: QueuedMessage[] = [];
    for (const message of this.messages) {
      if (batch.length >= max) break;
      if (message.visibleAtMs > now) continue;
      message.receiveCount += 1;
      message.visibleAtMs = now + visibilityMs;
      batch.push(message);
    }
    return batch;
  }

  delete(messageId: string): void {
    const index = this.messages.findIndex((message) => message.messageId === messageId);
    if (index >= 0) this.messages.splice(index, 1);
  }

  /** A failed message comes back after `delayMs`, or is dropped after maxReceiveCount receives. */
  release(messageId: string, delayMs: number): void {
    const message = this.messages.find((m) => m.messageId === messageId);
    if (message === undefined) return;
    if (message.receiveCount >= this.maxReceiveCount) {
      this.delete(messageId);
      this.deadLettered += 1;
      return;
    }
    message.visibleAtMs = Date.now() + delayMs;
  }

  get depth(): number {
    return this.messages.length;
  }
}

/** Installs the clients where examples/src/lib/aws.ts looks for them. */
export class FakeAws {
  private readonly tables = new Map<string, FakeTable>();
  private readonly queues = new Map<string, FakeQueue>();

  table(name: string): FakeTable {
    let table = this.tables.get(name);
    if (!table) this.tables.set(name, (table = new FakeTable(name)));
    return table;
  }

  queue(url: string): FakeQueue {
    let queue = this.queues.get(url);
    if (!queue) this.queues.set(url, (queue = new FakeQueue(url)));
    return queue;
  }

  install(): void {
    (globalThis as Record<symbol, unknown>)[Symbol.for('orders-demo.awsClients')] = this;
  }

  uninstall(): void {
    delete (globalThis as Record<symbol, unknown>)[Symbol.for('orders-demo.awsClients')];
  }
}
