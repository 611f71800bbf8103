import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../lifecycle';
import { formatReceiverAddress, isLoopbackHost, parseReceiverAddress } from './localAddress';
import { loadLocalModules } from './localModules';
import type { Config } from '../config';
import type { ComponentLogger } from '../logger';
import type { LocalLogLine, LocalTraceStoreLimits, ReceiverCounters, SegmentDocumentJson } from '../../local/localTraceTypes';
import type { Trace, TraceSummary } from '../../shared/traceModel';
import type { ReceiverAddress } from './localAddress';
import type { HostLocalStore, LocalModules, ReceiverHandle } from './localModules';

/** Non-loopback addresses the user agreed to listen on (global state: it is the user's machine). */
const ACCEPTED_KEY = 'serverlessLens.local.acceptedAddresses';

export interface LocalReceiverStatus {
  running: boolean;
  /** Bound addresses while running. */
  udp?: string;
  otlp?: string;
  /** Why the last start failed, if it did (cleared by the next start). */
  error?: string;
}

export interface LocalTraceServiceDeps {
  config: Config;
  globalState: vscode.Memento;
  log: ComponentLogger;
  /** Opens the log channel (the "Show Logs" button). */
  showLogs: () => void;
  /** Tests replace the modal question; the product asks the user. */
  confirmExposure?: (address: string) => Promise<boolean>;
}

/**
 * The local receivers and the store of local traces, for the whole extension's lifetime. Starts
 * and stops on command, restarts when a `serverlessLens.local.*` setting changes, keeps the
 * traces after a stop (until cleared), and tells listeners about new traces (coalesced) and state
 * changes. Port-in-use and bad addresses become messages that offer the fix, never exceptions.
 */
export class LocalTraceService extends Disposable {
  private modules: LocalModules | undefined;
  private storeValue: HostLocalStore | undefined;
  // The addresses the running receivers were started with, to restart only when they change.
  private boundSettings: string | undefined;
  private storeSubscription: (() => void) | undefined;
  private handle: ReceiverHandle | undefined;
  private lastError: string | undefined;
  // Start, stop and restart run one at a time, in order.
  private queue: Promise<void> = Promise.resolve();
  private readonly pendingIds = new Set<string>();

  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Receivers started or stopped, or traces arrived or were cleared (coalesced). */
  readonly onDidChange = this.changed.event;
  private readonly tracesChanged = this._register(new vscode.EventEmitter<readonly string[]>());
  /** Traces added or grown, by id (coalesced); for consumers that follow single traces. */
  readonly onDidChangeTraces = this.tracesChanged.event;
  private readonly cleared = this._register(new vscode.EventEmitter<void>());
  /** Every local trace is gone (cleared, or evicted wholesale). */
  readonly onDidClear = this.cleared.event;

  constructor(private readonly deps: LocalTraceServiceDeps) {
    super();
    this._register(deps.config.onDidChangeLocal(() => this.onSettingsChanged()));
    this._register(
      toDisposable(() => {
        this.storeSubscription?.();
        const handle = this.handle;
        const store = this.storeValue;
        this.handle = undefined;
        this.storeValue = undefined;
        void (handle?.stop() ?? Promise.resolve()).catch(() => undefined).finally(() => store?.dispose());
      }),
    );
  }

  /** Starts the receivers when `serverlessLens.local.autoStart` is on (after activation). */
  autoStart(): void {
    if (this.deps.config.get('local.autoStart')) {
      void this.start();
    }
  }

  status(): LocalReceiverStatus {
    const status: LocalReceiverStatus = { running: this.handle !== undefined };
    if (this.handle !== undefined) {
      status.udp = this.handle.udp;
      status.otlp = this.handle.otlp;
    }
    if (this.lastError !== undefined) status.error = this.lastError;
    return status;
  }

  get isRunning(): boolean {
    return this.handle !== undefined;
  }

