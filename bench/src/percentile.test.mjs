import { describe, expect, it } from 'vitest';
import { percentile } from './percentile.mjs';

describe('percentile', () => {
  it('takes the nearest rank of the recorded samples only', () => {
    const samples = new Float64Array([5, 1, 4, 2, 3, 1000]);
    expect(percentile(samples, 5, 0.5)).toBe(3);
    expect(percentile(samples, 5, 0.99)).toBe(5);
    expect(percentile(samples, 5, 0)).toBe(1);
  });

  it('is NaN with no samples', () => {
    expect(percentile(new Float64Array(4), 0, 0.5)).toBeNaN();
  });
});
