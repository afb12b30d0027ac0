import { createHash } from 'node:crypto';

// Room left under memcached's 250-byte key limit for a client's own keyPrefix.
const MAX_PLAIN_KEY_BYTES = 200;
// Bytes memcached keys cannot hold: control characters, space and DEL.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the bytes refused
export const UNSAFE_KEY_BYTES = /[\u0000-\u0020\u007f]/;

/**
 * The memcached key for a Next cache key or tag: `prefix + kind + ':' + name` when that is a
 * valid memcached key (readable in `mc get`), else `prefix + kind + '#' + sha256(name)` for
 * long paths and names with spaces or control characters. The two forms cannot collide.
 */
export function cacheKey(prefix: string, kind: string, name: string): string {
  const plain = `${prefix}${kind}:${name}`;
  if (Buffer.byteLength(plain) <= MAX_PLAIN_KEY_BYTES && !UNSAFE_KEY_BYTES.test(plain)) return plain;
  return `${prefix}${kind}#${createHash('sha256').update(name).digest('base64url')}`;
}
