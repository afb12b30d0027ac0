import { Buffer } from 'node:buffer';
import { MemcacheIllegalInputError } from './errors.js';
import { hasLoneSurrogate } from './has-lone-surrogate.js';
import { MEMCACHED_ITEM_LIMIT } from './item-limits.js';

/**
 * Checks a text value for a storage command and returns the length of its UTF-8, which is
 * what is sent. A string holding a lone surrogate has no UTF-8 form (Node would send U+FFFD
 * in its place, and the item stored would not be the value given), so it is refused, as is
 * text whose UTF-8 is above `maxBytes` (default and ceiling: memcached's 1 GiB item limit).
 */
export function validateTextValue(text: string, verb: string, maxBytes = MEMCACHED_ITEM_LIMIT): number {
  if (typeof text !== 'string') {
    throw new MemcacheIllegalInputError(`a ${verb} text value must be a string, not ${typeof text}`);
  }
  if (hasLoneSurrogate(text)) {
    throw new MemcacheIllegalInputError(
      `a ${verb} value holds a lone surrogate, which UTF-8 text cannot carry`,
    );
  }
  const length = Buffer.byteLength(text, 'utf8');
  const limit = Math.min(maxBytes, MEMCACHED_ITEM_LIMIT);
  if (length > limit) {
    throw new MemcacheIllegalInputError(
      `a ${verb} value of ${length} bytes is above the limit of ${limit} bytes${limit === MEMCACHED_ITEM_LIMIT ? " (memcached's item limit)" : ''}`,
    );
  }
  return length;
}
