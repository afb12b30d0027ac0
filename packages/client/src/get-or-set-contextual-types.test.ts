import { describe, expect, it } from 'vitest';
import { diagnosticsOf } from './test-support/type-diagnostics.js';

// getOrSet's loader used to be contextually typed by the type the caller expects of the result
// (`const user: User = await client.getOrSet(...)`, or a function declared `Promise<User>`
// returning it): TypeScript inferred T from that expected type, so an object literal whose
// field is a union of literals (`role: 'admin'`) kept its literal and the call compiled. The
// loader-type overload infers F from the loader alone, widens `'admin'` to `string`, and the
// same, previously valid, code no longer compiles.

describe('getOrSet on an untyped client: the expected result type still types the loader', () => {
  it('Client, HashClient and MemoryClient accept an object-literal loader typed by the declared result', () => {
    // The same calls against the previous signature compile.
    expect(
      diagnosticsOf(`
        import type { DefaultValue, GetOrSetOptions, ReadValue } from '@mc/client';
        declare class Before<V = DefaultValue> {
          getOrSet<T extends V | undefined = ReadValue<V>>(
            key: string, loader: () => T | Promise<T>, options: GetOrSetOptions): Promise<T>;
        }
        interface User { name: string; role: 'admin' | 'user' }
        const client = new Before();
        export const user: User = await client.getOrSet('u', async () => ({ name: 'a', role: 'admin' }), { ttl: 60 });
        export async function load(): Promise<User> {
          return client.getOrSet('u', () => ({ name: 'a', role: 'admin' }), { ttl: 60 });
        }
      `),
    ).toEqual([]);
    expect(
      diagnosticsOf(`
        import { Client, HashClient } from '@mc/client';
        import { MemoryClient } from '@mc/client/testing';
        interface User { name: string; role: 'admin' | 'user' }
        const client = new Client('127.0.0.1:1');
        const cluster = new HashClient(['127.0.0.1:1']);
        const memory = new MemoryClient();
        export const a: User = await client.getOrSet('u', async () => ({ name: 'a', role: 'admin' }), { ttl: 60 });
        export const b: User = await cluster.getOrSet('u', async () => ({ name: 'a', role: 'admin' }), { ttl: 60 });
        export async function load(): Promise<User> {
          return memory.getOrSet('u', () => ({ name: 'a', role: 'admin' }), { ttl: 60 });
        }
      `),
    ).toEqual([]);
  });
});
