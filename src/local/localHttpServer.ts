/**
 * The HTTP side the local receivers share (the OTLP/HTTP receiver and the daemon's sampling
 * endpoint): a server that listens on one address exclusively and whose `close` does not wait for
 * the senders' keep-alive connections (an SDK holds one open for as long as it runs), so stopping
 * the receivers is immediate.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { BoundAddress } from './udpReceiver';

export class LocalHttpServer {
  readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(onRequest: (request: IncomingMessage, response: ServerResponse) => void) {
    this.server = createServer(onRequest);
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /**
   * Listens on `host:port` (0 picks a free port) and gives the address bound. When that fails
   * (the port is taken, the host is not local) the server is closed and the promise rejects with
   * `toError` of the listen error.
   */
  async listen(host: string, port: number, toError: (error: Error) => Error = (error) => error): Promise<BoundAddress> {
    const server = this.server;
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error): void => reject(toError(error));
        server.once('error', onError);
        server.listen({ host, port, exclusive: true }, () => {
          server.removeListener('error', onError);
          resolve();
        });
      });
    } catch (error) {
      server.close();
      throw error;
    }
    const info = server.address();
    return typeof info === 'object' && info !== null ? { host: info.address, port: info.port } : { host, port };
  }

  /** Stops listening and cuts the open connections instead of waiting for their clients. */
  close(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
      this.sockets.clear();
    });
  }
}
