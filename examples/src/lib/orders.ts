/**
 * Order rules shared by the handlers: parsing and validating what the API receives, pricing.
 * Lines with a `@bug:` comment are real bugs the demo traffic hits on purpose (see README.md).
 */

export interface OrderItem {
  sku: string;
  quantity: number;
  unitPrice: number;
}

export interface NewOrder {
  customerId: string;
  email?: string;
  items: OrderItem[];
}

/** A problem with the request itself: the API answers 400 with the message. */
export class ValidationError extends Error {
  override name = 'ValidationError';
  readonly statusCode = 400;
}

const CATALOG: Record<string, number> = {
  'lens-35mm': 129.0,
  'lens-50mm': 249.0,
  'tripod': 89.5,
  'camera-bag': 59.0,
  'sd-card-128': 24.99,
};

export function parseOrder(body: string | null | undefined): NewOrder {
  if (body === null || body === undefined || body === '') throw new ValidationError('the request has no body');
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch {
    throw new ValidationError('the body is not JSON');
  }
  if (typeof input !== 'object' || input === null) throw new ValidationError('the body is not an object');
  const { customerId, email, items } = input as Record<string, unknown>;
  if (typeof customerId !== 'string' || customerId === '') throw new ValidationError('customerId is required');
  if (!Array.isArray(items) || items.length === 0) throw new ValidationError('an order needs at least one item');
  const order: NewOrder = { customerId, items: items.map(readItem) };
  if (typeof email === 'string') order.email = email;
  return order;
}

function readItem(raw: unknown, index: number): OrderItem {
  const { sku, quantity } = (raw ?? {}) as Record<string, unknown>;
  if (typeof sku !== 'string') throw new ValidationError(`item ${index + 1} has no sku`);
  const unitPrice = CATALOG[sku];
  if (unitPrice === undefined) throw new ValidationError(`unknown sku ${sku}`);
  if (typeof quantity !== 'number' || !Number.isInteger(quantity)) throw new ValidationError(`item ${index + 1}: quantity must be a whole number`);
  checkQuantity(sku, quantity);
  return { sku, quantity, unitPrice };
}

function checkQuantity(sku: string, quantity: number): void {
  if (quantity > 100) throw new ValidationError(`at most 100 of ${sku} per order`);
  if (quantity < 1) {
    // Bug: this should be a ValidationError (a 400 for the client); a plain Error fails the function.
    throw new RangeError(`quantity of ${sku} must be at least 1, got ${quantity}`); // @bug:quantity-zero
  }
}

export function orderTotal(items: readonly OrderItem[]): number {
  const cents = items.reduce((sum, item) => sum + Math.round(item.unitPrice * 100) * item.quantity, 0);
  return cents / 100;
}

export function newOrderId(now: Date = new Date()): string {
  const random = Math.random().toString(36).slice(2, 8);
  return `ord-${now.getTime().toString(36)}-${random}`;
}
