import { describe, expect, it } from 'vitest';
import { murmur3_32 } from './murmur3.js';

const text = (value: string) => new TextEncoder().encode(value);

describe('murmur3_32', () => {
  it('matches the reference vectors of MurmurHash3_x86_32', () => {
    expect(murmur3_32(text(''))).toBe(0);
    expect(murmur3_32(text(''), 1)).toBe(0x514e28b7);
    expect(murmur3_32(text(''), 0xffffffff)).toBe(0x81f16f39);
    expect(murmur3_32(text('hello'))).toBe(0x248bfa47);
    expect(murmur3_32(text('The quick brown fox jumps over the lazy dog'))).toBe(0x2e4ff723);
    expect(murmur3_32(new Uint8Array([0x21, 0x43, 0x65, 0x87]))).toBe(0xf55b516b);
    expect(murmur3_32(new Uint8Array([0x21, 0x43, 0x65]))).toBe(0x7e4a8634);
    expect(murmur3_32(new Uint8Array([0x21, 0x43]))).toBe(0xa0f7b07a);
    expect(murmur3_32(new Uint8Array([0x21]))).toBe(0x72661cf4);
  });

  it('hashes a range of a larger buffer like the range alone', () => {
    const whole = text('xxThe quick brown foxyy');
    expect(murmur3_32(whole, 7, 2, whole.length - 2)).toBe(murmur3_32(text('The quick brown fox'), 7));
  });
});
