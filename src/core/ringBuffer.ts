/**
 * A fixed-capacity FIFO that overwrites its oldest item when full. Tails and batch queues use it
 * so that memory stays bounded however fast events arrive and however slowly they are read: the
 * newest lines matter most to someone watching a tail.
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  private count = 0;
  private droppedTotal = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`RingBuffer capacity must be a positive integer, got ${capacity}`);
    }
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Items overwritten because the buffer was full, since creation. */
  get dropped(): number {
    return this.droppedTotal;
  }

  /** Appends; when full, the oldest item is overwritten and counted in `dropped`. */
  push(item: T): void {
    const tail = (this.head + this.count) % this.capacity;
    this.items[tail] = item;
    if (this.count < this.capacity) {
      this.count += 1;
    } else {
      this.head = (this.head + 1) % this.capacity;
      this.droppedTotal += 1;
    }
  }

  pushAll(items: Iterable<T>): void {
    for (const item of items) this.push(item);
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    // Release the reference so a drained buffer does not keep large messages alive.
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count -= 1;
    return item;
  }

  /** Removes and returns every item, oldest first. */
  drain(): T[] {
    const out = this.toArray();
    this.clear();
    return out;
  }

  /** Item `index` counted from the oldest (0); undefined outside `[0, size)`. */
  at(index: number): T | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) return undefined;
    return this.items[(this.head + index) % this.capacity];
  }

  /** The newest item. */
  last(): T | undefined {
    return this.at(this.count - 1);
  }

  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i += 1) out.push(this.items[(this.head + i) % this.capacity] as T);
    return out;
  }

  clear(): void {
    this.items.fill(undefined);
    this.head = 0;
    this.count = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.count; i += 1) yield this.items[(this.head + i) % this.capacity] as T;
  }
}
