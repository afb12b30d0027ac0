import { MemcacheIllegalInputError, MemcacheServerError } from '@mc/client';

/**
 * True for a value refused for its size: by memcached, above its item size (`-I`, 1 MiB by
 * default), or by the client before sending, above its own `maxValueBytes`.
 */
export function isTooLargeError(error: unknown): boolean {
  if (error instanceof MemcacheServerError) return /too large/i.test(error.message);
  return error instanceof MemcacheIllegalInputError && /maxValueBytes/.test(error.message);
}
