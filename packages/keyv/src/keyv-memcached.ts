import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  defaultSerde,
  HashClient,
  type HashClientOptions,
  type Key,
  type Serde,
  type ServerAddress,
  structuredSerde,
} from '@mc/client';
import { keySegment } from './key-segment.js';
import { millisecondsToTtl } from './milliseconds-to-ttl.js';

/**
 * What the adapter needs of a client: `Client`, `HashClient` and a `RetryingClient` around
 * either all have it.
 */
export interface KeyvMemcachedClient {
  getMany(keys: Iterable<Key>): Promise<Map<string, unknown>>;
  get(key: Key): Promise<unknown>;
  set(key: Key, value: unknown, options?: { ttl?: number }): Promise<boolean>;
  add(key: Key, value: unknown, options?: { ttl?: number }): Promise<boolean>;
  delete(key: Key): Promise<boolean>;
  close(): Promise<void>;
}

/** Options of the adapter itself. */
export interface KeyvMemcachedOptions {
  /** The namespace to start with; Keyv sets its own on the adapter when it has one. */
  namespace?: string | undefined;
  /**
   * `false` (default): a failed call emits `'error'` (Keyv forwards it to its own listeners)
   * and resolves a miss, `false` or nothing, so a cache outage degrades to cache misses.
   * `true`: the call rejects instead. Without any `'error'` listener calls always reject.
   */
  throwOnErrors?: boolean | undefined;
}

/** One entry of `setMany`, as Keyv hands it over: `ttl` in milliseconds. */
export interface KeyvMemcachedEntry {
  key: string;
  value: unknown;
  ttl?: number;
}

/** How Keyv 6 describes a storage adapter (`detectKeyvStorage`); Keyv 5 ignores it. */
export interface KeyvMemcachedCapabilities {
  compatible: true;
  store: 'keyvStorage';
  methods: Record<
    | 'get'
    | 'getMany'
    | 'has'
    | 'hasMany'
    | 'set'
    | 'setMany'
    | 'delete'
    | 'deleteMany'
    | 'clear'
    | 'disconnect'
    | 'iterator',
    { exists: boolean; methodType: 'async' | 'none' }
  >;
  /** `false`: the adapter takes relative TTLs, so Keyv 6 wraps it in its KeyvBridgeAdapter. */
  expires: false;
}

// Layout of the keys (after the client's own keyPrefix):
//
//   <namespace>:version            the namespace's current version token, never expires
//   <namespace>:<version>:<key>    an entry written while that token was current
//
// clear() writes a new token, so every older entry is unreachable at once and ages out by its
// TTL or LRU eviction; flush_all is never sent. Segments memcached would refuse, or too long,
// are hashed (keySegment). An evicted version key reads as a cleared namespace, never as an
// older one, because tokens are random.
const VERSION_SUFFIX = ':version';
const NAMESPACE_BYTES = 64;
// memcached's limit, and the room a key gets when the client's keyPrefix is not known (a
// client passed in): 50 bytes are left for it.
const MAX_KEY_BYTES = 250;
const COMPOSED_KEY_BYTES = 200;

function newToken(): string {
  return Date.now().toString(36) + randomBytes(4).toString('base64url');
}

function tokenOf(stored: unknown): string | undefined {
  if (typeof stored === 'string') return stored;
  if (stored instanceof Uint8Array) return Buffer.from(stored).toString('utf8');
  if (typeof stored === 'number' || typeof stored === 'bigint') return String(stored);
  return undefined;
}

function isClient(value: unknown): value is KeyvMemcachedClient {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { getMany?: unknown }).getMany === 'function'
  );
}

/**
 * A Keyv storage adapter for memcached, for Keyv 5 and 6 (and so cache-manager, NestJS's
 * cache module and Apollo's KeyvAdapter). Multi-key calls take one multi-get or one pipelined
 * burst, and `clear()` only invalidates this namespace: it never sends `flush_all`, so other
 * namespaces and other applications on the same server keep their data.
 *
 * ```ts
 * const keyv = new Keyv({ store: new KeyvMemcached('127.0.0.1:11211'), namespace: 'users' });
 * ```
 */
