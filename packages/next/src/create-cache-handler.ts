import {
  compressedSerde,
  defaultSerde,
  HashClient,
  type HashClientOptions,
  MemcacheIllegalInputError,
} from '@mc/client';
import type { ServerAddress } from '@mc/client';
import type { CacheClient } from './cache-client.js';
import { cacheKey } from './cache-key.js';
import { entryTags } from './entry-tags.js';
import { type HandlerLogger, HandlerWarnings } from './handler-warnings.js';
import { isTooLargeError } from './is-too-large-error.js';
import type {
  CacheHandlerContext,
  CacheHandlerValue,
  GetContext,
  GetIncrementalFetchCacheContext,
  IncrementalCacheValue,
  SetContext,
} from './next-types.js';
import { parseServers } from './parse-servers.js';
import { recordCodec } from './record-codec.js';
import { revalidatedTagState } from './revalidated-tag-state.js';
import type { StoredEntry } from './stored-entry.js';
import type { TagState } from './tag-state.js';
import { tagVerdict } from './tag-verdict.js';

/** How a handler class reaches memcached and names its keys. */
export interface CacheHandlerOptions {
  /** A client to use (its serde must store bytes as bytes); the handler never closes it. */
  client?: CacheClient;
  /** Servers for a HashClient of the handler's own: addresses, or one comma-separated string. */
  servers?: string | readonly ServerAddress[];
  /** Options for that HashClient (`timeout`, `connectTimeout` 1000 ms by default); its serde is the handler's. */
  clientOptions?: HashClientOptions;
  /** Put before every key (default `'next:'`); add a build id to keep deployments apart. */
  keyPrefix?: string;
  /** Seconds an entry lives in memcached (default 0: until evicted, or the entry's `expire`). */
  ttl?: number;
  /** Entries whose encoded size is above this many bytes are skipped with a warning. */
  maxValueBytes?: number;
  /** Where warnings go (default `console`). */
  logger?: HandlerLogger;
}

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

const DEFAULT_KEY_PREFIX = 'next:';
const MAX_KEY_PREFIX_BYTES = 40;
const DEFAULT_TIMEOUT = 1000;
// An `expire` beyond this is Next's "forever" (0xfffffffe): stored without a TTL instead.
const MAX_EXPIRE_TTL = 10 * 365 * 24 * 60 * 60;

/**
 * Makes a Next.js `cacheHandler` class on memcached, so that several self-hosted instances share
 * ISR pages, the fetch cache and route handler responses, and a `revalidateTag` on one is seen
 * by all. Revalidation writes one small record per tag; each entry carries its tags and is
 * judged against them when read. A memcached that is down makes reads misses and writes
 * warnings, never failed renders.
 */
