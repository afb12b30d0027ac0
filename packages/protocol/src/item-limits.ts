/**
 * memcached's hard ceiling on one item (`-I` accepts at most 1 GiB): no server sends or
 * stores a value longer than this, so a length above it is never a real value.
 */
export const MEMCACHED_ITEM_LIMIT = 1024 * 1024 * 1024;

/**
 * The largest value the parser accepts (and an encoder sends) unless told otherwise: the
 * hard limit, so that any server configuration works out of the box. Memory stays bounded
 * anyway, because a data block's buffer grows with the bytes that really arrive rather than
 * with the length a header claims; lower it to refuse big values sooner.
 */
export const DEFAULT_MAX_VALUE_BYTES = MEMCACHED_ITEM_LIMIT;
