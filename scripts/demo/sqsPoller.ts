/**
 * Lambda's SQS event source mapping: polls a queue, hands batches (up to BatchSize) to the
 * function as SQS events, deletes what succeeded, and lets failed messages (a thrown error, a
 * timeout, or `batchItemFailures`) come back after a visibility delay until maxReceiveCount.
 */
import { DEMO_REGION } from './demoApp';
import type { FakeQueue, QueuedMessage } from './fakeAws';
import { parseTraceHeader } from './invocationTrace';
import type { TraceHeader } from './invocationTrace';
import type { FunctionRuntime, InvocationResult } from './lambdaRuntime';

const POLL_MS = 100;
const RETRY_DELAY_MS = 1500;

export class SqsPoller {
  private active = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly queue: FakeQueue,
    private readonly queueArn: string,
    private readonly runtime: FunctionRuntime,
    private readonly batchSize: number,
    private readonly onResult: (result: InvocationResult) => void,
    private readonly maxConcurrency = 2,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.poll(), POLL_MS);
  }

  /** True when the queue is empty and no batch is being processed. */
  get idle(): boolean {
    return this.active === 0 && this.queue.depth === 0;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.running]);
  }

  private poll(): void {
    while (this.active < this.maxConcurrency) {
      const batch = this.queue.receive(this.batchSize, this.runtime.fn.timeoutSeconds * 1000 + 1000);
      if (batch.length === 0) return;
      this.active += 1;
      const run = this.process(batch).finally(() => {
        this.active -= 1;
        this.running.delete(run);
      });
      this.running.add(run);
    }
  }

  private async process(batch: QueuedMessage[]): Promise<void> {
    const event = { Records: batch.map((message) => this.record(message)) };
    const links = batch.map((message) => parseTraceHeader(message.traceHeader)).filter((link): link is TraceHeader => link !== undefined);
    const result = await this.runtime.invoke(event, { links, trigger: 'pubsub' });
    const failed = new Set<string>();
    if (!result.ok) for (const message of batch) failed.add(message.messageId);
    const response = result.response as { batchItemFailures?: { itemIdentifier?: unknown }[] } | undefined;
    for (const item of response?.batchItemFailures ?? []) if (typeof item.itemIdentifier === 'string') failed.add(item.itemIdentifier);
    for (const message of batch) {
      if (failed.has(message.messageId)) this.queue.release(message.messageId, RETRY_DELAY_MS);
      else this.queue.delete(message.messageId);
    }
    this.onResult(result);
  }

  private record(message: QueuedMessage): Record<string, unknown> {
    return {
      messageId: message.messageId,
      receiptHandle: Buffer.from(`${message.messageId}:${message.receiveCount}`).toString('base64'),
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentMs),
        SenderId: 'AROAEXAMPLE:orders-demo',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
        ...(message.traceHeader !== undefined ? { AWSTraceHeader: message.traceHeader } : {}),
      },
      messageAttributes: {},
      eventSource: 'aws:sqs',
      eventSourceARN: this.queueArn,
      awsRegion: DEMO_REGION,
    };
  }
}
