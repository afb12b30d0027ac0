import { MemcacheConnectionError, MemcacheIllegalInputError, MemcacheTimeoutError } from '@mc/protocol';
import { type FifoNode, FifoQueue } from './fifo-queue.js';
import type { AcquireOptions, PoolCloseOptions, PoolFactory, PoolLease, PoolStats } from './types.js';

/** The pool's record of one live resource. */
export interface PoolEntry<T> {
  readonly resource: T;
  /** Borrowers holding it now. */
  borrowers: number;
  /** `Date.now()` when its last borrower gave it back. */
  idleSince: number;
  /**
   * Just made and not yet idle: a resource handed straight from its create to an acquire is
   * not validated. One that falls idle (a warm one, one grown ahead of demand) no longer is.
   */
  fresh: boolean;
  /** A validation is running; nobody else may borrow it meanwhile. */
  validating: boolean;
}

interface Waiter<T> {
  resolve: (resource: T) => void;
  reject: (error: unknown) => void;
  /** Its place in the queue of waiters. */
  node: FifoNode<Waiter<T>> | undefined;
  /** Its place among the queued waiters without a create of their own. */
  unclaimed: FifoNode<Waiter<T>> | undefined;
  /** Arrival order, to put a waiter back among the unclaimed ones where it stood. */
  seq: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  settled: boolean;
  /** A create was started for this waiter and has not finished: its failure is this waiter's. */
  creating: boolean;
}

type State = 'open' | 'draining' | 'closed';

/** A short, safe description of a bad argument for an error message. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value)})`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return `${typeof value} ${String(value)}`;
}

/** AbortSignal, or one from another realm or a polyfill that behaves as one. */
function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof value !== 'object' || value === null) return false;
  const signal = value as Partial<AbortSignal>;
  return (
    typeof signal.aborted === 'boolean' &&
    typeof signal.addEventListener === 'function' &&
    typeof signal.removeEventListener === 'function'
  );
}

/** The signal of acquire's options, checked before anything is queued. */
function signalOf(options: unknown): AbortSignal | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    throw new MemcacheIllegalInputError(`acquire options must be an object, got ${describe(options)}`);
  }
  const signal = (options as AcquireOptions).signal;
  if (signal === undefined) return undefined;
  if (!isAbortSignal(signal)) {
    throw new MemcacheIllegalInputError(`signal must be an AbortSignal, got ${describe(signal)}`);
  }
  return signal;
}

