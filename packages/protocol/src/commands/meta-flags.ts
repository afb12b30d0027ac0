import type { MetaOptionsOf, MetaTable } from './meta-table.js';

/**
 * The meta commands, one table each: every option by readable name, with its protocol letter
 * (memcached `doc/protocol.txt`), how it travels and what it returns. The encoder, the option
 * types below and the result fields (`readMetaFields`) are all derived from these tables, and
 * so are the client's meta options. Options marked "newer servers" are not in memcached
 * 1.6.18: the encoder sends them, and an old server answers `CLIENT_ERROR invalid flag`.
 *
 * Order matters: options are written in table order.
 */

// The options several commands share, in the same form everywhere.
const BASE64 = { letter: 'b', kind: 'flag' } as const;
const RETURN_KEY = { letter: 'k', kind: 'flag', returns: 'key' } as const;
const OPAQUE = { letter: 'O', kind: 'opaque', returns: 'text' } as const;
const QUIET = { letter: 'q', kind: 'flag' } as const;
const COMPARE_CAS = { letter: 'C', kind: 'uint64' } as const;
const EXPLICIT_CAS = { letter: 'E', kind: 'uint64' } as const;
const RETURN_CAS = { letter: 'c', kind: 'flag', returns: 'uint64', field: 'cas' } as const;
const TTL = { letter: 'T', kind: 'ttl' } as const;
const VIVIFY = { letter: 'N', kind: 'ttl' } as const;

/** `mg`: the return flags ask for a field in the reply. */
export const metaGetTable = {
  options: {
    /** b: the key travels base64-encoded, so any bytes can be a key (a returned `k` is base64 on newer servers). */
    base64: BASE64,
    // What the request does comes before what it returns: memcached answers the return flags
    // as it meets them, so a `t` written before `N` or `T` reports the TTL from before them
    // (`-1` for an item just vivified with a TTL).
    /** E: the cas unique a vivified item gets (newer servers: memcached ≥ 1.6.27). */
    explicitCas: EXPLICIT_CAS,
    /** N: on a miss, create an empty item with this TTL; the creator gets `W`. */
    vivify: VIVIFY,
    /** R: win the right to recache (`W`) when the remaining TTL is below this. */
    recache: { letter: 'R', kind: 'ttl' },
    /** T: set the remaining TTL, like `touch`. */
    touch: { letter: 'T', kind: 'ttl' },
    /** c: return the cas unique. */
    cas: { letter: 'c', kind: 'flag', returns: 'uint64' },
    /** f: return the client flags. */
    flags: { letter: 'f', kind: 'flag', returns: 'uint32' },
    /** h: return whether the item was read before this request. */
    hit: { letter: 'h', kind: 'flag', returns: 'boolean' },
    /** k: return the key (checked against the key sent). */
    key: RETURN_KEY,
    /** l: return the seconds since the last access, as of before this request. */
    lastAccess: { letter: 'l', kind: 'flag', returns: 'int' },
    /** O: a token (at most 31 printable bytes) echoed in the reply, to match pipelined replies. */
    opaque: OPAQUE,
    /** q: quiet: a miss (`EN`) is not sent. */
    quiet: QUIET,
    /** s: return the item size. */
    size: { letter: 's', kind: 'flag', returns: 'int' },
    /** t: return the remaining TTL in seconds (-1: never expires). */
    ttl: { letter: 't', kind: 'flag', returns: 'int' },
    /** u: do not bump the item in the LRU (nor mark it hit, nor update its last access). */
    noBump: { letter: 'u', kind: 'flag' },
    /** v: return the value (the reply is then `VA`). */
    value: { letter: 'v', kind: 'flag' },
  },
  statuses: { VA: 'hit', HD: 'hit', EN: 'miss' },
} as const satisfies MetaTable;

/** How `ms` stores, flag `M`. */
export const metaSetModes = { set: 'S', add: 'E', replace: 'R', append: 'A', prepend: 'P' } as const;

