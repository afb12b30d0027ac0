import { MemcacheServerError } from '@mc/client';

/** True for memcached's refusal of a value above its item size (`-I`, 1 MiB by default). */
export function isTooLargeError(error: unknown): boolean {
  return error instanceof MemcacheServerError && /too large/i.test(error.message);
}
