import { MemcacheIllegalInputError } from './errors.js';

/**
 * Throws MemcacheIllegalInputError unless `exptime` is an integer memcached reads as it is
 * meant: the server parses it as a signed 32-bit number, so anything larger would wrap into
 * a different expiry. The caller has already turned a long TTL into absolute Unix time.
 */
export function validateExptime(exptime: number, name = 'exptime'): void {
  if (!Number.isInteger(exptime) || exptime < -0x80000000 || exptime > 0x7fffffff) {
    throw new MemcacheIllegalInputError(
      `${name} must be an integer within signed 32 bits, not ${String(exptime)}`,
    );
  }
}
