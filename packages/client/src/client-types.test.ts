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
  type UntypedValue,
} from './index.js';
import { MemoryClient } from './testing/index.js';

interface User {
  name: string;
  age: number;
}

// Types only: the clients are built (they connect lazily) but no command is ever called, so
// nothing touches the network. `tsc` (the typecheck task of `npm test`) checks these; the
// `@ts-expect-error` lines fail it when a wrong call starts to compile.
async function typesOnly(): Promise<void> {
  const client = new Client('127.0.0.1:1');
  // Ordinary code compiles on a client with no declared value type:
  const user = await client.get('u');
  console.log(user?.name, (await client.get('u')) as User | undefined);
  console.log((await client.metaGet('u', { value: true }))?.value.name);
  const typedMeta = await new Client<User>('127.0.0.1:1').metaGet('u', { value: true });
  const age: number | undefined = typedMeta?.value.age;
  // @ts-expect-error a Client<User>'s metaGet value is a User
  console.log(age, typedMeta?.value.nickname);
  // @ts-expect-error a stored value is never undefined
  await client.set('k', undefined);
  const typed = new Client<User>('127.0.0.1:1');
  // @ts-expect-error a Client<User> stores users only
  await typed.set('k', 'text');
  // @ts-expect-error per-call types narrow the client's value type, they do not widen it
  await typed.get<string>('k');
}

describe('value types', () => {
  it('reads of a plain client are usable without a cast, writes still checked', () => {
    const client = new Client('127.0.0.1:1');
    expectTypeOf(client.set).parameter(1).toEqualTypeOf<CacheValue>();
    const read = () => client.get('u');
    expectTypeOf(read).returns.resolves.toBeAny();
    const reads = () => client.getMany(['u']);
    expectTypeOf(reads).returns.resolves.toEqualTypeOf<Map<string, UntypedValue>>();
    expectTypeOf(typesOnly).toBeFunction();
  });

  it('takes a per-call type on every read', () => {
    const client = new Client('127.0.0.1:1');
    expectTypeOf(client.get<User>).returns.resolves.toEqualTypeOf<User | undefined>();
    expectTypeOf(client.getMany<User>).returns.resolves.toEqualTypeOf<Map<string, User>>();
    expectTypeOf(client.gets<User>).returns.resolves.toEqualTypeOf<CasValue<User> | undefined>();
    expectTypeOf(client.getsMany<User>).returns.resolves.toEqualTypeOf<Map<string, CasValue<User>>>();
    expectTypeOf(client.gat<User>).returns.resolves.toEqualTypeOf<User | undefined>();
    expectTypeOf(client.gats<User>).returns.resolves.toEqualTypeOf<CasValue<User> | undefined>();
    for (const other of [new HashClient(['127.0.0.1:1']), new MemoryClient(), new RetryingClient(client)]) {
      expectTypeOf(other.get<User>).returns.resolves.toEqualTypeOf<User | undefined>();
      expectTypeOf(other.getMany<User>).returns.resolves.toEqualTypeOf<Map<string, User>>();
    }
  });

  it('getOrSet infers its value type from the loader', () => {
    const client = new Client('127.0.0.1:1');
    const loaded = () => client.getOrSet('k', async () => ({ a: 1 }), { ttl: 60 });
    expectTypeOf(loaded).returns.resolves.toEqualTypeOf<{ a: number }>();
    const sync = () => client.getOrSet('k', () => String(Date.now()), { ttl: 60 });
    expectTypeOf(sync).returns.resolves.toEqualTypeOf<string>();
    const maybe = () => client.getOrSet('k', async (): Promise<User | undefined> => undefined, { ttl: 60 });
    expectTypeOf(maybe).returns.resolves.toEqualTypeOf<User | undefined>();
    const cluster = new RetryingClient(new HashClient(['127.0.0.1:1']));
    const clustered = () => cluster.getOrSet('k', async () => [1, 2], { ttl: 60 });
    expectTypeOf(clustered).returns.resolves.toEqualTypeOf<number[]>();
  });

  it('new Client<V>() fixes the value type for every call', () => {
    const client = new Client<User>('127.0.0.1:1', { keyPrefix: 'u:' });
    expectTypeOf(client.get).returns.resolves.toEqualTypeOf<User | undefined>();
    expectTypeOf(client.getMany).returns.resolves.toEqualTypeOf<Map<string, User>>();
    expectTypeOf(client.set).parameter(1).toEqualTypeOf<User>();
    const cluster = new HashClient<User>(['127.0.0.1:1']);
    expectTypeOf(cluster.gets).returns.resolves.toEqualTypeOf<CasValue<User> | undefined>();
    expectTypeOf(new MemoryClient<User>().get).returns.resolves.toEqualTypeOf<User | undefined>();
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
    const texts = new Client('127.0.0.1:1', { serde: jsonSerde as Serde<string> });
    expectTypeOf(texts.getOrSet('k', () => String(Date.now()), { ttl: 1 })).resolves.toEqualTypeOf<string>();
    const pickled = new Client('127.0.0.1:1', { serde: pickleSerde });
    expectTypeOf(pickled.set).parameter(1).toEqualTypeOf<CacheValue>();
  });
});
