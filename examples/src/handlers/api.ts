/**
 * POST /orders (API Gateway proxy integration): validates the order, stores it in the orders
 * table and queues it for the worker. Bad requests get a 400; anything else fails the invocation.
 */
import { ordersTable, queue } from '../lib/aws';
import type { StoredOrder } from '../lib/aws';
import type { ApiGatewayProxyEvent, ApiGatewayProxyResult, LambdaContext } from '../lib/lambdaTypes';
import { logInfo, logWarn } from '../lib/logger';
import { ValidationError, newOrderId, orderTotal, parseOrder } from '../lib/orders';
import { traced } from '../lib/tracing';

function json(statusCode: number, body: unknown): ApiGatewayProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export async function handler(event: ApiGatewayProxyEvent, context: LambdaContext): Promise<ApiGatewayProxyResult> {
  let order: StoredOrder;
  try {
    order = await traced('validate order', async (annotate) => {
      const input = parseOrder(event.body); // @calls:api-parse
      annotate('customerId', input.customerId);
      const stored: StoredOrder = { id: newOrderId(), customerId: input.customerId, items: input.items, total: orderTotal(input.items), status: 'received', createdAt: new Date().toISOString() };
      if (input.email !== undefined) stored.email = input.email;
      return stored;
    });
  } catch (error) {
    if (error instanceof ValidationError) {
      logWarn('rejected order', { reason: error.message });
      return json(400, { message: error.message, requestId: context.awsRequestId });
    }
    throw error;
  }
  await ordersTable().put(order);
  const { messageId } = await queue('ORDERS_QUEUE_URL').send({ orderId: order.id });
  logInfo('order accepted', { orderId: order.id, total: order.total, messageId });
  return json(201, { id: order.id, total: order.total, status: order.status });
}