export class KeyvMemcached extends EventEmitter {
  /** The client every command goes through. */
  readonly client: KeyvMemcachedClient;
  /** Set by Keyv; entries of different namespaces never meet, and `clear()` empties only this one. */
  namespace: string | undefined;
  /**
   * The options the adapter was made with. Keyv 5's adapter interface has this field, and
   * Keyv's own test suite writes to it; the adapter reads its options once, at construction.
   */
  readonly opts: KeyvMemcachedOptions & HashClientOptions & Record<string, unknown>;
  readonly #ownsClient: boolean;
  readonly #throwOnErrors: boolean;
  /** The bytes a composed key may take after the client's keyPrefix. */
  #keyBytes = COMPOSED_KEY_BYTES;
  /** Set once a Keyv 6 has taken this store (see deleteMany). */
  #perKeyResults = false;
  /** The namespace's version token as last seen, so most calls take one round trip. */
  #known: { namespace: string; token: string } | undefined;
  #fetching: { namespace: string; create: boolean; promise: Promise<string | undefined> } | undefined;

  /** Uses a client you made (and keep: `disconnect()` leaves it open). */
  constructor(client: KeyvMemcachedClient, options?: KeyvMemcachedOptions);
  /** Makes a HashClient for these servers (closed by `disconnect()`), with its options. */
  constructor(
    servers: ServerAddress | readonly ServerAddress[],
    options?: KeyvMemcachedOptions & HashClientOptions,
  );
  constructor(
    clientOrServers: KeyvMemcachedClient | ServerAddress | readonly ServerAddress[],
    options: KeyvMemcachedOptions & HashClientOptions = {},
  ) {
    super();
    this.opts = { ...options };
    const { namespace, throwOnErrors, ...clientOptions } = options;
    if (isClient(clientOrServers)) {
      this.client = clientOrServers;
      this.#ownsClient = false;
    } else {
      const servers = Array.isArray(clientOrServers) ? clientOrServers : [clientOrServers as ServerAddress];
      this.client = new HashClient(servers, { serde: entrySerde, ...clientOptions });
      this.#ownsClient = true;
      // The prefix of a client made here is known: keys get exactly the room it leaves.
      const prefix = clientOptions.keyPrefix;
      if (typeof prefix === 'string') this.#keyBytes = MAX_KEY_BYTES - Buffer.byteLength(prefix, 'utf8');
    }
    this.namespace = namespace;
    this.#throwOnErrors = throwOnErrors ?? false;
  }

  /** What Keyv 6 looks for; see {@link KeyvMemcachedCapabilities}. */
  get capabilities(): KeyvMemcachedCapabilities {
    this.#perKeyResults = true;
    const present = { exists: true, methodType: 'async' } as const;
    return {
      compatible: true,
      store: 'keyvStorage',
      methods: {
        get: present,
        getMany: present,
        has: present,
        hasMany: present,
        set: present,
        setMany: present,
        delete: present,
        deleteMany: present,
        clear: present,
        disconnect: present,
        iterator: { exists: false, methodType: 'none' },
      },
      expires: false,
    };
  }

  /** Reads one entry as Keyv stored it; `undefined` on a miss. */
  async get(key: string): Promise<unknown> {
    return this.#guard(async () => unlessExpired((await this.#read([key]))[0]), undefined);
  }

  /** Reads many entries in one multi-get, in the order of `keys`. */
  async getMany(keys: string[]): Promise<unknown[]> {
    return this.#guard(
      async () => (await this.#read(keys)).map(unlessExpired),
      keys.map(() => undefined),
    );
  }

  /** Whether the entry exists and has not expired by Keyv's own clock (one round trip, like `get`). */
  async has(key: string): Promise<boolean> {
    return this.#guard(async () => liveEntry((await this.#read([key]))[0]), false);
  }

  /** `has` for many keys in one multi-get. */
  async hasMany(keys: string[]): Promise<boolean[]> {
    return this.#guard(
      async () => (await this.#read(keys)).map(liveEntry),
      keys.map(() => false),
    );
  }

