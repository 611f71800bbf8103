import * as vscode from 'vscode';
import { Disposable, MutableDisposable, disposeAll } from '../lifecycle';
import type { IDisposable } from '../lifecycle';
import type { AwsConnection } from '../connection/awsConnection';
import type { ConnectionController } from '../connection/connectionController';
import type { LocalTraceService } from '../local/localTraceService';
import type { Trace } from '../../shared/traceModel';

/**
 * The traces the lenses and problems work from: the current connection's trace cache, which the
 * Traces view and the timeline fill anyway, and the local receivers' traces. Never opens a
 * connection and never fetches, so the editor features cost no AWS call. Follows the connection:
 * a new profile or region starts the AWS part empty (local traces stay).
 */
export class InsightTraces extends Disposable {
  private readonly subscription = this._register(new MutableDisposable<IDisposable>());
  private connection: AwsConnection | undefined;
  private readonly added = this._register(new vscode.EventEmitter<Trace>());
  private readonly reset = this._register(new vscode.EventEmitter<void>());

  /** A trace was built and cached (fired for every trace, including refetches of the same id). */
  readonly onDidAdd = this.added.event;
  /**
   * The set changed wholesale: the connection changed, its cache was cleared, or we attached to a
   * cache that already held traces. Listeners re-read `traces()`.
   */
  readonly onDidReset = this.reset.event;

  constructor(
    connections: ConnectionController,
    private readonly local?: LocalTraceService,
  ) {
    super();
    if (local !== undefined) {
      this._register(local.onDidChangeTraces((ids) => this.onLocalChanged(local, ids)));
      this._register(local.onDidClear(() => this.reset.fire()));
    }
    const current = connections.peek();
    if (current !== undefined) this.attach(current);
    this._register(connections.onDidOpen((connection) => this.attach(connection)));
    this._register(
      connections.onDidChange(() => {
        this.detach();
        this.reset.fire();
      }),
    );
  }

  /** The cached AWS traces (none before a connection opens), then the local traces. */
  traces(): Trace[] {
    const aws = this.connection?.store.traces() ?? [];
    const local = this.local?.traces() ?? [];
    return local.length === 0 ? aws : [...aws, ...local];
  }

  /** A local trace grew (rebuilt: a new object) or arrived; an evicted one resets the set. */
  private onLocalChanged(local: LocalTraceService, ids: readonly string[]): void {
    let gone = false;
    for (const id of ids) {
      const trace = local.get(id);
      if (trace !== undefined) this.added.fire(trace);
      else gone = true;
    }
    if (gone) this.reset.fire();
  }

  private attach(connection: AwsConnection): void {
    if (this.connection === connection) return;
    this.connection = connection;
    const { store } = connection;
    const listeners = [
      store.onDidAdd((trace) => {
        if (this.connection === connection) this.added.fire(trace);
      }),
      store.onDidClear(() => {
        if (this.connection === connection) this.reset.fire();
      }),
    ];
    this.subscription.value = { dispose: () => disposeAll(listeners) };
    // Traces cached before we attached (the view may have loaded first) count as new.
    if (store.traces().length > 0) this.reset.fire();
  }

  private detach(): void {
    this.connection = undefined;
    this.subscription.value = undefined;
  }
}
