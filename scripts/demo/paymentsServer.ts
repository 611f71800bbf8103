/**
 * A local stand-in for the payment provider the worker calls (`PAYMENTS_URL`), on 127.0.0.1.
 * `POST /v1/charges {orderId, amount}`: 201 with a charge id; 402 for 50–60 € (the demo card has
 * no more funds); charges of 1,000 € or more go to manual review and answer only after 4 s, longer
 * than the worker's 3 s timeout.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export const REVIEW_THRESHOLD = 1000;
export const REVIEW_DELAY_MS = 4000;

export interface PaymentsServer {
  url: string;
  charges: number;
  close(): Promise<void>;
}

export async function startPaymentsServer(): Promise<PaymentsServer> {
  const timers = new Set<NodeJS.Timeout>();
  const state = { charges: 0 };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const reply = (status: number, body: unknown, afterMs: number): void => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        }, afterMs);
        timers.add(timer);
      };
      if (request.method !== 'POST' || request.url !== '/v1/charges') return reply(404, { message: 'not found' }, 0);
      let amount = Number.NaN;
      try {
        amount = Number((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { amount?: unknown }).amount);
      } catch {
        // handled below
      }
      if (!Number.isFinite(amount)) return reply(400, { message: 'amount is required' }, 5);
      state.charges += 1;
      if (amount >= 50 && amount < 60) return reply(402, { reason: 'insufficient_funds' }, 40 + Math.random() * 60);
      const id = `ch_${randomBytes(8).toString('hex')}`;
      return reply(201, { id, amount }, amount >= REVIEW_THRESHOLD ? REVIEW_DELAY_MS : 40 + Math.random() * 120);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get charges() {
      return state.charges;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
