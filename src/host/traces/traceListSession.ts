import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../lifecycle';
import { traceRow } from './traceTreeItems';
import type { TraceSearchQuery } from '../../aws/xrayTraceSearch';
import type { AwsConnection } from '../connection/awsConnection';
import type { ComponentLogger } from '../logger';
import type { Trace, TraceSummary } from '../../shared/traceModel';
import type { TraceRow } from './traceTreeItems';

export interface TraceListCallbacks {
  /** New rows were appended (the first page arrived, or Load More). */
  onRowsAdded(): void;
  /** One row changed (its full trace arrived). */
  onRowChanged(row: TraceRow): void;
}

export interface TraceListSessionOptions {
  connection: AwsConnection;
  query: TraceSearchQuery;
  pageSize: number;
  viewId: string;
  logger: ComponentLogger;
  callbacks: TraceListCallbacks;
}

/**
 * One run of the Traces view's search: the page iterator, the rows shown so far, the summaries
 * pulled but not yet shown, and the background fetch of full traces. A new search (refresh, new
 * filter, new connection) disposes the previous session, which aborts everything it started.
 */
export class TraceListSession extends Disposable {
  readonly rows: TraceRow[] = [];
  private readonly abort = new AbortController();
  private readonly signal: AbortSignal;
  private readonly pages: AsyncGenerator<TraceSummary[]>;
  private readonly buffered: TraceSummary[] = [];
  private readonly seen = new Set<string>();
  private exhausted = false;
  private readonly background = new Set<Promise<void>>();

  constructor(private readonly options: TraceListSessionOptions) {
    super();
    this.signal = options.connection.requestSignal(this.abort.signal);
    this._register(toDisposable(() => this.abort.abort()));
    this.pages = options.connection.searchTraces(options.query, this.signal);
  }

  /** More summaries are buffered, or the iterator has not ended. */
  get hasMore(): boolean {
    return this.buffered.length > 0 || !this.exhausted;
  }

  get isCancelled(): boolean {
    return this.abort.signal.aborted || this.isDisposed;
  }

  /**
   * Shows up to one more page of rows. Rows appear as soon as each search page arrives, so the
   * first traces show before the rest of the range has been searched.
   */
  async showNextPage(): Promise<void> {
    const target = this.rows.length + this.options.pageSize;
    let added = this.showBuffered(target);
    while (this.rows.length < target && !this.exhausted) {
      const next = await this.pages.next();
      if (this.isCancelled) {
        return;
      }
      if (next.done === true) {
        this.exhausted = true;
        break;
      }
      this.buffer(next.value);
      added += this.showBuffered(target);
    }
    if (added === 0) {
      // The end of the search still changes the view (the Load More row goes away).
      this.options.callbacks.onRowsAdded();
    }
  }

  /** Moves buffered summaries to rows up to `target`, shows them, and reads their full traces. */
  private showBuffered(target: number): number {
    const added: TraceRow[] = [];
    while (this.rows.length < target && this.buffered.length > 0) {
      const row = traceRow(this.buffered.shift() as TraceSummary);
      this.rows.push(row);
      added.push(row);
    }
    if (added.length > 0) {
      this.options.callbacks.onRowsAdded();
      this.fetchInBackground(added);
    }
    return added.length;
  }

  /** Resolves when every background fetch started so far has settled. */
  async backgroundSettled(): Promise<void> {
    while (this.background.size > 0) {
      await Promise.allSettled([...this.background]);
    }
  }

  override dispose(): void {
    super.dispose();
    void this.pages.return(undefined).catch(() => undefined);
  }

  private buffer(page: readonly TraceSummary[]): void {
    for (const summary of page) {
      // Windows of the search can overlap at their edges; a trace is listed once.
      if (!this.seen.has(summary.id)) {
        this.seen.add(summary.id);
        this.buffered.push(summary);
      }
    }
  }

  /** Reads the full traces of `rows` (cold starts are only in the segments) and updates them. */
  private fetchInBackground(rows: readonly TraceRow[]): void {
    if (rows.length === 0 || this.isCancelled) {
      return;
    }
    const { connection, viewId, logger, callbacks } = this.options;
    const byId = new Map(rows.map((row) => [row.summary.id, row]));
    for (const row of rows) {
      const { summary } = row;
      const cached = connection.store.peek(summary.id);
      if (cached !== undefined) {
        this.applyTrace(row, cached);
      }
      connection.store.noteTimeHint(summary.id, { start: new Date(summary.startEpochMs - 60_000), end: new Date(summary.startEpochMs + summary.durationMs + 60_000) });
    }
    const ids = rows.filter((row) => row.detail === 'pending').map((row) => row.summary.id);
    if (ids.length === 0) {
      return;
    }
    const task = vscode.window.withProgress({ location: { viewId } }, async (progress) => {
      let reported = 0;
      await connection.store.prefetch(ids, {
        signal: this.signal,
        onProgress: (done, total) => {
          const percent = total > 0 ? (done / total) * 100 : 100;
          progress.report({ increment: percent - reported, message: `Reading traces ${done}/${total}` });
          reported = percent;
        },
        onTrace: (trace) => {
          const row = byId.get(trace.id);
          if (row !== undefined && !this.isCancelled) {
            this.applyTrace(row, trace);
            callbacks.onRowChanged(row);
          }
        },
      });
      for (const row of rows) {
        if (row.detail === 'pending' && !this.isCancelled) {
          row.detail = 'unavailable';
        }
      }
    });
    const tracked: Promise<void> = Promise.resolve(task).then(
      () => undefined,
      (error: unknown) => {
        if (!this.isCancelled) {
          logger.warn(`background fetch of ${ids.length} traces failed: ${String(error)}`);
        }
      },
    );
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }

  private applyTrace(row: TraceRow, trace: Trace): void {
    row.coldStart = trace.coldStart || row.summary.coldStart === true;
    row.detail = 'loaded';
  }
}
