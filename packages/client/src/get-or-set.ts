import { type Key, MemcacheIllegalInputError, type MetaReply } from '@mc/protocol';
import { RELATIVE_EXPTIME_LIMIT, toExptime } from './expiration.js';
import { isNodeFailure } from './node-failure.js';
import { requiredTtl } from './required-ttl.js';
import type { MetaCommands, RawMetaGet } from './meta-commands.js';

/** Options of `getOrSet`; every time is in seconds, as memcached counts. */
export interface GetOrSetOptions {
  /** How long a loaded value lives (0: never expires). */
  ttl: number;
  /**
   * Refresh ahead: once the value has less than this many seconds to live, one caller
   * reloads it while the others keep getting the current value.
   */
  recacheWithin?: number | undefined;
  /**
   * How long one caller may hold the right to load before others stop waiting for it: the
   * placeholder that marks "loading" lives at least this long, at most a second more (default 10).
   */
  lockTtl?: number | undefined;
  /** The key travels base64-encoded (meta flag `b`), so any bytes can be a key. */
  base64?: boolean | undefined;
}

/** What every write of getOrSet carries: the TTL, and base64 when the key travels so. */
interface WriteOptions {
  ttl: number;
  base64?: true | undefined;
}

const DEFAULT_LOCK_TTL = 10;
const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 100;

/** A loader's result: `undefined` is returned to the caller but never cached. */
type Loader<V> = () => V | undefined | Promise<V | undefined>;

/** Told about each cache failure getOrSet absorbed (the client publishes it on tracing). */
export type CacheFailureReporter = (error: unknown) => void;

/**
 * Read-through caching that keeps a stampede off the loader, on memcached's own win flags:
 *
 *   caller A                     memcached                      caller B
 *   mg k N<lock> c f v ───────▶  miss: empty placeholder, A wins
 *        ◀──────────────────── VA 0 W
 *   loader() …                                    ◀───────────  mg k N<lock> c f v
 *                                VA 0 Z ──────────────────────▶ (someone is loading: wait,
 *   ms k T<ttl> C<cas> ───────▶  stored                           poll again with backoff)
 *                                                 ◀───────────  mg k N<lock> c f v
 *                                VA 5 f16 c9 ─────────────────▶ the value
 *
 * - Near expiry (`recacheWithin`, flag R) one caller gets W with the current value and
 *   reloads; the others get the current value at once (Z).
 * - A stale item (`metaDelete(key, { invalidate: true })`, flag X) goes the same way: one
 *   caller gets X W and reloads, the others get the stale value (X Z).
 * - A failing loader rejects its own caller with its own error, after releasing the win: a
 *   placeholder is deleted (compare-and-delete on its cas) and a real value is marked stale
 *   again, so the next caller wins at once instead of waiting for `lockTtl`.
 * - A loader that returns `undefined` has nothing to cache: the caller gets `undefined`, the
 *   win is released as after a failure, and nothing is stored.
 * - The winner stores with `C<cas>`: if the key was written or invalidated while it loaded,
 *   the store is refused (EX) and the newer value, or the stale mark, stays; if the
 *   placeholder is gone (it outlived `lockTtl`), it is added only if the key is still absent.
 * - A waiter never waits longer than `lockTtl`: then it runs the loader itself and stores
 *   the value (availability over strictness; the placeholder has expired by then anyway).
 * - A cached value that cannot be decoded is marked stale, so one caller reloads it (X W) and
 *   the others wait for that value, as for any stale item.
 * - The cache never fails the caller: a server that cannot be reached, a value it refuses
 *   (too large) or a cached value that cannot be decoded is handed to `report`, and the
 *   loader's value is returned (stored on a best-effort basis when the read worked). Only
 *   illegal input (a bad key, ttl or lockTtl) and the loader's own error reject.
 */
