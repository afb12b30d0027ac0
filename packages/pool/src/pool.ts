import { MAX_TIMER_DELAY } from '@mc/transport';
import { type PoolEntry, PoolBase } from './pool-base.js';
import type { PoolCloseOptions, PoolFactory, PoolOptions } from './types.js';

function count(name: string, value: number | undefined, fallback: number, least: number): number {
  if (value === undefined) return fallback;
  if (!(value >= least) || (!Number.isInteger(value) && value !== Number.POSITIVE_INFINITY)) {
    throw new RangeError(`${name} must be an integer of at least ${least}, got ${value}`);
  }
  return value;
}

/** A duration option; one longer than a timer holds (about 24.8 days) means "no limit". */
function duration(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number of milliseconds, got ${value}`);
  }
  return value > MAX_TIMER_DELAY ? undefined : value;
}

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
/** The first wait before a failed warm-up is tried again, and the longest. */
const WARM_RETRY_BASE = 250;
const WARM_RETRY_MAX = 10_000;

export class Pool<T> extends PoolBase<T> {
  readonly #max: number;
  readonly #min: number;
  readonly #maxSharing: number;
  readonly #idleTimeout: number | undefined;
  #reaper: ReturnType<typeof setTimeout> | undefined;
  #warmRetry: ReturnType<typeof setTimeout> | undefined;
  #warmFailures = 0;

  constructor(factory: PoolFactory<T>, options: PoolOptions = {}) {
    super(factory, duration('acquireTimeout', options.acquireTimeout));
    this.#max = count('max', options.max, 1, 1);
    this.#min = count('min', options.min, 0, 0);
    if (this.#min > this.#max) throw new RangeError(`min (${this.#min}) exceeds max (${this.#max})`);
    this.#maxSharing = count('maxSharing', options.maxSharing, 1, 1);
    this.#idleTimeout = duration('idleTimeout', options.idleTimeout);
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
    this.#stopReaper();
    this.#stopWarmRetry();
    return super.close(options);
  }

  override drain(): Promise<void> {
    this.#stopReaper();
    this.#stopWarmRetry();
    return super.drain();
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
