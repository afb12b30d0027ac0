import {
  compressedSerde,
  defaultSerde,
  HashClient,
  MemcacheIllegalInputError,
  MemcacheServerError,
} from '@mc/client';
import { cacheClock } from './cache-clock.js';
import type { CacheClient } from './cache-client.js';
import type { CacheHandlerOptions } from './cache-handler-options.js';
import { cacheKey, UNSAFE_KEY_BYTES } from './cache-key.js';
import { type HandlerLogger, HandlerWarnings } from './handler-warnings.js';
import { isTooLargeError } from './is-too-large-error.js';
import { parseServers } from './parse-servers.js';
import { recordCodec } from './record-codec.js';
import { revalidatedTagState } from './revalidated-tag-state.js';
import type { TagState } from './tag-state.js';
import { type TagVerdict, tagVerdict } from './tag-verdict.js';

const DEFAULT_KEY_PREFIX = 'next:';
const MAX_KEY_PREFIX_BYTES = 40;
const DEFAULT_TIMEOUT = 1000;
// An `expire` beyond this is Next's "forever" (0xfffffffe): stored without a TTL instead.
const MAX_EXPIRE_TTL = 10 * 365 * 24 * 60 * 60;

/**
 * What both Next.js handlers (the ISR `cacheHandler` and the `'use cache'` handler) share of
 * memcached: the client, made on first use; the key names; the per-tag records that
 * revalidation writes and every read judges its entry against; and writing an entry, where a
 * value too large and a server out of reach are warnings, never errors. Both handlers keep
 * their tags in the same records, so a revalidation reaches the entries of both.
 */
export class HandlerStore {
  readonly keyPrefix: string;
  readonly ttl: number;
  readonly maxValueBytes: number | undefined;
  readonly logger: HandlerLogger;
  readonly warnings: HandlerWarnings;
  readonly #options: CacheHandlerOptions;
  #ownClient: HashClient | undefined;

  /** Checks the options at once; the client is made on first use, not here. */
  constructor(options: CacheHandlerOptions) {
    const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    if (
      typeof keyPrefix !== 'string' ||
      Buffer.byteLength(keyPrefix) > MAX_KEY_PREFIX_BYTES ||
      UNSAFE_KEY_BYTES.test(keyPrefix) ||
      /\s/.test(keyPrefix)
    ) {
      throw new MemcacheIllegalInputError(
        `keyPrefix must be a string of at most ${MAX_KEY_PREFIX_BYTES} bytes without spaces or control characters`,
      );
    }
    const ttl = options.ttl ?? 0;
    if (!Number.isSafeInteger(ttl) || ttl < 0) {
      throw new MemcacheIllegalInputError(
        `ttl must be a non-negative integer of seconds, got ${String(ttl)}`,
      );
    }
    const { maxValueBytes } = options;
    if (maxValueBytes !== undefined && (!Number.isSafeInteger(maxValueBytes) || maxValueBytes <= 0)) {
      throw new MemcacheIllegalInputError(
        `maxValueBytes must be a positive integer, got ${String(maxValueBytes)}`,
      );
    }
    this.keyPrefix = keyPrefix;
    this.ttl = ttl;
    this.maxValueBytes = maxValueBytes;
    this.logger = options.logger ?? console;
    this.warnings = new HandlerWarnings(this.logger);
    this.#options = options;
  }