export async function getOrSet<V>(
  meta: MetaCommands<V>,
  key: Key,
  loader: Loader<V>,
  options: GetOrSetOptions,
  report: CacheFailureReporter,
): Promise<V | undefined> {
  if (typeof loader !== 'function') throw new MemcacheIllegalInputError('getOrSet needs a loader function');
  if (options === null || typeof options !== 'object') {
    throw new MemcacheIllegalInputError('getOrSet needs options with a ttl');
  }
  const { ttl, recacheWithin, lockTtl = DEFAULT_LOCK_TTL, base64 } = options;
  if (base64 !== undefined && typeof base64 !== 'boolean') {
    throw new MemcacheIllegalInputError(`getOrSet's base64 must be a boolean, got ${String(base64)}`);
  }
  const write: WriteOptions = base64 === true ? { ttl, base64 } : { ttl };
  toExptime(requiredTtl(ttl, 'getOrSet')); // validates before anything is sent (0: never expires)
  checkSeconds(lockTtl, 'lockTtl', 1);
  if (recacheWithin !== undefined) checkSeconds(recacheWithin, 'recacheWithin', 0);

  // memcached's clock counts whole seconds, so an item given N<n> may go up to a second
  // early: one second more makes the placeholder live at least lockTtl.
  const placeholderTtl = Math.min(lockTtl + 1, RELATIVE_EXPTIME_LIMIT);
  const read = {
    value: true,
    cas: true,
    vivify: placeholderTtl,
    recache: recacheWithin,
    base64: write.base64,
  };
  const deadline = Date.now() + lockTtl * 1000;
  let pause = FIRST_POLL_MS;
  for (;;) {
    let hit: RawMetaGet<V> | undefined;
    try {
      hit = await meta.getRaw(key, read);
    } catch (error) {
      if (error instanceof MemcacheIllegalInputError) throw error;
      // The cache is unreachable or broken: serve from the loader, and spare the store.
      report(error);
      return await loader();
    }
    // With ignoreErrors, or a node HashClient holds dead: the cache is unreachable, so load
    // and store on a best effort.
    if (hit === undefined) return loadAndStore(meta, key, loader, write, report);
    const { reply } = hit;
    if (reply.flags.has('W')) return refresh(meta, key, loader, hit, write, report);
    const loading = reply.flags.has('Z');
    // Someone else is loading and only its placeholder is there (stale or not): wait for it.
    if (!(loading && isPlaceholder(reply))) {
      try {
        return hit.decode();
      } catch (error) {
        // An undecodable value (another service's format, a serde change): replaced once, by
        // one caller. Marking it stale (compare-and-delete on its cas, `I`) makes the next read
        // win (X W) for one caller alone, while the others wait for its value (X Z): after a
        // serde change every hot key looks like this, and a load each would be a stampede.
        report(error);
        if (!loading) {
          if (reply.flags.has('X')) return loadAndStore(meta, key, loader, write, report);
          const cas = BigInt(reply.flags.get('c') ?? '0');
          await meta.delete(key, { cas, invalidate: true, base64: write.base64 }).catch(report);
          if (Date.now() >= deadline) return loadAndStore(meta, key, loader, write, report);
          continue;
        }
      }
    }
    if (Date.now() >= deadline) return loadAndStore(meta, key, loader, write, report);
    await sleep(pause * (0.5 + Math.random() / 2));
    pause = Math.min(pause * 2, MAX_POLL_MS);
  }
}

/** Loads, then stores what was loaded without letting a cache failure reach the caller. */
async function loadAndStore<V>(
  meta: MetaCommands<V>,
  key: Key,
  loader: Loader<V>,
  write: WriteOptions,
  report: CacheFailureReporter,
): Promise<V | undefined> {
  const value = await loader();
  if (value === undefined) return value;
  try {
    await meta.set(key, value, write);
  } catch (error) {
    report(error);
  }
  return value;
}

/** The winner's part: load, store where the win was granted, or give the win back. */
async function refresh<V>(
  meta: MetaCommands<V>,
  key: Key,
  loader: Loader<V>,
  hit: RawMetaGet<V>,
  write: WriteOptions,
  report: CacheFailureReporter,
): Promise<V | undefined> {
  const cas = BigInt(hit.reply.flags.get('c') ?? '0');
  // Best effort: if the release itself fails, the placeholder still expires after lockTtl.
  const release = () =>
    meta
      .delete(key, { cas, invalidate: !isPlaceholder(hit.reply), base64: write.base64 })
      .catch(() => undefined);
  let value: V | undefined;
  try {
    value = await loader();
  } catch (error) {
    await release();
    throw error;
  }
  if (value === undefined) {
    await release();
    return value;
  }
  try {
    // A plain compare: a write that landed while the loader ran is newer than the value
    // loaded, so it stays (EX), and an invalidation meanwhile leaves the item stale for the
    // next caller to reload. With `I` memcached would store the older value over it.
    const stored = await meta.set(key, value, { ...write, cas });
    if (stored.status === 'not_found') await meta.set(key, value, { ...write, mode: 'add' });
  } catch (error) {
    // e.g. a value too large for the cache: the caller still gets it, the next caller retries.
    report(error);
    // Refused before sending or answered by the server: the release is awaited, so no other
    // client finds the placeholder once this caller has its value. After a network failure it
    // is not: it would likely fail the same way (a frozen server would hold the caller for a
    // second deadline), and a later command on this key queues behind it on the same socket.
    if (isNodeFailure(error)) void release();
    else await release();
  }
  return value;
}

/** The empty item `N` creates (no bytes, flags 0), as opposed to a loaded value. */
function isPlaceholder(reply: MetaReply): boolean {
  return (reply.value?.byteLength ?? 0) === 0 && (reply.flags.get('f') ?? '0') === '0';
}

function checkSeconds(value: number, name: string, minimum: number): void {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < minimum ||
    value > RELATIVE_EXPTIME_LIMIT
  ) {
    throw new MemcacheIllegalInputError(
      `${name} must be a whole number of seconds from ${minimum} to ${RELATIVE_EXPTIME_LIMIT}, got ${String(value)}`,
    );
  }
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
