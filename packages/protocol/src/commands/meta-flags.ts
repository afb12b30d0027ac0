/**
 * Options of the meta commands, by readable name; each comment gives the protocol letter
 * (memcached `doc/protocol.txt`). Flags marked "newer servers" are not in memcached 1.6.18:
 * the encoder sends them, and an old server answers `CLIENT_ERROR invalid flag`.
 */

/** `mg` flags. The return flags ask for a field in the reply's `flags` map. */
export interface MetaGetFlags {
  /** b: the key travels base64-encoded, so any bytes can be a key (the returned `k` is base64 too). */
  base64?: boolean;
  /** c: return the cas unique. */
  cas?: boolean;
  /** f: return the client flags. */
  flags?: boolean;
  /** h: return whether the item was hit before (0 or 1). */
  hit?: boolean;
  /** k: return the key. */
  key?: boolean;
  /** l: return the seconds since the last access. */
  lastAccess?: boolean;
  /** O: a token (at most 32 printable bytes) echoed in the reply, to match pipelined replies. */
  opaque?: string;
  /** q: quiet: a miss (`EN`) is not sent. */
  quiet?: boolean;
  /** s: return the item size. */
  size?: boolean;
  /** t: return the remaining TTL in seconds (-1: never expires). */
  ttl?: boolean;
  /** u: do not bump the item in the LRU (nor mark it hit). */
  noBump?: boolean;
  /** v: return the value (the reply is then `VA`). */
  value?: boolean;
  /** E: the cas unique to give the item if this command changes it (newer servers). */
  explicitCas?: bigint | number;
  /** N: on a miss, create an empty item with this TTL; the creator gets `W`. */
  vivify?: number;
  /** R: win the right to recache (`W`) when the remaining TTL is below this. */
  recache?: number;
  /** T: set the remaining TTL, like `touch`. */
  touch?: number;
}

/** How `ms` stores, flag `M`. */
export type MetaSetMode = 'set' | 'add' | 'replace' | 'append' | 'prepend';

/** `ms` flags. */
export interface MetaSetFlags {
  /** b: the key travels base64-encoded. */
  base64?: boolean;
  /** c: return the new cas unique. */
  returnCas?: boolean;
  /** C: store only if the item still has this cas unique. */
  cas?: bigint | number;
  /** E: the cas unique to give the new item (newer servers). */
  explicitCas?: bigint | number;
  /** F: the client flags (unsigned 32-bit). */
  flags?: number;
  /** I: with `cas`, a lower cas marks the item stale instead of failing. */
  invalidate?: boolean;
  /** k: return the key. */
  key?: boolean;
  /** O: an opaque token echoed back (at most 32 bytes). */
  opaque?: string;
  /** q: quiet: success (`HD`) is not sent. */
  quiet?: boolean;
  /** T: the TTL (exptime). */
  ttl?: number;
  /** M: the storage mode (default set). */
  mode?: MetaSetMode;
  /** N: with mode append/prepend, create a missing item with this TTL (newer servers). */
  vivify?: number;
}

/** `md` flags. */
export interface MetaDeleteFlags {
  /** b: the key travels base64-encoded. */
  base64?: boolean;
  /** C: delete only if the item still has this cas unique. */
  cas?: bigint | number;
  /** I: mark the item stale (new cas, `X` on the next mg) instead of removing it. */
  invalidate?: boolean;
  /** k: return the key. */
  key?: boolean;
  /** O: an opaque token echoed back (at most 32 bytes). */
  opaque?: string;
  /** q: quiet: success (`HD`) is not sent. */
  quiet?: boolean;
  /** T: with `invalidate`, the TTL the stale item keeps. */
  ttl?: number;
  /** x: drop the value but keep the item (newer servers). */
  removeValue?: boolean;
}

/** How `ma` changes the number, flag `M`. */
export type MetaArithmeticMode = 'incr' | 'decr';

/** `ma` flags. */
export interface MetaArithmeticFlags {
  /** b: the key travels base64-encoded. */
  base64?: boolean;
  /** C: apply only if the item still has this cas unique. */
  cas?: bigint | number;
  /** N: on a miss, create the item with this TTL (seeded with `initial`). */
  vivify?: number;
  /** J: the value a vivified item starts with (default 0). */
  initial?: bigint | number;
  /** D: the amount to add or subtract (default 1). */
  delta?: bigint | number;
  /** T: set the TTL on success. */
  ttl?: number;
  /** M: incr (default) or decr. */
  mode?: MetaArithmeticMode;
  /** O: an opaque token echoed back (at most 32 bytes). */
  opaque?: string;
  /** q: quiet: success (`HD`) is not sent. */
  quiet?: boolean;
  /** t: return the remaining TTL. */
  returnTtl?: boolean;
  /** c: return the new cas unique. */
  returnCas?: boolean;
  /** v: return the new value (the reply is then `VA` with the number as data). */
  value?: boolean;
  /** k: return the key. */
  key?: boolean;
}

/** `me` flags. */
export interface MetaDebugFlags {
  /** b: the key travels base64-encoded (and comes back so). */
  base64?: boolean;
}
