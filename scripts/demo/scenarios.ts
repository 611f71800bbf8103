/**
 * The requests the traffic sends to POST /orders, in a fixed cycle so a short run (`--count 7`)
 * already covers every path: accepted orders, the demo's three bugs (a quantity of 0 failing the
 * api, an order without e-mail failing the notifier, a charge held for review timing the worker
 * out), a bad request (400) and a declined card (handled).
 */

export type ScenarioKind = 'ok' | 'quantity-zero' | 'missing-email' | 'bad-request' | 'declined' | 'payment-timeout';

export interface Scenario {
  kind: ScenarioKind;
  body: Record<string, unknown>;
}

const CUSTOMERS = [
  { customerId: 'cust-1001', email: 'Ana.Silva@example.com' },
  { customerId: 'cust-1002', email: 'j.meyer@example.org' },
  { customerId: 'cust-1003', email: 'kenji@example.net' },
  { customerId: 'cust-1004', email: 'Priya.N@example.com' },
];

/** Item sets whose totals the payment stand-in approves at once (under 1,000 €, not 50–60 €). */
const BASKETS = [
  [{ sku: 'lens-35mm', quantity: 1 }],
  [{ sku: 'tripod', quantity: 1 }, { sku: 'sd-card-128', quantity: 2 }],
  [{ sku: 'lens-50mm', quantity: 1 }, { sku: 'camera-bag', quantity: 1 }],
  [{ sku: 'sd-card-128', quantity: 3 }],
];

const CYCLE: ScenarioKind[] = ['ok', 'quantity-zero', 'missing-email', 'ok', 'bad-request', 'declined', 'ok', 'payment-timeout', 'ok', 'missing-email', 'ok', 'quantity-zero'];

export function scenario(index: number): Scenario {
  const kind = CYCLE[index % CYCLE.length] ?? 'ok';
  const customer = CUSTOMERS[index % CUSTOMERS.length] ?? CUSTOMERS[0]!;
  const basket = BASKETS[index % BASKETS.length] ?? BASKETS[0]!;
  switch (kind) {
    case 'ok':
      return { kind, body: { ...customer, items: basket } };
    case 'quantity-zero':
      return { kind, body: { ...customer, items: [{ sku: 'tripod', quantity: 2 }, { sku: 'sd-card-128', quantity: 0 }] } };
    case 'missing-email':
      return { kind, body: { customerId: customer.customerId, items: [{ sku: 'camera-bag', quantity: 2 }] } };
    case 'bad-request':
      return { kind, body: { ...customer, items: [{ sku: 'lens-85mm', quantity: 1 }] } };
    case 'declined':
      return { kind, body: { ...customer, items: [{ sku: 'camera-bag', quantity: 1 }] } };
    case 'payment-timeout':
      return { kind, body: { ...customer, items: [{ sku: 'lens-50mm', quantity: 5 }] } };
  }
}

export const SCENARIO_CYCLE_LENGTH = CYCLE.length;
