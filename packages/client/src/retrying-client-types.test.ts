import { describe, expect, it } from 'vitest';
import { diagnosticsOf } from './test-support/type-diagnostics.js';

// README (Value types): "V is the value type of the client: the serde's ..., or the one given
// to the constructor (new Client<User>(address)), and it types every read and write. ...
// HashClient, RetryingClient and MemoryClient take the same type parameters."
// So `new RetryingClient<User>(client)` must compile as `new Client<User>(address)` and
// `new HashClient<User>(servers)` do. RetryingClient's type parameter is the wrapped client's
// type instead, so the documented form is a compile error.

describe('RetryingClient takes the same type parameter as Client, HashClient and MemoryClient', () => {
  it('the fixture harness itself: Client<User>, HashClient<User>, MemoryClient<User> compile', () => {
    expect(
      diagnosticsOf(`
        import { Client, HashClient } from '@mc/client';
        import { MemoryClient } from '@mc/client/testing';
        interface User { name: string }
        const a = new Client<User>('127.0.0.1:1');
        const b = new HashClient<User>(['127.0.0.1:1']);
        const c = new MemoryClient<User>();
        export const reads: Array<Promise<User | undefined>> = [a.get('k'), b.get('k'), c.get('k')];
      `),
    ).toEqual([]);
  });

  it('new RetryingClient<User>(new Client<User>(address)) compiles and reads users', () => {
    expect(
      diagnosticsOf(`
        import { Client, HashClient, RetryingClient } from '@mc/client';
        interface User { name: string }
        const retrying = new RetryingClient<User>(new Client<User>('127.0.0.1:1'));
        const cluster = new RetryingClient<User>(new HashClient<User>(['127.0.0.1:1']));
        export const reads: Array<Promise<User | undefined>> = [retrying.get('k'), cluster.get('k')];
      `),
    ).toEqual([]);
  });
});
