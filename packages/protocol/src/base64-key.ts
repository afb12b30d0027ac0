import { MemcacheIllegalInputError } from './errors.js';
import { hasLoneSurrogate } from './has-lone-surrogate.js';
import type { Key } from './types.js';
import { MAX_KEY_BYTES } from './validate-key.js';

/**
 * The key as a meta command sends it with flag `b`: base64 of its bytes (a string key as
 * UTF-8). memcached checks the 250-byte limit on the encoded token, before decoding it, so
 * the raw key may be at most 186 bytes.
 */
export function base64Key(key: Key): string {
  let bytes: Uint8Array;
  if (typeof key === 'string') {
    if (hasLoneSurrogate(key))
      throw new MemcacheIllegalInputError('key is not well-formed Unicode (a lone surrogate)');
    bytes = Buffer.from(key, 'utf8');
  } else if (key instanceof Uint8Array) {
    bytes = key;
  } else {
    throw new MemcacheIllegalInputError(`key must be a string or a Uint8Array, not ${typeof key}`);
  }
  if (bytes.length === 0) throw new MemcacheIllegalInputError('key is empty');
  const encoded = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  if (encoded.length > MAX_KEY_BYTES) {
    throw new MemcacheIllegalInputError(
      `key is ${bytes.length} bytes, ${encoded.length} in base64; memcached allows at most ${MAX_KEY_BYTES}`,
    );
  }
  return encoded;
}
