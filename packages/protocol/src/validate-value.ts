import { MemcacheIllegalInputError } from './errors.js';
import { MEMCACHED_ITEM_LIMIT } from './item-limits.js';

/**
 * Checks a value for a storage command (`set`... `cas`, `ms`) and returns the bytes to send.
 *
 * - It must be a Uint8Array of at most `maxBytes` (default and ceiling: memcached's 1 GiB
 *   item limit). memcached answers a longer length with `CLIENT_ERROR bad command line
 *   format` and does not swallow the data, so the value's bytes would run as commands.
 * - A value over a resizable ArrayBuffer or a growable SharedArrayBuffer is copied: the
 *   length written in the header must be the length that goes out, and such a buffer can
 *   change size before the socket reads it. Any other value is sent as it is, never copied.
 */
export function validateValue(value: Uint8Array, verb: string, maxBytes = MEMCACHED_ITEM_LIMIT): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new MemcacheIllegalInputError(`a ${verb} value must be a Uint8Array, not ${typeof value}`);
  }
  const limit = Math.min(maxBytes, MEMCACHED_ITEM_LIMIT);
  if (value.byteLength > limit) {
    throw new MemcacheIllegalInputError(
      `a ${verb} value of ${value.byteLength} bytes is above the limit of ${limit} bytes${limit === MEMCACHED_ITEM_LIMIT ? " (memcached's item limit)" : ''}`,
    );
  }
  return canChangeSize(value.buffer) ? new Uint8Array(value) : value;
}

function canChangeSize(buffer: ArrayBufferLike): boolean {
  return (
    (buffer as { resizable?: boolean }).resizable === true ||
    (buffer as { growable?: boolean }).growable === true
  );
}
