import { startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeKeySpace, sameValue } from '../key-space.mjs';
import { probeBinary } from '../probe-binary.mjs';
import {
  mcClient,
  memcacheClient,
  memcacheClientClient,
  memcachedClient,
  memjsClient,
  rawPipelineClient,
} from './index.mjs';

// The adapters are the one place where a peer's API is interpreted; a peer release that changes
// its answers must fail here, not quietly turn the bench into a measurement of misses.
const peers = [rawPipelineClient, memjsClient, memcachedClient, memcacheClientClient, memcacheClient];

describe.each(peers)('$id adapter', (definition) => {
  let server;
  let client;
  const space = makeKeySpace(`test-${definition.id}`);
  beforeAll(async () => {
    server = await startMemcached({ threads: 1, args: ['-I', '2m'] });
    client = await definition.open(server);
  });
  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  it('sets, gets and misses', async () => {
    expect(await client.set(space.small[0], space.smallValues[0].string)).not.toBe(false);
    expect(sameValue(await client.get(space.small[0]), space.smallValues[0])).toBe(true);
    expect(await client.get(`${space.small[0]}:missing`)).toBeUndefined();
  });

  it('multi-gets one batch, leaving out missing keys', async () => {
    const batch = space.batches[1];
    await Promise.all(batch.map((key, index) => client.set(key, space.smallValues[100 + index].string)));
    const result = await client.getMulti([...batch, `${batch[0]}:missing`]);
    batch.forEach((key, index) => {
      expect(sameValue(client.pick(result, key), space.smallValues[100 + index])).toBe(true);
    });
    expect(client.pick(result, `${batch[0]}:missing`)).toBeUndefined();
  });

  it('round-trips a 1 MB value', async () => {
    await client.set(space.large[0], space.largeValues[0].string);
    expect(sameValue(await client.get(space.large[0]), space.largeValues[0])).toBe(true);
  });

  it('reports on binary values', async () => {
    const verdict = await probeBinary(client, `test-${definition.id}:binary`);
    // jaredwray's memcache takes strings only; everyone else keeps the bytes.
    if (definition.id === 'memcache') expect(verdict).not.toBe('ok');
    else expect(verdict).toBe('ok');
  });
});

describe('mc adapter', () => {
  it('opens, or says why @mc/client cannot be measured yet', async () => {
    const server = await startMemcached({ threads: 1 });
    try {
      const client = await mcClient.open(server).catch((error) => error);
      if (client instanceof Error) {
        expect(client.message).toMatch(/^not built yet/);
        return;
      }
      await client.set('mc:a', 'hello');
      expect(String(await client.get('mc:a'))).toBe('hello');
      await client.close();
    } finally {
      await server.stop();
    }
  });
});
