import { startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, HashClient } from '../index.js';

// Fixed cases from failures the model-based suite (model.test.ts) found, shrunk by hand to
// the calls that matter. Each failed before its fix.

let server: Awaited<ReturnType<typeof startMemcached>>;
beforeAll(async () => {
  server = await startMemcached();
});
afterAll(() => server.stop());

describe('found by the model-based suite', () => {
  // Seed 20261201, "Client, 3 connections", run 4 (plan "splits", so no fault at all):
  // metaSet(t3, …, { base64: true }) then metaGet(t3) in the same tick; the metaGet missed.
  // A base64 meta request was routed by its encoded key, so with `connections > 1` it could
  // ride another socket than the plain requests for the same key, and lose its call order.
  it('a base64 meta request keeps call order with plain requests for its key (connections: 3)', async () => {
    const client = new Client(server.address, { connections: 3, keyPrefix: 'b64order:' });
    try {
      for (let index = 0; index < 30; index++) {
        const key = `key-${index}`;
        const [, viaMeta, viaGet, deleted, after] = await Promise.all([
          client.metaSet(key, `first-${index}`, { base64: true }),
          client.metaGet(key, { value: true }),
          client.get(key),
          client.metaDelete(key, { base64: true }),
          client.get(key),
        ]);
        expect([viaMeta?.value, viaGet, deleted.status, after]).toEqual([
          `first-${index}`,
          `first-${index}`,
          'deleted',
          undefined,
        ]);
      }
    } finally {
      await client.close();
    }
  });

  it('the same through HashClient with several sockets per node', async () => {
    const client = new HashClient([server.address], { connections: 3 });
    try {
      for (let index = 0; index < 30; index++) {
        const key = `hash-b64-${index}`;
        const [, viaGet, viaMeta] = await Promise.all([
          client.set(key, `value-${index}`),
          client.metaGet(key, { value: true, base64: true }),
          client.get(key),
        ]);
        expect([viaGet?.value, viaMeta]).toEqual([`value-${index}`, `value-${index}`]);
      }
    } finally {
      await client.close();
    }
  });
});
