/**
 * Consumes the orders queue: charges each order with the payment provider, records the outcome
 * in the orders table and queues a notification for the customer. Failed messages are reported
 * back (partial batch response) so SQS retries only those.
 */
import { ordersTable, queue } from '../lib/aws';
import type { LambdaContext, SqsBatchResponse, SqsEvent, SqsRecord } from '../lib/lambdaTypes';
import { logInfo, logWarn } from '../lib/logger';
import type { OrderEvent } from '../lib/notifications';
import { charge } from '../lib/payments';
import { traced } from '../lib/tracing';

async function processRecord(record: SqsRecord): Promise<void> {
  const { orderId } = JSON.parse(record.body) as { orderId: string };
  const table = ordersTable();
  const order = await table.get(orderId);
  if (order === undefined) {
    logWarn('order not found, dropping the message', { orderId });
    return;
  }
  const result = await traced('charge', async (annotate) => {
    annotate('orderId', orderId);
    return charge(order.id, order.total); // @calls:worker-charge
  });
  const status = result.outcome === 'approved' ? 'paid' : 'declined';
  await table.updateStatus(order.id, status);
  const event: OrderEvent = { orderId: order.id, status, total: order.total, customer: { id: order.customerId, ...(order.email !== undefined ? { email: order.email } : {}) } };
  await queue('NOTIFICATIONS_QUEUE_URL').send(event);
  logInfo(`order ${status}`, { orderId: order.id, total: order.total });
}

export async function handler(event: SqsEvent, _context: LambdaContext): Promise<SqsBatchResponse> {
  const batchItemFailures: SqsBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      await processRecord(record);
    } catch (error) {
      logWarn('message failed, SQS will retry it', { messageId: record.messageId, error: String(error) });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
