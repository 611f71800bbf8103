/**
 * The owner of the local receivers: one `InMemoryLocalTraceStore`, the X-Ray daemon compatible UDP
 * listener and the OTLP/HTTP receiver, started and stopped together. Start is all or nothing: if
 * one receiver cannot bind, the other is stopped again and the `ReceiverStartError` says which
 * port is taken and which setting changes it. The store outlives restarts (a port change keeps
 * the traces). No `vscode`: the host wires commands, settings and the Traces view to this.
 */
import { parseDaemonAddress } from '../core/xrayDaemonProtocol';
import { createLocalTraceStore } from './localTraceStore';
import type { InMemoryLocalTraceStore, ReceiverLogger } from './localTraceStore';
import type { LocalTraceStoreLimits } from './localTraceTypes';
import { OtlpReceiver } from './otlpReceiver';
import { DEFAULT_OTLP_MAX_BODY_BYTES, DEFAULT_OTLP_PORT } from './otlpReceiver';
import { ReceiverStartError } from './receiverErrors';
import { SamplingEndpoint } from './samplingEndpoint';
import { DEFAULT_UDP_PORT, UdpReceiver, formatHostPort } from './udpReceiver';
import type { BoundAddress } from './udpReceiver';

export { ReceiverStartError } from './receiverErrors';
export type { ReceiverKind, ReceiverStartProblem } from './receiverErrors';
export type { BoundAddress } from './udpReceiver';

export const DEFAULT_RECEIVER_HOST = '127.0.0.1';
export { DEFAULT_OTLP_PORT, DEFAULT_UDP_PORT };

export interface LocalReceiversOptions {
  /**
   * Host to bind the UDP listener to (default `127.0.0.1`). May also be `host:port` or an
   * `AWS_XRAY_DAEMON_ADDRESS` value (`tcp:… udp:…`), whose port is used when `udpPort` is unset.
   */
  udpAddress?: string;
  /** Default 2000; 0 picks a free port. */
  udpPort?: number;
  /** Host to bind the OTLP/HTTP receiver to (default `127.0.0.1`); may also be `host:port` or `http://host:port`. */
  otlpAddress?: string;
  /** Default 4318; 0 picks a free port. */
  otlpPort?: number;
  limits?: Partial<LocalTraceStoreLimits>;
  /** Receives start/stop lines, rate-limited warnings about malformed input, and errors. */
  logger?: ReceiverLogger;
  /** Turn one receiver off (both default to on). */
  udp?: boolean;
  otlp?: boolean;
  /**
   * Answer the X-Ray SDKs' sampling-rule requests on TCP at the UDP address, with a rule that
   * samples every request (default on; skipped with a log line when the TCP port is taken).
   */
  samplingRules?: boolean;
  /** OTLP body size limit (413 beyond it); default 16 MiB. */
  maxOtlpBodyBytes?: number;
  /** Setting names quoted in errors; defaults `serverlessLens.local.udpAddress` / `…otlpAddress`. */
  udpSetting?: string;
  otlpSetting?: string;
  /** A store to use instead of a new one (the caller then owns and disposes it). */
  store?: InMemoryLocalTraceStore;
}

export interface LocalReceiversState {
  running: boolean;
  udp?: BoundAddress & {
    /** The value for `AWS_XRAY_DAEMON_ADDRESS`. */
    daemonAddress: string;
    /** True when the sampling-rule endpoint (TCP, same address) answers too. */
    samplingRules: boolean;
  };
  otlp?: BoundAddress & {
    /** The value for `OTEL_EXPORTER_OTLP_ENDPOINT` (the SDKs append `/v1/traces`, `/v1/logs`). */
    endpoint: string;
  };
  /** Receivers bound beyond loopback: other machines can send to them. */
  exposed: string[];
}

/** True when only this machine can reach the address: 127.0.0.0/8, ::1, `localhost`. */
export function isLoopbackAddress(host: string): boolean {
  const lower = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (lower === 'localhost' || lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^(?:::ffff:)?127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(lower);
  return v4 !== null && v4.slice(1).every((part) => Number(part) <= 255);
}

/** `host`, `host:port`, `[v6]:port`, `http://host:port/…` → host and optional port. */
export function splitHostPort(text: string): { host: string; port?: number } {
  let value = text.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '');
  const daemon = parseDaemonAddress(value);
  if (daemon !== undefined) return { host: daemon.udp.host, port: daemon.udp.port };
  value = value.replace(/^\[(.*)\]$/, '$1');
  return { host: value === '' ? DEFAULT_RECEIVER_HOST : value };
}

function endpointOf(address: string | undefined, port: number | undefined, defaultPort: number): { host: string; port: number } {
  const split = address === undefined || address.trim() === '' ? { host: DEFAULT_RECEIVER_HOST } : splitHostPort(address);
  return { host: split.host, port: port ?? split.port ?? defaultPort };
}

