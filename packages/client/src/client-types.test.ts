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

// Types only: the clients are built (they connect lazily) but no command is ever called, so
// nothing touches the network; `tsc` in `npm test` is what checks these.
describe('value types follow the serde', () => {
  it('defaults to what defaultSerde stores', () => {
    const client = new Client('127.0.0.1:1');
    expectTypeOf(client.get).returns.resolves.toEqualTypeOf<CacheValue | undefined>();
    expectTypeOf(client.getMany).returns.resolves.toEqualTypeOf<Map<string, CacheValue>>();
  });

  it('infers V from a typed serde, for Client, HashClient, MemoryClient and RetryingClient', () => {
    const users = jsonSerde as Serde<User>;
    const client = new Client('127.0.0.1:1', { serde: users });
    expectTypeOf(client.get).returns.resolves.toEqualTypeOf<User | undefined>();
    expectTypeOf(client.gets).returns.resolves.toEqualTypeOf<CasValue<User> | undefined>();
    expectTypeOf(client.set).parameter(1).toEqualTypeOf<User>();
    const cluster = new HashClient(['127.0.0.1:1'], { serde: users });
    expectTypeOf(cluster.get).returns.resolves.toEqualTypeOf<User | undefined>();
    expectTypeOf(new MemoryClient({ serde: users }).get).returns.resolves.toEqualTypeOf<User | undefined>();
    expectTypeOf(new RetryingClient(client).get).returns.resolves.toEqualTypeOf<User | undefined>();
    const pickled = new Client('127.0.0.1:1', { serde: pickleSerde });
    expectTypeOf(pickled.get).returns.resolves.toEqualTypeOf<CacheValue | undefined>();
  });
});
