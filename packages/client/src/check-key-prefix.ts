import { keyByteLength, MAX_KEY_BYTES, MemcacheError, MemcacheIllegalInputError } from '@mc/protocol';

/**
 * Checks a `keyPrefix` when the client is made, so that a prefix no key could follow (a space,
 * a control byte, 0x7F, a lone surrogate, or 250 bytes that leave no room for a key) fails
 * once, at construction, instead of as every later command.
 */
export function checkKeyPrefix(keyPrefix: unknown): string {
  if (keyPrefix === undefined) return '';
  if (typeof keyPrefix !== 'string') throw new MemcacheIllegalInputError('keyPrefix must be a string');
  let length: number;
  try {
    length = keyByteLength(keyPrefix);
  } catch (error) {
    if (!(error instanceof MemcacheError)) throw error;
    throw new MemcacheIllegalInputError(`keyPrefix is not allowed in a key: ${error.message}`, {
      cause: error,
    });
  }
  if (length >= MAX_KEY_BYTES) {
    throw new MemcacheIllegalInputError(
      `keyPrefix is ${length} bytes, leaving no room for a key (memcached allows ${MAX_KEY_BYTES} in all)`,
    );
  }
  return keyPrefix;
}
