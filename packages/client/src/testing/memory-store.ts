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
  itemSizeMax?: number | undefined;
  /**
   * Whether `shutdown` is allowed, as memcached's `-A` (default `false`: memcached answers
   * `ERROR: shutdown not enabled`, and `stats settings` says `shutdown_command no`).
   */
  shutdownCommand?: boolean | undefined;
}

// memcached's item header on a 64-bit build, with its cas field; a value must fit in
// `itemSizeMax` together with these, the key and the `\r\n` the server stores after the data.
// Flags other than 0 take 4 bytes more (item_make_header).
const ITEM_OVERHEAD = 48 + 8 + 1 + 2;
const FLAGS_BYTES = 4;
/** The deadline of an item whose exptime was negative or long past: memcached's exptime 1. */
const LONG_PAST = 1;
/** memcached's clock (current_time) starts at 62 s: it counts from 62 s before the start. */
const CLOCK_START = 62;

/** The bytes memcached spends on one item: what decides its slab class and `itemSizeMax`. */
export function itemBytes(keyBytes: number, valueBytes: number, flags: number): number {
  return ITEM_OVERHEAD + keyBytes + valueBytes + (flags === 0 ? 0 : FLAGS_BYTES);
}

/** What `stats` reports as the memory limit (`-m 64`, memcached's default). */
const MAX_BYTES = 64 * 1024 * 1024;

/** memcached 1.6.18's general `stats`, in the order it prints them. */
const GENERAL_STATS = (
  'pid uptime time version libevent pointer_size rusage_user rusage_system max_connections ' +
  'curr_connections total_connections rejected_connections connection_structures response_obj_oom ' +
  'response_obj_count response_obj_bytes read_buf_count read_buf_bytes read_buf_bytes_free read_buf_oom ' +
  'reserved_fds cmd_get cmd_set cmd_flush cmd_touch cmd_meta get_hits get_misses get_expired ' +
  'get_flushed delete_misses delete_hits incr_misses incr_hits decr_misses decr_hits cas_misses ' +
  'cas_hits cas_badval touch_hits touch_misses store_too_large store_no_memory auth_cmds auth_errors ' +
  'bytes_read bytes_written limit_maxbytes accepting_conns listen_disabled_num ' +
  'time_in_listen_disabled_us threads conn_yields hash_power_level hash_bytes hash_is_expanding ' +
  'slab_reassign_rescues slab_reassign_chunk_rescues slab_reassign_evictions_nomem ' +
  'slab_reassign_inline_reclaim slab_reassign_busy_items slab_reassign_busy_deletes ' +
  'slab_reassign_running slabs_moved lru_crawler_running lru_crawler_starts lru_maintainer_juggles ' +
  'malloc_fails log_worker_dropped log_worker_written log_watcher_skipped log_watcher_sent ' +
  'log_watchers unexpected_napi_ids round_robin_fallback bytes curr_items total_items ' +
  'slab_global_page_pool expired_unfetched evicted_unfetched evicted_active evictions reclaimed ' +
  'crawler_reclaimed crawler_items_checked lrutail_reflocked moves_to_cold moves_to_warm ' +
  'moves_within_lru direct_reclaims lru_bumps_dropped'
).split(' ');

