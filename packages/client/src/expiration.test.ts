import { MemcacheIllegalInputError } from '@mc/protocol';
import { startMemcached } from '@mc/test-utils';
import { Client } from './client.js';
import { describe, expect, it } from 'vitest';
import { longestTtl, RELATIVE_EXPTIME_LIMIT, toExptime } from './expiration.js';

describe('toExptime', () => {
  const now = () => 1_700_000_000_000;

  it('keeps 0 (never) and short TTLs as they are', () => {
    expect(toExptime(undefined)).toBe(0);
    expect(toExptime(0)).toBe(0);
    expect(toExptime(1)).toBe(1);
    expect(toExptime(RELATIVE_EXPTIME_LIMIT)).toBe(RELATIVE_EXPTIME_LIMIT);
  });

  it('sends TTLs above 30 days as absolute Unix time', () => {
    expect(toExptime(RELATIVE_EXPTIME_LIMIT + 1, now)).toBe(1_700_000_000 + RELATIVE_EXPTIME_LIMIT + 1);
    expect(toExptime(365 * 86_400, now)).toBe(1_700_000_000 + 365 * 86_400);
  });

  it('takes any TTL memcached can represent, years included, and refuses one past 2038 saying why', () => {
    // "Long TTLs just work": a year and more is sent as the absolute time it means.
    expect(toExptime(365 * 86_400, now)).toBe(1_700_000_000 + 365 * 86_400);
    expect(toExptime(400 * 86_400, now)).toBe(1_700_000_000 + 400 * 86_400);
    expect(toExptime(2 ** 31 - 1 - 1_700_000_000, now)).toBe(2 ** 31 - 1);
    // Past 2038 (a Unix time, or milliseconds of a week) cannot be represented.
    for (const ttl of [2 ** 31 - 1_700_000_000, 604_800_000, 1_700_000_000]) {
      expect(() => toExptime(ttl, now)).toThrow(/2038.*milliseconds or a Unix time/);
    }
  });

  it('expires negative TTLs at once', () => {
    expect(toExptime(-5)).toBe(-1);
  });

  it.each([
    Number.NaN,
    1.5,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    2 ** 40,
    '10' as unknown as number,
  ])('rejects %s', (ttl) => {
    expect(() => toExptime(ttl, now)).toThrow(MemcacheIllegalInputError);
  });
});

describe('longestTtl', () => {
  it('is the longest TTL toExptime takes, less a margin for the time until the request is made', () => {
    const now = () => 1_700_000_000_000;
    const longest = longestTtl(now);
    expect(toExptime(longest, now)).toBeLessThanOrEqual(2 ** 31 - 1);
    expect(toExptime(longest, () => now() + 60_000)).toBeLessThanOrEqual(2 ** 31 - 1);
    expect(longest).toBeGreaterThan(2 ** 31 - 1 - 1_700_000_000 - 86_400);
    expect(longestTtl()).toBeGreaterThan(10 * 365 * 86_400);
  });
});

describe('long TTLs against memcached', () => {
  it('a TTL of 400 days is stored, and memcached counts it as 400 days', async () => {
    const server = await startMemcached();
    const client = new Client(server.address);
    try {
      const ttl = 400 * 86_400;
      expect(await client.set('long:400d', 'v', { ttl })).toBe(true);
      const read = await client.metaGet('long:400d', { ttl: true });
      expect(read?.ttl).toBeGreaterThan(ttl - 60);
      expect(read?.ttl).toBeLessThanOrEqual(ttl);
      expect(await client.touch('long:400d', 2 * 365 * 86_400)).toBe(true);
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
