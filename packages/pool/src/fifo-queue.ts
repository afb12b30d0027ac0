/** A place in a FifoQueue, kept by whoever queued the value so it can leave from the middle. */
export interface FifoNode<T> {
  readonly value: T;
  previous: FifoNode<T> | undefined;
  next: FifoNode<T> | undefined;
  queued: boolean;
}

/**
 * A doubly linked first-in-first-out queue. Waiters leave it from anywhere (an abort or a
 * deadline), so removal by node is O(1); `Array.shift` would be O(n) on the hot path and
 * `splice` O(n) on every abort.
 *
 *   head ─► [waiter 1] ◄─► [waiter 2] ◄─► [waiter 3] ◄─ tail
 *            shift()         remove(node)     push()
 */
export class FifoQueue<T> {
  #head: FifoNode<T> | undefined;
  #tail: FifoNode<T> | undefined;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  /** The node at the front, to walk the queue from (`node.next`) without taking anything out. */
  get first(): FifoNode<T> | undefined {
    return this.#head;
  }

  /** Adds a value at the back. */
  push(value: T): FifoNode<T> {
    const node: FifoNode<T> = { value, previous: this.#tail, next: undefined, queued: true };
    if (this.#tail) this.#tail.next = node;
    else this.#head = node;
    this.#tail = node;
    this.#length++;
    return node;
  }

  /** Adds a value at the front: for one that was taken out and must keep its turn. */
  unshift(value: T): FifoNode<T> {
    const node: FifoNode<T> = { value, previous: undefined, next: this.#head, queued: true };
    if (this.#head) this.#head.previous = node;
    else this.#tail = node;
    this.#head = node;
    this.#length++;
    return node;
  }

  /** Adds a value just before `next`, or at the back when `next` is undefined. */
  insertBefore(value: T, next: FifoNode<T> | undefined): FifoNode<T> {
    if (next === undefined || !next.queued) return this.push(value);
    const node: FifoNode<T> = { value, previous: next.previous, next, queued: true };
    if (next.previous) next.previous.next = node;
    else this.#head = node;
    next.previous = node;
    this.#length++;
    return node;
  }

  /** Takes the value at the front. */
  shift(): T | undefined {
    const node = this.#head;
    if (!node) return undefined;
    this.remove(node);
    return node.value;
  }

  /** Takes a node out wherever it is; false when it already left. */
  remove(node: FifoNode<T>): boolean {
    if (!node.queued) return false;
    node.queued = false;
    if (node.previous) node.previous.next = node.next;
    else this.#head = node.next;
    if (node.next) node.next.previous = node.previous;
    else this.#tail = node.previous;
    node.previous = undefined;
    node.next = undefined;
    this.#length--;
    return true;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let node = this.#head; node; node = node.next) yield node.value;
  }
}
