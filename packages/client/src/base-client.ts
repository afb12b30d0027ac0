import {
  commands,
  type EncodedRequest,
  type Key,
  MemcacheIllegalInputError,
  type RetrievedFrames,
  type RetrievedValue,
  retrieveFrames,
  type ValueFrameLike,
  validateKey,
} from '@mc/protocol';
import { defaultSerde, type Serde, textFlags } from '@mc/serde';
import { checkKeyPrefix } from './check-key-prefix.js';
import { checkBoolean, checkOptionsObject } from './check-options.js';
import { decodeFrame } from './decode-frame.js';
import { decodeValue } from './decode-value.js';
import { toExptime } from './expiration.js';
import { type GetOrSetOptions, getOrSet } from './get-or-set.js';
import { isDeadNodeRefusal } from './dead-node-refusal.js';
import { isIgnorableError } from './ignorable-error.js';
import { keyToString, prefixKey } from './keys.js';
import { checkValueSize, resolveMaxValueBytes, sizeLimitedSerde } from './max-value-bytes.js';
import { MetaCommands } from './meta-commands.js';
import { ClientMetrics } from './metrics/client-metrics.js';
import type { MetricsSnapshot } from './metrics/metrics-snapshot.js';
import { metricsSource } from './metrics/metrics-source.js';
import { type WriteFailure, WriteFailureReporter } from './metrics/write-failure.js';
import type {
  MetaArithmeticOptions,
  MetaArithmeticResult,
  MetaDeleteOptions,
  MetaDeleteResult,
  MetaGetOptions,
  MetaGetResult,
  MetaSetOptions,
  MetaSetResult,
} from './meta-options.js';
import { requiredTtl } from './required-ttl.js';
import type { ServerNode } from './server-node.js';
import { publishAbsorbedError } from './tracing.js';

/** The value type a serde produces. */
export type ValueOf<S> = S extends Serde<infer V> ? V : never;
/** What `defaultSerde` stores and returns. */
export type DefaultValue = ValueOf<typeof defaultSerde>;

/**
 * What a read resolves to when neither the client (`new Client<User>()`, a typed serde) nor
 * the call (`get<User>(key)`) names a value type. Writes of such a client are still checked
 * against what the serde stores; reads are left open on purpose, so everyday code such as
 * `(await client.get('u'))?.name` or `(await client.get('u')) as User` compiles, the way
 * `JSON.parse` and other caches' untyped reads do. Name a type to get checked reads.
 */
// biome-ignore lint/suspicious/noExplicitAny: the documented untyped read; every typed path avoids it
export type UntypedValue = any;

/**
 * What a getOrSet loader may return. On an untyped client it is any value but a bare
 * primitive constraint: TypeScript keeps a literal (`() => 42` as `42`) when the constraint
 * names primitives, and widens it (`number`) otherwise, while still letting the type the caller
 * expects (`const u: User = await client.getOrSet(...)`) type the loader's result.
 */
export type LoadedValue<V> = [V] extends [DefaultValue]
  ? [DefaultValue] extends [V]
    ? // biome-ignore lint/complexity/noBannedTypes: `{}` is "any value but null", without naming a primitive
      {} | null | undefined
    : V | undefined
  : V | undefined;

/** Refuses a loader whose value may be a symbol, which `{}` in LoadedValue lets through and no serde stores. */
export type NoSymbol<T> = [Extract<T, symbol>] extends [never] ? unknown : never;

/** The type reads default to: the client's value type, or UntypedValue for an untyped client. */
export type ReadValue<V> = [V] extends [DefaultValue] ? ([DefaultValue] extends [V] ? UntypedValue : V) : V;

/** Options of every write. */
export interface WriteOptions {
  /** Seconds from now; 0 (default) never expires; negative expires at once; above 30 days just works. */
  ttl?: number | undefined;
  /** Bits OR-ed into the flags the serde chose, for applications that keep their own marks. */
  flags?: number | undefined;
  /** Do not wait for the server's answer: resolves `true` once sent; errors go unreported. */
  noreply?: boolean | undefined;
}

/** Options of `delete` and `deleteMany`. */
export interface DeleteOptions {
  noreply?: boolean | undefined;
}

/** A value with the cas token that `cas()` compares against. */
export interface CasValue<V> {
  value: V;
  cas: bigint;
}

/** Entries for `setMany`: a Map, a plain object, or any iterable of pairs. */
export type Entries<V> = Map<Key, V> | Iterable<readonly [Key, V]> | Record<string, V>;

