import { MemcacheIllegalInputError } from '@mc/protocol';
import { describe, expect, it } from 'vitest';
import { MAX_TTL, RELATIVE_EXPTIME_LIMIT, toExptime } from './expiration.js';

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

  it('refuses a TTL above a year, which is most likely milliseconds, with a message that says so', () => {
    expect(toExptime(MAX_TTL, now)).toBe(1_700_000_000 + MAX_TTL);
    for (const ttl of [MAX_TTL + 1, 86_400_000, 604_800_000, 1_700_000_000]) {
      expect(() => toExptime(ttl, now)).toThrow(/seconds.*milliseconds/);
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
