import { longestTtl } from '@mc/client';

/**
 * Converts a TTL in milliseconds (Keyv's and cookies' unit) into memcached's seconds,
 * rounding up so an entry never expires early and a short positive TTL (say 200 ms) becomes
 * 1 second instead of 0, which memcached would read as "never expires". No TTL, 0 or
 * Infinity mean no expiry (0); a negative TTL expires at once (-1). A TTL of years is kept as
 * it is; one past what memcached can represent (Number.MAX_SAFE_INTEGER, say) is stored until
 * then (`longestTtl()`) rather than refused as past 2038.
 */
export function millisecondsToTtl(milliseconds: number | undefined): number {
  if (milliseconds === undefined || milliseconds === 0 || milliseconds === Number.POSITIVE_INFINITY) return 0;
  if (Number.isNaN(milliseconds)) return 0;
  if (milliseconds < 0) return -1;
  return Math.min(longestTtl(), Math.max(1, Math.ceil(milliseconds / 1000)));
}
