import { RELATIVE_EXPTIME_LIMIT } from '../expiration.js';

/** One item as memcached keeps it: the stored bytes, their flags, and the bookkeeping bits. */
export interface MemoryItem {
  /** The value's bytes, owned by the store (copied in, copied out). */
  value: Buffer;
  flags: number;
  /** When the item stops existing, in ms since the epoch; 0 never. */
  expiresAt: number;
  cas: bigint;
  /** Last access, in ms since the epoch (memcached's `it->time`). */
  touchedAt: number;
  /** Read at least once (the `h` flag of `mg`). */
  fetched: boolean;
  /** Invalidated by `md I` (or `ms I`): served with `X` until rewritten. */
  stale: boolean;
  /** A `W` was handed out for it; later readers see `Z`. */
  tokenSent: boolean;
}

/** Options of `new MemoryStore()`. */
export interface MemoryStoreOptions {
  /**
   * The largest item the store accepts, in bytes, as memcached's `-I` (default 1 MiB). The
   * limit counts the item's header and key as the server does, so the largest value is a
   * little smaller.
   */
  itemSizeMax?: number;
}

// memcached's item header on a 64-bit build, with its cas field; a value must fit in
// `itemSizeMax` together with these, the key and the `\r\n` the server stores after the data.
const ITEM_OVERHEAD = 48 + 8 + 1 + 2;

/** Counters that `stats` reports, named as memcached names them. */
const COUNTERS = [
  'cmd_get',
  'cmd_set',
  'cmd_flush',
  'cmd_touch',
  'get_hits',
  'get_misses',
  'get_expired',
  'get_flushed',
  'delete_misses',
  'delete_hits',
  'incr_misses',
  'incr_hits',
  'decr_misses',
  'decr_hits',
  'cas_misses',
  'cas_hits',
  'cas_badval',
  'touch_hits',
  'touch_misses',
  'total_items',
] as const;

/** One of the counters `stats` reports. */
export type MemoryCounter = (typeof COUNTERS)[number];

/**
 * The data of an in-memory memcached: items with memcached's expiry, cas and flush rules.
 * Several MemoryClients can share one store (with different key prefixes, or to play two
 * services sharing a cache); `clear()` resets it between tests.
 *
 * Time comes from `Date.now()`, so `vi.useFakeTimers()` moves expiry along with the test.
 */
