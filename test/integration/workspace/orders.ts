/**
 * Handlers of the test workspace's Orders API (template.yaml: `orders.list`, `orders.create`).
 * The extension-host tests open this file and expect a lens above each export with what the
 * local X-Ray server's traces say about that function.
 */

interface ApiEvent {
  body?: string | null;
}

interface ApiResult {
  statusCode: number;
  body: string;
}

const orders: { id: string; item: string }[] = [];

export const list = async (): Promise<ApiResult> => {
  return { statusCode: 200, body: JSON.stringify(orders) };
};

export async function create(event: ApiEvent): Promise<ApiResult> {
  const order = JSON.parse(event.body ?? '{}') as { item?: string };
  const created = { id: String(orders.length + 1), item: order.item ?? 'unknown' };
  orders.push(created);
  return { statusCode: 201, body: JSON.stringify(created) };
}