function checkFactory(factory: unknown): void {
  if (typeof factory !== 'object' || factory === null) {
    throw new MemcacheIllegalInputError(
      `a pool needs a factory { create, destroy, validate? }, got ${describe(factory)}`,
    );
  }
  const { create, destroy, validate } = factory as Partial<PoolFactory<unknown>>;
  if (typeof create !== 'function') {
    throw new MemcacheIllegalInputError(`factory.create must be a function, got ${describe(create)}`);
  }
  if (typeof destroy !== 'function') {
    throw new MemcacheIllegalInputError(`factory.destroy must be a function, got ${describe(destroy)}`);
  }
  if (validate !== undefined && typeof validate !== 'function') {
    throw new MemcacheIllegalInputError(`factory.validate must be a function, got ${describe(validate)}`);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

/**
 * What every pool needs whatever its policy: the registry of live resources, the FIFO queue
 * of acquires with their deadlines and aborts, creating and destroying through the factory,
 * draining, closing and stats. A subclass decides only which resource to lend and when to
 * grow (`dispatch`), and what to do when a resource falls idle (`onIdle`).
 *
 *   open ──drain()──► draining ──last resource gone──► closed
 *     └────────────────close()──────────────────────────┘
 */
export abstract class PoolBase<T> {
  /** Live resources, oldest first. Scanned by index on the hot path, so an array. */
  protected readonly entries: PoolEntry<T>[] = [];
  readonly #factory: PoolFactory<T>;
  readonly #acquireTimeout: number | undefined;
  readonly #createTimeout: number | undefined;
  readonly #byResource = new Map<T, PoolEntry<T>>();
  readonly #waiters = new FifoQueue<Waiter<T>>();
  /**
   * The queued waiters without a create of their own, in arrival order: the next create
   * for a waiter claims the first of them in O(1), however long the queue.
   */
  readonly #unclaimed = new FifoQueue<Waiter<T>>();
  /** Waiters out of the queue while an idle resource is validated for them. */
  readonly #validating = new Set<Waiter<T>>();
  readonly #destroying = new Set<Promise<void>>();
  #seq = 0;
  #pending = 0;
  #borrowed = 0;
  #state: State = 'open';
  #finished: Promise<void> | undefined;
  #finish: (() => void) | undefined;

  /**
   * @param acquireTimeout ms an acquire may wait, or undefined for no deadline
   * @param createTimeout ms a `factory.create()` may take, or undefined for no limit
   */
  protected constructor(
    factory: PoolFactory<T>,
    acquireTimeout: number | undefined,
    createTimeout?: number | undefined,
  ) {
    checkFactory(factory);
    this.#factory = factory;
    this.#acquireTimeout = acquireTimeout;
    this.#createTimeout = createTimeout;
  }

  /** Lends resources to queued waiters, growing the pool as the policy allows. */
  protected abstract dispatch(): void;

  /** Called when a resource's last borrower gives it back while the pool is open. */
  protected onIdle(_entry: PoolEntry<T>): void {}

  /** Called after a resource left the pool (destroyed, invalid, reaped). */
  protected onRemoved(): void {}

  /** A create failed, made ahead of demand or for a waiter; the subclass may try again later. */
  protected onCreateFailed(): void {}

  /** A create succeeded. */
  protected onCreated(): void {}

  /** Waits in line for a resource; never fails because the pool is full. */
  acquire(options?: AcquireOptions): Promise<T> {
    let signal: AbortSignal | undefined;
    try {
      signal = signalOf(options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#state !== 'open') return Promise.reject(this.#closedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        resolve,
        reject,
        node: undefined,
        unclaimed: undefined,
        seq: this.#seq++,
        timer: undefined,
        signal,
        onAbort: undefined,
        settled: false,
        creating: false,
      };
      waiter.node = this.#waiters.push(waiter);
      waiter.unclaimed = this.#unclaimed.push(waiter);
      if (this.#acquireTimeout !== undefined) {
        const timeout = this.#acquireTimeout;
        waiter.timer = setTimeout(() => {
          this.#leave(waiter);
          this.#fail(waiter, new MemcacheTimeoutError(`no resource became available within ${timeout} ms`));
        }, timeout);
      }
      if (signal) {
        waiter.onAbort = () => {
          this.#leave(waiter);
          this.#fail(waiter, signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.dispatch();
    });
  }

  /**
   * Acquires, and wraps the borrow in a lease whose `release()` and `destroy()` act once, so
   * that a second call cannot give back (or destroy) what someone else borrowed since.
   */
  async lease(options?: AcquireOptions): Promise<PoolLease<T>> {
    const resource = await this.acquire(options);
    let held = true;
    return {
      resource,
      release: () => {
        if (!held) return;
        held = false;
        this.release(resource);
      },
      destroy: () => {
        if (!held) return Promise.resolve();
        held = false;
        return this.destroy(resource);
      },
    };
  }

  /**
   * Gives a borrowed resource back: one release per acquire. A resource nobody holds (never
   * lent, already given back by everyone, destroyed, unknown) is ignored; once it was lent
   * again, a stray second release cannot be told from the new holder's and counts as theirs
   * (use `lease()` or `use()` to rule that out).
   */
  release(resource: T): void {
    const entry = this.#byResource.get(resource);
    // A validating entry's only borrow is the pool's own, for the waiter it is checked for.
    if (entry === undefined || entry.borrowers === 0 || entry.validating) return;
    entry.borrowers--;
    this.#borrowed--;
    if (entry.borrowers === 0) {
      if (this.#state !== 'open') {
        this.retire(entry);
        return;
      }
      entry.idleSince = Date.now();
      this.onIdle(entry);
    }
    if (this.#waiters.length > 0) this.dispatch();
  }

  /** Takes a broken resource out of the pool at once, whoever else holds it, and destroys it. */
  destroy(resource: T): Promise<void> {
    const entry = this.#byResource.get(resource);
    if (entry === undefined) return Promise.resolve();
    return this.retire(entry);
  }

  /** Acquires, runs `fn`, and always gives the resource back. */
  async use<R>(fn: (resource: T) => Promise<R> | R, options?: AcquireOptions): Promise<R> {
    if (typeof fn !== 'function') {
      throw new MemcacheIllegalInputError(`use needs a function, got ${describe(fn)}`);
    }
    const resource = await this.acquire(options);
    try {
      return await fn(resource);
    } finally {
      this.release(resource);
    }
  }

  /**
   * Stops lending (queued acquires, and those whose resource is being validated, reject),
   * waits for every borrowed resource to come back and for creates in flight, and destroys
   * everything. Resolves once all is destroyed.
   */
  drain(): Promise<void> {
    if (this.#state === 'open') {
      this.#state = 'draining';
      this.#rejectWaiters();
      for (const entry of [...this.entries]) {
        if (entry.borrowers === 0 || entry.validating) this.retire(entry);
      }
    }
    return this.#whenFinished();
  }

  /**
   * Rejects every queued acquire (and those being validated) and destroys every resource
   * now, borrowed or not. Resolves once the factory has destroyed all the resources the pool
   * held, or at once with `{ force: true }`. A create still in flight is not waited for: its
   * resource is destroyed when it arrives.
   */
  close(options?: PoolCloseOptions): Promise<void> {
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      return Promise.reject(
        new MemcacheIllegalInputError(`close options must be an object, got ${describe(options)}`),
      );
    }
    const force = options?.force;
    if (force !== undefined && typeof force !== 'boolean') {
      return Promise.reject(new MemcacheIllegalInputError(`force must be a boolean, got ${describe(force)}`));
    }
    if (this.#state !== 'closed') {
      this.#state = 'closed';
      this.#rejectWaiters();
      for (const entry of [...this.entries]) this.retire(entry);
    }
    const finished = this.#whenFinished();
    if (force !== true) return finished;
    finished.catch(() => {});
    return Promise.resolve();
  }

  get stats(): PoolStats {
    let idle = 0;
    for (const entry of this.entries) if (entry.borrowers === 0) idle++;
    return {
      size: this.entries.length,
      idle,
      borrowed: this.#borrowed,
      waiting: this.#waiters.length,
      pending: this.#pending,
    };
  }

  /** The live resources, for example to close them all. */
  *resources(): IterableIterator<T> {
    for (const entry of [...this.entries]) yield entry.resource;
  }

  // ── services for the policy ─────────────────────────────────────────────────────────

  protected get waiting(): number {
    return this.#waiters.length;
  }

  protected get pending(): number {
    return this.#pending;
  }

  protected get open(): boolean {
    return this.#state === 'open';
  }

  /** Counts one more borrower of `entry`. */
  protected borrow(entry: PoolEntry<T>): void {
    entry.borrowers++;
    entry.fresh = false;
    this.#borrowed++;
  }

  /**
   * Runs the factory's validate synchronously: true, false, or a promise of the answer. A
   * truthy answer keeps the resource; a thenable is awaited and judged the same way.
   */
  protected check(entry: PoolEntry<T>): boolean | Promise<boolean> {
    const validate = this.#factory.validate;
    if (validate === undefined || entry.fresh || entry.borrowers > 0) return true;
    try {
      const result: unknown = validate.call(this.#factory, entry.resource);
      if (!isThenable(result)) return Boolean(result);
      return Promise.resolve(result).then(
        (valid) => Boolean(valid),
        () => false,
      );
    } catch {
      return false;
    }
  }

  /** Lends `entry` to the first waiter, validating it first when it was idle. */
  protected lend(entry: PoolEntry<T>): void {
    const waiter = this.#shift();
    if (waiter === undefined) return;
    const valid = this.check(entry);
    this.borrow(entry);
    if (valid === true) {
      this.#succeed(waiter, entry);
    } else if (valid === false) {
      this.#invalid(entry, waiter);
    } else {
      entry.validating = true;
      this.#validating.add(waiter);
      void valid.then((answer) => {
        entry.validating = false;
        this.#validating.delete(waiter);
        const kept = this.#byResource.get(entry.resource) === entry;
        if (this.#state !== 'open') {
          // Closed or drained while validating: the waiter was rejected then (or is now); the
          // resource goes back, which retires it.
          if (kept) this.release(entry.resource);
          this.#fail(waiter, this.#closedError());
          this.#checkFinished();
          return;
        }
        if (!kept) {
          // Destroyed while validating: the waiter takes its turn again.
          this.#requeue(waiter);
        } else if (answer) {
          this.#succeed(waiter, entry);
        } else {
          this.#invalid(entry, waiter);
        }
        // A shared resource that passed has room for more; one that failed leaves a slot.
        if (this.#waiters.length > 0) this.dispatch();
      });
    }
  }

  /**
   * Creates one resource. One made for a waiter (`forWaiter`) that fails rejects the waiter it
   * was made for (if still waiting), not all of them; one made ahead of demand fails silently.
   * A resource that arrives goes to the first waiter in line, FIFO. The outcome is always
   * handled in a later microtask, even for a create() that returns or throws synchronously,
   * so a caller's loop (`while (pending < needed) create()`) sees this create as pending.
   */
  protected create(forWaiter: boolean): void {
    this.#pending++;
    // The first waiter in line without a create of its own claims this one, so a failure
    // rejects that waiter, wherever it stands in line when the failure comes.
    let claim: Waiter<T> | undefined;
    if (forWaiter) {
      claim = this.#unclaimed.shift();
      if (claim !== undefined) {
        claim.unclaimed = undefined;
        claim.creating = true;
      }
    }
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const failed = (error: unknown): void => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      this.#pending--;
      if (claim !== undefined) {
        claim.creating = false;
        if (!claim.settled) {
          this.#leave(claim);
          this.#fail(claim, error);
        }
      }
      if (this.#state === 'open') {
        // Any failed create (one for a waiter too) may leave the pool below its minimum.
        this.onCreateFailed();
        this.dispatch();
      } else this.#checkFinished();
    };
    const made = (resource: T): void => {
      if (done) {
        // It came after createTimeout, which already freed its place: nobody wants it.
        void this.#dispose(resource);
        return;
      }
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      this.#pending--;
      if (claim !== undefined) this.#unclaim(claim);
      this.onCreated();
      if (this.#state !== 'open') {
        void this.#dispose(resource);
        this.#checkFinished();
        return;
      }
      const entry: PoolEntry<T> = {
        resource,
        borrowers: 0,
        idleSince: Date.now(),
        fresh: true,
        validating: false,
      };
      this.entries.push(entry);
      this.#byResource.set(resource, entry);
      if (this.#waiters.length > 0) this.dispatch();
      if (entry.borrowers === 0 && this.#byResource.get(resource) === entry) {
        // Nobody took it straight away: from now on it is an idle resource like any other.
        entry.fresh = false;
        this.onIdle(entry);
      }
    };
    let result: Promise<T> | T;
    try {
      result = this.#factory.create();
    } catch (error) {
      result = Promise.reject(error);
    }
    void Promise.resolve(result).then(made, failed);
    if (this.#createTimeout !== undefined) {
      const timeout = this.#createTimeout;
      timer = setTimeout(
        () => failed(new MemcacheTimeoutError(`creating a resource took longer than ${timeout} ms`)),
        timeout,
      );
      // Only a waiter keeps the process alive for it; a create ahead of demand does not.
      if (claim === undefined) timer.unref?.();
    }
  }

  /** Removes `entry` from the pool and destroys its resource. */
  protected retire(entry: PoolEntry<T>): Promise<void> {
    const destroyed = this.#remove(entry);
    if (this.#state === 'open') {
      this.onRemoved();
      if (this.#waiters.length > 0) this.dispatch();
    } else {
      this.#checkFinished();
    }
    return destroyed;
  }

  // ── internals ───────────────────────────────────────────────────────────────────────

  #dispose(resource: T): Promise<void> {
    const destroyed = (async () => {
      try {
        await this.#factory.destroy(resource);
      } catch {
        // Nobody is left to tell: the resource is gone either way.
      }
    })();
    this.#destroying.add(destroyed);
    void destroyed.then(() => this.#destroying.delete(destroyed));
    return destroyed;
  }

  #remove(entry: PoolEntry<T>): Promise<void> {
    if (this.#byResource.get(entry.resource) !== entry) return Promise.resolve();
    this.#byResource.delete(entry.resource);
    const index = this.entries.indexOf(entry);
    if (index !== -1) this.entries.splice(index, 1);
    this.#borrowed -= entry.borrowers;
    entry.borrowers = 0;
    return this.#dispose(entry.resource);
  }

  /** A validation said no: drop the resource and give the waiter its turn back. */
  #invalid(entry: PoolEntry<T>, waiter: Waiter<T>): void {
    void this.#remove(entry);
    this.onRemoved();
    this.#requeue(waiter);
  }

  /** Puts a waiter taken out for a validation back at the front of the queue. */
  #requeue(waiter: Waiter<T>): void {
    if (waiter.settled) return;
    waiter.node = this.#waiters.unshift(waiter);
    if (!waiter.creating) this.#addUnclaimed(waiter);
  }

  /** The waiter's create finished; if it still waits, it may claim another. */
  #unclaim(waiter: Waiter<T>): void {
    waiter.creating = false;
    if (!waiter.settled && waiter.node !== undefined && waiter.unclaimed === undefined) {
      this.#addUnclaimed(waiter);
    }
  }

  /** Adds a waiter among the unclaimed ones in arrival order; it is usually near the front. */
  #addUnclaimed(waiter: Waiter<T>): void {
    let next = this.#unclaimed.first;
    while (next !== undefined && next.value.seq < waiter.seq) next = next.next;
    waiter.unclaimed = this.#unclaimed.insertBefore(waiter, next);
  }

  /** Takes the first waiter out of the queue. */
  #shift(): Waiter<T> | undefined {
    const waiter = this.#waiters.shift();
    if (waiter === undefined) return undefined;
    waiter.node = undefined;
    if (waiter.unclaimed) this.#unclaimed.remove(waiter.unclaimed);
    waiter.unclaimed = undefined;
    return waiter;
  }

  #succeed(waiter: Waiter<T>, entry: PoolEntry<T>): void {
    if (waiter.settled) {
      // The waiter gave up while the resource was being validated: hand it back.
      this.release(entry.resource);
      return;
    }
    this.#settle(waiter);
    waiter.resolve(entry.resource);
  }

  #fail(waiter: Waiter<T>, error: unknown): void {
    if (waiter.settled) return;
    this.#settle(waiter);
    waiter.reject(error);
  }

  #settle(waiter: Waiter<T>): void {
    waiter.settled = true;
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
  }

  #leave(waiter: Waiter<T>): void {
    if (waiter.node) this.#waiters.remove(waiter.node);
    if (waiter.unclaimed) this.#unclaimed.remove(waiter.unclaimed);
    waiter.node = undefined;
    waiter.unclaimed = undefined;
  }

  #rejectWaiters(): void {
    for (let waiter = this.#shift(); waiter; waiter = this.#shift()) this.#fail(waiter, this.#closedError());
    // Those being validated are out of the queue, and their validation may never answer.
    for (const waiter of this.#validating) this.#fail(waiter, this.#closedError());
  }

  #closedError(): MemcacheConnectionError {
    return new MemcacheConnectionError(
      this.#state === 'draining' ? 'the pool is draining' : 'the pool is closed',
    );
  }

  #whenFinished(): Promise<void> {
    if (this.#finished === undefined) {
      this.#finished = new Promise<void>((resolve) => {
        this.#finish = resolve;
      });
    }
    this.#checkFinished();
    return this.#finished;
  }

  #checkFinished(): void {
    if (this.#finish === undefined || this.entries.length > 0) return;
    // Draining waits for resources being made; closing does not (they die on arrival).
    if (this.#state === 'draining' && this.#pending > 0) return;
    const finish = this.#finish;
    this.#finish = undefined;
    this.#state = 'closed';
    void Promise.all([...this.#destroying]).then(() => finish());
  }
}