export class MemoryStore {
  readonly itemSizeMax: number;
  /** What `version()` answers: the memcached this store imitates, marked as memory. */
  readonly version = '1.6.18-memory';
  readonly startedAt = Date.now();
  readonly #items = new Map<string, MemoryItem>();
  readonly #counters = new Map<MemoryCounter, number>();
  #lastCas = 0n;
  /** A `flush_all <delay>` waiting for its moment: items last written before it go then. */
  #flushAt: number | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    const itemSizeMax = options.itemSizeMax ?? 1024 * 1024;
    if (!Number.isInteger(itemSizeMax) || itemSizeMax < 1024) {
      throw new RangeError(`itemSizeMax must be a whole number of bytes, at least 1024, got ${itemSizeMax}`);
    }
    this.itemSizeMax = itemSizeMax;
  }

  /** The store's clock, in ms; every expiry decision reads it. */
  now(): number {
    return Date.now();
  }

  /** How many live items the store holds. */
  get size(): number {
    let count = 0;
    for (const id of [...this.#items.keys()]) if (this.read(id) !== undefined) count++;
    return count;
  }

  /** Forgets every item and counter, as a fresh server would. */
  clear(): void {
    this.#items.clear();
    this.#counters.clear();
    this.#flushAt = undefined;
  }

  /** The live item under a wire key (latin1 of its bytes), dropping it if it expired or was flushed. */
  read(id: string): MemoryItem | undefined {
    const item = this.#items.get(id);
    if (item === undefined) return undefined;
    const now = this.now();
    if (item.expiresAt !== 0 && item.expiresAt <= now) {
      this.#items.delete(id);
      this.count('get_expired');
      return undefined;
    }
    if (this.#flushAt !== undefined && this.#flushAt <= now && item.touchedAt < this.#flushAt) {
      this.#items.delete(id);
      this.count('get_flushed');
      return undefined;
    }
    return item;
  }

  /** Stores a fresh item (new cas, no stale or token bits), replacing any other. */
  write(id: string, value: Buffer, flags: number, expiresAt: number): MemoryItem {
    const item: MemoryItem = {
      value,
      flags,
      expiresAt,
      cas: this.nextCas(),
      touchedAt: this.now(),
      fetched: false,
      stale: false,
      tokenSent: false,
    };
    this.#items.set(id, item);
    this.count('total_items');
    return item;
  }

  /** Removes an item; true when a live one was there. */
  remove(id: string): boolean {
    const existed = this.read(id) !== undefined;
    this.#items.delete(id);
    return existed;
  }

  /** The next cas unique: one counter for the whole store, as memcached has. */
  nextCas(): bigint {
    this.#lastCas += 1n;
    return this.#lastCas;
  }

  /** Whether a value of this size under this key fits in one item. */
  fits(keyBytes: number, valueBytes: number): boolean {
    return ITEM_OVERHEAD + keyBytes + valueBytes <= this.itemSizeMax;
  }

  /**
   * An exptime as memcached reads it, turned into a deadline: 0 never, negative at once, up
   * to 30 days relative, above that a Unix time.
   */
  deadline(exptime: number): number {
    if (exptime === 0) return 0;
    if (exptime < 0) return 1;
    if (exptime <= RELATIVE_EXPTIME_LIMIT) return this.now() + exptime * 1000;
    return exptime * 1000;
  }

  /** Seconds left before the item expires, as `mg t` reports them (-1: never). */
  secondsLeft(item: MemoryItem): number {
    if (item.expiresAt === 0) return -1;
    return Math.max(0, Math.ceil((item.expiresAt - this.now()) / 1000));
  }

  /**
   * `flush_all [delay]`: everything now, or what was last written before the moment the delay
   * names (seconds from now, or above 30 days a Unix time, as memcached reads it).
   */
  flush(delay: number): void {
    this.count('cmd_flush');
    if (delay <= 0) {
      this.#items.clear();
      this.#flushAt = undefined;
    } else {
      this.#flushAt = this.deadline(delay);
    }
  }

  count(counter: MemoryCounter, by = 1): void {
    this.#counters.set(counter, (this.#counters.get(counter) ?? 0) + by);
  }

  /** The `stats` lines with no argument: memcached's names, this store's numbers. */
  stats(): Map<string, string> {
    const now = this.now();
    let bytes = 0;
    let items = 0;
    for (const id of [...this.#items.keys()]) {
      const item = this.read(id);
      if (item === undefined) continue;
      items++;
      bytes += item.value.byteLength + id.length + ITEM_OVERHEAD;
    }
    const lines = new Map<string, string>([
      ['pid', String(process.pid)],
      ['uptime', String(Math.floor((now - this.startedAt) / 1000))],
      ['time', String(Math.floor(now / 1000))],
      ['version', this.version],
      ['pointer_size', '64'],
      ['curr_connections', '1'],
      ['curr_items', String(items)],
      ['bytes', String(bytes)],
      ['limit_maxbytes', String(64 * 1024 * 1024)],
      ['threads', '1'],
    ]);
    for (const counter of COUNTERS) lines.set(counter, String(this.#counters.get(counter) ?? 0));
    return lines;
  }

  /** The `stats settings` lines a client may read (`item_size_max` above all). */
  settings(): Map<string, string> {
    return new Map([
      ['maxbytes', String(64 * 1024 * 1024)],
      ['item_size_max', String(this.itemSizeMax)],
      ['cas_enabled', 'yes'],
      ['evictions', 'on'],
    ]);
  }
}