  /** True when the view should show the Local group: receivers on, or local traces kept. */
  get isActive(): boolean {
    return this.handle !== undefined || this.summaries().length > 0;
  }

  summaries(): TraceSummary[] {
    return this.storeValue?.summaries() ?? [];
  }

  get(traceId: string): Trace | undefined {
    return this.storeValue?.get(traceId);
  }

  has(traceId: string): boolean {
    return this.storeValue?.get(traceId) !== undefined;
  }

  /** The built local traces, newest first. */
  traces(): Trace[] {
    const store = this.storeValue;
    if (store === undefined) return [];
    return store.summaries().flatMap((summary) => store.get(summary.id) ?? []);
  }

  logs(traceId: string): LocalLogLine[] {
    return this.storeValue?.logs(traceId) ?? [];
  }

  /** The raw segment documents as received, for export; undefined when the trace is not kept. */
  documents(traceId: string): SegmentDocumentJson[] | undefined {
    const documents = this.storeValue?.documents(traceId);
    return documents === undefined || documents.length === 0 ? undefined : documents;
  }

  counters(): ReceiverCounters | undefined {
    return this.storeValue?.counters();
  }

  maxTraces(): number {
    return this.deps.config.get('local.maxTraces');
  }

  start(): Promise<void> {
    return this.enqueue(() => this.doStart());
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.doStop(true));
  }

  clear(): void {
    this.storeValue?.clear();
    this.pendingIds.clear();
    this.cleared.fire();
    this.changed.fire();
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private onSettingsChanged(): void {
    if (this.isDisposed) return;
    // Caps apply at once, running or not; only new addresses need new sockets.
    this.storeValue?.setLimits(this.limits());
    if (this.handle !== undefined && this.addressSettings() !== this.boundSettings) {
      this.deps.log.info('local receiver settings changed: restarting the receivers');
      void this.enqueue(async () => {
        await this.doStop(false);
        await this.doStart();
      });
    } else if (this.deps.config.get('local.autoStart')) {
      void this.start();
    }
  }

  private limits(): LocalTraceStoreLimits {
    const { config } = this.deps;
    return { maxTraces: config.get('local.maxTraces'), maxBytesPerTrace: config.get('local.maxTraceBytes'), maxDatagramsPerSecond: config.get('local.maxDatagramsPerSecond') };
  }

  private async doStart(): Promise<void> {
    if (this.isDisposed || this.handle !== undefined) return;
    this.lastError = undefined;
    const udp = this.address('local.udpAddress');
    const otlp = this.address('local.otlpAddress');
    if (udp === undefined || otlp === undefined) return;
    if (!(await this.allowExposure(udp)) || !(await this.allowExposure(otlp))) {
      this.deps.log.info('local receivers not started: listening beyond this machine was declined');
      return;
    }
    const modules = (this.modules ??= await loadLocalModules());
    const store = this.ensureStore(modules, this.limits());
    const settings = this.addressSettings();
    try {
      const handle = await modules.startReceivers(store, udp, otlp);
      if (this.isDisposed) {
        await handle.stop();
        return;
      }
      this.handle = handle;
      this.boundSettings = settings;
      this.deps.log.info(`local receivers listening: X-Ray daemon UDP ${handle.udp}, OTLP/HTTP ${handle.otlp}`);
    } catch (error) {
      this.onStartFailed(modules, error, udp);
    }
    this.changed.fire();
  }

  private async doStop(log: boolean): Promise<void> {
    const handle = this.handle;
    if (handle === undefined) return;
    this.handle = undefined;
    try {
      await handle.stop();
    } catch (error) {
      this.deps.log.warn(`stopping the local receivers failed: ${String(error)}`);
    }
    if (log) this.deps.log.info('local receivers stopped');
    this.changed.fire();
  }

  private addressSettings(): string {
    return `${this.deps.config.get('local.udpAddress')}|${this.deps.config.get('local.otlpAddress')}`;
  }

  private address(key: 'local.udpAddress' | 'local.otlpAddress'): ReceiverAddress | undefined {
    const parsed = parseReceiverAddress(this.deps.config.get(key));
    if ('error' in parsed) {
      const message = `Serverless Lens: serverlessLens.${key} is not valid: ${parsed.error}.`;
      this.fail(message, [{ title: 'Open Setting', run: () => openSetting(`serverlessLens.${key}`) }]);
      return undefined;
    }
    return parsed;
  }

  /** A non-loopback address lets other machines send traces in: ask once per address. */
  private async allowExposure(address: ReceiverAddress): Promise<boolean> {
    if (isLoopbackHost(address.host)) return true;
    const text = formatReceiverAddress(address);
    const accepted = this.deps.globalState.get<unknown>(ACCEPTED_KEY);
    const known = Array.isArray(accepted) ? accepted.filter((item): item is string => typeof item === 'string') : [];
    if (known.includes(text)) return true;
    const confirm = this.deps.confirmExposure ?? askExposure;
    if (!(await confirm(text))) return false;
    await this.deps.globalState.update(ACCEPTED_KEY, [...known, text]);
    return true;
  }

  private ensureStore(modules: LocalModules, limits: LocalTraceStoreLimits): HostLocalStore {
    if (this.storeValue !== undefined) {
      this.storeValue.setLimits(limits);
      return this.storeValue;
    }
    const store = modules.createStore(limits, this.deps.log);
    this.storeValue = store;
    // The store coalesces its notifications (at most four a second): pass them on as they come.
    this.storeSubscription = store.onDidChange((ids) => {
      for (const id of ids) this.pendingIds.add(id);
      this.flushChanges();
    });
    return store;
  }

  private flushChanges(): void {
    if (this.isDisposed) return;
    const ids = [...this.pendingIds];
    this.pendingIds.clear();
    if (ids.length > 0) this.tracesChanged.fire(ids);
    this.changed.fire();
  }

  private onStartFailed(modules: LocalModules, error: unknown, udp: ReceiverAddress): void {
    const problem = modules.startProblem(error);
    const retry = { title: 'Retry', run: () => this.start() };
    if (problem !== undefined) {
      // The receivers' message names the port and the setting; the buttons do the two fixes.
      const setting = problem.setting ?? (problem.port === udp.port ? 'serverlessLens.local.udpAddress' : 'serverlessLens.local.otlpAddress');
      const change = { title: problem.portInUse ? 'Change Port…' : 'Open Setting', run: () => openSetting(setting) };
      this.fail(problem.message, [change, retry], problem.portInUse ? undefined : error);
      return;
    }
    this.fail(`Could not start the local receivers: ${error instanceof Error ? error.message : String(error)}`, [retry, { title: 'Show Logs', run: () => this.deps.showLogs() }], error);
  }

  /** Records, logs and shows a failure; the answer is handled later (never awaited here). */
  private fail(message: string, actions: { title: string; run: () => unknown }[], error?: unknown): void {
    this.lastError = message;
    this.deps.log.error(message, error);
    void vscode.window.showErrorMessage(message, ...actions.map((action) => action.title)).then((choice) => {
      const action = actions.find((candidate) => candidate.title === choice);
      if (action !== undefined) void Promise.resolve(action.run()).catch((failure: unknown) => this.deps.log.error(`action ${action.title} failed`, failure));
    });
  }
}

function openSetting(qualifiedKey: string): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', qualifiedKey);
}

async function askExposure(address: string): Promise<boolean> {
  const listen = `Listen on ${address}`;
  const choice = await vscode.window.showWarningMessage(
    `Listen for traces on ${address}?`,
    {
      modal: true,
      detail: `${address} is not a loopback address: other machines that can reach it could send traces and logs into VS Code. Use 127.0.0.1 unless the traced program runs elsewhere (a container, a VM). Serverless Lens remembers your answer for this address.`,
    },
    listen,
  );
  return choice === listen;
}
