import type { IDisposable } from './lifecycle';

/**
 * Runs `callback` once `ms` after the last `trigger()`: a burst of trace arrivals (a page of 50
 * prefetches) becomes one refresh instead of fifty.
 */
export class Debouncer implements IDisposable {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly ms: number,
    private readonly callback: () => void,
  ) {}

  trigger(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.callback();
    }, this.ms);
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * Runs `callback` at most once per `ms`, at the end of the window the first `trigger()` opened:
 * unlike a debounce, a steady stream of traces still updates the view every `ms`.
 */
export class Throttler implements IDisposable {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly ms: number,
    private readonly callback: () => void,
  ) {}

  trigger(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.callback();
    }, this.ms);
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
