import { MemcacheIllegalInputError } from '@mc/protocol';
import { MAX_TIMER_DELAY } from '@mc/transport';
import { type PoolEntry, PoolBase } from './pool-base.js';
import type { PoolCloseOptions, PoolFactory, PoolOptions } from './types.js';

/** A count option: a whole number, finite, at least `least`. */
function count(name: string, value: unknown, fallback: number, least: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < least) {
    throw new MemcacheIllegalInputError(
      `${name} must be a whole number of at least ${least}, got ${typeof value === 'number' ? value : typeof value}`,
    );
  }
  return value;
}

/**
 * A duration option; one longer than a timer holds (about 24.8 days) means "no limit".
 * `positive`: 0 is refused too.
 */
function duration(name: string, value: unknown, positive = false): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    const what = positive ? 'a finite number of milliseconds above 0' : 'a finite number of milliseconds';
    throw new MemcacheIllegalInputError(
      `${name} must be ${what}, got ${typeof value === 'number' ? value : typeof value}`,
    );
  }
  return value > MAX_TIMER_DELAY ? undefined : value;
}

function optionsOf(options: unknown): PoolOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) {
    throw new MemcacheIllegalInputError(
      `pool options must be an object, got ${options === null ? 'null' : typeof options}`,
    );
  }
  return options as PoolOptions;
}

/** The first wait before a failed warm-up is tried again, and the longest. */
const WARM_RETRY_BASE = 250;
const WARM_RETRY_MAX = 10_000;

/**
 * A bounded pool that makes callers wait in line instead of failing when it is full.
 *
 * The policy on top of PoolBase: lend the least-loaded resource that still has room
 * (`maxSharing`), prefer an idle one, grow while under `max`, keep `min` warm and let the
 * rest go after `idleTimeout`.
 *
 *   acquire ─► idle resource? ───────────────yes──► lend it (validate first)
 *                 │ no
 *                 ▼
 *              a busy one below maxSharing? ──yes──► lend it, and grow in the background
 *                 │ no                               if size < max
 *                 ▼
 *              size < max? ──yes──► create one for the queue
 *                 │ no
 *                 ▼
 *              wait in the FIFO queue (until a release, a deadline or an abort)
 */
export class Pool<T> extends PoolBase<T> {
  readonly #max: number;
  readonly #min: number;
  readonly #maxSharing: number;
  readonly #idleTimeout: number | undefined;
  #reaper: ReturnType<typeof setTimeout> | undefined;
  #warmRetry: ReturnType<typeof setTimeout> | undefined;
  #warmFailures = 0;

  constructor(factory: PoolFactory<T>, options?: PoolOptions) {
    const checked = optionsOf(options);
    const acquireTimeout = duration('acquireTimeout', checked.acquireTimeout);
    const createTimeout = duration('createTimeout', checked.createTimeout, true);
    const max = count('max', checked.max, 1, 1);
    const min = count('min', checked.min, 0, 0);
    if (min > max) throw new MemcacheIllegalInputError(`min (${min}) exceeds max (${max})`);
    const maxSharing = count('maxSharing', checked.maxSharing, 1, 1);
    const idleTimeout = duration('idleTimeout', checked.idleTimeout);
    super(factory, acquireTimeout, createTimeout);
    this.#max = max;
    this.#min = min;
    this.#maxSharing = maxSharing;
    this.#idleTimeout = idleTimeout;
    this.#warm();
  }

  /**
   * A resource right now, or `undefined` when one would need waiting for or creating. Cheap
   * enough to call per command: no promise, no allocation. When every resource is busy it may
   * start growing the pool in the background so that later calls spread out.
   */
  tryAcquire(): T | undefined {
    if (!this.open || this.waiting > 0) return undefined;
    let entry = this.#pick();
    // An idle resource that fails a synchronous validate is destroyed and the next one tried.
    let valid = entry === undefined || entry.borrowers > 0 ? true : this.check(entry);
    while (entry !== undefined && valid === false) {
      this.retire(entry);
      entry = this.#pick();
      valid = entry === undefined || entry.borrowers > 0 ? true : this.check(entry);
    }
    if (entry === undefined) return undefined;
    if (entry.borrowers > 0) {
      this.#grow();
    } else if (valid !== true) {
      // An asynchronous validate cannot answer here; let acquire() take this path.
      const pending = entry;
      pending.validating = true;
      void (valid as Promise<boolean>).then((answer) => {
        pending.validating = false;
        if (!answer) this.retire(pending);
        else if (this.waiting > 0) this.dispatch();
      });
      return undefined;
    }
    this.borrow(entry);
    return entry.resource;
  }

