import { longestTtl } from '@mc/client';

/**
 * Converts a TTL in milliseconds (Keyv's unit) into memcached's seconds so that an entry never
 * expires early: rounded up, plus one. memcached's clock ticks in whole seconds, so an item
 * given N seconds lives between N − 1 and N of them (a 1,000 ms entry stored as 1 could go
 * within milliseconds); the extra second is never served, because Keyv checks its own
 * `expires` on every read (and the adapter's `has` does too). A short positive TTL (say 200 ms)
 * so becomes 2 seconds, never 0, which memcached would read as "never expires". No TTL, 0 or
 * Infinity mean no expiry (0); a negative TTL expires at once (-1). A TTL of years is kept as
 * it is; one past what memcached can represent (Number.MAX_SAFE_INTEGER, say) is stored until
 * then (`longestTtl()`) rather than refused as past 2038.
 */
export function millisecondsToTtl(milliseconds: number | undefined): number {
  if (milliseconds === undefined || milliseconds === 0 || milliseconds === Number.POSITIVE_INFINITY) return 0;
  if (Number.isNaN(milliseconds)) return 0;
  if (milliseconds < 0) return -1;
  return Math.min(longestTtl(), Math.ceil(milliseconds / 1000) + 1);
}
