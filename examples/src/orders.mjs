// Handlers of the demo template. They are not deployed by the demo: the traces you see come from
// the local X-Ray server. They show the shape of code Serverless Lens links stack frames back to.
import { DynamoDBClient, ScanCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';

const db = new DynamoDBClient({});
const table = process.env.TABLE_NAME;

export async function list() {
  const result = await db.send(new ScanCommand({ TableName: table, Limit: 50 }));
  return { statusCode: 200, body: JSON.stringify(result.Items ?? []) };
}

export async function create(event) {
  const order = JSON.parse(event.body ?? '{}');
  if (typeof order.id !== 'string') {
    return { statusCode: 400, body: JSON.stringify({ message: 'id is required' }) };
  }
  await db.send(new PutItemCommand({ TableName: table, Item: { id: { S: order.id } } }));
  return { statusCode: 201, body: JSON.stringify({ id: order.id }) };
}