  /**
   * The client: the one given, or a HashClient of the store's own made now from `servers` or
   * `MEMCACHED_SERVERS` (read on first use, not at import: Next imports handlers at build time
   * too). A missing configuration throws here, loudly, rather than as a silent miss.
   */
  client(): CacheClient {
    if (this.#options.client !== undefined) return this.#options.client;
    this.#ownClient ??= makeClient(this.#options);
    return this.#ownClient;
  }

  /** Closes the client the store made (a client passed in is left to its owner). */
  async close(): Promise<void> {
    const created = this.#ownClient;
    this.#ownClient = undefined;
    await created?.close();
  }

  /** The memcached key of an entry of `kind`. */
  entryKey(kind: string, name: string): string {
    return cacheKey(this.keyPrefix, kind, name);
  }

  /** The memcached key of a tag's record. */
  tagKey(tag: string): string {
    return cacheKey(this.keyPrefix, 'tag', tag);
  }

  /**
   * Reads the entry at `key` together with the records of `tags` known up front, in one round
   * trip, then the records of the entry's own tags it still lacks. `undefined` for a miss, a
   * value `decode` does not take for one of `what` (with one warning per key), or a server out
   * of reach (a throttled warning): all of them misses to Next.
   */
  async readEntry<Entry extends { tags: string[] }>(
    key: string,
    tags: readonly string[],
    decode: (record: unknown) => Entry | undefined,
    what: string,
  ): Promise<{ entry: Entry; found: Map<string, unknown> } | undefined> {
    const client = this.client();
    try {
      const asked = new Set([key, ...tags.map((tag) => this.tagKey(tag))]);
      const found = await client.getMany(asked);
      if (!found.has(key)) return undefined;
      const entry = decode(recordCodec.decode(key, found.get(key)));
      if (entry === undefined) {
        this.warnings.once(
          key,
          `@mc/next: the value at ${key} is not ${what} this handler wrote; treated as a miss`,
        );
        return undefined;
      }
      // Only what the first read did not ask for: a tag without a record is a miss there too.
      const missing = new Set(
        entry.tags.map((tag) => this.tagKey(tag)).filter((tagKey) => !asked.has(tagKey)),
      );
      if (missing.size > 0)
        for (const [tagKey, value] of await client.getMany(missing)) found.set(tagKey, value);
      return { entry, found };
    } catch (error) {
      this.warnings.unavailable('get', error);
      return undefined;
    }
  }

  /** How an entry written at `lastModified` stands against the records of `tags` in `found`. */
  verdict(
    tags: readonly string[],
    found: Map<string, unknown>,
    lastModified: number,
    now: number,
  ): TagVerdict {
    const states: TagState[] = [];
    for (const tag of new Set(tags)) {
      const key = this.tagKey(tag);
      const state = toTagState(recordCodec.decode(key, found.get(key)));
      if (state !== undefined) states.push(state);
    }
    return tagVerdict(states, lastModified, now);
  }

  /**
   * Marks the tags revalidated now for every instance: one read and one write per tag, no
   * scan. A failure warns every time, naming `caller`: a lost revalidation means stale pages,
   * which the operator must hear of.
   */
  async revalidate(
    tags: readonly string[],
    durations: { expire?: number } | undefined,
    caller: string,
  ): Promise<void> {
    const list = [...new Set(tags)];
    if (list.length === 0) return;
    const client = this.client();
    // Tag by tag (pipelined, in parallel): tags live on different servers, and one that
    // cannot be reached must not keep the others from being revalidated, as Next's own cache
    // marks each tag on its own.
    const outcomes = await Promise.allSettled(
      list.map(async (tag) => {
        const key = this.tagKey(tag);
        const stored = (await client.getMany([key])).get(key);
        const state = revalidatedTagState(
          toTagState(recordCodec.decode(key, stored)),
          cacheClock(),
          durations,
        );
        return client.set(key, recordCodec.encode(key, state));
      }),
    );
    const notStored: string[] = [];
    const unreachable: string[] = [];
    let reason: unknown;
    outcomes.forEach((outcome, index) => {
      if (outcome.status === 'rejected') {
        unreachable.push(list[index]!);
        reason ??= outcome.reason;
      } else if (!outcome.value) notStored.push(list[index]!);
    });
    if (notStored.length > 0) this.logger.warn(`@mc/next: ${caller} could not store ${notStored.join(', ')}`);
    if (unreachable.length > 0) {
      this.logger.warn(
        `@mc/next: ${caller}(${unreachable.join(', ')}) could not reach memcached: ${String(reason)}`,
      );
    }
  }

  /**
   * Stores `record` at `key` for its `expire` seconds (or the store's `ttl` when shorter). A
   * record that cannot be encoded or is above `maxValueBytes` or the server's item size is
   * skipped with one warning per key; a server out of reach is a throttled warning. `name` is
   * how the warnings call the entry.
   */
  async write(key: string, name: string, record: object, expire: number | undefined): Promise<void> {
    const client = this.client();
    let bytes: Uint8Array;
    try {
      bytes = recordCodec.encode(key, record);
    } catch (error) {
      this.warnings.once(
        key,
        `@mc/next: ${name} could not be serialized and is not cached: ${String(error)}`,
      );
      return;
    }
    if (this.maxValueBytes !== undefined && bytes.byteLength > this.maxValueBytes) {
      this.warnTooLarge(key, name, bytes.byteLength, `maxValueBytes ${this.maxValueBytes}`);
      await this.forget(key);
      return;
    }
    try {
      await client.set(key, bytes, { ttl: entryTtl(this.ttl, expire) });
    } catch (error) {
      if (!isTooLargeError(error)) this.warnings.unavailable('set', error);
      else {
        const limit =
          error instanceof MemcacheServerError ? "the server's item size" : "the client's maxValueBytes";
        this.warnTooLarge(key, name, bytes.byteLength, limit);
        await this.forget(key);
      }
    }
  }

  /**
   * Drops the entry at `key`: a new version too large to store must not leave the version it
   * replaces being served (and regenerated, in vain, on every stale read), as memcached itself
   * drops an item whose replacement it refuses.
   */
  async forget(key: string): Promise<void> {
    try {
      await this.client().delete(key);
    } catch (error) {
      this.warnings.unavailable('delete', error);
    }
  }

  /** Warns, once per key, that the entry is not cached because `size` bytes exceed `limit`. */
  warnTooLarge(key: string, name: string, size: number, limit: string): void {
    this.warnings.once(key, `@mc/next: ${name} is not cached: ${size} bytes exceed ${limit}`);
  }
}

function makeClient(options: CacheHandlerOptions): HashClient {
  const configured = options.servers ?? process.env.MEMCACHED_SERVERS ?? '';
  const servers = typeof configured === 'string' ? parseServers(configured) : [...configured];
  if (servers.length === 0) {
    throw new MemcacheIllegalInputError(
      '@mc/next has no memcached servers: set MEMCACHED_SERVERS (comma-separated addresses) or pass { servers } to createCacheHandler or createUseCacheHandler',
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

/** The memcached TTL for an entry: its `expire` (rounded up), or `ttl` when that is shorter. */
function entryTtl(ttl: number, expire: number | undefined): number {
  if (typeof expire !== 'number' || !Number.isFinite(expire) || expire <= 0 || expire > MAX_EXPIRE_TTL)
    return ttl;
  const seconds = Math.ceil(expire);
  return ttl > 0 ? Math.min(ttl, seconds) : seconds;
}

function toTagState(record: unknown): TagState | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const { stale, expired } = record as Record<string, unknown>;
  const state: TagState = {};
  if (typeof stale === 'number') state.stale = stale;
  if (typeof expired === 'number') state.expired = expired;
  return state;
}
