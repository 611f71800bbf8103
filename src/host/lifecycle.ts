/**
 * Ownership of disposable resources. Every object that holds a listener, a timer, a client or a
 * UI element is registered with exactly one owner, so disposing the owner (the extension, or one
 * AWS connection) releases everything it built, in reverse order of creation.
 */

/** Anything with `dispose()`; structurally compatible with `vscode.Disposable`. */
export interface IDisposable {
  dispose(): void;
}

/** Disposes each item, newest first, and keeps going when one of them throws. */
export function disposeAll(items: Iterable<IDisposable>): void {
  const errors: unknown[] = [];
  for (const item of [...items].reverse()) {
    try {
      item.dispose();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) {
    throw errors[0];
  }
  if (errors.length > 1) {
    throw new AggregateError(errors, 'Several disposables failed to dispose');
  }
}

/** Wraps a callback as a disposable that runs it at most once. */
export function toDisposable(callback: () => void): IDisposable {
  let done = false;
  return {
    dispose: () => {
      if (!done) {
        done = true;
        callback();
      }
    },
  };
}

/** Base class for owners: `_register()` children, dispose them all with the owner. */
export abstract class Disposable implements IDisposable {
  private readonly _children = new Set<IDisposable>();
  private _isDisposed = false;

  protected get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Takes ownership of `child`; registering on a disposed owner disposes the child at once. */
  protected _register<T extends IDisposable>(child: T): T {
    if (this._isDisposed) {
      child.dispose();
    } else {
      this._children.add(child);
    }
    return child;
  }

  /** Disposes a child early and forgets it, so the owner does not dispose it twice. */
  protected _unregisterAndDispose(child: IDisposable): void {
    if (this._children.delete(child)) {
      child.dispose();
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    const children = [...this._children];
    this._children.clear();
    disposeAll(children);
  }
}

/** A slot that holds at most one disposable and disposes the previous one when replaced. */
export class MutableDisposable<T extends IDisposable> implements IDisposable {
  private _value: T | undefined;
  private _isDisposed = false;

  get value(): T | undefined {
    return this._value;
  }

  set value(next: T | undefined) {
    if (this._value === next) {
      return;
    }
    const previous = this._value;
    this._value = this._isDisposed ? undefined : next;
    previous?.dispose();
    if (this._isDisposed) {
      next?.dispose();
    }
  }

  dispose(): void {
    this._isDisposed = true;
    const previous = this._value;
    this._value = undefined;
    previous?.dispose();
  }
}
