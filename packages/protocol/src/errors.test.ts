import { describe, expect, it } from 'vitest';
import { MemcacheDeserializeError, MemcacheError, MemcacheIllegalInputError } from './errors.js';

describe('MemcacheDeserializeError', () => {
  it('carries the key whose value failed, and its cause', () => {
    const cause = new SyntaxError('bad pickle');
    const error = new MemcacheDeserializeError('could not decode "user:1"', { key: 'user:1', cause });
    expect(error.key).toBe('user:1');
    expect(error.cause).toBe(cause);
    expect(error.code).toBe('MC_DESERIALIZE_ERROR');
    expect(error.name).toBe('MemcacheDeserializeError');
    expect(error).toBeInstanceOf(MemcacheError);
    expect(error).not.toBeInstanceOf(MemcacheIllegalInputError);
    expect(new MemcacheDeserializeError('no key').key).toBeUndefined();
  });
});
