import {
  commands,
  type Key,
  MemcacheDeserializeError,
  MemcacheIllegalInputError,
  MemcacheProtocolError,
  type MetaGetFlags,
  type MetaReply,
  uint64Reply,
} from '@mc/protocol';
import type { Serde } from '@mc/serde';
import { decodeValue } from './decode-value.js';
import { toExptime } from './expiration.js';
import { isIgnorableError } from './ignorable-error.js';
import { keyToString, prefixKey } from './keys.js';
import { MetaBatcher, type MetaRequestBuilder } from './meta-batcher.js';
import type {
  MetaArithmeticOptions,
  MetaArithmeticResult,
  MetaDeleteOptions,
  MetaDeleteResult,
  MetaGetOptions,
  MetaGetResult,
  MetaKeyOptions,
  MetaSetOptions,
  MetaSetResult,
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
}

/** A raw `mg` reply with the means to decode its value, for getOrSet. */
export interface RawMetaGet<V> {
  reply: MetaReply;
  decode(): V;
}

const SET_STATUS = { HD: 'stored', NS: 'not_stored', EX: 'exists', NF: 'not_found' } as const;
const DELETE_STATUS = { HD: 'deleted', NF: 'not_found', EX: 'exists' } as const;
const ARITHMETIC_STATUS = { HD: 'ok', VA: 'ok', NF: 'not_found', NS: 'not_stored', EX: 'exists' } as const;

/**
 * The meta protocol for Client and HashClient: turns the readable options of the client README into
 * meta flags, sends through the per-node batcher (so concurrent requests share one quiet
 * pipeline), and turns replies into results. Errors follow the client's `ignoreErrors`
 * rule: reads miss (`undefined`), writes report that nothing happened (`not_stored`,
 * `not_found`); illegal input always rejects, before anything is sent.
 */
export class MetaCommands<V> {
  readonly #host: MetaHost<V>;
  readonly #batcher = new MetaBatcher();
  readonly #gate = new MetaVersionGate();

  constructor(host: MetaHost<V>) {
    this.#host = host;
  }