/** The options every client takes on top of its connection options. */
export interface CommandOptions<V> {
  serde?: Serde<V> | undefined;
  keyPrefix?: string | undefined;
  ignoreErrors?: boolean | undefined;
  defaultNoreply?: boolean | undefined;
  /**
   * The largest value, in bytes, sent or accepted (default 64 MiB, at most memcached's 1 GiB
   * item limit). A longer value is refused with MemcacheIllegalInputError before it is sent.
   */
  maxValueBytes?: number | undefined;
  /**
   * Collect `metrics()` from the first command (default: from the first `metrics()` call;
   * until then the client records nothing).
   */
  metrics?: boolean | undefined;
  /**
   * Told of each write that failed (error, timeout, dead node), with its key, also under
   * `ignoreErrors`, so the application can invalidate or replay it (see WriteFailure).
   */
  onWriteFailure?: ((failure: WriteFailure) => void) | undefined;
}

// memcached accepts long `get`/`gets` lines (its line buffer grows), but a huge key list is still cut
// into several lines, pipelined together, so one call cannot monopolise a socket's buffers.
const GET_LINE_BYTES = 16_384;
const GET_LINE_KEYS = 1_000;

/** A storage command checked and encoded, ready to send. */
interface PreparedStore {
  key: Key;
  wireKey: Key;
  request: EncodedRequest<boolean>;
  noreply: boolean;
}

/** Keys bound for one node: as sent, and as the caller named them (same index). */
/** One `get k1 k2 …` line of a multi-key read, encoded and not yet sent. */
interface RetrievalLine {
  node: ServerNode;
  lineKeys: Key[];
  request: EncodedRequest<RetrievedFrames>;
  userKeys: readonly string[];
  start: number;
}

interface NodeBatch {
  node: ServerNode;
  wireKeys: Key[];
  userKeys: string[];
}

/**
 * Every command method, written once over a routing seam (`nodeFor`, `allNodes`), so Client
 * (one server) and HashClient (many) cannot drift apart.
 */
export abstract class BaseClient<V> {
  protected readonly serde: Serde<V>;
  protected readonly keyPrefix: string;
  protected readonly ignoreErrors: boolean;
  protected readonly defaultNoreply: boolean;
  protected readonly maxValueBytes: number;
  protected readonly clientMetrics = new ClientMetrics();
  protected readonly writeFailures: WriteFailureReporter;
  /** The caller's serde as given, for reads: the size check wraps writes only. */
  readonly #readSerde: Serde<V>;
  /** The flags the serde stores a string under as its own UTF-8, if it does (textFlags). */
  readonly #textFlags: number | undefined;

  constructor(options: CommandOptions<V>) {
    checkOptionsObject(options, 'the client');
    const serde = options.serde ?? (defaultSerde as unknown as Serde<V>);
    if (typeof serde?.serialize !== 'function' || typeof serde.deserialize !== 'function') {
      throw new MemcacheIllegalInputError('serde must have serialize and deserialize methods');
    }
    checkBoolean(options.ignoreErrors, 'ignoreErrors');
    checkBoolean(options.defaultNoreply, 'defaultNoreply');
    this.maxValueBytes = resolveMaxValueBytes(options.maxValueBytes);
    this.serde = sizeLimitedSerde(serde, this.maxValueBytes);
    this.#readSerde = serde;
    this.#textFlags = textFlags(serde);
    this.keyPrefix = checkKeyPrefix(options.keyPrefix);
    this.ignoreErrors = options.ignoreErrors ?? false;
    this.defaultNoreply = options.defaultNoreply ?? false;
    checkBoolean(options.metrics, 'metrics');
    if (options.metrics === true) this.clientMetrics.enable([]);
    this.writeFailures = new WriteFailureReporter(options.onWriteFailure, this.clientMetrics);
  }

  /**
   * A snapshot of the client's own counters, per server and per command (see the README's
   * "Metrics"): a plain object, ready for JSON. The first call switches collection on unless
   * the `metrics` option already did, so it then reports from that moment.
   */
  metrics(): MetricsSnapshot {
    return this.clientMetrics.snapshot(this.allNodes());
  }

  /** The live counters, for instrumentMetrics; switches collection on. */
  [metricsSource](): ClientMetrics {
    this.clientMetrics.enable(this.allNodes());
    return this.clientMetrics;
  }

  /** The node that owns `key` (the caller's key, before the prefix). */
  protected abstract nodeFor(key: Key, wireKey: Key): ServerNode;
  /** Every node, for commands that go to all of them. */
  protected abstract allNodes(): ServerNode[];

  /** Settles once the node list is known (a HashClient with discovery waits for its first list). */
  protected nodesKnown(): Promise<void> {
    return Promise.resolve();
  }

  // ---- retrieval -------------------------------------------------------------------------

  /** Reads one value; `undefined` on a miss. */
  get<T extends V = ReadValue<V>>(key: Key): Promise<T | undefined> {
    return this.#readOne('get', key, this.#finishGet) as Promise<T | undefined>;
  }

  /** Reads one value with its cas token, for a later `cas()`. */
  gets<T extends V = ReadValue<V>>(key: Key): Promise<CasValue<T> | undefined> {
    return this.#readOne('gets', key, this.#finishGets) as Promise<CasValue<T> | undefined>;
  }

