/**
 * The payment provider's HTTP API (`PAYMENTS_URL`), called through the X-Ray SDK's traced copy of
 * `http`/`https`, so each call is a `remote` subsegment with its URL and status.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as AWSXRay from 'aws-xray-sdk-core';

const tracedHttp = AWSXRay.captureHTTPs(http);
const tracedHttps = AWSXRay.captureHTTPs(https);

export type ChargeResult = { outcome: 'approved'; chargeId: string } | { outcome: 'declined'; reason: string };

export class PaymentError extends Error {
  override name = 'PaymentError';
}

export async function charge(orderId: string, amount: number): Promise<ChargeResult> {
  const base = process.env.PAYMENTS_URL ?? '';
  // Bug: no timeout on the call. A charge held for manual review answers after 4 s, longer than
  // the worker's 3 s Lambda timeout, so the whole batch times out instead of being retried later.
  const { status, body } = await postJson(new URL('/v1/charges', base), { orderId, amount, currency: 'EUR' }); // @bug:payment-timeout
  if (status === 402) return { outcome: 'declined', reason: String(body.reason ?? 'declined') };
  if (status !== 201) throw new PaymentError(`the payment provider answered ${status}`);
  return { outcome: 'approved', chargeId: String(body.id) };
}

function postJson(url: URL, payload: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const transport = url.protocol === 'https:' ? tracedHttps : tracedHttp;
  const data = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const request = transport.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: Record<string, unknown> = {};
        try {
          body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
        } catch {
          body = { raw: text };
        }
        resolve({ status: response.statusCode ?? 0, body });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(data);
  });
}
