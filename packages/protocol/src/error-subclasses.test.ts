import { describe, expect, it } from 'vitest';
import { MemcacheConnectionError, MemcacheError, MemcacheTimeoutError } from './index.js';

// "All extend MemcacheError and carry a stable code string; name equals the class name", and
// instanceof is answered across installed copies. An application that derives its own class
// from one of them (a custom serde's error, a wrapper's error) must still get ordinary
// instanceof answers: an error that is not an instance of that class must not test as one.

describe('instanceof with an application subclass of the error family', () => {
  class AppCacheError extends MemcacheError {}
  class SlowCacheError extends MemcacheTimeoutError {}

  it('recognizes its own instances', () => {
    const own = new AppCacheError('app');
    expect(own).toBeInstanceOf(AppCacheError);
    expect(own).toBeInstanceOf(MemcacheError);
    expect(own.name).toBe('AppCacheError');
  });

  it('does not claim errors of other classes (a connection error is no AppCacheError)', () => {
    expect(new MemcacheConnectionError('refused') instanceof AppCacheError).toBe(false);
    expect(new MemcacheError('plain') instanceof AppCacheError).toBe(false);
  });

  it("does not claim the parent class's own instances (a timeout is no SlowCacheError)", () => {
    expect(new MemcacheTimeoutError('late') instanceof SlowCacheError).toBe(false);
  });
});