  // One function per client, handed the caller's key: a read allocates no closure of its own.
  readonly #finishGet = (hit: ValueFrameLike | undefined, key: Key): V | undefined => {
    if (hit === undefined) return undefined;
    const value = this.#decodeFrame(typeof key === 'string' ? key : keyToString(key), hit, 'get');
    return value === MISS ? undefined : value;
  };

  readonly #finishGets = (hit: ValueFrameLike | undefined, key: Key): CasValue<V> | undefined => {
    if (hit === undefined) return undefined;
    const value = this.#decodeFrame(typeof key === 'string' ? key : keyToString(key), hit, 'gets');
    return value === MISS ? undefined : { value, cas: hit.cas ?? 0n };
  };

  /** Reads one value and resets its TTL in the same round trip. */
  async gat<T extends V = ReadValue<V>>(key: Key, ttl: number): Promise<T | undefined> {
    const hit = await this.#retrieveOne('gat', key, toExptime(requiredTtl(ttl, 'gat')));
    const value = hit === undefined ? MISS : this.#decode(key, hit, 'gat');
    return value === MISS ? undefined : (value as T);
  }

  /** `gat` with the cas token. */
  async gats<T extends V = ReadValue<V>>(key: Key, ttl: number): Promise<CasValue<T> | undefined> {
    const hit = await this.#retrieveOne('gats', key, toExptime(requiredTtl(ttl, 'gats')));
    const value = hit === undefined ? MISS : this.#decode(key, hit, 'gats');
    return value === MISS ? undefined : { value: value as T, cas: hit?.cas ?? 0n };
  }

  /** Reads many keys in as few round trips as possible; missing keys are absent from the map. */
  getMany<T extends V = ReadValue<V>>(keys: Iterable<Key>): Promise<Map<string, T>> {
    const result = new Map<string, T>();
    return this.#retrieveMany('get', keys, (userKey, frame) => {
      const value = this.#decodeFrame(userKey, frame, 'get');
      if (value !== MISS) result.set(userKey, value as T);
    }).then(() => result);
  }

  /** `getMany` with cas tokens. */
  getsMany<T extends V = ReadValue<V>>(keys: Iterable<Key>): Promise<Map<string, CasValue<T>>> {
    const result = new Map<string, CasValue<T>>();
    return this.#retrieveMany('gets', keys, (userKey, frame) => {
      const value = this.#decodeFrame(userKey, frame, 'gets');
      if (value !== MISS) result.set(userKey, { value: value as T, cas: frame.cas ?? 0n });
    }).then(() => result);
  }

  // ---- storage ---------------------------------------------------------------------------

  /** Stores a value whatever is there. */
  set(key: Key, value: V, options?: WriteOptions): Promise<boolean> {
    return this.#store('set', key, value, options);
  }

  /** Stores only when the key is absent: the building block of simple locks. */
  add(key: Key, value: V, options?: WriteOptions): Promise<boolean> {
    return this.#store('add', key, value, options);
  }

  /** Stores only when the key exists. */
  replace(key: Key, value: V, options?: WriteOptions): Promise<boolean> {
    return this.#store('replace', key, value, options);
  }

  /** Adds raw data after an existing value; never serialized, so it composes with raw values only. */
  async append(key: Key, data: string | Uint8Array, options?: WriteOptions): Promise<boolean> {
    return this.#concat('append', key, data, options);
  }

  /** Adds raw data before an existing value; never serialized. */
  async prepend(key: Key, data: string | Uint8Array, options?: WriteOptions): Promise<boolean> {
    return this.#concat('prepend', key, data, options);
  }

  /** Stores only if nobody wrote the key since `gets` returned `cas`. */
  async cas(
    key: Key,
    value: V,
    cas: bigint,
    options?: WriteOptions,
  ): Promise<'stored' | 'exists' | 'not_found'> {
    const noreply = this.#noreply(options, 'cas', false);
    const wireKey = prefixKey(this.keyPrefix, key);
    const { value: bytes, flags } = this.#encode(key, value, options);
    const request = commands.cas.request(wireKey, bytes, flags, toExptime(options?.ttl), cas, noreply);
    return this.#write(key, wireKey, request, noreply ? 'stored' : undefined, 'not_found');
  }

  /**
   * Stores many values in one pipelined burst; resolves the keys that were not stored. Every
   * entry is checked and encoded first, so one illegal entry (a bad key, a value over
   * `maxValueBytes`) rejects the call before anything is sent.
   */
  async setMany(entries: Entries<V>, options?: WriteOptions): Promise<string[]> {
    const pairs = toPairs(entries);
    const prepared = pairs.map(([key, value]) => this.#prepareStore('set', key, value, options));
    const outcomes = await settleInWindows(prepared, (write) => this.#sendStore(write));
    const failed: string[] = [];
    let firstError: unknown;
    outcomes.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') {
        if (!outcome.value) failed.push(keyToString(pairs[index]![0]));
      } else {
        firstError ??= outcome.reason;
      }
    });
    if (firstError !== undefined) throw firstError;
    return failed;
  }

  // ---- deletion, arithmetic, touch -------------------------------------------------------

  /** Removes a key; `true` when it existed. */
  async delete(key: Key, options?: DeleteOptions): Promise<boolean> {
    const noreply = this.#noreply(options, 'delete', this.defaultNoreply);
    const wireKey = prefixKey(this.keyPrefix, key);
    return this.#write(
      key,
      wireKey,
      commands.delete.request(wireKey, noreply),
      noreply ? true : undefined,
      false,
    );
  }

  /** Removes many keys in one pipelined burst; resolves how many existed. */
  async deleteMany(keys: Iterable<Key>, options?: DeleteOptions): Promise<number> {
    const noreply = this.#noreply(options, 'deleteMany', this.defaultNoreply);
    checkKeyList(keys, 'deleteMany');
    // Every key is checked and encoded before any is sent: one bad key sends nothing.
    const deletes = [...keys].map((key) => {
      const wireKey = prefixKey(this.keyPrefix, key);
      return { key, wireKey, request: commands.delete.request(wireKey, noreply) };
    });
    const outcomes = await settleInWindows(deletes, ({ key, wireKey, request }) =>
      this.#write(key, wireKey, request, noreply ? true : undefined, false),
    );
    let deleted = 0;
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') throw outcome.reason;
      if (outcome.value) deleted++;
    }
    return deleted;
  }

  /** Adds to a counter; `undefined` when the key is missing. Wraps at 2^64 as the server does. */
  async incr(key: Key, delta: number | bigint = 1): Promise<bigint | undefined> {
    return this.#arithmetic('incr', key, delta);
  }

  /** Subtracts from a counter, stopping at 0; `undefined` when the key is missing. */
  async decr(key: Key, delta: number | bigint = 1): Promise<bigint | undefined> {
    return this.#arithmetic('decr', key, delta);
  }

  /** Resets a key's TTL without reading it. */
  async touch(key: Key, ttl: number, options?: DeleteOptions): Promise<boolean> {
    const noreply = this.#noreply(options, 'touch', this.defaultNoreply);
    const wireKey = prefixKey(this.keyPrefix, key);
    const request = commands.touch.request(wireKey, toExptime(requiredTtl(ttl, 'touch')), noreply);
    return this.#write(key, wireKey, request, noreply ? true : undefined, false);
  }

  // ---- meta protocol ----
  // The logic lives in meta-commands.ts and get-or-set.ts (docs/meta.md); these methods only
  // hand it the client's settings and routing seam.

  #metaLayer: MetaCommands<V> | undefined;

  get #meta(): MetaCommands<V> {
    this.#metaLayer ??= new MetaCommands<V>({
      serde: this.serde,
      keyPrefix: this.keyPrefix,
      ignoreErrors: this.ignoreErrors,
      nodeFor: (key, wireKey) => this.nodeFor(key, wireKey),
      allNodes: () => this.allNodes(),
      nodesKnown: () => this.nodesKnown(),
      failed: (key, server, build, error) => {
        if (!this.writeFailures.active || error instanceof MemcacheIllegalInputError) return;
        this.writeFailures.report(key, build(undefined).command ?? '', server, error);
      },
    });
    return this.#metaLayer;
  }

  /** `mg`: reads what `options` ask for; `undefined` on a miss (unless `vivify` creates the item). */
  metaGet<const O extends MetaGetOptions = Record<never, never>>(
    key: Key,
    options?: O,
  ): Promise<MetaGetResult<ReadValue<V>, O> | undefined> {
    return this.#meta.get(key, options);
  }

  /** Many `mg` in one quiet pipeline per node (misses cost no reply); missing keys are absent. */
  async metaGetMany<const O extends MetaGetOptions = Record<never, never>>(
    keys: Iterable<Key>,
    options?: O,
  ): Promise<Map<string, MetaGetResult<ReadValue<V>, O>>> {
    checkKeyList(keys, 'metaGetMany');
    const unique = new Map<string, Key>();
    for (const key of keys) unique.set(keyToString(key), key);
    // Every key is checked and encoded before any is sent: one bad key sends nothing.
    const reads = [...unique.values()].map((key) => this.#meta.prepareGet(key, options));
    const results = await Promise.all(reads.map((read) => read()));
    const found = new Map<string, MetaGetResult<V, O>>();
    [...unique.keys()].forEach((name, index) => {
      const result = results[index];
      if (result !== undefined) found.set(name, result);
    });
    return found;
  }

  /** `ms`: stores through the serde; `status` says whether and why not. */
  metaSet(key: Key, value: V, options?: MetaSetOptions): Promise<MetaSetResult> {
    return this.#meta.set(key, value, options);
  }

  /** Many `ms` in one quiet pipeline per node (successes cost no reply); resolves the keys not stored. */
  async metaSetMany(entries: Entries<V>, options?: MetaSetOptions): Promise<string[]> {
    const pairs = toPairs(entries);
    // Every entry is checked and encoded before any is sent: one bad entry sends nothing.
    const writes = pairs.map(([key, value]) => this.#meta.prepareSet(key, value, options));
    const outcomes = await Promise.allSettled(writes.map((write) => write()));
    const failed: string[] = [];
    outcomes.forEach((outcome, index) => {
      if (outcome.status === 'rejected') throw outcome.reason;
      if (outcome.value.status !== 'stored') failed.push(keyToString(pairs[index]![0]));
    });
    return failed;
  }

  /** `md`: deletes, or with `invalidate` marks the item stale so one reader refreshes it. */
  metaDelete(key: Key, options?: MetaDeleteOptions): Promise<MetaDeleteResult> {
    return this.#meta.delete(key, options);
  }

  /** `ma`: incr/decr that can create the counter and return the new value in one round trip. */
  metaArithmetic(key: Key, options?: MetaArithmeticOptions): Promise<MetaArithmeticResult> {
    return this.#meta.arithmetic(key, options);
  }

  /** `mn` on every connection's server: a cheap round trip. */
  metaNoop(): Promise<void> {
    return this.#meta.noop();
  }

  /**
   * Read-through caching where exactly one caller runs `loader` on a miss or near expiry,
   * while the others wait briefly or get the current (or stale) value. See docs/meta.md.
   * The value type is the loader's. The cache never fails the call: when the server is down,
   * refuses the value or holds one that cannot be decoded, the loader's value is returned and
   * the failure is published on `mc:command:error` (command `getOrSet`). A loader that
   * returns `undefined` gets `undefined` back, and nothing is cached.
   */
  getOrSet<T extends LoadedValue<V> = ReadValue<V>>(
    key: Key,
    loader: (() => T | Promise<T>) & NoSymbol<T>,
    options: GetOrSetOptions,
  ): Promise<T> {
    const loadValue = loader as () => V | undefined | Promise<V | undefined>;
    return getOrSet(this.#meta.strict, key, loadValue, options, (error) => {
      let server = '(unknown)';
      try {
        server = this.nodeFor(key, prefixKey(this.keyPrefix, key)).name;
      } catch {
        // a key that cannot be prefixed never reaches a report: getOrSet rejects it first
      }
      publishAbsorbedError('getOrSet', server, error);
    }) as Promise<T>;
  }

  // ---- internals -------------------------------------------------------------------------

  /**
   * Sends one request for one key, applying `ignoreErrors` (`fallback`). A noreply write
   * passes `sent`, what it answers once written; it is applied before `ignoreErrors`, so a
   * write that never left (a server out of reach) is the fallback, never a success.
   */
  protected sendFor<T, F>(
    key: Key,
    wireKey: Key,
    request: EncodedRequest<T>,
    fallback: F,
    sent?: T,
  ): Promise<T | F> {
    const node = this.nodeFor(key, wireKey);
    let answer = node.send(request, 1, wireKey);
    if (sent !== undefined) answer = answer.then(() => sent);
    if (this.writeFailures.active) answer = this.writeFailures.watch(answer, key, request.command, node.name);
    if (!this.ignoreErrors) return answer;
    return answer.catch((error: unknown) => {
      if (isIgnorableError(error)) return fallback;
      throw error;
    });
  }

  #write<T>(
    key: Key,
    wireKey: Key,
    request: EncodedRequest<T>,
    noreplyResult: T | undefined,
    fallback: T,
  ): Promise<T> {
    return this.sendFor(key, wireKey, request, fallback, noreplyResult);
  }

  // Not async: one promise per write instead of a chain of them on the hottest path; input
  // errors still reject rather than throw, as every method's do.
  #store(
    command: 'set' | 'add' | 'replace',
    key: Key,
    value: V,
    options: WriteOptions | undefined,
  ): Promise<boolean> {
    let noreply: boolean;
    let wireKey: Key;
    let request: EncodedRequest<boolean>;
    try {
      noreply = this.#noreply(options, command, this.defaultNoreply);
      wireKey = prefixKey(this.keyPrefix, key);
      request = this.#storageRequest(command, key, wireKey, value, options, noreply);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#write(key, wireKey, request, noreply ? true : undefined, false);
  }

  /** Checks and encodes a storage command; throws illegal input, sends nothing. */
  #prepareStore(
    command: 'set' | 'add' | 'replace',
    key: Key,
    value: V,
    options: WriteOptions | undefined,
  ): PreparedStore {
    const noreply = this.#noreply(options, command, this.defaultNoreply);
    const wireKey = prefixKey(this.keyPrefix, key);
    const request = this.#storageRequest(command, key, wireKey, value, options, noreply);
    return { key, wireKey, request, noreply };
  }

  /**
   * The storage request for `value`. When the serde stores a string as its own UTF-8, the
   * string itself is sent: the write batch encodes it once, with its header, instead of the
   * serde encoding it into bytes that are then copied again.
   */
  #storageRequest(
    command: 'set' | 'add' | 'replace',
    key: Key,
    wireKey: Key,
    value: V,
    options: WriteOptions | undefined,
    noreply: boolean,
  ): EncodedRequest<boolean> {
    const exptime = toExptime(options?.ttl);
    const textFlags = this.#textFlags;
    if (textFlags !== undefined && typeof value === 'string') {
      // At most 3 bytes of UTF-8 per UTF-16 unit: only a long string needs measuring here.
      if (value.length * 3 > this.maxValueBytes) {
        checkValueSize(keyToString(key), Buffer.byteLength(value, 'utf8'), this.maxValueBytes);
      }
      return commands[command].request(wireKey, value, withFlags(textFlags, options), exptime, noreply);
    }
    const { value: bytes, flags } = this.#encode(key, value, options);
    return commands[command].request(wireKey, bytes, flags, exptime, noreply);
  }

  #sendStore({ key, wireKey, request, noreply }: PreparedStore): Promise<boolean> {
    return this.#write(key, wireKey, request, noreply ? true : undefined, false);
  }

  /** The options' `noreply` (checked: a boolean or absent), else `fallback`. */
  #noreply(options: WriteOptions | DeleteOptions | undefined, method: string, fallback: boolean): boolean {
    if (options === undefined) return fallback;
    checkOptionsObject(options, method);
    const noreply = options.noreply;
    if (noreply === undefined) return fallback;
    if (typeof noreply !== 'boolean') {
      throw new MemcacheIllegalInputError(
        `noreply must be a boolean, got ${typeof noreply} ${String(noreply)} (in ${method})`,
      );
    }
    return noreply;
  }

  async #concat(
    command: 'append' | 'prepend',
    key: Key,
    data: string | Uint8Array,
    options: WriteOptions | undefined,
  ) {
    const noreply = this.#noreply(options, command, this.defaultNoreply);
    const wireKey = prefixKey(this.keyPrefix, key);
    let bytes: Uint8Array;
    if (typeof data === 'string') bytes = Buffer.from(data, 'utf8');
    else if (data instanceof Uint8Array) bytes = data;
    else throw new MemcacheIllegalInputError(`${command} takes a string or bytes, got ${typeof data}`);
    checkValueSize(keyToString(key), bytes.byteLength, this.maxValueBytes);
    const request = commands[command].request(
      wireKey,
      bytes,
      options?.flags ?? 0,
      toExptime(options?.ttl),
      noreply,
    );
    return this.#write(key, wireKey, request, noreply ? true : undefined, false);
  }

  async #arithmetic(command: 'incr' | 'decr', key: Key, delta: number | bigint): Promise<bigint | undefined> {
    const wireKey = prefixKey(this.keyPrefix, key);
    const request = commands[command].request(wireKey, toDelta(delta), false);
    return this.sendFor(key, wireKey, request, undefined);
  }

  // Not async: the most frequent call of all pays for one `.then`, not a chain of awaits
  // (a sequential read's time between a reply and the next request is mostly such hops).
  #readOne<R>(
    command: 'get' | 'gets',
    key: Key,
    finish: (hit: ValueFrameLike | undefined, key: Key) => R,
  ): Promise<R> {
    let pending: Promise<R>;
    try {
      const wireKey = prefixKey(this.keyPrefix, key);
      // The connection checks the key where it queues it; a node that may refuse as dead
      // (HashClient) would refuse first, and a refusal reads as a miss, so a bad key is
      // checked here, before routing, to reject as illegal input on every node.
      if (this.mayRefuseAsDead) validateKey(wireKey);
      const node = this.nodeFor(key, wireKey);
      // Single-key reads may share a multi-key line with their neighbours (ServerNode.retrieve),
      // which settles the read with finish's result itself.
      pending = node.retrieve
        ? node.retrieve(command, wireKey, finish, key)
        : node
            .send(retrieveFrames(command, [wireKey]), 1, wireKey)
            .then(({ frames }) => finish(frames[0], key));
    } catch (error) {
      return Promise.reject(error);
    }
    if (!this.ignoreErrors && !this.mayRefuseAsDead) return pending;
    return pending.then(undefined, (error: unknown) => {
      if (this.#readMisses(error)) return undefined as R;
      throw error;
    });
  }

  async #retrieveOne(command: 'gat' | 'gats', key: Key, exptime: number) {
    const wireKey = prefixKey(this.keyPrefix, key);
    try {
      const hits = await this.sendFor(key, wireKey, commands[command].request(exptime, [wireKey]), undefined);
      return hits?.[0];
    } catch (error) {
      if (isDeadNodeRefusal(error)) return undefined;
      throw error;
    }
  }

  /**
   * True when a node may refuse requests as dead (HashClient): its reads then need the miss
   * rule below even without ignoreErrors.
   */
  protected get mayRefuseAsDead(): boolean {
    return false;
  }

  /** A failed read that answers as a miss: a dead node's refusal, or what ignoreErrors absorbs. */
  #readMisses(error: unknown): boolean {
    return isDeadNodeRefusal(error) || (this.ignoreErrors && isIgnorableError(error));
  }

  // Not async, and one line to one node (the common case) awaits that line's promise alone:
  // a sequential getMany's time between the reply and the caller is mostly promise hops.
  // Every line is encoded (its keys checked) before any is sent, so an illegal key anywhere
  // in a long list sends nothing; input errors reject rather than throw.
  #retrieveMany(
    command: 'get' | 'gets',
    keys: Iterable<Key>,
    onHit: (userKey: string, frame: ValueFrameLike) => void,
  ): Promise<void> {
    const lines: RetrievalLine[] = [];
    try {
      for (const batch of this.#groupByNode(keys)) {
        const { wireKeys, userKeys } = batch;
        const ranges = lineRanges(wireKeys, GET_LINE_BYTES, GET_LINE_KEYS);
        for (let range = 0; range < ranges.length; range += 2) {
          const start = ranges[range]!;
          const end = ranges[range + 1]!;
          const lineKeys = start === 0 && end === wireKeys.length ? wireKeys : wireKeys.slice(start, end);
          lines.push({
            node: batch.node,
            lineKeys,
            request: retrieveFrames(command, lineKeys),
            userKeys,
            start,
          });
        }
      }
    } catch (error) {
      return Promise.reject(error);
    }
    const work: Promise<void>[] = new Array(lines.length);
    for (let line = 0; line < lines.length; line++) {
      const { node, lineKeys, request, userKeys, start } = lines[line]!;
      work[line] = node.send(request, lineKeys.length, lineKeys[0]).then(
        ({ frames, indexes }) => {
          // The reader already paired each hit with the key it answers (indexes).
          for (let index = 0; index < frames.length; index++) {
            onHit(userKeys[start + indexes[index]!]!, frames[index]!);
          }
        },
        (error: unknown) => {
          if (!this.#readMisses(error)) throw error;
        },
      );
    }
    if (work.length === 1) return work[0]!;
    if (work.length === 0) return Promise.resolve();
    return Promise.allSettled(work).then((outcomes) => {
      for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
    });
  }

  /** Groups keys by node, and by socket within a node of several, so each line stays on one socket. */
  #groupByNode(keys: Iterable<Key>): NodeBatch[] {
    checkKeyList(keys, 'getMany');
    const nodes = this.allNodes();
    const only = nodes.length === 1 && nodes[0]!.socketOf === undefined ? nodes[0]! : undefined;
    if (only !== undefined) {
      // One server, one socket: no routing, one batch. Without a prefix, string keys are
      // their own wire form and their own name: one list serves as both.
      const wireKeys: Key[] = [];
      let userKeys: string[] | undefined;
      const prefix = this.keyPrefix;
      for (const key of keys) {
        if (prefix === '' && userKeys === undefined && typeof key === 'string' && key.length > 0) {
          wireKeys.push(key);
          continue;
        }
        if (userKeys === undefined) userKeys = wireKeys.slice() as string[];
        wireKeys.push(prefixKey(prefix, key));
        userKeys.push(keyToString(key));
      }
      if (wireKeys.length === 0) return [];
      return [{ node: only, wireKeys, userKeys: userKeys ?? (wireKeys as string[]) }];
    }
    const byNode = new Map<ServerNode, NodeBatch[]>();
    for (const key of keys) {
      const wireKey = prefixKey(this.keyPrefix, key);
      const node = this.nodeFor(key, wireKey);
      let batches = byNode.get(node);
      if (batches === undefined) {
        batches = [];
        byNode.set(node, batches);
      }
      const socket = node.socketOf?.(wireKey) ?? 0;
      let batch = batches[socket];
      if (batch === undefined) {
        batch = { node, wireKeys: [], userKeys: [] };
        batches[socket] = batch;
      }
      batch.wireKeys.push(wireKey);
      batch.userKeys.push(keyToString(key));
    }
    const batches: NodeBatch[] = [];
    for (const perSocket of byNode.values())
      for (const batch of perSocket) if (batch !== undefined) batches.push(batch);
    return batches;
  }

  #encode(key: Key, value: V, options: WriteOptions | undefined): { value: Uint8Array; flags: number } {
    const encoded = this.serde.serialize(keyToString(key), value);
    if (options?.flags === undefined) return encoded;
    return { value: encoded.value, flags: withFlags(encoded.flags, options) };
  }

  /**
   * Decodes a hit. A value the serde refuses rejects with a MemcacheDeserializeError naming
   * the key; with ignoreErrors it is a miss instead (MISS), published on `mc:command:error`.
   */
  #decode(key: Key, hit: RetrievedValue, command: string): V | typeof MISS {
    const name = typeof key === 'string' ? key : keyToString(key);
    try {
      return decodeValue(this.#readSerde, name, hit.value, hit.flags);
    } catch (error) {
      return this.#undecodable(key, command, error);
    }
  }

  /** #decode for a multi-key read's hit, still in its frame (`key` is the caller's, as a string). */
  #decodeFrame(key: string, frame: ValueFrameLike, command: string): V | typeof MISS {
    try {
      return decodeFrame(this.#readSerde, key, frame);
    } catch (error) {
      return this.#undecodable(key, command, error);
    }
  }

  /** A value that did not decode: the error, or with ignoreErrors a miss (published on `mc:command:error`). */
  #undecodable(key: Key, command: string, error: unknown): typeof MISS {
    if (!this.ignoreErrors) throw error;
    publishAbsorbedError(command, this.nodeFor(key, prefixKey(this.keyPrefix, key)).name, error);
    return MISS;
  }
}

