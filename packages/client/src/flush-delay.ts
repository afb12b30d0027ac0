import { RELATIVE_EXPTIME_LIMIT, toExptime } from './expiration.js';

/**
 * The `flushAll` delay as memcached should read it. memcached takes any number above 30 days
 * for a Unix time, so a delay of 40 days would name a moment in 1970 and the flush would never
 * happen; as with TTLs, the client sends now + delay instead. Up to 30 days the delay goes as
 * it is, and the encoder checks it (a negative or fractional delay is illegal input).
 */
export function flushDelay(delay: number | undefined, now: () => number = Date.now): number | undefined {
  if (typeof delay !== 'number' || !(delay > RELATIVE_EXPTIME_LIMIT)) return delay;
  return toExptime(delay, now);
}
