import { describe, expectTypeOf, it } from 'vitest';
import {
  type CacheValue,
  type CasValue,
  Client,
  HashClient,
  jsonSerde,
  pickleSerde,
  RetryingClient,
  type Serde,
} from './index.js';
import { MemoryClient } from './testing/index.js';

interface User {
  name: string;
  age: number;
}

// Types only: nothing here connects (clients connect lazily, on their first command).
describe('value types follow the serde', () => {
  it('defaults to what defaultSerde stores', () => {
    const client = new Client('127.0.0.1:1');
    expectTypeOf(client.get('k')).resolves.toEqualTypeOf<CacheValue | undefined>();
    expectTypeOf(client.getMany(['k'])).resolves.toEqualTypeOf<Map<string, CacheValue>>();
  });

  it('infers V from a typed serde, for Client, HashClient, MemoryClient and RetryingClient', () => {
    const users = jsonSerde as Serde<User>;
    const client = new Client('127.0.0.1:1', { serde: users });
    expectTypeOf(client.get('k')).resolves.toEqualTypeOf<User | undefined>();
    expectTypeOf(client.gets('k')).resolves.toEqualTypeOf<CasValue<User> | undefined>();
    expectTypeOf(client.set).parameter(1).toEqualTypeOf<User>();
    const cluster = new HashClient(['127.0.0.1:1'], { serde: users });
    expectTypeOf(cluster.get('k')).resolves.toEqualTypeOf<User | undefined>();
    expectTypeOf(new MemoryClient({ serde: users }).get('k')).resolves.toEqualTypeOf<User | undefined>();
    const retrying = new RetryingClient(client);
    expectTypeOf(retrying.get('k')).resolves.toEqualTypeOf<User | undefined>();
    expectTypeOf(new Client('127.0.0.1:1', { serde: pickleSerde }).get('k')).resolves.toEqualTypeOf<
      CacheValue | undefined
    >();
  });
});
