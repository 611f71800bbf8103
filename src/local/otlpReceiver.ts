/**
 * An OTLP/HTTP receiver (default 127.0.0.1:4318): `POST /v1/traces` and `POST /v1/logs` with
 * `application/json` or `application/x-protobuf` bodies, optionally gzip-encoded, answered as the
 * OTLP/HTTP specification says: 200 with an (empty, or partial-success) Export*ServiceResponse in
 * the request's encoding, 400 for bodies that do not decode, 413 over the body size limit, 415 for
 * other content types or encodings, 405 for other methods, 404 elsewhere. Spans become X-Ray
 * documents (`core/otlp/otlpToXray.ts`) filed in the same store as the daemon's datagrams; log
 * records join their trace.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzip, inflate } from 'node:zlib';
import { decodeLogsRequestJson, decodeTraceRequestJson, encodeExportResponseJson, encodeStatusJson } from '../core/otlp/otlpJson';
import { otlpLogsRequestToLines } from '../core/otlp/otlpLogs';
import { decodeLogsRequestProtobuf, decodeTraceRequestProtobuf, encodeExportResponseProtobuf, encodeStatusProtobuf } from '../core/otlp/otlpProtobuf';
import { countSpans, otlpTraceRequestToSegmentDocuments } from '../core/otlp/otlpToXray';
import { OtlpDecodeError } from '../core/otlp/otlpTypes';
import { LocalHttpServer } from './localHttpServer';
import type { InMemoryLocalTraceStore } from './localTraceStore';
import { ReceiverStartError } from './receiverErrors';
import type { BoundAddress } from './udpReceiver';
import { formatHostPort } from './udpReceiver';

export const DEFAULT_OTLP_PORT = 4318;
/** The OpenTelemetry Collector's default request body limit is 20 MiB; 16 MiB keeps memory modest. */
export const DEFAULT_OTLP_MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface OtlpReceiverOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 4318; 0 picks a free port. */
  port?: number;
  store: InMemoryLocalTraceStore;
  /** Body size limit before and after decompression; default 16 MiB. */
  maxBodyBytes?: number;
  setting?: string;
}

type Encoding = 'json' | 'protobuf';
type Signal = 'traces' | 'logs';

/** google.rpc.Code values used in Status bodies. */
const RPC_INVALID_ARGUMENT = 3;
const RPC_NOT_FOUND = 5;
const RPC_RESOURCE_EXHAUSTED = 8;
const RPC_UNIMPLEMENTED = 12;

class HttpProblem extends Error {
  constructor(readonly status: number, readonly rpcCode: number, message: string) {
    super(message);
  }
}

function encodingOf(contentType: string | undefined): Encoding | undefined {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  return undefined;
}

export class OtlpReceiver {
  private http: LocalHttpServer | undefined;
  private bound: BoundAddress | undefined;
  private readonly label = 'OTLP/HTTP receiver';
  private readonly maxBodyBytes: number;

  constructor(private readonly options: OtlpReceiverOptions) {
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_OTLP_MAX_BODY_BYTES;
  }

  get address(): BoundAddress | undefined {
    return this.bound === undefined ? undefined : { ...this.bound };
  }

