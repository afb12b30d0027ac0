import { longestTtl } from '@mc/client';
import { describe, expect, it } from 'vitest';
import { millisecondsToTtl } from './milliseconds-to-ttl.js';

describe('millisecondsToTtl', () => {
  it('rounds up to whole seconds and adds one (memcached ticks whole seconds), so a short TTL is never 0 ("forever")', () => {
    expect(millisecondsToTtl(1)).toBe(2);
    expect(millisecondsToTtl(200)).toBe(2);
    expect(millisecondsToTtl(999.5)).toBe(2);
    expect(millisecondsToTtl(1000)).toBe(2);
    expect(millisecondsToTtl(1001)).toBe(3);
    expect(millisecondsToTtl(60_000)).toBe(61);
    expect(millisecondsToTtl(90 * 24 * 3600 * 1000)).toBe(90 * 24 * 3600 + 1);
  });

  it('reads no TTL, 0, Infinity and NaN as no expiry, and a negative TTL as expired', () => {
    expect(millisecondsToTtl(undefined)).toBe(0);
    expect(millisecondsToTtl(0)).toBe(0);
    expect(millisecondsToTtl(Number.POSITIVE_INFINITY)).toBe(0);
    expect(millisecondsToTtl(Number.NaN)).toBe(0);
    expect(millisecondsToTtl(-5)).toBe(-1);
  });

  it('keeps a TTL of years as it is, and caps only one memcached cannot represent (past 2038)', () => {
    expect(millisecondsToTtl(365 * 86_400_000)).toBe(365 * 86_400 + 1);
    expect(millisecondsToTtl(400 * 86_400_000)).toBe(400 * 86_400 + 1);
    expect(millisecondsToTtl(5 * 365 * 86_400_000)).toBe(5 * 365 * 86_400 + 1);
    const longest = longestTtl();
    expect(longest).toBeGreaterThan(5 * 365 * 86_400);
    expect(millisecondsToTtl(Number.MAX_SAFE_INTEGER)).toBe(longest);
    expect(millisecondsToTtl(100 * 365 * 86_400_000)).toBe(longest);
  });
});
