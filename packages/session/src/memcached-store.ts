import { type Key, longestTtl } from '@mc/client';
import { type SessionData, Store } from 'express-session';

/**
 * What the store needs of a client: `Client`, `HashClient` and a `RetryingClient` around
 * either all have it.
 */
export interface MemcachedStoreClient {
  get(key: Key): Promise<unknown>;
  set(key: Key, value: unknown, options?: { ttl?: number }): Promise<boolean>;
  delete(key: Key): Promise<boolean>;
  touch(key: Key, ttl: number): Promise<boolean>;
}

/** Turns sessions into the text stored in memcached and back; JSON by default. */
export interface SessionSerializer {
  stringify(session: SessionData): string;
  parse(text: string): SessionData;
}

export interface MemcachedStoreOptions {
  /** The client sessions go through; its timeouts bound every store call. */
  client: MemcachedStoreClient;
  /** Put before each session id to make its key (default `'sess:'`). */
  prefix?: string | undefined;
  /**
   * Seconds a session lives in memcached when its cookie has no expiry (a browser-session
   * cookie); default 86400 (one day). A function decides for every session, cookie or not.
   */
  ttl?: (number | ((session: SessionData) => number)) | undefined;
  /** How sessions become text (default JSON). */
  serializer?: SessionSerializer | undefined;
  /** Never refresh TTLs on `touch` (express-session then only writes modified sessions). */
  disableTouch?: boolean | undefined;
}

type Callback<T = void> = (error: unknown, result?: T) => void;

const DEFAULT_TTL = 86_400;

type StoredCookie = { expires?: Date | string | null; maxAge?: number | null } | undefined;

/**
 * Seconds memcached keeps a session whose cookie expires; `undefined` when the cookie sets
 * none. memcached's clock ticks whole seconds, so a TTL of the cookie's seconds rounded up can
 * still end up to a second early (a 1 s cookie stored late in memcached's second would vanish
 * in milliseconds): one second more keeps the session as long as its cookie. The stored
 * session's own `cookie.expires` is not checked on `get`: `touch` extends the session in
 * memcached without rewriting it, so that date is the one of the last write, not the last touch.
 */
function cookieSeconds(session: SessionData): number | undefined {
  const cookie = session.cookie as StoredCookie;
  if (cookie?.expires) {
    const left = new Date(cookie.expires).getTime() - Date.now();
    return left <= 0 ? 0 : Math.ceil(left / 1000) + 1;
  }
  if (typeof cookie?.maxAge === 'number') return cookie.maxAge <= 0 ? 0 : Math.ceil(cookie.maxAge / 1000) + 1;
  return undefined;
}

/** Calls back outside the promise chain, so a throwing callback is not mistaken for a store error. */
function settle<T>(work: Promise<T>, callback: Callback<T> | undefined): void {
  work.then(
    (result) => {
      if (callback) process.nextTick(callback, null, result);
    },
    (error: unknown) => {
      if (callback) process.nextTick(callback, error);
    },
  );
}

/**
 * An express-session store on memcached, for every connect-style framework that takes one.
 * Sessions expire in memcached with their cookie (memcached's own TTL), so nothing needs
 * pruning, and `touch` extends a session with memcached's `touch`, without rewriting it.
 *
 * ```ts
 * app.use(session({ secret, store: new MemcachedStore({ client }), resave: false, saveUninitialized: false }));
 * ```
 */
export class MemcachedStore extends Store {
  readonly client: MemcachedStoreClient;
  readonly prefix: string;
  readonly #ttl: number | ((session: SessionData) => number);
  readonly #serializer: SessionSerializer;
  readonly #disableTouch: boolean;

  constructor(options: MemcachedStoreOptions) {
    super();
    if (typeof options?.client?.get !== 'function' || typeof options.client.touch !== 'function') {
      throw new TypeError('MemcachedStore needs { client }: a Client or HashClient from @mc/client');
    }
    const ttl = options.ttl ?? DEFAULT_TTL;
    if (typeof ttl === 'number' && !(Number.isFinite(ttl) && ttl > 0)) {
      throw new TypeError(`MemcachedStore's ttl is a positive number of seconds, got ${String(ttl)}`);
    }
    this.client = options.client;
    this.prefix = options.prefix ?? 'sess:';
    this.#ttl = ttl;
    this.#serializer = options.serializer ?? JSON;
    this.#disableTouch = options.disableTouch ?? false;
  }

  /** Loads a session; `null` when there is none (or it expired). */
  override get(sid: string, callback: Callback<SessionData | null>): void {
    settle(
      this.client.get(this.#key(sid)).then((stored) => {
        if (stored === undefined || stored === null) return null;
        const text = stored instanceof Uint8Array ? Buffer.from(stored).toString('utf8') : String(stored);
        return this.#serializer.parse(text);
      }),
      callback,
    );
  }

  /** Saves a session for as long as its cookie lives; an already expired one is removed. */
  override set(sid: string, session: SessionData, callback?: Callback): void {
    settle(
      (async () => {
        const ttl = this.#ttlOf(session);
        if (ttl <= 0) {
          await this.client.delete(this.#key(sid));
          return;
        }
        const text = this.#serializer.stringify(session);
        const stored = await this.client.set(this.#key(sid), text, { ttl });
        if (!stored) throw new Error(`memcached did not store session ${sid}`);
      })(),
      callback,
    );
  }

  /** Removes a session. */
  override destroy(sid: string, callback?: Callback): void {
    settle(
      this.client.delete(this.#key(sid)).then(() => undefined),
      callback,
    );
  }

  /**
   * Extends a session that was read but not changed: memcached's `touch` resets its TTL
   * without sending the session again. A session that is gone stays gone.
   */
  override touch(sid: string, session: SessionData, callback?: Callback): void {
    if (this.#disableTouch) {
      if (callback) process.nextTick(callback, null);
      return;
    }
    settle(
      (async () => {
        const ttl = this.#ttlOf(session);
        if (ttl <= 0) await this.client.delete(this.#key(sid));
        else await this.client.touch(this.#key(sid), ttl);
      })(),
      callback,
    );
  }

  #key(sid: string): string {
    return this.prefix + sid;
  }

  /**
   * Seconds to keep the session: the `ttl` function's, else the cookie's, else `ttl`, so the
   * session lives as long as its cookie (browsers keep one up to 400 days); one past what
   * memcached can represent is kept until then (`longestTtl()`) rather than failing to save.
   */
  #ttlOf(session: SessionData): number {
    const seconds =
      typeof this.#ttl === 'function' ? this.#ttl(session) : (cookieSeconds(session) ?? this.#ttl);
    return Math.min(Math.ceil(seconds), longestTtl());
  }
}
