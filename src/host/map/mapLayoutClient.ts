import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { Disposable, toDisposable } from '../lifecycle';
import type { MapLayoutInput } from '../../core/mapLayout';
import type { MapLayout } from '../../shared/mapMessages';
import type { ComponentLogger } from '../logger';
import type { LayoutRequest, LayoutResponse } from './mapLayoutProtocol';

/** A worker idle this long is stopped (ELK holds tens of MB); the next layout starts another. */
const IDLE_STOP_MS = 120_000;

/**
 * Lays out service maps in a worker thread (`dist/mapLayoutWorker.js`), one request at a time in
 * order. The worker starts on the first layout and stops when idle or disposed; a crashed
 * worker fails the requests in flight and the next request starts a new one.
 */
export class MapLayoutClient extends Disposable {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (layout: MapLayout) => void; reject: (error: Error) => void }>();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly distFolder: string,
    private readonly log: ComponentLogger,
  ) {
    super();
    this._register(toDisposable(() => this.stop(new Error('the service map closed'))));
  }

  /** Starts the worker ahead of the first layout (loading ELK takes a moment). */
  warm(): void {
    if (!this.isDisposed && this.worker === undefined) {
      this.ensureWorker();
      this.startIdle();
    }
  }

  layout(input: MapLayoutInput): Promise<MapLayout> {
    if (this.isDisposed) return Promise.reject(new Error('the service map closed'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    this.clearIdle();
    return new Promise<MapLayout>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const request: LayoutRequest = { id, input };
      worker.postMessage(request);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker !== undefined) return this.worker;
    const started = performance.now();
    const worker = new Worker(join(this.distFolder, 'mapLayoutWorker.js'));
    worker.on('message', (response: LayoutResponse) => this.onResponse(response));
    worker.on('error', (error) => {
      this.log.error('the map layout worker failed', error);
      if (this.worker === worker) this.stop(error);
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.stop(new Error(`the map layout worker exited (${code})`));
    });
    worker.on('online', () => this.log.debug(`map layout worker started in ${Math.round(performance.now() - started)} ms`));
    this.worker = worker;
    return worker;
  }

  private onResponse(response: LayoutResponse): void {
    const waiter = this.pending.get(response.id);
    if (waiter === undefined) return;
    this.pending.delete(response.id);
    if (response.layout !== undefined) waiter.resolve(response.layout);
    else waiter.reject(new Error(`map layout failed: ${response.error}`));
    if (this.pending.size === 0) this.startIdle();
  }

  private startIdle(): void {
    this.clearIdle();
    this.idleTimer = setTimeout(() => this.stop(undefined), IDLE_STOP_MS);
    this.idleTimer.unref?.();
  }

  private clearIdle(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private stop(reason: Error | undefined): void {
    this.clearIdle();
    const worker = this.worker;
    this.worker = undefined;
    for (const waiter of this.pending.values()) waiter.reject(reason ?? new Error('the map layout worker stopped'));
    this.pending.clear();
    if (worker !== undefined) void worker.terminate();
  }
}