/** The serde's flags with the write's own `flags` OR-ed in (checked: an unsigned 32-bit integer). */
function withFlags(flags: number, options: WriteOptions | undefined): number {
  const extra = options?.flags;
  if (extra === undefined) return flags;
  if (!Number.isInteger(extra) || extra < 0 || extra > 0xffff_ffff) {
    throw new MemcacheIllegalInputError(`flags must be an unsigned 32-bit integer, got ${String(extra)}`);
  }
  return (flags | extra) >>> 0;
}

/** What #decode and #decodeFrame return for a value that could not be decoded, under ignoreErrors. */
const MISS: unique symbol = Symbol('miss');

/** A key list: any iterable of keys, but not one key (a string or bytes would iterate as characters). */
function checkKeyList(keys: unknown, method: string): void {
  if (
    typeof keys === 'string' ||
    keys instanceof Uint8Array ||
    keys === null ||
    typeof keys !== 'object' ||
    typeof (keys as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function'
  ) {
    throw new MemcacheIllegalInputError(
      `${method} takes an iterable of keys (an array, a Set...), got ${typeof keys}`,
    );
  }
}

function toDelta(delta: number | bigint): bigint {
  if (typeof delta === 'bigint') return delta;
  if (typeof delta === 'number' && Number.isSafeInteger(delta) && delta >= 0) return BigInt(delta);
  throw new MemcacheIllegalInputError(`delta must be a non-negative integer, got ${String(delta)}`);
}

function toPairs<V>(entries: Entries<V>): Array<readonly [Key, V]> {
  if (entries instanceof Map) return [...entries];
  if (entries !== null && typeof entries === 'object' && Symbol.iterator in entries) {
    const pairs = [...(entries as Iterable<readonly [Key, V]>)];
    // A string is iterable too: ['ab'] must not become key 'a' holding 'b'.
    for (const pair of pairs) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new MemcacheIllegalInputError(
          `setMany takes [key, value] pairs, got ${typeof pair === 'string' ? JSON.stringify(pair) : Array.isArray(pair) ? `an array of ${pair.length}` : typeof pair}`,
        );
      }
    }
    return pairs;
  }
  if (entries !== null && typeof entries === 'object') return Object.entries(entries as Record<string, V>);
  throw new MemcacheIllegalInputError('setMany takes a Map, an object or an iterable of [key, value] pairs');
}

