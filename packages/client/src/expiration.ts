import { MemcacheIllegalInputError } from '@mc/protocol';

/** memcached treats exptimes up to 30 days as relative and anything larger as a Unix time. */
export const RELATIVE_EXPTIME_LIMIT = 60 * 60 * 24 * 30;
/**
 * One year: the longest TTL the framework adapters store for a session or cache entry (a
 * framework's longer lifetime is capped there). The client itself takes any TTL memcached
 * can represent.
 */
export const MAX_TTL = 60 * 60 * 24 * 365;
const INT32_MAX = 2 ** 31 - 1;

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
