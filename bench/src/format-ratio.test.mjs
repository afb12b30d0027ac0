import { describe, expect, it } from 'vitest';
import { formatRatio } from './format-ratio.mjs';
import { median } from './median.mjs';
import { ratioOf } from './ratio-of.mjs';

describe('formatRatio', () => {
  it('prints two places and an x, a dash for nothing measured', () => {
    expect(formatRatio(1.2649)).toBe('1.26x');
    expect(formatRatio(12.5)).toBe('12.50x');
    expect(formatRatio(0.5024, 3)).toBe('0.502x');
    expect(formatRatio(Number.NaN)).toBe('–');
    expect(formatRatio(undefined)).toBe('–');
  });
});

describe('ratioOf', () => {
  it('divides, and refuses missing or zero figures', () => {
    expect(ratioOf(30, 20)).toBe(1.5);
    expect(ratioOf(0, 20)).toBeNaN();
    expect(ratioOf(30, undefined)).toBeNaN();
    expect(ratioOf(Number.NaN, 1)).toBeNaN();
  });
});

describe('median', () => {
  it('takes the middle of odd and even counts, ignoring NaN', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([Number.NaN, 5])).toBe(5);
    expect(median([])).toBeNaN();
  });
});
