import { describe, expect, it } from 'vitest';
import { keySegment } from './key-segment.js';

describe('keySegment', () => {
  it('keeps keys memcached accepts as they are', () => {
    expect(keySegment('user:1', 100)).toBe('user:1');
    expect(keySegment('ключ-🎉', 100)).toBe('ключ-🎉');
  });

  it('hashes what memcached refuses, what is too long, and what looks hashed', () => {
    for (const key of ['', 'a b', 'a\nb', 'a\tb', 'a\u007fb', 'x'.repeat(101), '~abc', 'lone \ud800']) {
      const segment = keySegment(key, 100);
      expect(segment).toMatch(/^~[A-Za-z0-9_-]{43}$/);
    }
    expect(keySegment('x'.repeat(100), 100)).toBe('x'.repeat(100));
    // 'é' is two bytes in UTF-8: 51 of them do not fit in 100 bytes.
    expect(keySegment('é'.repeat(51), 100)).toMatch(/^~/);
  });

  it('gives distinct strings distinct segments, lone surrogates included', () => {
    const keys = [
      'a b',
      'a  b',
      '\ud800',
      '\udbff',
      '\udfff',
      '\ufffd x',
      'x'.repeat(300),
      `${'x'.repeat(300)}y`,
    ];
    const segments = new Set(keys.map((key) => keySegment(key, 100)));
    expect(segments.size).toBe(keys.length);
    expect(keySegment('a b', 100)).toBe(keySegment('a b', 100));
  });
});