  /** `http://127.0.0.1:4318`: the value for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  get endpoint(): string | undefined {
    return this.bound === undefined ? undefined : `http://${formatHostPort(this.bound)}`;
  }

  async start(): Promise<BoundAddress> {
    if (this.http !== undefined) throw new Error('The OTLP receiver is already started');
    const host = this.options.host ?? '127.0.0.1';
    const port = this.options.port ?? DEFAULT_OTLP_PORT;
    const http = new LocalHttpServer((request, response) => this.onRequest(request, response));
    const server = http.server;
    server.requestTimeout = 30_000;
    server.headersTimeout = 10_000;
    server.on('clientError', (_error, socket) => {
      // Garbage instead of HTTP: answer 400 when possible, never crash.
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    this.http = http;
    try {
      this.bound = await http.listen(host, port, (error) => new ReceiverStartError('otlp', host, port, this.options.setting ?? 'serverlessLens.local.otlpAddress', error));
    } catch (error) {
      this.http = undefined;
      throw error;
    }
    server.on('error', (error) => this.options.store.log('error', `${this.label}: ${error.message}`));
    this.options.store.log('info', `${this.label} listening on ${this.endpoint ?? formatHostPort(this.bound)} (/v1/traces, /v1/logs)`);
    return { ...this.bound };
  }

  async stop(): Promise<void> {
    const http = this.http;
    this.http = undefined;
    if (http === undefined) return;
    await http.close();
    if (this.bound !== undefined) this.options.store.log('info', `${this.label} on ${formatHostPort(this.bound)} stopped`);
    this.bound = undefined;
  }

  private onRequest(request: IncomingMessage, response: ServerResponse): void {
    request.on('error', () => request.destroy());
    response.on('error', () => response.destroy());
    void this.handle(request, response).catch((error: unknown) => {
      this.options.store.log('error', `${this.label}: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) this.reply(response, 500, 'json', 'text', encodeStatusJson(13, 'internal error'));
      else response.destroy();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const signal: Signal | undefined = path === '/v1/traces' || path === '/v1/traces/' ? 'traces' : path === '/v1/logs' || path === '/v1/logs/' ? 'logs' : undefined;
    if (signal === undefined) {
      this.refuse(request, response, 'json', new HttpProblem(404, RPC_NOT_FOUND, `${path.slice(0, 100)} is not an OTLP endpoint; use /v1/traces or /v1/logs`));
      return;
    }
    if (request.method !== 'POST') {
      response.setHeader('Allow', 'POST');
      this.refuse(request, response, 'json', new HttpProblem(405, RPC_UNIMPLEMENTED, `use POST for ${path}`));
      return;
    }
    this.options.store.count('otlpRequests');
    const encoding = encodingOf(request.headers['content-type']);
    if (encoding === undefined) {
      this.options.store.reportMalformed(this.label, `unsupported Content-Type ${String(request.headers['content-type'] ?? '(none)').slice(0, 80)}`);
      this.refuse(request, response, 'json', new HttpProblem(415, RPC_INVALID_ARGUMENT, 'Content-Type must be application/json or application/x-protobuf'));
      return;
    }
    const contentEncoding = String(request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (contentEncoding !== 'identity' && contentEncoding !== 'gzip' && contentEncoding !== 'deflate' && contentEncoding !== '') {
      this.options.store.reportMalformed(this.label, `unsupported Content-Encoding ${contentEncoding.slice(0, 40)}`);
      this.refuse(request, response, encoding, new HttpProblem(415, RPC_INVALID_ARGUMENT, 'Content-Encoding must be gzip, deflate or identity'));
      return;
    }
    let body: Uint8Array;
    try {
      body = await this.readBody(request, contentEncoding);
    } catch (error) {
      const problem = error instanceof HttpProblem ? error : new HttpProblem(400, RPC_INVALID_ARGUMENT, `the body could not be read: ${error instanceof Error ? error.message : String(error)}`);
      this.options.store.reportMalformed(this.label, problem.message);
      this.refuse(request, response, encoding, problem);
      return;
    }
    let rejected: number;
    let message: string;
    try {
      ({ rejected, message } = signal === 'traces' ? this.acceptTraces(body, encoding) : this.acceptLogs(body, encoding));
    } catch (error) {
      if (!(error instanceof OtlpDecodeError)) throw error;
      this.options.store.reportMalformed(this.label, `${path}: ${error.message}`);
      this.refuse(request, response, encoding, new HttpProblem(400, RPC_INVALID_ARGUMENT, error.message));
      return;
    }
    const payload = encoding === 'json' ? encodeExportResponseJson(signal, rejected, message) : encodeExportResponseProtobuf(rejected, message);
    this.reply(response, 200, encoding, 'response', payload);
  }

  private acceptTraces(body: Uint8Array, encoding: Encoding): { rejected: number; message: string } {
    const store = this.options.store;
    const decoded = encoding === 'json' ? decodeTraceRequestJson(body) : decodeTraceRequestProtobuf(body);
    const total = countSpans(decoded);
    store.count('spans', total);
    const mapped = otlpTraceRequestToSegmentDocuments(decoded);
    if (mapped.rejected > 0) {
      store.count('malformed', mapped.rejected);
      store.logLimited('warn', `${this.label}: rejected ${mapped.rejected} span(s): ${mapped.problems.join('; ')}`);
    }
    let rateDropped = 0;
    let bytesDropped = 0;
    const perDocumentBytes = mapped.documents.length === 0 ? 0 : Math.ceil(body.length / Math.max(1, total));
    for (const item of mapped.documents) {
      if (!store.admit()) {
        rateDropped += 1;
        continue;
      }
      const outcome = store.addDocument(item.traceId, item.id, item.document, perDocumentBytes, item.inProgress);
      if (outcome === 'droppedBytes') bytesDropped += 1;
    }
    if (rateDropped > 0) store.count('droppedRate', rateDropped);
    const rejected = mapped.rejected + rateDropped + bytesDropped;
    const reasons = [
      mapped.rejected > 0 ? `${mapped.rejected} without valid trace or span ids` : '',
      rateDropped > 0 ? `${rateDropped} over the rate limit` : '',
      bytesDropped > 0 ? `${bytesDropped} over the per-trace size limit` : '',
    ].filter((reason) => reason !== '');
    return { rejected, message: reasons.length === 0 ? '' : `rejected spans: ${reasons.join(', ')}` };
  }

  private acceptLogs(body: Uint8Array, encoding: Encoding): { rejected: number; message: string } {
    const store = this.options.store;
    const decoded = encoding === 'json' ? decodeLogsRequestJson(body) : decodeLogsRequestProtobuf(body);
    let rateDropped = 0;
    let sizeDropped = 0;
    for (const line of otlpLogsRequestToLines(decoded)) {
      if (!store.admit()) {
        rateDropped += 1;
        continue;
      }
      // `addLog` counts the record; records without a trace id are counted but not kept.
      if (!store.addLog(line) && line.traceId !== undefined) sizeDropped += 1;
    }
    if (rateDropped > 0) {
      store.count('logRecords', rateDropped);
      store.count('droppedRate', rateDropped);
    }
    const rejected = rateDropped + sizeDropped;
    return { rejected, message: rejected === 0 ? '' : `rejected ${rejected} log record(s) over the rate or per-trace size limit` };
  }

  private readBody(request: IncomingMessage, contentEncoding: string): Promise<Uint8Array> {
    const limit = this.maxBodyBytes;
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      return Promise.reject(new HttpProblem(413, RPC_RESOURCE_EXHAUSTED, `the body of ${declared} bytes is over the limit of ${limit} bytes`));
    }
    return new Promise<Uint8Array>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let failed = false;
      request.on('data', (chunk: Buffer) => {
        if (failed) return;
        size += chunk.length;
        if (size > limit) {
          failed = true;
          reject(new HttpProblem(413, RPC_RESOURCE_EXHAUSTED, `the body is over the limit of ${limit} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      request.on('error', (error) => {
        if (!failed) reject(error);
        failed = true;
      });
      request.on('end', () => {
        if (failed) return;
        const raw = Buffer.concat(chunks, size);
        if (contentEncoding !== 'gzip' && contentEncoding !== 'deflate') {
          resolve(raw);
          return;
        }
        const inflateBody = contentEncoding === 'gzip' ? gunzip : inflate;
        inflateBody(raw, { maxOutputLength: limit }, (error, result) => {
          if (error === null) resolve(result);
          else if (error instanceof RangeError || (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
            reject(new HttpProblem(413, RPC_RESOURCE_EXHAUSTED, `the decompressed body is over the limit of ${limit} bytes`));
          } else {
            reject(new HttpProblem(400, RPC_INVALID_ARGUMENT, `the ${contentEncoding} body could not be decompressed: ${error.message}`));
          }
        });
      });
    });
  }

  /** Error reply: a Status message in the request's encoding; unread bodies are not waited for. */
  private refuse(request: IncomingMessage, response: ServerResponse, encoding: Encoding, problem: HttpProblem): void {
    const payload = encoding === 'json' ? encodeStatusJson(problem.rpcCode, problem.message) : encodeStatusProtobuf(problem.rpcCode, problem.message);
    if (!request.complete) {
      // Do not read a body we refuse; close the connection once the answer is out.
      response.setHeader('Connection', 'close');
      response.once('finish', () => request.destroy());
    }
    this.reply(response, problem.status, encoding, 'status', payload);
  }

  private reply(response: ServerResponse, status: number, encoding: Encoding, _kind: string, payload: string | Uint8Array): void {
    if (response.headersSent) return;
    response.statusCode = status;
    response.setHeader('Content-Type', encoding === 'json' ? 'application/json' : 'application/x-protobuf');
    response.setHeader('Content-Length', typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length);
    response.end(payload);
  }
}