/** `ms` (the data length goes first, before these). */
export const metaSetTable = {
  options: {
    /** b: the key travels base64-encoded. */
    base64: BASE64,
    /** c: return the stored item's new cas unique. */
    returnCas: RETURN_CAS,
    /** C: store only if the item still has this cas unique. */
    cas: COMPARE_CAS,
    /** E: the cas unique the stored item gets (newer servers: memcached ≥ 1.6.27). */
    explicitCas: EXPLICIT_CAS,
    /** F: the client flags (unsigned 32-bit). */
    flags: { letter: 'F', kind: 'uint32' },
    /** I: with `cas`, an older cas stores the value marked stale instead of failing. */
    invalidate: { letter: 'I', kind: 'flag' },
    /** k: return the key (checked against the key sent). */
    key: RETURN_KEY,
    /** O: an opaque token echoed back (at most 31 bytes). */
    opaque: OPAQUE,
    /** q: quiet: success (`HD`) is not sent. */
    quiet: QUIET,
    /** T: the TTL (exptime). */
    ttl: TTL,
    /** M: how to store: `'set'` (default), `'add'`, `'replace'`, `'append'`, `'prepend'`. */
    mode: { letter: 'M', kind: 'mode', modes: metaSetModes },
    /** N: with mode append/prepend, create a missing item with this TTL (newer servers). */
    vivify: VIVIFY,
  },
  statuses: { HD: 'stored', NS: 'not_stored', EX: 'exists', NF: 'not_found' },
} as const satisfies MetaTable;

/** `md`. */
export const metaDeleteTable = {
  options: {
    /** b: the key travels base64-encoded. */
    base64: BASE64,
    /** C: delete only if the item still has this cas unique. */
    cas: COMPARE_CAS,
    /** I: mark the item stale (new cas, `X` on the next mg, one reader wins) instead of removing it. */
    invalidate: { letter: 'I', kind: 'flag' },
    /** k: return the key (checked against the key sent). */
    key: RETURN_KEY,
    /** O: an opaque token echoed back (at most 31 bytes). */
    opaque: OPAQUE,
    /** q: quiet: success (`HD`) is not sent. */
    quiet: QUIET,
    /** T: with `invalidate`, the TTL the stale item keeps. */
    ttl: TTL,
    /** x: drop the value but keep the item (newer servers: memcached ≥ 1.6.27). */
    removeValue: { letter: 'x', kind: 'flag' },
  },
  statuses: { HD: 'deleted', NF: 'not_found', EX: 'exists' },
} as const satisfies MetaTable;

/** How `ma` changes the number, flag `M`. */
export const metaArithmeticModes = { incr: 'I', decr: 'D' } as const;

/** `ma`. */
export const metaArithmeticTable = {
  options: {
    /** b: the key travels base64-encoded. */
    base64: BASE64,
    /** C: apply only if the counter still has this cas unique. */
    cas: COMPARE_CAS,
    /** N: on a miss, create the counter (seeded with `initial`) with this TTL. */
    vivify: VIVIFY,
    /** J: the value a vivified counter starts with (default 0). */
    initial: { letter: 'J', kind: 'uint64' },
    /** D: the amount to add or subtract, unsigned 64-bit (default 1). */
    delta: { letter: 'D', kind: 'uint64' },
    /** T: set the TTL on success. */
    ttl: TTL,
    /** M: `'incr'` (default) or `'decr'` (stops at 0). */
    mode: { letter: 'M', kind: 'mode', modes: metaArithmeticModes },
    /** O: an opaque token echoed back (at most 31 bytes). */
    opaque: OPAQUE,
    /** q: quiet: success (`HD`) is not sent. */
    quiet: QUIET,
    /** t: return the remaining TTL. */
    returnTtl: { letter: 't', kind: 'flag', returns: 'int', field: 'ttl' },
    /** c: return the new cas unique. */
    returnCas: RETURN_CAS,
    /** v: return the new value (the reply is then `VA` with the number as data). */
    value: { letter: 'v', kind: 'flag' },
    /** k: return the key (checked against the key sent). */
    key: RETURN_KEY,
  },
  statuses: { HD: 'ok', VA: 'ok', NF: 'not_found', NS: 'not_stored', EX: 'exists' },
} as const satisfies MetaTable;

/** `me`. */
export const metaDebugTable = {
  options: {
    /** b: the key travels base64-encoded (and comes back so). */
    base64: BASE64,
  },
  statuses: { ME: 'found', EN: 'miss' },
} as const satisfies MetaTable;

/** `mg` options. */
export type MetaGetFlags = MetaOptionsOf<typeof metaGetTable>;
/** How `ms` stores, flag `M`. */
export type MetaSetMode = keyof typeof metaSetModes;
/** `ms` options. */
export type MetaSetFlags = MetaOptionsOf<typeof metaSetTable>;
/** `md` options. */
export type MetaDeleteFlags = MetaOptionsOf<typeof metaDeleteTable>;
/** How `ma` changes the number, flag `M`. */
export type MetaArithmeticMode = keyof typeof metaArithmeticModes;
/** `ma` options. */
export type MetaArithmeticFlags = MetaOptionsOf<typeof metaArithmeticTable>;
/** `me` options. */
export type MetaDebugFlags = MetaOptionsOf<typeof metaDebugTable>;