  async get<const O extends MetaGetOptions>(key: Key, options?: O): Promise<MetaGetResult<V, O> | undefined> {
    const given: MetaGetOptions = checkOptions(options);
    const raw = await this.getRaw(key, given);
    if (raw === undefined) return undefined;
    const { reply } = raw;
    const result: Partial<Record<string, unknown>> = {
      won: reply.flags.has('W'),
      stale: reply.flags.has('X'),
      alreadyWon: reply.flags.has('Z'),
    };
    if (given.value) {
      try {
        result.value = raw.decode();
      } catch (error) {
        // ignoreErrors makes an undecodable value a miss, as it does for get.
        if (this.#host.ignoreErrors && error instanceof MemcacheDeserializeError) return undefined;
        throw error;
      }
    }
    if (given.cas) result.cas = bigintFlag(reply, 'c');
    if (given.flags) result.flags = numberFlag(reply, 'f');
    if (given.ttl) result.ttl = numberFlag(reply, 't');
    if (given.size) result.size = numberFlag(reply, 's');
    if (given.hit) result.hit = numberFlag(reply, 'h') === 1;
    if (given.lastAccess) result.lastAccess = numberFlag(reply, 'l');
    if (given.key) result.key = key;
    if (given.opaque !== undefined) result.opaque = reply.flags.get('O');
    return result as MetaGetResult<V, O>;
  }

  /**
   * `mg` with the value's flags always asked along with the value, so the serde can decode
   * it; `undefined` on a miss (or an ignored error).
   */
  async getRaw(key: Key, options: MetaGetOptions): Promise<RawMetaGet<V> | undefined> {
    const wireKey = prefixKey(this.#host.keyPrefix, key);
    const flags: MetaGetFlags = {
      base64: options.base64,
      value: options.value,
      flags: options.value || options.flags,
      cas: options.cas,
      ttl: options.ttl,
      size: options.size,
      hit: options.hit,
      lastAccess: options.lastAccess,
      key: options.key,
      opaque: options.opaque,
      noBump: options.noBump,
      touch: options.touch === undefined ? undefined : toExptime(options.touch),
      vivify: options.vivify === undefined ? undefined : toExptime(options.vivify),
      recache: options.recache === undefined ? undefined : toThreshold(options.recache, 'recache'),
      explicitCas: options.explicitCas,
    };
    // A repeated vivify or recache could hand the win to nobody, so those are never quiet.
    const replayable =
      flags.vivify === undefined &&
      flags.recache === undefined &&
      flags.explicitCas === undefined &&
      options.opaque === undefined;
    const reply = await this.#send(
      key,
      wireKey,
      (quiet) => commands.metaGet.request(wireKey, { ...flags, ...quietFlags(quiet) }),
      replayable,
      options.explicitCas !== undefined ? 'explicitCas (flag E)' : undefined,
    );
    if (reply === undefined || reply.code === 'EN') return undefined;
    return { reply, decode: () => this.#decode(key, reply) };
  }

  async set(key: Key, value: V, options?: MetaSetOptions): Promise<MetaSetResult> {
    const given: MetaSetOptions = checkOptions(options);
    const wireKey = prefixKey(this.#host.keyPrefix, key);
    const encoded = this.#host.serde.serialize(keyToString(key), value);
    const flags = {
      base64: given.base64,
      ttl: given.ttl === undefined ? undefined : toExptime(given.ttl),
      flags: mergeFlags(encoded.flags, given.flags),
      cas: given.cas,
      invalidate: given.invalidate,
      mode: given.mode,
      returnCas: given.returnCas,
      explicitCas: given.explicitCas,
      opaque: given.opaque,
    };
    // A plain set stores the same bytes twice without harm; add, append or cas would not.
    const replayable =
      (given.mode === undefined || given.mode === 'set') &&
      given.cas === undefined &&
      given.explicitCas === undefined &&
      given.opaque === undefined;
    const reply = await this.#send(
      key,
      wireKey,
      (quiet) => commands.metaSet.request(wireKey, encoded.value, { ...flags, ...quietFlags(quiet) }),
      replayable,
      given.explicitCas !== undefined ? 'explicitCas (flag E)' : undefined,
    );
    if (reply === undefined) return { status: 'not_stored' };
    const result: MetaSetResult = { status: statusOf(SET_STATUS, reply, 'ms') };
    if (given.returnCas && reply.flags.has('c')) result.cas = bigintFlag(reply, 'c');
    if (given.opaque !== undefined) result.opaque = reply.flags.get('O');
    return result;
  }

  async delete(key: Key, options?: MetaDeleteOptions): Promise<MetaDeleteResult> {
    const given: MetaDeleteOptions = checkOptions(options);
    const wireKey = prefixKey(this.#host.keyPrefix, key);
    const flags = {
      base64: given.base64,
      cas: given.cas,
      invalidate: given.invalidate,
      ttl: given.ttl === undefined ? undefined : toExptime(given.ttl),
      removeValue: given.removeValue,
      opaque: given.opaque,
    };
    const reply = await this.#send(
      key,
      wireKey,
      () => commands.metaDelete.request(wireKey, flags),
      false,
      given.removeValue ? 'removeValue (md flag x)' : undefined,
    );
    if (reply === undefined) return { status: 'not_found' };
    const result: MetaDeleteResult = { status: statusOf(DELETE_STATUS, reply, 'md') };
    if (given.opaque !== undefined) result.opaque = reply.flags.get('O');
    return result;
  }

  async arithmetic(key: Key, options?: MetaArithmeticOptions): Promise<MetaArithmeticResult> {
    const given: MetaArithmeticOptions = checkOptions(options);
    const wireKey = prefixKey(this.#host.keyPrefix, key);
    const flags = {
      base64: given.base64,
      mode: given.mode,
      delta: given.delta,
      initial: given.initial,
      vivify: given.vivify === undefined ? undefined : toExptime(given.vivify),
      ttl: given.ttl === undefined ? undefined : toExptime(given.ttl),
      cas: given.cas,
      returnCas: given.returnCas,
      opaque: given.opaque,
      value: true,
    };
    const reply = await this.#send(
      key,
      wireKey,
      () => commands.metaArithmetic.request(wireKey, flags),
      false,
    );
    if (reply === undefined) return { status: 'not_found' };
    const result: MetaArithmeticResult = { status: statusOf(ARITHMETIC_STATUS, reply, 'ma') };
    if (reply.value !== undefined) result.value = uint64Reply(reply.value, 'an ma value');
    if (given.returnCas && reply.flags.has('c')) result.cas = bigintFlag(reply, 'c');
    if (given.opaque !== undefined) result.opaque = reply.flags.get('O');
    return result;
  }

  /** Sends the meta requests queued in this tick now (see MetaBatcher.flush). */
  flush(): void {
    this.#batcher.flush();
  }

  /** `mn` to every node: a round trip that proves each socket is alive and in sync. */
  async noop(): Promise<void> {
    await Promise.all(this.#host.allNodes().map((node) => node.send(commands.metaNoop.request())));
  }

  async #send(
    key: Key,
    wireKey: Key,
    build: MetaRequestBuilder,
    replayable: boolean,
    gatedFeature?: string,
  ): Promise<MetaReply | undefined> {
    const node = this.#host.nodeFor(key, wireKey);
    try {
      if (gatedFeature !== undefined) {
        build(undefined); // bad input rejects before the version lookup goes out
        await this.#gate.require(node, EXPLICIT_CAS_VERSION, gatedFeature);
      }
      return await this.#batcher.send(node, build, replayable);
    } catch (error) {
      if (this.#host.ignoreErrors && isIgnorableError(error)) return undefined;
      throw error;
    }
  }

  #decode(key: Key, reply: MetaReply): V {
    return decodeValue(
      this.#host.serde,
      keyToString(key),
      reply.value ?? new Uint8Array(0),
      numberFlag(reply, 'f') ?? 0,
    );
  }
}

function checkOptions<O extends MetaKeyOptions>(options: O | undefined): O {
  if (options === undefined) return {} as O;
  if (options === null || typeof options !== 'object') {
    throw new MemcacheIllegalInputError(`meta options must be an object, not ${String(options)}`);
  }
  return options;
}

function quietFlags(quiet: { opaque: string } | undefined): { quiet?: true; opaque?: string } {
  return quiet === undefined ? {} : { quiet: true, opaque: quiet.opaque };
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
  if (!Number.isInteger(extra) || extra < 0 || extra > 0xffff_ffff) {
    throw new MemcacheIllegalInputError(`flags must be an unsigned 32-bit integer, got ${String(extra)}`);
  }
  return (serdeFlags | extra) >>> 0;
}

function statusOf<Code extends string, Status>(
  table: Record<Code, Status>,
  reply: MetaReply,
  command: string,
): Status {
  const status = (table as Record<string, Status | undefined>)[reply.code];
  if (status === undefined) throw new MemcacheProtocolError(`unexpected ${command} reply ${reply.code}`);
  return status;
}

function numberFlag(reply: MetaReply, letter: string): number | undefined {
  const token = reply.flags.get(letter);
  return token === undefined ? undefined : Number(token);
}

function bigintFlag(reply: MetaReply, letter: string): bigint | undefined {
  const token = reply.flags.get(letter);
  return token === undefined ? undefined : uint64Reply(token, `the ${letter} flag`);
}
