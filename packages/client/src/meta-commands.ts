import {
  commands,
  nextQuietOpaque,
  type EncodedRequest,
  type Key,
  MemcacheDeserializeError,
  MemcacheIllegalInputError,
  type MetaArithmeticFlags,
  type MetaDeleteFlags,
  type MetaGetFlags,
  type MetaOptionsOf,
  type MetaReply,
  type MetaSetFlags,
  type MetaTable,
  metaArithmeticTable,
  metaDeleteTable,
  metaGetTable,
  metaSetTable,
  metaStatus,
  readMetaFields,
  uint64Reply,
  validateFlags,
} from '@mc/protocol';
import type { Serde } from '@mc/serde';
import { decodeValue } from './decode-value.js';
import { toExptime } from './expiration.js';
import { isDeadNodeRefusal } from './dead-node-refusal.js';
import { isIgnorableError } from './ignorable-error.js';
import { keyToString, prefixKey } from './keys.js';
import { MetaBatcher, type MetaRequestBuilder } from './meta-batcher.js';
import { publishAbsorbedError } from './tracing.js';
import {
  META_ARITHMETIC_OPTIONS,
  META_DELETE_OPTIONS,
  META_GET_OPTIONS,
  META_SET_OPTIONS,
  type MetaArithmeticOptions,
  type MetaArithmeticResult,
  type MetaDeleteOptions,
  type MetaDeleteResult,
  type MetaGetOptions,
  type MetaGetResult,
  type MetaKeyOptions,
  type MetaSetOptions,
  type MetaSetResult,
} from './meta-options.js';
import { EXPLICIT_CAS_VERSION, MetaVersionGate } from './meta-version-gate.js';
import type { ServerNode } from './server-node.js';

/** What the meta layer needs from a client: its settings and its routing seam. */
export interface MetaHost<V> {
  readonly serde: Serde<V>;
  readonly keyPrefix: string;
  readonly ignoreErrors: boolean;
  nodeFor(key: Key, wireKey: Key): ServerNode;
  allNodes(): ServerNode[];
  /** Settles once the node list is known (discovery's first list); absent: known from the start. */
  nodesKnown?(): Promise<void>;
  /** Told of every failed request, before ignoreErrors absorbs it (write-failure reports). */
  failed?(key: Key, server: string, build: MetaRequestBuilder, error: unknown): void;
}

/** A raw `mg` reply with the means to decode its value, for getOrSet. */
export interface RawMetaGet<V> {
  reply: MetaReply;
  /** The key as sent (prefix included), which the reply's `k` echo is checked against. */
  wireKey: Key;
  decode(): V;
}

/**
 * The meta protocol for Client and HashClient: turns the readable options of the client README into
 * meta flags, sends through the per-node batcher (so concurrent requests share one quiet
 * pipeline), and turns replies into results. Errors follow the client's `ignoreErrors`
 * rule: reads miss (`undefined`), writes report that nothing happened (`not_stored`,
 * `not_found`); illegal input always rejects, before anything is sent.
 */
export class MetaCommands<V> {
  readonly #host: MetaHost<V>;
  readonly #batcher: MetaBatcher;
  readonly #gate: MetaVersionGate;
  /** Whether errors become misses and refused writes (the host's `ignoreErrors`, off when strict). */
  readonly #absorbs: boolean;
  #strict: MetaCommands<V> | undefined = undefined;

  constructor(host: MetaHost<V>, strictOf?: { batcher: MetaBatcher; gate: MetaVersionGate }) {
    this.#host = host;
    this.#batcher = strictOf?.batcher ?? new MetaBatcher();
    this.#gate = strictOf?.gate ?? new MetaVersionGate();
    this.#absorbs = strictOf === undefined && host.ignoreErrors;
  }

