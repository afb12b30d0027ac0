/**
 * How a pool makes, checks and disposes of its resources. Injected so that tests can hand a
 * pool fakes, and so that the pool knows nothing about sockets.
 */
export interface PoolFactory<T> {
  /**
   * Makes a resource; a throw or rejection fails the one acquire that asked for it. Give it a
   * timeout of its own (a connect timeout), or set the pool's `createTimeout`: a create that
   * never settles holds its place under `max` until then.
   */
  create(): Promise<T> | T;
  /** Disposes of a resource; errors are swallowed, since there is nobody left to tell. */
  destroy(resource: T): Promise<void> | void;
  /**
   * Checked before an idle resource is lent (one kept warm by `min` too); only a resource
   * handed straight from its create to an acquire, or one already lent to others, is not.
   * A truthy answer (awaited when it is a promise) keeps it; a falsy one, a throw or a
   * rejection destroys it and the pool tries another. Keep it synchronous if you use
   * `tryAcquire`, which cannot wait.
   */
  validate?(resource: T): boolean | Promise<boolean>;
}

export interface PoolOptions {
  /** Most resources alive at once, counting those being created. Default 1. */
  max?: number | undefined;
  /** Resources kept alive even when idle; made in the background at start. Default 0. */
  min?: number | undefined;
  /**
   * Milliseconds an idle resource above `min` lives before it is destroyed. Default: forever,
   * as is anything longer than a timer holds (2^31 − 1 ms, about 24.8 days).
   */
  idleTimeout?: number | undefined;
  /**
   * Milliseconds an acquire may wait in the queue before it rejects with
   * `MemcacheTimeoutError`. A deadline, never a "pool full" error. Default: no deadline, as
   * for anything longer than a timer holds (2^31 − 1 ms, about 24.8 days).
   */
  acquireTimeout?: number | undefined;
  /**
   * Borrowers one resource may have at once. 1 (default) lends exclusively; a pipelined
   * connection serves many requests at a time, so a memcached client uses a large value.
   */
  maxSharing?: number | undefined;
  /**
   * Milliseconds a `factory.create()` may take. One that has not settled by then counts as
   * failed (its acquire rejects with `MemcacheTimeoutError`) and frees its place under `max`;
   * a resource it still delivers later is destroyed. Default: no limit (as for anything
   * longer than a timer holds), so a create that never settles holds its place for good.
   */
  createTimeout?: number | undefined;
}

/** How `close()` ends the pool. */
export interface PoolCloseOptions {
  /**
   * Resolve at once instead of waiting for the factory to finish destroying the resources
   * (their destruction still runs; its failures are dropped), for a process that must stop now.
   */
  force?: boolean | undefined;
}

export interface AcquireOptions {
  /** Aborting takes the acquire out of the queue; it rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

/**
 * One borrow of a resource, from `lease()`. Its `release()` and `destroy()` act once: a
 * second call is ignored even after the resource was lent to someone else, which
 * `pool.release(resource)` cannot tell apart from that holder's own release.
 */
export interface PoolLease<T> {
  readonly resource: T;
  /** Gives the resource back; later calls do nothing. */
  release(): void;
  /** Takes the resource out of the pool and destroys it, unless this lease already ended. */
  destroy(): Promise<void>;
}

export interface PoolStats {
  /** Live resources (not counting those being created). */
  size: number;
  /** Live resources with no borrower. */
  idle: number;
  /** Outstanding borrows (a shared resource counts once per borrower). */
  borrowed: number;
  /** Acquires queued for a resource. */
  waiting: number;
  /** Resources being created. */
  pending: number;
}