/** memcached 1.6.18's `stats settings` with its defaults (`-m 64`, no network for a store in memory). */
const DEFAULT_SETTINGS: ReadonlyArray<readonly [string, string]> = (
  'maxbytes=67108864 maxconns=1024 tcpport=0 udpport=0 inter=NULL verbosity=0 oldest=0 ' +
  'evictions=on domain_socket=NULL umask=700 shutdown_command=no growth_factor=1.25 chunk_size=48 ' +
  'num_threads=1 num_threads_per_udp=1 stat_key_prefix=: detail_enabled=no reqs_per_event=20 ' +
  'cas_enabled=yes tcp_backlog=1024 binding_protocol=auto-negotiate auth_enabled_sasl=no ' +
  'auth_enabled_ascii=no item_size_max=1048576 maxconns_fast=yes hashpower_init=0 slab_reassign=yes ' +
  'slab_automove=1 slab_automove_ratio=0.80 slab_automove_window=30 slab_chunk_max=524288 ' +
  'lru_crawler=yes lru_crawler_sleep=100 lru_crawler_tocrawl=0 tail_repair_time=0 flush_enabled=yes ' +
  'dump_enabled=yes hash_algorithm=murmur3 lru_maintainer_thread=yes lru_segmented=yes ' +
  'hot_lru_pct=20 warm_lru_pct=40 hot_max_factor=0.20 warm_max_factor=2.00 temp_lru=no ' +
  'temporary_ttl=61 idle_timeout=0 watcher_logbuf_size=262144 worker_logbuf_size=65536 ' +
  'read_buf_mem_limit=0 track_sizes=no inline_ascii_response=no ext_item_size=512 ' +
  'ext_item_age=4294967295 ext_low_ttl=0 ext_recache_rate=2000 ext_wbuf_size=4194304 ' +
  'ext_compact_under=0 ext_drop_under=0 ext_max_sleep=1000000 ext_max_frag=0.80 ' +
  'slab_automove_freeratio=0.010 ext_drop_unread=no ssl_enabled=no ssl_chain_cert=(null) ' +
  'ssl_key=(null) ssl_verify_mode=0 ssl_keyformat=1 ssl_ciphers=NULL ssl_ca_cert=NULL ' +
  'ssl_wbuf_size=16384 ssl_session_cache=no ssl_kernel_tls=no ssl_min_version=tlsv1.2 ' +
  'num_napi_ids=(null) memory_file=(null)'
)
  .split(' ')
  .map((pair) => {
    const at = pair.indexOf('=');
    return [pair.slice(0, at), pair.slice(at + 1)] as const;
  });

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
  /** Whether `shutdown` is allowed (memcached's `-A`). */
  readonly shutdownCommand: boolean;
  /** What `version()` answers: the memcached this store imitates, marked as memory. */
  readonly version = '1.6.18-memory';
  readonly startedAt = Date.now();
  readonly #items = new Map<string, MemoryItem>();
  readonly #counters = new Map<MemoryCounter, number>();
  #lastCas = 0n;
  /** A `flush_all <delay>` waiting for its moment: items last written before it go then. */
  #flushAt: number | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    this.shutdownCommand = options.shutdownCommand === true;
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

  /**
   * When memcached's clock last ticked, in ms: it counts whole seconds from the server's start,
   * so a ttl runs out at a tick (ttl 1 set late in a second is gone at the next one) and a
   * delayed flush names a second, not a millisecond.
   */
  tick(now = this.now()): number {
    return this.startedAt + Math.floor((now - this.startedAt) / 1000) * 1000;
  }

  /** Zeroes the counters, as `stats reset` does (items stay). */
  resetCounters(): void {
    this.#counters.clear();
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
    // memcached's oldest_live, a second of its clock: from that tick on, an item last written
    // in that second or before is gone (including writes later in the second of the flush).
    if (this.#flushAt !== undefined && this.#flushAt <= now && this.tick(item.touchedAt) <= this.#flushAt) {
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

  /** Whether a value of this size under this key, with these flags, fits in one item. */
  fits(keyBytes: number, valueBytes: number, flags: number): boolean {
    return itemBytes(keyBytes, valueBytes, flags) <= this.itemSizeMax;
  }

  /** The live items, by key (expired and flushed ones are dropped on the way). */
  *items(): IterableIterator<[string, MemoryItem]> {
    for (const id of [...this.#items.keys()]) {
      const item = this.read(id);
      if (item !== undefined) yield [id, item];
    }
  }

  /**
   * An exptime as memcached reads it, turned into a deadline: 0 never, negative at once, up
   * to 30 days relative, above that a Unix time.
   */
  deadline(exptime: number): number {
    if (exptime === 0) return 0;
    if (exptime < 0) return LONG_PAST;
    if (exptime <= RELATIVE_EXPTIME_LIMIT) return this.tick() + exptime * 1000;
    // A Unix time from before the server's clock began is the same moment long past.
    if (exptime * 1000 <= this.startedAt - CLOCK_START * 1000) return LONG_PAST;
    return exptime * 1000;
  }

  /**
   * Seconds left before the item expires, as `mg t` reports them (-1: never). An item made to
   * expire long ago, still seen by the command that did it, reports what memcached prints:
   * its exptime of 1 less the server's clock, as an unsigned 32-bit number.
   */
  secondsLeft(item: MemoryItem): number {
    if (item.expiresAt === 0) return -1;
    if (item.expiresAt === LONG_PAST) {
      return 2 ** 32 + 1 - (CLOCK_START + Math.floor((this.now() - this.startedAt) / 1000));
    }
    return Math.max(0, Math.ceil((item.expiresAt - this.tick()) / 1000));
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
      // memcached flushes at once by cas: items older than a cas value it takes for that.
      this.nextCas();
    } else {
      // memcached (with cas, its default) sets oldest_live to that second less one; when that
      // is the current second (a delay of 1), it also takes a cas value, as above.
      this.#flushAt = this.deadline(delay) - 1000;
      if (this.#flushAt <= this.tick()) this.nextCas();
    }
  }

  count(counter: MemoryCounter, by = 1): void {
    this.#counters.set(counter, (this.#counters.get(counter) ?? 0) + by);
  }

  /**
   * The `stats` lines with no argument: every one memcached 1.6.18 prints, in its order, so
   * code that reads any of them gets a number; this store's own counts where it keeps them,
   * one connection, and 0 for what an in-memory store never does (evictions, slab moves...).
   */
  stats(): Map<string, string> {
    const now = this.now();
    let bytes = 0;
    let items = 0;
    // Reading the stats changes nothing: an expired item still counts until something reads
    // it (then `get_expired` moves), as on memcached.
    for (const [id, item] of this.#items) {
      items++;
      bytes += itemBytes(id.length, item.value.byteLength, item.flags);
    }
    const cpu = process.cpuUsage();
    const known: Record<string, string> = {
      pid: String(process.pid),
      uptime: String(Math.floor((now - this.startedAt) / 1000)),
      time: String(Math.floor(now / 1000)),
      version: this.version,
      libevent: 'none',
      pointer_size: '64',
      rusage_user: (cpu.user / 1e6).toFixed(6),
      rusage_system: (cpu.system / 1e6).toFixed(6),
      max_connections: '1024',
      curr_connections: '1',
      total_connections: '1',
      connection_structures: '1',
      limit_maxbytes: String(MAX_BYTES),
      accepting_conns: '1',
      threads: '1',
      hash_power_level: '16',
      hash_bytes: '524288',
      bytes: String(bytes),
      curr_items: String(items),
    };
    for (const counter of COUNTERS) known[counter] = String(this.#counters.get(counter) ?? 0);
    return new Map(GENERAL_STATS.map((name) => [name, known[name] ?? '0']));
  }

  /** The `stats settings` lines, memcached 1.6.18's defaults with this store's sizes. */
  settings(): Map<string, string> {
    const lines = new Map(DEFAULT_SETTINGS);
    lines.set('maxbytes', String(MAX_BYTES));
    lines.set('item_size_max', String(this.itemSizeMax));
    lines.set('slab_chunk_max', String(Math.floor(this.itemSizeMax / 2)));
    lines.set('shutdown_command', this.shutdownCommand ? 'yes' : 'no');
    return lines;
  }
}
