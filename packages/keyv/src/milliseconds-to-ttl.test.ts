import { MAX_TTL } from '@mc/client';
import { describe, expect, it } from 'vitest';
import { millisecondsToTtl } from './milliseconds-to-ttl.js';

describe('millisecondsToTtl', () => {
  it('rounds up to whole seconds, so a short TTL is 1 second and never 0 ("forever")', () => {
    expect(millisecondsToTtl(1)).toBe(1);
    expect(millisecondsToTtl(200)).toBe(1);
    expect(millisecondsToTtl(999.5)).toBe(1);
    expect(millisecondsToTtl(1000)).toBe(1);
    expect(millisecondsToTtl(1001)).toBe(2);
    expect(millisecondsToTtl(60_000)).toBe(60);
    expect(millisecondsToTtl(90 * 24 * 3600 * 1000)).toBe(90 * 24 * 3600);
  });

  it('reads no TTL, 0, Infinity and NaN as no expiry, and a negative TTL as expired', () => {
    expect(millisecondsToTtl(undefined)).toBe(0);
    expect(millisecondsToTtl(0)).toBe(0);
    expect(millisecondsToTtl(Number.POSITIVE_INFINITY)).toBe(0);
    expect(millisecondsToTtl(Number.NaN)).toBe(0);
    expect(millisecondsToTtl(-5)).toBe(-1);
  });

  it("caps a TTL above the client's longest (a year) at that year", () => {
    expect(millisecondsToTtl(MAX_TTL * 1000)).toBe(MAX_TTL);
    expect(millisecondsToTtl(400 * 86_400_000)).toBe(MAX_TTL);
    expect(millisecondsToTtl(Number.MAX_SAFE_INTEGER)).toBe(MAX_TTL);
  });
});
