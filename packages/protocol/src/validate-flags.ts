import { MemcacheIllegalInputError } from './errors.js';

/**
 * Throws MemcacheIllegalInputError unless `flags` is an unsigned 32-bit integer; the server
 * does not range-check flags, so a bad one would be stored wrapped or rejected mid-command.
 */
export function validateFlags(flags: number): void {
  if (!Number.isInteger(flags) || flags < 0 || flags > 0xffffffff) {
    throw new MemcacheIllegalInputError(`flags must be an unsigned 32-bit integer, not ${String(flags)}`);
  }
}
