import { MemcacheIllegalInputError } from './errors.js';

const MAX_UINT64 = 0xffffffffffffffffn;

/**
 * Checks a cas unique, delta or initial value (unsigned 64-bit, as memcached keeps them) and
 * returns it as a bigint. Safe integer numbers are accepted for convenience.
 */
export function validateUint64(value: bigint | number, name = 'value'): bigint {
  if (typeof value === 'bigint') {
    if (value >= 0n && value <= MAX_UINT64) return value;
  } else if (Number.isSafeInteger(value) && value >= 0) {
    return BigInt(value);
  }
  throw new MemcacheIllegalInputError(`${name} must be an unsigned 64-bit integer, not ${String(value)}`);
}
