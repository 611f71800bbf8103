/**
 * An X-Ray daemon compatible UDP listener: the X-Ray SDKs send one segment document per datagram
 * (header line + JSON) to `AWS_XRAY_DAEMON_ADDRESS`, by default 127.0.0.1:2000. Each datagram is
 * counted, checked against the rate cap, decoded by `core/xrayDaemonProtocol.ts` and filed in the
 * `InMemoryLocalTraceStore`, which assembles traces as documents stream in. Malformed datagrams
 * are counted and logged; nothing a sender does can throw out of the message handler.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { decodeDaemonDatagram } from '../core/xrayDaemonProtocol';
import type { InMemoryLocalTraceStore } from './localTraceStore';
import { ReceiverStartError } from './receiverErrors';

export interface UdpReceiverOptions {
  /** Host or IP to bind; default `127.0.0.1`. */
  host?: string;
  /** Default 2000; 0 picks a free port. */
  port?: number;
  store: InMemoryLocalTraceStore;
  /** The setting a user changes when the port is taken (named in errors). */
  setting?: string;
  /** Kernel receive buffer to ask for, so bursts are not lost while the event loop is busy. Default 4 MB. */
  receiveBufferBytes?: number;
}

export interface BoundAddress {
  host: string;
  port: number;
}

export const DEFAULT_UDP_PORT = 2000;

/** One UDP socket; `start` binds it, `stop` closes it. Not restartable: make a new one. */
export class UdpReceiver {
  private socket: Socket | undefined;
  private bound: BoundAddress | undefined;
  private readonly label: string;

  constructor(private readonly options: UdpReceiverOptions) {
    this.label = 'X-Ray UDP receiver';
  }

  get address(): BoundAddress | undefined {
    return this.bound === undefined ? undefined : { ...this.bound };
  }

  async start(): Promise<BoundAddress> {
    if (this.socket !== undefined) throw new Error('The UDP receiver is already started');
    const host = this.options.host ?? '127.0.0.1';
    const port = this.options.port ?? DEFAULT_UDP_PORT;
    const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', reuseAddr: false });
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => {
        socket.removeListener('listening', onListening);
        reject(new ReceiverStartError('udp', host, port, this.options.setting ?? 'serverlessLens.local.udpAddress', error));
      };
      const onListening = (): void => {
        socket.removeListener('error', onError);
        resolve();
      };
      socket.once('error', onError);
      socket.once('listening', onListening);
      try {
        socket.bind({ address: host, port, exclusive: true });
      } catch (error) {
        onError(error instanceof Error ? error : new Error(String(error)));
      }
    }).catch((error: unknown) => {
      this.socket = undefined;
      try {
        socket.close();
      } catch {
        // Never bound: nothing to close.
      }
      throw error;
    });
    try {
      socket.setRecvBufferSize(this.options.receiveBufferBytes ?? 4 * 1024 * 1024);
    } catch {
      // The system caps it (net.core.rmem_max); the default buffer still works.
    }
    socket.on('message', (message) => this.onMessage(message));
    socket.on('error', (error) => this.options.store.log('error', `${this.label}: ${error.message}`));
    const info = socket.address();
    this.bound = { host: info.address, port: info.port };
    this.options.store.log('info', `${this.label} listening on ${formatHostPort(this.bound)}`);
    return { ...this.bound };
  }

  async stop(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket === undefined) return;
    await new Promise<void>((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
    if (this.bound !== undefined) this.options.store.log('info', `${this.label} on ${formatHostPort(this.bound)} stopped`);
    this.bound = undefined;
  }

  private onMessage(message: Buffer): void {
    const store = this.options.store;
    try {
      store.count('datagrams');
      if (!store.admit()) {
        store.count('droppedRate');
        return;
      }
      const decoded = decodeDaemonDatagram(message);
      if (!decoded.ok) {
        store.reportMalformed(this.label, `${decoded.message} (${message.length} bytes)`);
        return;
      }
      store.count('segments');
      store.addDocument(decoded.traceId, decoded.id, decoded.document, decoded.bytes, decoded.inProgress);
    } catch (error) {
      // A bug of ours must not take the listener down with it.
      store.reportMalformed(this.label, `the datagram could not be filed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

export function formatHostPort(address: BoundAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
