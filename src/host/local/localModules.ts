/**
 * The local receivers and their trace store (`src/local`), loaded on first use: nothing of them
 * is evaluated at activation unless `serverlessLens.local.autoStart` asks for it. This module is
 * also the one place that adapts their API to what the host needs.
 */
import type { LocalTraceStore, LocalTraceStoreLimits } from '../../local/localTraceTypes';
import type { ReceiverAddress } from './localAddress';
import type * as StoreModule from '../../local/localTraceStore';
import type * as ReceiversModule from '../../local/receivers';

/** The store the host keeps across receiver restarts (the receivers' own store type). */
export interface HostLocalStore extends LocalTraceStore {
  setLimits(limits: Partial<LocalTraceStoreLimits>): void;
  /** Delivers pending change notifications now. */
  flush(): void;
  dispose(): void;
}

/** Receivers bound and listening. */
export interface ReceiverHandle {
  /** Bound `host:port` (the real port when 0 was asked for). */
  readonly udp: string;
  readonly otlp: string;
  stop(): Promise<void>;
}

export interface ReceiverLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A start failure the user can fix in a setting (a port in use names its port and setting). */
export interface StartProblem {
  portInUse: boolean;
  port?: number;
  /** `serverlessLens.local.udpAddress` or `…otlpAddress`. */
  setting?: string;
  message: string;
}

export interface LocalModules {
  createStore(limits: LocalTraceStoreLimits, log: ReceiverLog): HostLocalStore;
  startReceivers(store: HostLocalStore, udp: ReceiverAddress, otlp: ReceiverAddress): Promise<ReceiverHandle>;
  /** What a start failure means for the user, when the receivers explained it. */
  startProblem(error: unknown): StartProblem | undefined;
}

let loaded: Promise<LocalModules> | undefined;

export function loadLocalModules(): Promise<LocalModules> {
  loaded ??= Promise.all([import('../../local/localTraceStore'), import('../../local/receivers')]).then(([storeModule, receiversModule]) => adapt(storeModule, receiversModule));
  return loaded;
}

function adapt(storeModule: typeof StoreModule, receiversModule: typeof ReceiversModule): LocalModules {
  const stores = new WeakMap<HostLocalStore, InstanceType<typeof storeModule.InMemoryLocalTraceStore>>();
  return {
    createStore: (limits, log) => {
      const store = storeModule.createLocalTraceStore({ limits, logger: (level, message) => log[level](`[local] ${message}`) });
      stores.set(store, store);
      return store;
    },
    startReceivers: async (hostStore, udp, otlp) => {
      const store = stores.get(hostStore);
      if (store === undefined) throw new Error('the local store was not made by createStore');
      // The store is given, so stopping these receivers keeps the traces.
      const receivers = new receiversModule.LocalReceivers({ store, udpAddress: udp.host, udpPort: udp.port, otlpAddress: otlp.host, otlpPort: otlp.port });
      const state = await receivers.start();
      return {
        udp: state.udp?.daemonAddress ?? 'off',
        otlp: state.otlp !== undefined ? formatBound(state.otlp) : 'off',
        stop: () => receivers.stop(),
      };
    },
    startProblem: (error) => {
      if (!(error instanceof receiversModule.ReceiverStartError)) return undefined;
      return { portInUse: error.problem === 'portInUse', port: error.port, setting: error.setting, message: error.message };
    },
  };
}

function formatBound(address: { host: string; port: number }): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