  /**
   * Stores Keyv's already serialized value as it is. `ttl` is in milliseconds, as both Keyv
   * majors pass it; memcached gets whole seconds, rounded up.
   */
  async set(key: string, value: unknown, ttl?: number): Promise<boolean> {
    return this.#guard(
      () =>
        this.#writeWithVersion(true, false, (token) =>
          this.client.set(this.#dataKey(token, key), value, { ttl: millisecondsToTtl(ttl) }),
        ),
      false,
    );
  }

  /** Stores many entries in one pipelined burst; one boolean per entry. */
  async setMany(entries: KeyvMemcachedEntry[]): Promise<boolean[]> {
    const failed = entries.map(() => false);
    return this.#guard(
      () =>
        this.#writeWithVersion(true, failed, (token) =>
          this.#eachSettled(
            entries.map((entry) =>
              this.client.set(this.#dataKey(token, entry.key), entry.value, {
                ttl: millisecondsToTtl(entry.ttl),
              }),
            ),
          ),
        ),
      failed,
    );
  }

  /** Removes one entry; `true` when it existed. */
  async delete(key: string): Promise<boolean> {
    return this.#guard(
      () => this.#writeWithVersion(false, false, (token) => this.client.delete(this.#dataKey(token, key))),
      false,
    );
  }

  /**
   * Removes many entries in one pipelined burst. The two Keyv majors want different answers:
   * Keyv 6 one boolean per key (whether that entry existed), Keyv 5 one boolean, `true` when
   * every entry existed. Keyv 6 is recognised by its reading `capabilities` when it takes the
   * store, which Keyv 5 never does.
   */
  async deleteMany(keys: string[]): Promise<boolean | boolean[]> {
    const perKey = this.#perKeyResults;
    const failed = keys.map(() => false);
    const deleted = await this.#guard(
      () =>
        this.#writeWithVersion(false, failed, (token) =>
          this.#eachSettled(keys.map((key) => this.client.delete(this.#dataKey(token, key)))),
        ),
      failed,
    );
    return perKey ? deleted : deleted.every(Boolean);
  }

  /**
   * Empties this namespace by giving it a new version: one write, whatever its size. Older
   * entries become unreachable and age out by their TTL (entries stored without a TTL stay
   * until memcached evicts them). Other namespaces and keys are untouched; no flush_all.
   */
  async clear(): Promise<void> {
    return this.#guard(async () => {
      const namespace = this.#namespaceSegment();
      const token = newToken();
      await this.client.set(namespace + VERSION_SUFFIX, token);
      this.#known = { namespace, token };
    }, undefined);
  }

  /** Closes the client if the adapter made it; a client you passed in stays open. */
  async disconnect(): Promise<void> {
    if (this.#ownsClient) await this.client.close();
  }

  // ---- internals -------------------------------------------------------------------------

  #namespaceSegment(): string {
    return this.namespace === undefined || this.namespace === ''
      ? ''
      : keySegment(this.namespace, NAMESPACE_BYTES);
  }

  #dataKey(token: string, key: string): string {
    const head = `${this.#namespaceSegment()}:${token}:`;
    return head + keySegment(String(key), this.#keyBytes - Buffer.byteLength(head, 'utf8'));
  }

  #guess(namespace: string): string | undefined {
    return this.#known?.namespace === namespace ? this.#known.token : undefined;
  }

  #remember(namespace: string, token: string | undefined): void {
    this.#known = token === undefined ? undefined : { namespace, token };
  }

  /**
   * Reads under the version it guesses, asking for the current version in the same
   * multi-get; only when the guess was wrong (another process cleared) does it read again.
   */
  async #read(keys: string[]): Promise<unknown[]> {
    const namespace = this.#namespaceSegment();
    const versionKey = namespace + VERSION_SUFFIX;
    const guess = this.#guess(namespace);
    const wireKeys = guess === undefined ? [] : keys.map((key) => this.#dataKey(guess, key));
    const found = await this.client.getMany([versionKey, ...wireKeys]);
    const token = tokenOf(found.get(versionKey));
    this.#remember(namespace, token);
    if (token === undefined) return keys.map(() => undefined);
    if (token === guess) return wireKeys.map((wireKey) => found.get(wireKey));
    const current = keys.map((key) => this.#dataKey(token, key));
    const again = await this.client.getMany(current);
    return current.map((wireKey) => again.get(wireKey));
  }

  /**
   * Runs a write under the version it guesses, reading the current version alongside; if
   * the namespace was cleared meanwhile it writes again under the new one. `create`: whether
   * a namespace without a version gets one (writes) or the call is a no-op (deletes).
   */
  async #writeWithVersion<T>(
    create: boolean,
    empty: T,
    operation: (token: string) => Promise<T>,
  ): Promise<T> {
    const namespace = this.#namespaceSegment();
    const versionKey = namespace + VERSION_SUFFIX;
    const guess = this.#guess(namespace);
    if (guess === undefined) {
      const token = await this.#fetchVersion(namespace, create);
      return token === undefined ? empty : operation(token);
    }
    const [result, stored] = await Promise.all([operation(guess), this.client.get(versionKey)]);
    const token = tokenOf(stored);
    if (token === guess) return result;
    const current = token ?? (await this.#fetchVersion(namespace, create));
    this.#remember(namespace, current);
    return current === undefined ? empty : operation(current);
  }

  /** One version lookup at a time per namespace: a burst of first writes shares it. */
  #fetchVersion(namespace: string, create: boolean): Promise<string | undefined> {
    const pending = this.#fetching;
    if (pending?.namespace === namespace && pending.create === create) return pending.promise;
    const promise = this.#lookUpVersion(namespace, create).finally(() => {
      if (this.#fetching?.promise === promise) this.#fetching = undefined;
    });
    this.#fetching = { namespace, create, promise };
    return promise;
  }

  async #lookUpVersion(namespace: string, create: boolean): Promise<string | undefined> {
    const versionKey = namespace + VERSION_SUFFIX;
    let token = tokenOf(await this.client.get(versionKey));
    if (token === undefined && create) {
      const fresh = newToken();
      // `add`, so two processes starting at once agree on one token.
      token = (await this.client.add(versionKey, fresh)) ? fresh : tokenOf(await this.client.get(versionKey));
      if (token === undefined) {
        await this.client.set(versionKey, fresh);
        token = fresh;
      }
    }
    this.#remember(namespace, token);
    return token;
  }

  async #guard<T>(operation: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      this.#report(error);
      return fallback;
    }
  }

  /**
   * One answer per write of a batch: a write that failed is `false` and its error is reported,
   * the others keep their own answer (one entry refused must not make the stored ones look lost).
   */
  async #eachSettled(writes: Promise<boolean>[]): Promise<boolean[]> {
    const outcomes = await Promise.allSettled(writes);
    for (const outcome of outcomes) if (outcome.status === 'rejected') this.#report(outcome.reason);
    return outcomes.map((outcome) => outcome.status === 'fulfilled' && outcome.value);
  }

  /** Keyv's rule for a failure: a rejection under `throwOnErrors` or with nobody listening, else an `error` event. */
  #report(error: unknown): void {
    if (this.#throwOnErrors || this.listenerCount('error') === 0) throw error;
    this.emit('error', error);
  }
}