  /**
   * The same commands on the same host and batcher with every error thrown, whatever
   * `ignoreErrors` says: getOrSet must see a failed read or store to release its win and
   * report the failure itself, instead of taking it for a miss or a refused write.
   */
  get strict(): MetaCommands<V> {
    if (!this.#absorbs) return this;
    this.#strict ??= new MetaCommands<V>(this.#host, { batcher: this.#batcher, gate: this.#gate });
    return this.#strict;
  }

  get<const O extends MetaGetOptions>(key: Key, options?: O): Promise<MetaGetResult<V, O> | undefined> {
    return run(() => this.prepareGet(key, options));
  }

  /**
   * Checks and encodes an `mg` without sending it (bad input throws here): metaGetMany
   * prepares every key before any goes out. The answer sends it.
   */
  prepareGet<const O extends MetaGetOptions>(
    key: Key,
    options?: O,
  ): () => Promise<MetaGetResult<V, O> | undefined> {
    const given: MetaGetOptions = checkOptions(options);
    const read = this.prepareRaw(key, given);
    return async () => {
      const raw = await read();
      if (raw === undefined) return undefined;
      const { reply } = raw;
      const result: Partial<Record<string, unknown>> = {
        won: reply.flags.has('W'),
        stale: reply.flags.has('X'),
        alreadyWon: reply.flags.has('Z'),
        ...readMetaFields(metaGetTable, reply, given, raw.wireKey),
      };
      if (given.value) {
        try {
          result.value = raw.decode();
        } catch (error) {
          // ignoreErrors makes an undecodable value a miss, as it does for get, and the error
          // is still published on mc:command:error.
          if (this.#absorbs && error instanceof MemcacheDeserializeError) {
            publishAbsorbedError('mg', this.#host.nodeFor(key, raw.wireKey).name, error);
            return undefined;
          }
          throw error;
        }
      }
      if (given.key) result.key = key;
      return result as MetaGetResult<V, O>;
    };
  }

  /**
   * `mg` with the value's flags always asked along with the value, so the serde can decode
   * it; `undefined` on a miss (or an ignored error).
   */
  getRaw(key: Key, options: MetaGetOptions): Promise<RawMetaGet<V> | undefined> {
    return run(() => this.prepareRaw(key, options));
  }

  prepareRaw(key: Key, options: MetaGetOptions): () => Promise<RawMetaGet<V> | undefined> {
    const wireKey = prefixKey(this.#host.keyPrefix, key);
    const flags: MetaGetFlags = toProtocolOptions(metaGetTable, options, META_GET_OPTIONS);
    if (options.value) flags.flags = true;
    // A repeated vivify or recache could hand the win to nobody, so those are never quiet.
    const replayable =
      flags.vivify === undefined &&
      flags.recache === undefined &&
      flags.explicitCas === undefined &&
      options.opaque === undefined;
    const build: MetaRequestBuilder = (quiet) =>
      commands.metaGet.request(wireKey, { ...flags, ...replyFlags(quiet, flags.opaque) });
    const request = build(undefined);
    const gated = options.explicitCas !== undefined ? 'explicitCas (flag E)' : undefined;
    return async () => {
      const reply = await this.#send(key, wireKey, build, replayable, gated, true, request);
      if (reply === undefined || reply.code === 'EN') return undefined;
      return { reply, wireKey, decode: () => this.#decode(key, reply) };
    };
  }

  set(key: Key, value: V, options?: MetaSetOptions): Promise<MetaSetResult> {
    return run(() => this.prepareSet(key, value, options));
  }

  /**
   * Checks and encodes an `ms` without sending it (bad input throws here): metaSetMany
   * prepares every entry before any goes out. The answer sends it.
   */
  prepareSet(key: Key, value: V, options?: MetaSetOptions): () => Promise<MetaSetResult> {
    const given: MetaSetOptions = checkOptions(options);
    const wireKey = prefixKey(this.#host.keyPrefix, key);
    const encoded = this.#host.serde.serialize(keyToString(key), value);
    const flags: MetaSetFlags = toProtocolOptions(metaSetTable, given, META_SET_OPTIONS);
    flags.flags = mergeFlags(encoded.flags, given.flags);
    // A plain set stores the same bytes twice without harm; add, append or cas would not.
    // One that asks for its new cas needs the `HD c<cas>` line a quiet set leaves out.
    const replayable =
      (given.mode === undefined || given.mode === 'set') &&
      given.returnCas !== true &&
      given.cas === undefined &&
      given.explicitCas === undefined &&
      given.opaque === undefined;
    const build: MetaRequestBuilder = (quiet) =>
      commands.metaSet.request(wireKey, encoded.value, { ...flags, ...replyFlags(quiet, flags.opaque) });
    const request = build(undefined);
    const gated = given.explicitCas !== undefined ? 'explicitCas (flag E)' : undefined;
    return async () => {
      const reply = await this.#send(key, wireKey, build, replayable, gated, false, request);
      if (reply === undefined) return { status: 'not_stored' };
      const result: MetaSetResult = {
        status: metaStatus(metaSetTable, reply, 'ms'),
        ...pickFields(readMetaFields(metaSetTable, reply, given, wireKey), 'cas', 'opaque'),
      };
      return result;
    };
  }

  async delete(key: Key, options?: MetaDeleteOptions): Promise<MetaDeleteResult> {
    const given: MetaDeleteOptions = checkOptions(options);
    const wireKey = prefixKey(this.#host.keyPrefix, key);
    const flags: MetaDeleteFlags = toProtocolOptions(metaDeleteTable, given, META_DELETE_OPTIONS);
    const reply = await this.#send(
      key,
      wireKey,
      () => commands.metaDelete.request(wireKey, { ...flags, ...replyFlags(undefined, flags.opaque) }),
      false,
      given.removeValue ? 'removeValue (md flag x)' : undefined,
    );
    if (reply === undefined) return { status: 'not_found' };
    const result: MetaDeleteResult = {
      status: metaStatus(metaDeleteTable, reply, 'md'),
      ...pickFields(readMetaFields(metaDeleteTable, reply, given, wireKey), 'opaque'),
    };
    return result;
  }

  async arithmetic(key: Key, options?: MetaArithmeticOptions): Promise<MetaArithmeticResult> {
    const given: MetaArithmeticOptions = checkOptions(options);
    const wireKey = prefixKey(this.#host.keyPrefix, key);
    const flags: MetaArithmeticFlags = toProtocolOptions(metaArithmeticTable, given, META_ARITHMETIC_OPTIONS);
    flags.value = true;
    const reply = await this.#send(
      key,
      wireKey,
      () => commands.metaArithmetic.request(wireKey, { ...flags, ...replyFlags(undefined, flags.opaque) }),
      false,
    );
    if (reply === undefined) return { status: 'not_found' };
    const result: MetaArithmeticResult = {
      status: metaStatus(metaArithmeticTable, reply, 'ma'),
      ...pickFields(readMetaFields(metaArithmeticTable, reply, given, wireKey), 'cas', 'opaque'),
    };
    if (reply.value !== undefined) result.value = uint64Reply(reply.value, 'an ma value');
    return result;
  }

  /** Sends the meta requests queued in this tick now (see MetaBatcher.flush). */
  flush(): void {
    this.#batcher.flush();
  }

  /** `mn` to every node: a round trip that proves each socket is alive and in sync. */
  async noop(): Promise<void> {
    await this.#host.nodesKnown?.();
    await Promise.all(this.#host.allNodes().map((node) => node.send(commands.metaNoop.request())));
  }

  async #send(
    key: Key,
    wireKey: Key,
    build: MetaRequestBuilder,
    replayable: boolean,
    gatedFeature?: string,
    read = false,
    built?: EncodedRequest<MetaReply>,
  ): Promise<MetaReply | undefined> {
    const node = this.#host.nodeFor(key, wireKey);
    try {
      if (gatedFeature !== undefined) {
        built ??= build(undefined); // bad input rejects before the version lookup goes out
        await this.#gate.require(node, EXPLICIT_CAS_VERSION, gatedFeature);
      }
      // Routed by the key as the text commands route it, never by its base64 form, so
      // every request for one key rides one socket and keeps its call order.
      return await this.#batcher.send(node, build, replayable, wireKey, built);
    } catch (error) {
      // A dead node's keys are misses for reads (HashClient), with or without ignoreErrors.
      if (read && isDeadNodeRefusal(error)) return undefined;
      this.#host.failed?.(key, node.name, build, error);
      if (this.#absorbs && isIgnorableError(error)) return undefined;
      throw error;
    }
  }

  #decode(key: Key, reply: MetaReply): V {
    const flags = readMetaFields(metaGetTable, reply, { flags: true }, key).flags ?? 0;
    return decodeValue(this.#host.serde, keyToString(key), reply.value ?? new Uint8Array(0), flags);
  }
}

/** Runs a prepared command; a throw while preparing (bad input) becomes its rejection. */
function run<T>(prepare: () => () => Promise<T>): Promise<T> {
  let send: () => Promise<T>;
  try {
    send = prepare();
  } catch (error) {
    return Promise.reject(error);
  }
  return send();
}

function checkOptions<O extends MetaKeyOptions>(options: O | undefined): O {
  if (options === undefined) return {} as O;
  if (options === null || typeof options !== 'object') {
    throw new MemcacheIllegalInputError(`meta options must be an object, not ${String(options)}`);
  }
  return options;
}

/**
 * The flags that tie a meta request to its reply: a quiet form's opaque, or for a loud
 * request the caller's opaque or a generated one. The reader takes only a reply that echoes
 * it, so a reply sent twice or a stray one resets the connection instead of shifting every
 * later reply onto the wrong caller (a loud request has no other mark of its own).
 */
function replyFlags(
  quiet: { opaque: string } | undefined,
  given: string | undefined,
): { quiet?: true; opaque: string } {
  if (quiet !== undefined) return { quiet: true, opaque: quiet.opaque };
  return { opaque: given ?? nextQuietOpaque() };
}

/** A TTL threshold (`recache`): whole seconds, not negative. */
function toThreshold(seconds: number, name: string): number {
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
    throw new MemcacheIllegalInputError(
      `${name} must be a whole, non-negative number of seconds, got ${String(seconds)}`,
    );
  }
  return toExptime(seconds);
}

function mergeFlags(serdeFlags: number, extra: number | undefined): number {
  if (extra === undefined) return serdeFlags;
  validateFlags(extra);
  return (serdeFlags | extra) >>> 0;
}

/**
 * The protocol options for one meta method: the client options `names` lists, passed on
 * under the same name, with every time the table calls a `ttl` turned from the client's
 * seconds into an exptime (`recache` is a threshold, never absolute), plus `base64` and
 * `opaque`.
 */
function toProtocolOptions<Table extends MetaTable>(
  table: Table,
  options: MetaKeyOptions,
  names: readonly (keyof Table['options'] & string)[],
): MetaOptionsOf<Table> {
  const given = options as Record<string, unknown>;
  const flags: Record<string, unknown> = { base64: options.base64, opaque: options.opaque };
  for (const name of names) {
    const value = given[name];
    if (value === undefined) continue;
    if (table.options[name]!.kind !== 'ttl') flags[name] = value;
    else flags[name] = name === 'recache' ? toThreshold(value as number, name) : toExptime(value as number);
  }
  return flags as MetaOptionsOf<Table>;
}

/** The fields a result type carries, out of all a table can return. */
function pickFields<Fields extends object, Name extends keyof Fields>(
  fields: Fields,
  ...names: Name[]
): Pick<Fields, Name> {
  const picked: Partial<Fields> = {};
  for (const name of names) if (fields[name] !== undefined) picked[name] = fields[name];
  return picked as Pick<Fields, Name>;
}
