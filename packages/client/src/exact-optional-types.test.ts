import { describe, expect, it } from 'vitest';
import { diagnosticsOf } from './test-support/type-diagnostics.js';

// Under a user's `exactOptionalPropertyTypes`, options declared `ttl?: number` refused an
// explicit `undefined` (TS2379), so `set(k, v, { ttl: maybeTtl })` did not compile, though
// every method takes an undefined option as absent at run time.
describe('options under exactOptionalPropertyTypes', () => {
  it('take undefined for every optional field', () => {
    const errors = diagnosticsOf(
      `
      import { Client, HashClient, RetryingClient, compressedSerde } from '@mc/client';
      import { MemoryClient } from '@mc/client/testing';
      declare const n: number | undefined;
      declare const b: boolean | undefined;
      declare const s: string | undefined;
      const client = new Client('127.0.0.1:1', { timeout: n, connectTimeout: n, keyPrefix: s,
        ignoreErrors: b, defaultNoreply: b, connections: n, maxValueBytes: n, tls: undefined,
        auth: undefined, noDelay: b, keepAlive: b, serde: undefined });
      const cluster = new HashClient(['127.0.0.1:1'], { retryAttempts: n, retryTimeout: n,
        deadTimeout: n, failover: b, hasher: undefined, discovery: undefined, timeout: n });
      const retrying = new RetryingClient(client, { attempts: n, retryDelay: n, retryFor: undefined,
        doNotRetryFor: undefined });
      export async function use(): Promise<void> {
        await client.set('k', 'v', { ttl: n, flags: n, noreply: b });
        await cluster.add('k', 'v', { ttl: n });
        await retrying.setMany({ k: 'v' }, { ttl: n, noreply: b });
        await client.metaGet('k', { value: b, ttl: b, touch: n, vivify: n, opaque: s, base64: b });
        await client.metaSet('k', 'v', { ttl: n, flags: n, mode: undefined, invalidate: b });
        await client.metaDelete('k', { invalidate: b, ttl: n });
        await client.metaArithmetic('k', { delta: undefined, initial: undefined, mode: undefined });
        await client.getOrSet('k', async () => 1, { ttl: 60, lockTtl: n, recacheWithin: n });
        await new MemoryClient({ keyPrefix: s }).set('k', 'v', { ttl: n });
        compressedSerde(undefined, { minSize: n, algorithm: undefined });
        await client.close({ timeout: n, force: b });
      }
      `,
      { exactOptionalPropertyTypes: true },
    );
    expect(errors).toEqual([]);
  });
});
