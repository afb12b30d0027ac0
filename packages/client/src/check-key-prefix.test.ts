import { MemcacheIllegalInputError } from '@mc/protocol';
import { describe, expect, it } from 'vitest';
import { checkKeyPrefix } from './check-key-prefix.js';

describe('checkKeyPrefix', () => {
  it('passes a prefix a key can follow, and makes no prefix the empty one', () => {
    expect(checkKeyPrefix(undefined)).toBe('');
    expect(checkKeyPrefix('app:')).toBe('app:');
    expect(checkKeyPrefix('é'.repeat(124))).toBe('é'.repeat(124)); // 248 bytes
  });

  it('refuses a prefix no key could follow, saying it is the prefix', () => {
    for (const prefix of ['a b', 'tab\t', 'del\x7f', 'lone\ud800', 'x'.repeat(250), 'é'.repeat(125), 7]) {
      expect(() => checkKeyPrefix(prefix)).toThrow(MemcacheIllegalInputError);
      expect(() => checkKeyPrefix(prefix)).toThrow(/keyPrefix/);
    }
  });
});