/** Owns the store and both receivers. `dispose` stops them and drops the store (unless it was given). */
export class LocalReceivers {
  readonly store: InMemoryLocalTraceStore;
  private options: LocalReceiversOptions;
  private udp: UdpReceiver | undefined;
  private otlp: OtlpReceiver | undefined;
  private sampling: SamplingEndpoint | undefined;
  private readonly ownsStore: boolean;
  /** Serializes start/stop/restart so a settings change during a start cannot leave two sockets. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: LocalReceiversOptions = {}) {
    this.options = { ...options };
    this.ownsStore = options.store === undefined;
    this.store = options.store ?? createLocalTraceStore({ ...(options.limits === undefined ? {} : { limits: options.limits }), ...(options.logger === undefined ? {} : { logger: options.logger }) });
    if (options.store !== undefined && options.limits !== undefined) this.store.setLimits(options.limits);
  }

  get running(): boolean {
    return this.udp !== undefined || this.otlp !== undefined;
  }

  state(): LocalReceiversState {
    const udp = this.udp?.address;
    const otlp = this.otlp?.address;
    const exposed: string[] = [];
    if (udp !== undefined && !isLoopbackAddress(udp.host)) exposed.push(`X-Ray UDP ${formatHostPort(udp)}`);
    if (otlp !== undefined && !isLoopbackAddress(otlp.host)) exposed.push(`OTLP/HTTP ${formatHostPort(otlp)}`);
    return {
      running: this.running,
      ...(udp === undefined ? {} : { udp: { ...udp, daemonAddress: formatHostPort(udp), samplingRules: this.sampling !== undefined } }),
      ...(otlp === undefined ? {} : { otlp: { ...otlp, endpoint: `http://${formatHostPort(otlp)}` } }),
      exposed,
    };
  }

  /** Starts both receivers (a no-op when running). Throws `ReceiverStartError`; then nothing is left listening. */
  start(): Promise<LocalReceiversState> {
    return this.serialized(() => this.doStart());
  }

  stop(): Promise<void> {
    return this.serialized(() => this.doStop());
  }

  /**
   * Applies new options: limits at once; addresses by restarting the receivers when they run and
   * an address changed. The traces are kept.
   */
  reconfigure(options: Partial<LocalReceiversOptions>): Promise<LocalReceiversState> {
    return this.serialized(async () => {
      const before = this.bindings();
      this.options = { ...this.options, ...options };
      if (options.limits !== undefined) this.store.setLimits(options.limits);
      const after = this.bindings();
      if (this.running && JSON.stringify(before) !== JSON.stringify(after)) {
        await this.doStop();
        return this.doStart();
      }
      return this.state();
    });
  }

  /** Stops the receivers and, when this owner created the store, disposes it. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.ownsStore) this.store.dispose();
  }

  private bindings(): unknown {
    const o = this.options;
    return [o.udp, o.otlp, o.udpAddress, o.udpPort, o.otlpAddress, o.otlpPort, o.maxOtlpBodyBytes, o.samplingRules];
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async doStart(): Promise<LocalReceiversState> {
    if (this.running) return this.state();
    const o = this.options;
    try {
      if (o.udp !== false) {
        const { host, port } = endpointOf(o.udpAddress, o.udpPort, DEFAULT_UDP_PORT);
        const udp = new UdpReceiver({ host, port, store: this.store, ...(o.udpSetting === undefined ? {} : { setting: o.udpSetting }) });
        const bound = await udp.start();
        this.udp = udp;
        if (o.samplingRules !== false) await this.startSampling(bound);
      }
      if (o.otlp !== false) {
        const { host, port } = endpointOf(o.otlpAddress, o.otlpPort, DEFAULT_OTLP_PORT);
        const otlp = new OtlpReceiver({
          host,
          port,
          store: this.store,
          maxBodyBytes: o.maxOtlpBodyBytes ?? DEFAULT_OTLP_MAX_BODY_BYTES,
          ...(o.otlpSetting === undefined ? {} : { setting: o.otlpSetting }),
        });
        await otlp.start();
        this.otlp = otlp;
      }
    } catch (error) {
      await this.doStop();
      if (error instanceof ReceiverStartError) this.store.log('error', error.message);
      throw error;
    }
    const state = this.state();
    for (const exposed of state.exposed) {
      this.store.log('warn', `The ${exposed} receiver is reachable from other machines; any of them can send traces to this editor.`);
    }
    return state;
  }

  private async doStop(): Promise<void> {
    const udp = this.udp;
    const otlp = this.otlp;
    const sampling = this.sampling;
    this.udp = undefined;
    this.otlp = undefined;
    this.sampling = undefined;
    await Promise.all([udp?.stop(), otlp?.stop(), sampling?.stop()]);
  }

  private async startSampling(bound: BoundAddress): Promise<void> {
    const sampling = new SamplingEndpoint();
    try {
      await sampling.start(bound.host, bound.port);
      this.sampling = sampling;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.store.log('warn', `X-Ray sampling rules are not served on TCP ${formatHostPort(bound)} (${reason}); X-Ray SDKs will use their local rule (1 request a second, then 5 %)`);
    }
  }
}

/** Creates the owner and starts it; on failure nothing is left listening and the error is thrown. */
export async function startLocalReceivers(options: LocalReceiversOptions = {}): Promise<LocalReceivers> {
  const receivers = new LocalReceivers(options);
  try {
    await receivers.start();
  } catch (error) {
    await receivers.dispose();
    throw error;
  }
  return receivers;
}
