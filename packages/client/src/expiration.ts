import { MemcacheIllegalInputError } from '@mc/protocol';

/** memcached treats exptimes up to 30 days as relative and anything larger as a Unix time. */
export const RELATIVE_EXPTIME_LIMIT = 60 * 60 * 24 * 30;
const INT32_MAX = 2 ** 31 - 1;
/** Slack between computing longestTtl() and the request that uses it. */
const LONGEST_TTL_MARGIN = 60 * 60;

/**
 * The longest TTL memcached can hold from now (its exptime is a signed 32-bit Unix time, so
 * until 2038-01-19), less an hour so that it still fits when the request is made a little
 * later. For adapters whose framework may ask for more (Keyv's `Number.MAX_SAFE_INTEGER`, a
 * cookie's lifetime): clamping to this stores the entry for as long as memcached can, where
 * toExptime would refuse the write.
 */
export function longestTtl(now: () => number = Date.now): number {
  return INT32_MAX - Math.floor(now() / 1000) - LONGEST_TTL_MARGIN;
}

/**
 * Turns a TTL in seconds from now into the exptime memcached expects, so that long TTLs just
 * work: above 30 days the server would read the number as an absolute Unix time (a date in
 * 1970, expiring at once), so the client sends now + ttl instead. A negative TTL expires at
 * once. What cannot be represented (NaN, fractions, Infinity, past 2038) is illegal input.
 */
export function toExptime(ttl: number | undefined, now: () => number = Date.now): number {
  if (ttl === undefined) return 0;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl)) {
    throw new MemcacheIllegalInputError(`ttl must be a whole number of seconds, got ${String(ttl)}`);
  }
  if (ttl < 0) return -1;
  if (ttl <= RELATIVE_EXPTIME_LIMIT) return ttl;
  const absolute = Math.floor(now() / 1000) + ttl;
  if (absolute > INT32_MAX) {
    throw new MemcacheIllegalInputError(
      `ttl ${ttl} s reaches past what memcached can represent (2038-01-19): ttl counts seconds ` +
        'from now; did you pass milliseconds or a Unix time? (0 never expires)',
    );
  }
  return absolute;
}
