import { describe, expect, it } from 'vitest';
import { Client } from './index.js';

// Checked by the package's typecheck (tsc over the tests); vitest does not typecheck. An
// untyped client's writes take what the serde stores, and a getOrSet loader's value is one:
// a symbol is refused there as `set` refuses it.
describe('getOrSet on an untyped client', () => {
  it('refuses a loader returning what the serde cannot store, as set does', () => {
    const untyped = new Client('127.0.0.1:1');
    // Never called: the calls are here for the compiler only.
    const calls = () => {
      // @ts-expect-error a symbol is no cache value
      void untyped.set('k', Symbol('s'));
      // @ts-expect-error a symbol is no cache value
      void untyped.getOrSet('k', () => Symbol('s'), { ttl: 1 });
      // @ts-expect-error a symbol is no cache value
      void untyped.getOrSet<symbol>('k', () => Symbol('s'), { ttl: 1 });
    };
    expect(typeof calls).toBe('function');
  });
});
