/**
 * One timer for "refresh the ages shown inline": scheduling again keeps the earlier deadline, so
 * many marks asking for a refresh cost one timeout, and nothing ticks when nothing is shown.
 */
import type { IDisposable } from '../lifecycle';

export class InlineTimer implements IDisposable {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private dueAt = 0;

  constructor(private readonly callback: () => void) {}

  /** Runs the callback in `ms` unless it is already due sooner. */
  schedule(ms: number): void {
    const dueAt = Date.now() + ms;
    if (this.timer !== undefined && this.dueAt <= dueAt) return;
    this.cancel();
    this.dueAt = dueAt;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.callback();
    }, ms);
  }

  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.cancel();
  }
}
