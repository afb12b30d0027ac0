import { describe, expect, it } from 'vitest';
import { cacheKey } from './cache-key.js';

describe('cacheKey', () => {
  it('keeps a name memcached can hold readable', () => {
    expect(cacheKey('next:', 'entry', '/route-cache/APP_PAGE/ab/$/blog')).toBe(
      'next:entry:/route-cache/APP_PAGE/ab/$/blog',
    );
    expect(cacheKey('next:', 'tag', '_N_T_/layout')).toBe('next:tag:_N_T_/layout');
  });

  it('hashes names with spaces, control characters or too many bytes into a valid key', () => {
    for (const name of [
      '/with space',
      '/tab\there',
      '/del\u007f',
      `/${'x'.repeat(300)}`,
      '/页面'.repeat(40),
    ]) {
      const key = cacheKey('next:', 'entry', name);
      expect(key).toMatch(/^next:entry#[A-Za-z0-9_-]{43}$/);
      expect(Buffer.byteLength(key)).toBeLessThanOrEqual(250);
    }
  });

  it('gives different names different keys, and never a plain key the hashed form of another', () => {
    const names = ['/a b', '/a  b', '/a\tb', `/${'y'.repeat(201)}`, `/${'y'.repeat(202)}`];
    const keys = names.map((name) => cacheKey('p:', 'entry', name));
    expect(new Set(keys).size).toBe(names.length);
    const hashed = keys[0]?.slice('p:entry#'.length) ?? '';
    expect(cacheKey('p:', 'entry', hashed)).not.toBe(keys[0]);
  });

  it('keeps non-ASCII names that fit as they are (UTF-8 keys are valid)', () => {
    expect(cacheKey('next:', 'entry', '/ünï')).toBe('next:entry:/ünï');
  });
});