export function createCacheHandler(options: CacheHandlerOptions = {}): MemcachedCacheHandlerClass {
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  if (
    typeof keyPrefix !== 'string' ||
    Buffer.byteLength(keyPrefix) > MAX_KEY_PREFIX_BYTES ||
    /[\s\u007f]/.test(keyPrefix)
  ) {
    throw new MemcacheIllegalInputError(
      `keyPrefix must be a string of at most ${MAX_KEY_PREFIX_BYTES} bytes without spaces or control characters`,
    );
  }
  const ttl = options.ttl ?? 0;
  if (!Number.isSafeInteger(ttl) || ttl < 0) {
    throw new MemcacheIllegalInputError(`ttl must be a non-negative integer of seconds, got ${String(ttl)}`);
  }
  const { maxValueBytes } = options;
  if (maxValueBytes !== undefined && (!Number.isSafeInteger(maxValueBytes) || maxValueBytes <= 0)) {
    throw new MemcacheIllegalInputError(
      `maxValueBytes must be a positive integer, got ${String(maxValueBytes)}`,
    );
  }
  const logger = options.logger ?? console;
  const warnings = new HandlerWarnings(logger);
  const entryKey = (name: string) => cacheKey(keyPrefix, 'entry', name);
  const tagKey = (tag: string) => cacheKey(keyPrefix, 'tag', tag);

  // Made on the first construction, not at import: Next imports the module at build time too,
  // and MEMCACHED_SERVERS is read when the handler is first used.
  let ownClient: HashClient | undefined;
  const client = (): CacheClient => {
    if (options.client !== undefined) return options.client;
    if (ownClient === undefined) ownClient = makeClient(options);
    return ownClient;
  };

  /** Reads the tag states of `tags` that `found` lacks, into `found`. */
  const readTags = async (tags: readonly string[], found: Map<string, unknown>): Promise<void> => {
    const missing = tags.map(tagKey).filter((key) => !found.has(key));
    if (missing.length === 0) return;
    for (const [key, value] of await client().getMany(missing)) found.set(key, value);
  };

  return class MemcachedCacheHandlerImpl implements MemcachedCacheHandler {
    static async close(): Promise<void> {
      const created = ownClient;
      ownClient = undefined;
      await created?.close();
    }

    constructor(_context?: CacheHandlerContext) {
      client(); // a missing configuration fails here, loudly, rather than as a silent miss
    }

    /** The entry, or `null` for a miss, an expired tag, an unreadable value or an unreachable server. */
    async get(name: string, context: GetContext): Promise<CacheHandlerValue | null> {
      const key = entryKey(name);
      // A fetch names its tags up front: read them with the entry, in one round trip.
      const requestTags = isFetchContext(context)
        ? [...(context.tags ?? []), ...(context.softTags ?? [])]
        : [];
      let entry: StoredEntry | undefined;
      let tags: string[];
      let found: Map<string, unknown>;
      try {
        found = await client().getMany([key, ...requestTags.map(tagKey)]);
        if (!found.has(key)) return null;
        entry = toStoredEntry(recordCodec.decode(key, found.get(key)));
        if (entry === undefined) {
          warnings.once(
            key,
            `@mc/next: the value at ${key} is not an entry this handler wrote; treated as a miss`,
          );
          return null;
        }
        tags = [...new Set([...entry.tags, ...requestTags])];
        await readTags(tags, found);
      } catch (error) {
        warnings.unavailable('get', error);
        return null;
      }
      const states: TagState[] = [];
      for (const tag of tags) {
        const state = toTagState(recordCodec.decode(tagKey(tag), found.get(tagKey(tag))));
        if (state !== undefined) states.push(state);
      }
      const now = Date.now();
      const verdict = tagVerdict(states, entry.lastModified, now);
      if (verdict === 'expired') return null;
      let { lastModified } = entry;
      if (verdict === 'stale') {
        // Next decides staleness from lastModified and the entry's revalidate period, so a
        // stale tag is told by dating the entry one period back: Next serves it and
        // regenerates it in the background. Without a period there is no stale to serve.
        const period = revalidatePeriod(entry, context);
        if (period === undefined) return null;
        lastModified = now - period * 1000 - 1;
      }
      const value: CacheHandlerValue = { lastModified, value: entry.value };
      if (entry.cacheControl !== undefined) value.cacheControl = entry.cacheControl;
      return value;
    }

    /** Stores the entry with its tags; too large or unreachable is a warning, never an error. */
    async set(name: string, data: IncrementalCacheValue | null, context: SetContext): Promise<void> {
      const key = entryKey(name);
      const cacheControl = context.fetchCache === true ? undefined : context.cacheControl;
      const entry: StoredEntry = {
        lastModified: Date.now(),
        value: data,
        tags: entryTags(data, context),
        cacheControl,
      };
      let bytes: Uint8Array;
      try {
        bytes = recordCodec.encode(key, entry);
      } catch (error) {
        warnings.once(key, `@mc/next: ${name} could not be serialized and is not cached: ${String(error)}`);
        return;
      }
      if (maxValueBytes !== undefined && bytes.byteLength > maxValueBytes) {
        warnings.once(key, tooLargeMessage(name, bytes.byteLength, `maxValueBytes ${maxValueBytes}`));
        return;
      }
      try {
        await client().set(key, bytes, { ttl: entryTtl(ttl, cacheControl?.expire) });
      } catch (error) {
        if (isTooLargeError(error))
          warnings.once(key, tooLargeMessage(name, bytes.byteLength, "the server's item size"));
        else warnings.unavailable('set', error);
      }
    }

    /** Marks the tags revalidated for every instance: one read and one write per tag, no scan. */
    async revalidateTag(tags: string | string[], durations?: { expire?: number }): Promise<void> {
      const list = [...new Set(typeof tags === 'string' ? [tags] : tags)];
      if (list.length === 0) return;
      const keys = list.map(tagKey);
      try {
        const found = await client().getMany(keys);
        const now = Date.now();
        const updates = new Map<string, Uint8Array>();
        for (const key of keys) {
          const state = revalidatedTagState(
            toTagState(recordCodec.decode(key, found.get(key))),
            now,
            durations,
          );
          updates.set(key, recordCodec.encode(key, state));
        }
        const failed = await client().setMany(updates);
        if (failed.length > 0) logger.warn(`@mc/next: revalidateTag could not store ${failed.join(', ')}`);
      } catch (error) {
        // Not throttled: a lost revalidation means stale pages, which the operator must hear of.
        logger.warn(
          `@mc/next: revalidateTag(${list.join(', ')}) could not reach memcached: ${String(error)}`,
        );
      }
    }

    /**
     * Nothing to drop: every read asks memcached for the entry and its tags, so there is no
     * per-request copy that could hide another instance's revalidation.
     */
    resetRequestCache(): void {}
  };
}

function makeClient(options: CacheHandlerOptions): HashClient {
  const configured = options.servers ?? process.env.MEMCACHED_SERVERS ?? '';
  const servers = typeof configured === 'string' ? parseServers(configured) : [...configured];
  if (servers.length === 0) {
    throw new MemcacheIllegalInputError(
      '@mc/next has no memcached servers: set MEMCACHED_SERVERS (comma-separated addresses) or use createCacheHandler({ servers })',
    );
  }
  return new HashClient(servers, {
    timeout: DEFAULT_TIMEOUT,
    connectTimeout: DEFAULT_TIMEOUT,
    ...options.clientOptions,
    // Bytes in, bytes out; large pages travel compressed.
    serde: compressedSerde(defaultSerde),
  });
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

function entryTtl(ttl: number, expire: number | undefined): number {
  if (typeof expire !== 'number' || !Number.isSafeInteger(expire) || expire <= 0 || expire > MAX_EXPIRE_TTL)
    return ttl;
  return ttl > 0 ? Math.min(ttl, expire) : expire;
}

function tooLargeMessage(name: string, size: number, limit: string): string {
  return `@mc/next: ${name} is not cached: ${size} bytes exceed ${limit}`;
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

function toTagState(record: unknown): TagState | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const { stale, expired } = record as Record<string, unknown>;
  const state: TagState = {};
  if (typeof stale === 'number') state.stale = stale;
  if (typeof expired === 'number') state.expired = expired;
  return state;
}
