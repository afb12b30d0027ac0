import { describe, expectTypeOf, it } from 'vitest';
import { Client, HashClient, RetryingClient } from './index.js';

// "getOrSet infers T from its loader": a loader typed `() => number` makes a Promise<number>.
describe('getOrSet infers T from its loader', () => {
  it('a synchronous loader returning a number gives number, not a literal type', () => {
    const client = new Client('127.0.0.1:1');
    const loader = () => 42;
    expectTypeOf(loader).returns.toEqualTypeOf<number>();
    expectTypeOf(client.getOrSet('k', () => 42, { ttl: 60 })).resolves.toEqualTypeOf<number>();
  });
  it('a synchronous loader returning a string gives string', () => {
    const client = new Client('127.0.0.1:1');
    expectTypeOf(client.getOrSet('k', () => 'page', { ttl: 60 })).resolves.toEqualTypeOf<string>();
  });
});

describe('getOrSet infers T from its loader on HashClient and RetryingClient', () => {
  it('HashClient and RetryingClient widen a synchronous loader the same way', () => {
    const hash = new HashClient(['127.0.0.1:1']);
    expectTypeOf(hash.getOrSet('k', () => 42, { ttl: 60 })).resolves.toEqualTypeOf<number>();
    const retrying = new RetryingClient(new Client('127.0.0.1:1'));
    expectTypeOf(retrying.getOrSet('k', () => 42, { ttl: 60 })).resolves.toEqualTypeOf<number>();
  });
});