/**
 * The serde of a client the adapter makes: Keyv's serialized entries (strings) as text, which
 * any client reads; with Keyv's serialization turned off Keyv hands over its `{ value, expires }`
 * object, which goes through `structuredSerde` so that Buffers, Dates, Maps and the like come
 * back as they went in, as from Keyv's own in-memory store.
 */
const entrySerde: Serde = {
  serialize: (key, value) =>
    typeof value === 'string'
      ? defaultSerde.serialize(key, value)
      : structuredSerde.serialize(key, value as never),
  deserialize: (key, value, flags) => structuredSerde.deserialize(key, value, flags),
};

/**
 * A stored entry as read, or `undefined` once its `expires` has passed: with Keyv 6's
 * `checkExpired: false` Keyv leaves expiry to the store, and memcached keeps an entry up to a
 * second past `expires` (see liveEntry).
 */
function unlessExpired(stored: unknown): unknown {
  return liveEntry(stored) ? stored : undefined;
}

/**
 * Whether a stored entry counts as present. memcached keeps an entry up to a second past
 * Keyv's `expires` (its TTL is whole seconds, see millisecondsToTtl), and Keyv 5 asks `has`
 * of the store without looking at `expires` itself, so the check is made here, as Keyv's `get`
 * makes it: an entry whose `expires` has passed is absent. One Keyv cannot read (compressed,
 * a serializer of its own) counts as present.
 */
function liveEntry(stored: unknown): boolean {
  if (stored === undefined) return false;
  let entry: unknown = stored;
  if (typeof stored === 'string') {
    if (!stored.startsWith('{')) return true;
    try {
      entry = JSON.parse(stored);
    } catch {
      return true;
    }
  }
  const expires = (entry as { expires?: unknown } | null)?.expires;
  return typeof expires !== 'number' || Date.now() <= expires;
}
