import { cacheClock } from './cache-clock.js';
import type { CacheHandlerOptions } from './cache-handler-options.js';
import { entryTags } from './entry-tags.js';
import { HandlerStore } from './handler-store.js';
import type {
  CacheHandlerContext,
  CacheHandlerValue,
  GetContext,
  GetIncrementalFetchCacheContext,
  IncrementalCacheValue,
  SetContext,
} from './next-types.js';
import type { StoredEntry } from './stored-entry.js';

/** One handler instance; Next.js makes one per request, all sharing their class's client. */
export interface MemcachedCacheHandler {
  get(cacheKey: string, context: GetContext): Promise<CacheHandlerValue | null>;
  set(cacheKey: string, data: IncrementalCacheValue | null, context: SetContext): Promise<void>;
  revalidateTag(tags: string | string[], durations?: { expire?: number }): Promise<void>;
  resetRequestCache(): void;
}

/** The class Next.js instantiates (`cacheHandler` in next.config), with `close()` for shutdown. */
export interface MemcachedCacheHandlerClass {
  new (context?: CacheHandlerContext): MemcachedCacheHandler;
  /** Closes the client the class created (a client passed in is left to its owner). */
  close(): Promise<void>;
}

/**
 * Makes a Next.js `cacheHandler` class on memcached, so that several self-hosted instances share
 * ISR pages, the fetch cache and route handler responses, and a `revalidateTag` on one is seen
 * by all. Revalidation writes one small record per tag; each entry carries its tags and is
 * judged against them when read. A memcached that is down makes reads misses and writes
 * warnings, never failed renders.
 */
export function createCacheHandler(options: CacheHandlerOptions = {}): MemcachedCacheHandlerClass {
  const store = new HandlerStore(options);
  const entryKey = (name: string) => store.entryKey('entry', name);

  return class MemcachedCacheHandlerImpl implements MemcachedCacheHandler {
    static close(): Promise<void> {
      return store.close();
    }

    constructor(_context?: CacheHandlerContext) {
      store.client(); // a missing configuration fails here, loudly, rather than as a silent miss
    }

    /** The entry, or `null` for a miss, an expired tag, an unreadable value or an unreachable server. */
    async get(name: string, context: GetContext): Promise<CacheHandlerValue | null> {
      // A fetch names its tags up front: read them with the entry, in one round trip.
      const requestTags = isFetchContext(context)
        ? [...(context.tags ?? []), ...(context.softTags ?? [])]
        : [];
      const read = await store.readEntry(entryKey(name), requestTags, toStoredEntry, 'an entry');
      if (read === undefined) return null;
      const { entry, found } = read;
      const now = cacheClock();
      const verdict = store.verdict([...entry.tags, ...requestTags], found, entry.lastModified, now);
      if (verdict === 'expired') return null;
      let { lastModified, cacheControl } = entry;
      if (verdict === 'stale') {
        // Next decides staleness from lastModified and the entry's revalidate period, so a
        // stale tag is told by dating the entry one period back: Next serves it and
        // regenerates it in the background.
        const period = revalidatePeriod(entry, context);
        if (period !== undefined) {
          lastModified = now - period * 1000 - 1;
          // Dated a period back, an entry whose expire is no longer than its period would
          // also look expired (a blocking render): it is handed over with a second more.
          if (typeof cacheControl?.expire === 'number' && cacheControl.expire <= period) {
            cacheControl = { ...cacheControl, expire: period + 1 };
          }
        } else if (isFetchContext(context)) {
          return null; // a fetch without a period has no stale to serve: fetched afresh
        } else {
          // A page or route kept until revalidated on demand (`revalidate: false`) has no
          // period to date back: it is handed over with the shortest one, a second, so Next
          // serves it stale and regenerates it, as with its own cache; the regenerated entry
          // is stored with the page's own lifetime again.
          cacheControl = { expire: undefined, ...cacheControl, revalidate: 1 };
          lastModified = now - 1001;
        }
      }
      const value: CacheHandlerValue = { lastModified, value: entry.value };
      if (cacheControl !== undefined) value.cacheControl = cacheControl;
      return value;
    }

    /** Stores the entry with its tags; too large or unreachable is a warning, never an error. */
    async set(name: string, data: IncrementalCacheValue | null, context: SetContext): Promise<void> {
      const cacheControl = context.fetchCache === true ? undefined : context.cacheControl;
      const entry: StoredEntry = {
        lastModified: cacheClock(),
        value: data,
        tags: entryTags(data, context),
        cacheControl,
      };
      await store.write(entryKey(name), name, entry, cacheControl?.expire);
    }

    /** Marks the tags revalidated for every instance: one read and one write per tag, no scan. */
    async revalidateTag(tags: string | string[], durations?: { expire?: number }): Promise<void> {
      await store.revalidate(typeof tags === 'string' ? [tags] : tags, durations, 'revalidateTag');
    }

    /**
     * Nothing to drop: every read asks memcached for the entry and its tags, so there is no
     * per-request copy that could hide another instance's revalidation.
     */
    resetRequestCache(): void {}
  };
}

function isFetchContext(context: GetContext): context is GetIncrementalFetchCacheContext {
  return (context.kind as string) === 'FETCH';
}

/** The entry's revalidate period in seconds, as Next will read it, or `undefined` when it has none. */
function revalidatePeriod(entry: StoredEntry, context: GetContext): number | undefined {
  if (isFetchContext(context)) {
    const fromValue =
      entry.value !== null && 'revalidate' in entry.value ? entry.value.revalidate : undefined;
    const period = context.revalidate || fromValue;
    return typeof period === 'number' && period > 0 ? period : undefined;
  }
  const period = entry.cacheControl?.revalidate;
  return typeof period === 'number' && period > 0 ? period : undefined;
}

function toStoredEntry(record: unknown): StoredEntry | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const { lastModified, value, tags, cacheControl } = record as Record<string, unknown>;
  if (typeof lastModified !== 'number' || !Array.isArray(tags)) return undefined;
  if (
    value !== null &&
    (typeof value !== 'object' || typeof (value as { kind?: unknown }).kind !== 'string')
  ) {
    return undefined;
  }
  return {
    lastModified,
    value: value as IncrementalCacheValue | null,
    tags: tags.filter((tag): tag is string => typeof tag === 'string'),
    cacheControl: (cacheControl ?? undefined) as StoredEntry['cacheControl'],
  };
}
