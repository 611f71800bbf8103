/**
 * When the Traces view's Local group is redrawn, and whether it needs to be at all. Pure (no
 * `vscode`), so the change detection and the rate limit are unit-tested.
 *
 * Why it matters: a redraw of the group makes VS Code fetch its rows again and drop the commands
 * of the rows it replaces, so a click that lands on a row being replaced is lost ("Actual command
 * not found"). While the receivers take traffic the store reports changes several times a second;
 * most of them (a counter moved, a segment of a known trace arrived) change nothing the rows show.
 */
import type { SpanStatus, TraceSummary } from '../../shared/traceModel';

/** What one Local row shows that a redraw would change. The relative time is not here: the view's minute timer refreshes it. */
export interface LocalRowFacts {
  id: string;
  /** The entry point the row's label is made of. */
  entryPoint: string;
  status: SpanStatus;
  durationMs: number;
  coldStart: boolean | undefined;
  partial: boolean;
}

/** What the Local group shows: its own line and its rows (or the one message shown instead of rows). */
export interface LocalGroupView {
  description: string;
  contextValue: string;
  rows: readonly LocalRowFacts[];
  /** The message row shown when no row is, if any. */
  message?: string;
}

/** The facts of a local trace's row (`coldStart`: from the built trace when the store has it). */
export function localRowFacts(summary: TraceSummary, coldStart: boolean | undefined): LocalRowFacts {
  return { id: summary.id, entryPoint: summary.entryPoint, status: summary.status, durationMs: summary.durationMs, coldStart, partial: summary.isPartial };
}

function sameRow(a: LocalRowFacts, b: LocalRowFacts): boolean {
  return a.id === b.id && a.entryPoint === b.entryPoint && a.status === b.status && a.durationMs === b.durationMs && a.coldStart === b.coldStart && a.partial === b.partial;
}

/** True when a redraw of `next` would show exactly what `shown` shows (same rows in the same order, same group line). */
export function sameLocalGroupView(shown: LocalGroupView | undefined, next: LocalGroupView): boolean {
  if (shown === undefined) return false;
  if (shown.description !== next.description || shown.contextValue !== next.contextValue || shown.message !== next.message) return false;
  if (shown.rows.length !== next.rows.length) return false;
  return shown.rows.every((row, i) => sameRow(row, next.rows[i]!));
}

/** The clock and timers a `RefreshLimiter` uses (tests pass a fake one). */
export interface LimiterClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: LimiterClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Runs `callback` at most once per `intervalMs`: at once when the last run is older than that
 * (the first trace of a quiet period shows without delay), else once at the end of the interval
 * however many requests came in between (a steady stream still updates every `intervalMs`).
 */
export class RefreshLimiter {
  private lastRun = Number.NEGATIVE_INFINITY;
  private timer: unknown;
  private disposed = false;

  constructor(
    private readonly intervalMs: number,
    private readonly callback: () => void,
    private readonly clock: LimiterClock = systemClock,
  ) {}

  request(): void {
    if (this.disposed || this.timer !== undefined) return;
    const wait = this.lastRun + this.intervalMs - this.clock.now();
    if (wait <= 0) {
      this.run();
      return;
    }
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, wait);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    if (this.disposed) return;
    this.lastRun = this.clock.now();
    this.callback();
  }
}
