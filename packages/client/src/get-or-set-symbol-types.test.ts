import { describe, it } from 'vitest';
import { Client } from './index.js';

// Checked with `npx tsc -p tsconfig.json --noEmit` (vitest does not typecheck).
// LoadedValue<DefaultValue> is `{} | null | undefined`, and `{}` admits `symbol`, which the
// untyped client's value type (CacheValue = string | number | bigint | boolean | null | object)
// and its `set` refuse. Before d09bc18 the constraint was `V | undefined` and these were refused.
describe('review-q getOrSet on an untyped client', () => {
  it('refuses a loader returning what the serde cannot store, as set does', () => {
    const untyped = new Client('127.0.0.1:1');
    // @ts-expect-error symbol is not a CacheValue (set refuses it: this one is not flagged)
    void untyped.set('k', Symbol('s'));
    // @ts-expect-error symbol is not a CacheValue
    void untyped.getOrSet('k', () => Symbol('s'), { ttl: 1 });
    // @ts-expect-error symbol is not a CacheValue
    void untyped.getOrSet<symbol>('k', () => Symbol('s'), { ttl: 1 });
  });
});
