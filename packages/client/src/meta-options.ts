import type { Key, MetaArithmeticMode, MetaSetMode } from '@mc/protocol';

/**
 * Options and results of the meta methods (`metaGet`, `metaSet`, `metaDelete`,
 * `metaArithmetic`). Every time that travels to memcached (`ttl`, `touch`, `vivify`,
 * `recache`) is in seconds, validated like a write's `ttl` (whole seconds; above 30 days
 * sent as an absolute Unix time).
 */

/** Shared by every meta method. */
export interface MetaKeyOptions {
  /** The key (prefix included) travels base64-encoded (flag `b`), so any bytes can be a key. */
  base64?: boolean;
  /**
   * A token of at most 32 printable bytes, echoed back in the result's `opaque`. Requests that
   * carry one are never folded into a quiet batch (the client uses opaques of its own there).
   */
  opaque?: string;
}

/** `metaGet` options: what comes back, and what the read does to the item. */
export interface MetaGetOptions extends MetaKeyOptions {
  /** Return the value, decoded by the client's serde (flag `v`; `f` is asked along). */
  value?: boolean;
  /** Return the cas unique as a bigint (flag `c`). */
  cas?: boolean;
  /** Return the client flags as a number (flag `f`). */
  flags?: boolean;
  /** Return the remaining TTL in seconds, -1 for an item that never expires (flag `t`). */
  ttl?: boolean;
  /** Return the value's size in bytes (flag `s`). */
  size?: boolean;
  /** Return whether the item had been read before this request (flag `h`). */
  hit?: boolean;
  /** Return the seconds since the item was last read, as of before this request (flag `l`). */
  lastAccess?: boolean;
  /** Return the key as the caller gave it, checked against the server's echo (flag `k`). */
  key?: boolean;
  /** Set the remaining TTL, like `touch` (flag `T`). */
  touch?: number;
  /** On a miss, create an empty item with this TTL; the creator gets `won` (flag `N`). */
  vivify?: number;
  /** When the remaining TTL is below this, one caller gets `won` to refresh it (flag `R`). */
  recache?: number;
  /** Leave the item's LRU position, hit mark and last access alone (flag `u`). */
  noBump?: boolean;
  /** The cas unique a vivified item gets (flag `E`; memcached ≥ 1.6.27). */
  explicitCas?: bigint | number;
}

/** The fields `metaGet` can return, by the option that asks for each. */
export interface MetaGetFields<V> {
  value: V;
  cas: bigint;
  flags: number;
  ttl: number;
  size: number;
  hit: boolean;
  lastAccess: number;
  key: Key;
  opaque: string;
}

/** The flags memcached adds on its own: the recache protocol's state. */
export interface MetaGetState {
  /** This caller won the right to refresh the item (`W`): after `vivify`, `recache` or on a stale item. */
  won: boolean;
  /** The item was marked stale by `metaDelete(key, { invalidate: true })` (`X`). */
  stale: boolean;
  /** Another caller already won the refresh (`Z`). */
  alreadyWon: boolean;
}

export type AskedFields<O> = {
  [Field in keyof MetaGetFields<unknown>]: Field extends 'opaque'
    ? O extends { opaque: string }
      ? Field
      : never
    : O extends { [Name in Field]: true }
      ? Field
      : never;
}[keyof MetaGetFields<unknown>];

/**
 * What `metaGet` resolves to on a hit: the fields the options asked for (typed as present
 * when the options are a literal), plus the recache state.
 */
export type MetaGetResult<V, O = MetaGetOptions> = MetaGetState &
  Pick<MetaGetFields<V>, AskedFields<O>> &
  Partial<MetaGetFields<V>>;

/** `metaSet` options. */
export interface MetaSetOptions extends MetaKeyOptions {
  /** Seconds from now; 0 (default) never expires. */
  ttl?: number;
  /** Bits OR-ed into the flags the serde chose. */
  flags?: number;
  /** Store only if the item still has this cas unique (flag `C`). */
  cas?: bigint | number;
  /** With `cas`: an older cas stores the value marked stale instead of failing (flag `I`). */
  invalidate?: boolean;
  /** How to store (flag `M`): `'set'` (default), `'add'`, `'replace'`, `'append'`, `'prepend'`. */
  mode?: MetaSetMode;
  /** Return the stored item's new cas unique (flag `c`). */
  returnCas?: boolean;
  /** The cas unique the stored item gets (flag `E`; memcached ≥ 1.6.27). */
  explicitCas?: bigint | number;
}

/** What `metaSet` resolves to. */
export interface MetaSetResult {
  status: 'stored' | 'not_stored' | 'exists' | 'not_found';
  /** With `returnCas`: the new cas unique. */
  cas?: bigint;
  opaque?: string;
}

/** `metaDelete` options. */
export interface MetaDeleteOptions extends MetaKeyOptions {
  /** Delete only if the item still has this cas unique (flag `C`). */
  cas?: bigint | number;
  /** Mark the item stale instead of removing it: readers see `stale`, one of them `won` (flag `I`). */
  invalidate?: boolean;
  /** With `invalidate`: the TTL the stale item keeps, in seconds (flag `T`). */
  ttl?: number;
  /** Drop the value but keep the item (flag `x`; memcached ≥ 1.6.27). */
  removeValue?: boolean;
}

/** What `metaDelete` resolves to. */
export interface MetaDeleteResult {
  status: 'deleted' | 'not_found' | 'exists';
  opaque?: string;
}

/** `metaArithmetic` options. */
export interface MetaArithmeticOptions extends MetaKeyOptions {
  /** `'incr'` (default) or `'decr'` (stops at 0). */
  mode?: MetaArithmeticMode;
  /** The amount, an unsigned 64-bit integer (default 1). */
  delta?: bigint | number;
  /** The value a vivified counter starts with (default 0). */
  initial?: bigint | number;
  /** On a miss, create the counter (seeded with `initial`) with this TTL in seconds (flag `N`). */
  vivify?: number;
  /** Set the TTL on success, in seconds (flag `T`). */
  ttl?: number;
  /** Apply only if the counter still has this cas unique (flag `C`). */
  cas?: bigint | number;
  /** Return the new cas unique (flag `c`). */
  returnCas?: boolean;
}

/** What `metaArithmetic` resolves to. */
export interface MetaArithmeticResult {
  status: 'ok' | 'not_found' | 'not_stored' | 'exists';
  /** The counter after the change, when `status` is `'ok'`. */
  value?: bigint;
  /** With `returnCas`: the new cas unique. */
  cas?: bigint;
  opaque?: string;
}
