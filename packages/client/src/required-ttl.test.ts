import { MemcacheIllegalInputError } from '@mc/protocol';
import { describe, expect, it } from 'vitest';
import { requiredTtl } from './required-ttl.js';

describe('requiredTtl', () => {
  it('passes a given ttl on, 0 included, and refuses a missing one naming the command', () => {
    expect(requiredTtl(0, 'touch')).toBe(0);
    expect(requiredTtl(30, 'gat')).toBe(30);
    expect(() => requiredTtl(undefined as unknown as number, 'gats')).toThrow(MemcacheIllegalInputError);
    expect(() => requiredTtl(undefined as unknown as number, 'gats')).toThrow(/gats needs a ttl/);
  });
});
