/**
 * A first-in-first-out queue in a growable ring buffer. The pipeline pushes at the back and
 * takes from the front on every request; `Array.shift` would move every element on each
 * reply (O(n) per reply, O(n²) for a deep pipeline), the ring moves two indexes.
 *
 *        head                 tail
 *          ▼                    ▼
 *   [ . . oldest  b  c  d newest . . . ]   capacity: a power of two,
 *          shift() ◄──────── push()        indexes wrap with `& mask`
 *
 * When full it doubles, copying the live elements once, so a push is amortised O(1).
 * Vacated slots are cleared so finished requests can be collected.
 */
export class RingQueue<T> {
  #items: Array<T | undefined>;
  #mask: number;
  #head = 0;
  #length = 0;

  constructor(initialCapacity = 16) {
    let capacity = 2;
    while (capacity < initialCapacity) capacity *= 2;
    this.#items = new Array<T | undefined>(capacity);
    this.#mask = capacity - 1;
  }

  get length(): number {
    return this.#length;
  }

  push(item: T): void {
    if (this.#length > this.#mask) this.#grow();
    this.#items[(this.#head + this.#length) & this.#mask] = item;
    this.#length++;
  }

  /** Puts an element back in front of the oldest (a request sent again goes out first). */
  unshift(item: T): void {
    if (this.#length > this.#mask) this.#grow();
    this.#head = (this.#head - 1) & this.#mask;
    this.#items[this.#head] = item;
    this.#length++;
  }

  /** The oldest element, left in place. */
  peek(): T | undefined {
    return this.#length === 0 ? undefined : this.#items[this.#head];
  }

  /** Removes and returns the oldest element. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#length--;
    return item;
  }

  /** The element `index` places behind the oldest (0 is the oldest). */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.#length) return undefined;
    return this.#items[(this.#head + index) & this.#mask];
  }

  /** Empties the queue and returns what it held, oldest first. */
  drain(): T[] {
    const items: T[] = new Array<T>(this.#length);
    for (let index = 0; index < items.length; index++) items[index] = this.shift() as T;
    return items;
  }

  #grow(): void {
    const old = this.#items;
    const capacity = old.length * 2;
    const items = new Array<T | undefined>(capacity);
    for (let index = 0; index < this.#length; index++) items[index] = old[(this.#head + index) & this.#mask];
    this.#items = items;
    this.#head = 0;
    this.#mask = capacity - 1;
  }
}