  protected override dispatch(): void {
    while (this.waiting > 0) {
      const entry = this.#pick();
      if (entry === undefined) {
        // Everything is at maxSharing: make as many as the queue needs and the bound allows.
        const needed = Math.ceil(this.waiting / this.#maxSharing);
        while (this.pending < needed && this.#canGrow()) this.create(true);
        return;
      }
      if (entry.borrowers > 0) {
        // A resource on its way will be idle: let the queue wait the moment it takes rather
        // than pile every waiter onto one busy resource (a burst at start would otherwise all
        // land on the first socket).
        if (this.pending > 0) return;
        this.#grow();
      }
      this.lend(entry);
    }
  }

  protected override onIdle(): void {
    if (this.#idleTimeout === undefined || this.#reaper !== undefined) return;
    if (this.entries.length <= this.#min) return;
    this.#schedule(this.#idleTimeout);
  }

  protected override onRemoved(): void {
    this.#warm();
  }

  /**
   * A create failed while the pool is below `min` (the server is down at start, say): `min`
   * is tried again after a backoff that doubles up to WARM_RETRY_MAX, on a timer that never
   * keeps the process alive.
   */
  protected override onCreateFailed(): void {
    if (this.#warmRetry !== undefined || this.entries.length + this.pending >= this.#min) return;
    const delay = Math.min(WARM_RETRY_BASE * 2 ** this.#warmFailures, WARM_RETRY_MAX);
    this.#warmFailures++;
    this.#warmRetry = setTimeout(() => {
      this.#warmRetry = undefined;
      this.#warm();
    }, delay);
    this.#warmRetry.unref();
  }

  protected override onCreated(): void {
    this.#warmFailures = 0;
  }

  override close(options?: PoolCloseOptions): Promise<void> {
    const closed = super.close(options);
    if (!this.open) {
      this.#stopReaper();
      this.#stopWarmRetry();
    }
    return closed;
  }

  override drain(): Promise<void> {
    const drained = super.drain();
    this.#stopReaper();
    this.#stopWarmRetry();
    return drained;
  }

  #stopWarmRetry(): void {
    clearTimeout(this.#warmRetry);
    this.#warmRetry = undefined;
  }

  /** The idle resource, else the least-loaded one with room; scanned by index, no iterator. */
  #pick(): PoolEntry<T> | undefined {
    const entries = this.entries;
    let best: PoolEntry<T> | undefined;
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index]!;
      if (entry.validating || entry.borrowers >= this.#maxSharing) continue;
      if (entry.borrowers === 0) return entry;
      if (best === undefined || entry.borrowers < best.borrowers) best = entry;
    }
    return best;
  }

  #canGrow(): boolean {
    return this.open && this.entries.length + this.pending < this.#max;
  }

  /** One resource at a time ahead of demand, when every resource already has borrowers. */
  #grow(): void {
    if (this.pending === 0 && this.#canGrow()) this.create(false);
  }

  #warm(): void {
    while (this.open && this.entries.length + this.pending < this.#min) this.create(false);
  }

  #schedule(delay: number): void {
    this.#reaper = setTimeout(() => this.#reap(), delay);
    this.#reaper.unref?.();
  }

  #stopReaper(): void {
    if (this.#reaper !== undefined) clearTimeout(this.#reaper);
    this.#reaper = undefined;
  }

  /** Destroys resources idle for longer than idleTimeout, oldest first, down to `min`. */
  #reap(): void {
    this.#reaper = undefined;
    const idleTimeout = this.#idleTimeout;
    if (idleTimeout === undefined || !this.open) return;
    const now = Date.now();
    const idle = this.entries.filter((entry) => entry.borrowers === 0 && !entry.validating);
    idle.sort((left, right) => left.idleSince - right.idleSince);
    let next = Number.POSITIVE_INFINITY;
    for (const entry of idle) {
      if (this.entries.length <= this.#min) break;
      const expires = entry.idleSince + idleTimeout;
      if (expires <= now) this.retire(entry);
      else next = Math.min(next, expires);
    }
    if (next !== Number.POSITIVE_INFINITY && this.entries.length > this.#min) this.#schedule(next - now);
  }
}
