/**
 * The AWS calls the handlers make, behind two small interfaces. In a deployment these are thin
 * wrappers over `@aws-sdk/client-dynamodb` and `@aws-sdk/client-sqs` (wrapped with
 * `AWSXRay.captureAWSv3Client`). The demo has no AWS account, so its Lambda-like runtime
 * (scripts/demo/fakeAws.ts) installs in-process stand-ins that keep the data in memory and record
 * the same X-Ray subsegments the SDK would (namespace `aws`, table name, queue URL, operation).
 */

export interface StoredOrder {
  id: string;
  customerId: string;
  email?: string;
  items: { sku: string; quantity: number; unitPrice: number }[];
  total: number;
  status: 'received' | 'paid' | 'declined';
  createdAt: string;
}

export interface OrdersTable {
  put(order: StoredOrder): Promise<void>;
  get(id: string): Promise<StoredOrder | undefined>;
  updateStatus(id: string, status: StoredOrder['status']): Promise<void>;
}

export interface Queue {
  send(body: unknown): Promise<{ messageId: string }>;
}

export interface AwsClients {
  table(name: string): OrdersTable;
  queue(url: string): Queue;
}

/** Where the runtime installs the clients (one per process, shared by every handler bundle). */
const CLIENTS = Symbol.for('orders-demo.awsClients');

function clients(): AwsClients {
  const installed = (globalThis as { [CLIENTS]?: AwsClients })[CLIENTS];
  if (installed === undefined) throw new Error('no AWS clients installed: run the handlers with `npm start` (scripts/demo)');
  return installed;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set`);
  return value;
}

export function ordersTable(): OrdersTable {
  return clients().table(requiredEnv('TABLE_NAME'));
}

export function queue(urlVariable: 'ORDERS_QUEUE_URL' | 'NOTIFICATIONS_QUEUE_URL'): Queue {
  return clients().queue(requiredEnv(urlVariable));
}
