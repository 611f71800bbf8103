/**
 * Plain listeners standing in for the local receivers while testing the demo traffic: a UDP
 * socket that keeps every X-Ray daemon datagram and an HTTP server that keeps every OTLP/HTTP
 * request body, both on 127.0.0.1 with ephemeral ports.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpRequest {
  path: string;
  contentType: string;
  body: string;
}

export interface DemoSinks {
  xrayAddress: string;
  otlpUrl: string;
  datagrams: string[];
  otlp: OtlpRequest[];
  close(): Promise<void>;
}

export async function startDemoSinks(): Promise<DemoSinks> {
  const datagrams: string[] = [];
  const otlp: OtlpRequest[] = [];
  const socket = createSocket('udp4');
  socket.on('message', (message) => datagrams.push(message.toString('utf8')));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      otlp.push({ path: request.url ?? '', contentType: request.headers['content-type'] ?? '', body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    xrayAddress: `127.0.0.1:${socket.address().port}`,
    otlpUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    datagrams,
    otlp,
    close: async () => {
      socket.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The JSON documents of daemon datagrams (`{"format":"json","version":1}\n{…}`). */
export function segmentDocuments(datagrams: readonly string[]): Record<string, unknown>[] {
  return datagrams.map((datagram) => {
    const newline = datagram.indexOf('\n');
    return JSON.parse(datagram.slice(newline + 1)) as Record<string, unknown>;
  });
}
