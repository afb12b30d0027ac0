/**
 * memcached's hard ceiling on one item (`-I` accepts at most 1 GiB): no server sends or
 * stores a value longer than this, so a length above it is never a real value.
 */
export const MEMCACHED_ITEM_LIMIT = 1024 * 1024 * 1024;

/**
 * The largest value the parser accepts and the client sends unless told otherwise: 64 MiB,
 * far above memcached's default item size (1 MiB) and any ordinary `-I`, yet a bound on what
 * one reply can make a client hold. A data block's buffer also grows with the bytes that
 * really arrive rather than with the length a header claims. Raise it (up to the hard limit)
 * for servers started with a larger `-I`.
 */
export const DEFAULT_MAX_VALUE_BYTES = 64 * 1024 * 1024;
