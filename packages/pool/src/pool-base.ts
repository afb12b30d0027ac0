import { MemcacheConnectionError, MemcacheTimeoutError } from '@mc/protocol';
import { type FifoNode, FifoQueue } from './fifo-queue.js';
import type { AcquireOptions, PoolCloseOptions, PoolFactory, PoolStats } from './types.js';

/** The pool's record of one live resource. */
export interface PoolEntry<T> {
  readonly resource: T;
  /** Borrowers holding it now. */
  borrowers: number;
  /** `Date.now()` when its last borrower gave it back. */
  idleSince: number;
  /** Never lent yet: a resource just made is not validated. */
  fresh: boolean;
  /** A validation is running; nobody else may borrow it meanwhile. */
  validating: boolean;
}

interface Waiter<T> {
  resolve: (resource: T) => void;
  reject: (error: unknown) => void;
  node: FifoNode<Waiter<T>> | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  settled: boolean;
  /** A create was started for this waiter and has not finished: its failure is this waiter's. */
  creating: boolean;
}

type State = 'open' | 'draining' | 'closed';

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
  readonly #byResource = new Map<T, PoolEntry<T>>();
  readonly #waiters = new FifoQueue<Waiter<T>>();
  readonly #destroying = new Set<Promise<void>>();
  #pending = 0;
  #borrowed = 0;
  #state: State = 'open';
  #finished: Promise<void> | undefined;
  #finish: (() => void) | undefined;

  protected constructor(factory: PoolFactory<T>, acquireTimeout: number | undefined) {
    this.#factory = factory;
    this.#acquireTimeout = acquireTimeout;
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
  acquire(options: AcquireOptions = {}): Promise<T> {
    if (this.#state !== 'open') return Promise.reject(this.#closedError());
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        resolve,
        reject,
        node: undefined,
        timer: undefined,
        signal,
        onAbort: undefined,
        settled: false,
        creating: false,
      };
      waiter.node = this.#waiters.push(waiter);
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

  /** Gives a borrowed resource back. Unknown or already returned resources are ignored. */
  release(resource: T): void {
    const entry = this.#byResource.get(resource);
    if (entry === undefined || entry.borrowers === 0) return;
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
    const resource = await this.acquire(options);
    try {
      return await fn(resource);
    } finally {
      this.release(resource);
    }
  }

  /**
   * Stops lending (queued acquires reject), waits for every borrowed resource to come back,
   * and destroys everything. Resolves once all is destroyed.
   */
  drain(): Promise<void> {
    if (this.#state === 'open') {
      this.#state = 'draining';
      this.#rejectWaiters();
      for (const entry of [...this.entries]) if (entry.borrowers === 0) this.retire(entry);
    }
    return this.#whenFinished();
  }

  /**
   * Rejects every queued acquire and destroys every resource now, borrowed or not. Resolves
   * once all is destroyed, or at once with `{ force: true }`.
   */
  close(options: PoolCloseOptions = {}): Promise<void> {
    if (this.#state !== 'closed') {
      this.#state = 'closed';
      this.#rejectWaiters();
      for (const entry of [...this.entries]) this.retire(entry);
    }
    const finished = this.#whenFinished();
    if (options.force !== true) return finished;
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

  /** Runs the factory's validate synchronously: true, false, or a promise of the answer. */
  protected check(entry: PoolEntry<T>): boolean | Promise<boolean> {
    const validate = this.#factory.validate;
    if (validate === undefined || entry.fresh || entry.borrowers > 0) return true;
    try {
      const result = validate.call(this.#factory, entry.resource);
      if (typeof result === 'boolean') return result;
      return Promise.resolve(result).then(
        (valid) => valid === true,
        () => false,
      );
    } catch {
      return false;
    }
  }

  /** Lends `entry` to the first waiter, validating it first when it was idle. */
  protected lend(entry: PoolEntry<T>): void {
    const waiter = this.#waiters.shift();
    if (waiter === undefined) return;
    waiter.node = undefined;
    const valid = this.check(entry);
    this.borrow(entry);
    if (valid === true) {
      this.#succeed(waiter, entry);
    } else if (valid === false) {
      this.#invalid(entry, waiter);
    } else {
      entry.validating = true;
      void valid.then((answer) => {
        entry.validating = false;
        const kept = this.#byResource.get(entry.resource) === entry;
        if (this.#state !== 'open') {
          // Closed or drained while validating: this waiter was already out of the queue, so
          // nothing else refuses it; the resource goes back, which retires it.
          if (kept) this.release(entry.resource);
          this.#fail(waiter, this.#closedError());
          this.#checkFinished();
          return;
        }
        if (!kept) {
          // Destroyed while validating: the waiter takes its turn again.
          if (!waiter.settled) waiter.node = this.#waiters.unshift(waiter);
          this.dispatch();
          return;
        }
        if (answer) {
          this.#succeed(waiter, entry);
        } else {
          this.#invalid(entry, waiter);
          this.dispatch();
        }
      });
    }
  }

  /**
   * Creates one resource. One made for a waiter (`forWaiter`) that fails rejects the waiter it
   * was made for (if still waiting), not all of them; one made ahead of demand fails silently.
   * A resource that arrives goes to the first waiter in line, FIFO.
   */
  protected create(forWaiter: boolean): void {
    this.#pending++;
    // The first waiter in line without a create of its own claims this one, so a failure
    // rejects that waiter, wherever it stands in line when the failure comes.
    let claim: Waiter<T> | undefined;
    if (forWaiter) {
      for (const waiter of this.#waiters) {
        if (!waiter.creating) {
          claim = waiter;
          waiter.creating = true;
          break;
        }
      }
    }
    void (async () => {
      let resource: T;
      try {
        resource = await this.#factory.create();
      } catch (error) {
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
        return;
      }
      this.#pending--;
      if (claim !== undefined) claim.creating = false;
      this.onCreated();
      if (this.#state !== 'open') {
        this.#dispose(resource);
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
      if (entry.borrowers === 0) this.onIdle(entry);
    })();
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
    if (!waiter.settled) waiter.node = this.#waiters.unshift(waiter);
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
    waiter.node = undefined;
  }

  #rejectWaiters(): void {
    for (let waiter = this.#waiters.shift(); waiter; waiter = this.#waiters.shift()) {
      waiter.node = undefined;
      this.#fail(waiter, this.#closedError());
    }
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
