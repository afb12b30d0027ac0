import { cacheClock } from './cache-clock.js';
import type { CacheHandlerOptions } from './cache-handler-options.js';
import { HandlerStore } from './handler-store.js';
import type { UseCacheEntry, UseCacheHandler } from './next-types.js';

/** A `'use cache'` handler for `cacheHandlers` in next.config, with `close()` for shutdown. */
export interface MemcachedUseCacheHandler extends UseCacheHandler {
  /** Closes the client the handler created (a client passed in is left to its owner). */
  close(): Promise<void>;
}

/** One `'use cache'` entry as it lives in memcached: Next's entry, its value read into bytes. */
interface StoredUseCacheEntry extends Omit<UseCacheEntry, 'value'> {
  value: Uint8Array;
}

// Entries live at `<prefix>use-cache:<key>`, apart from the ISR handler's `<prefix>entry:`;
// tags share `<prefix>tag:` with it, so one revalidation reaches both caches.
const ENTRY_KIND = 'use-cache';
// How much of Next's (long, serialized) cache key a warning shows.
const SHOWN_KEY_CHARACTERS = 80;

/**
 * Makes a handler for Next.js's `'use cache'` directive (Cache Components) on memcached, so
 * that every instance of an app shares the cached results and a `revalidateTag` or
 * `updateTag` on one is seen by all. Tags are the ISR handler's: one small record per tag,
 * which every read judges its entry against, soft (path) tags included. A memcached that is
 * down makes reads misses and writes warnings, never failed renders; a value above the
 * server's item size is skipped with a warning.
 */
export function createUseCacheHandler(options: CacheHandlerOptions = {}): MemcachedUseCacheHandler {
  const store = new HandlerStore(options);
  // This process's sets whose value is still being read, by cache key: a get for that key waits
  // for the set, as Next requires. Our own promise is kept, never Next's pending entry, which
  // would keep the request that made it alive.
  const pendingSets = new Map<string, Promise<void>>();

  /** Reads the entry's value and stores it; every failure is a warning or a quiet skip. */
  const storeEntry = async (name: string, pendingEntry: Promise<UseCacheEntry>): Promise<void> => {
    const key = store.entryKey(ENTRY_KIND, name);
    let entry: UseCacheEntry;
    try {
      entry = await pendingEntry;
    } catch {
      return; // the cached function failed: there is nothing to keep
    }
    if (!(entry.expire > 0)) {
      // `expire: 0` is dynamic: Next regenerates it on every read, so storing it is wasted.
      await entry.value.cancel().catch(() => {});
      return;
    }
    let tooLarge = false;
    const value = await readValue(entry.value, store.maxValueBytes, (size) => {
      tooLarge = true;
      store.warnTooLarge(key, entryName(name), size, `maxValueBytes ${store.maxValueBytes}`);
    });
    if (value === undefined) {
      // A new result too large to keep: the one it replaces must not go on being served.
      if (tooLarge) await store.forget(key);
      return;
    }
    const record: StoredUseCacheEntry = {
      value,
      tags: entry.tags,
      stale: entry.stale,
      timestamp: entry.timestamp,
      expire: entry.expire,
      revalidate: entry.revalidate,
    };
    await store.write(key, entryName(name), record, entry.expire);
  };

  return {
    /**
     * The entry in a new stream, or `undefined` for a miss, an expired tag (its own or a soft
     * one), an unreadable value or an unreachable server. A stale tag serves it with
     * `revalidate: -1`, so Next regenerates it in the background.
     */
    async get(name: string, softTags: string[] = []): Promise<UseCacheEntry | undefined> {
      const pending = pendingSets.get(name);
      if (pending !== undefined) await pending;
      // The soft tags are known up front: they are read with the entry, in one round trip.
      const key = store.entryKey(ENTRY_KIND, name);
      const read = await store.readEntry(key, softTags, toStoredUseCacheEntry, "a 'use cache' entry");
      if (read === undefined) return undefined;
      const { entry, found } = read;
      const verdict = store.verdict([...entry.tags, ...softTags], found, entry.timestamp, cacheClock());
      if (verdict === 'expired') return undefined;
      return {
        ...entry,
        revalidate: verdict === 'stale' ? -1 : entry.revalidate,
        value: streamOf(entry.value),
      };
    },

    /**
     * Waits for the entry, reads its value stream to the end and stores it with a TTL from its
     * `expire`. A value whose stream fails midway is not stored (it would render an incomplete
     * page); too large or unreachable is a warning, never an error.
     */
    async set(name: string, pendingEntry: Promise<UseCacheEntry>): Promise<void> {
      let settle = () => {};
      const done = new Promise<void>((resolve) => {
        settle = resolve;
      });
      pendingSets.set(name, done);
      try {
        await storeEntry(name, pendingEntry);
      } finally {
        if (pendingSets.get(name) === done) pendingSets.delete(name);
        settle();
      }
    },

    /** Nothing to refresh: every get reads its tags' records from memcached. */
    async refreshTags(): Promise<void> {},

    /**
     * `Infinity`: Next passes the soft tags to get, which judges them with the entry's own tags
     * in the same read (expired or stale alike), rather than in a read of its own.
     */
    async getExpiration(_tags: string[]): Promise<number> {
      return Number.POSITIVE_INFINITY;
    },

    /** Marks the tags revalidated for every instance: one read and one write per tag, no scan. */
    async updateTags(tags: string[], durations?: { expire?: number }): Promise<void> {
      await store.revalidate(tags, durations, 'updateTags');
    },

    close(): Promise<void> {
      return store.close();
    },
  };
}

/**
 * The stream's bytes in one buffer, or `undefined` when it fails midway, is locked, delivers
 * something other than bytes or passes `limit` (then `tooLarge` is told the size reached and
 * the rest of the stream is cancelled).
 */
async function readValue(
  stream: ReadableStream<Uint8Array>,
  limit: number | undefined,
  tooLarge: (size: number) => void,
): Promise<Uint8Array | undefined> {
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    reader = stream.getReader();
  } catch {
    return undefined; // a stream someone else is reading: there is nothing whole to keep
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!(value instanceof Uint8Array)) throw new TypeError('a value chunk is not bytes');
      chunks.push(value);
      size += value.byteLength;
      if (limit !== undefined && size > limit) {
        tooLarge(size);
        await reader.cancel().catch(() => {});
        return undefined;
      }
    }
  } catch {
    return undefined;
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(chunks, size);
}

/** A new single-use stream over `bytes`, as Next wants from every get. */
function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** How warnings name an entry: Next's cache keys are long serialized arguments. */
function entryName(name: string): string {
  const shown = name.length > SHOWN_KEY_CHARACTERS ? `${name.slice(0, SHOWN_KEY_CHARACTERS)}…` : name;
  return `the 'use cache' entry ${JSON.stringify(shown)}`;
}

function toStoredUseCacheEntry(record: unknown): StoredUseCacheEntry | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const { value, tags, stale, timestamp, expire, revalidate } = record as Record<string, unknown>;
  if (!(value instanceof Uint8Array) || !Array.isArray(tags)) return undefined;
  if (![stale, timestamp, expire, revalidate].every((field) => typeof field === 'number')) return undefined;
  return {
    value,
    tags: tags.filter((tag): tag is string => typeof tag === 'string'),
    stale: stale as number,
    timestamp: timestamp as number,
    expire: expire as number,
    revalidate: revalidate as number,
  };
}