/**
 * Cuts a key list into [start, end) ranges that stay under memcached's line limits, as a
 * flat list (start, end, start, end...): one small array per call, not a generator.
 */
function lineRanges(keys: Key[], maxBytes: number, maxKeys: number): number[] {
  const ranges: number[] = [];
  let start = 0;
  let bytes = 0;
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!;
    const size = (typeof key === 'string' ? key.length : key.byteLength) + 1;
    if (index > start && (bytes + size > maxBytes || index - start >= maxKeys)) {
      ranges.push(start, index);
      start = index;
      bytes = 0;
    }
    bytes += size;
  }
  if (keys.length > start) ranges.push(start, keys.length);
  return ranges;
}

/** Requests one many-key write puts in flight at once (see settleInWindows). */
const WRITE_WINDOW = 10_000;

/**
 * Sends one request per item, at most WRITE_WINDOW at a time, and settles them all in order:
 * a setMany or deleteMany of 100,000 keys and more stays far under the transport's `maxPending`
 * bound (which would refuse the rest) and still pipelines each window in one burst.
 */
async function settleInWindows<T, R>(
  items: readonly T[],
  send: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  if (items.length <= WRITE_WINDOW) return Promise.allSettled(items.map(send));
  const outcomes: PromiseSettledResult<R>[] = [];
  for (let start = 0; start < items.length; start += WRITE_WINDOW) {
    const window = await Promise.allSettled(items.slice(start, start + WRITE_WINDOW).map(send));
    for (const outcome of window) outcomes.push(outcome);
  }
  return outcomes;
}
