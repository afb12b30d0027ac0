import diagnosticsChannel from 'node:diagnostics_channel';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client } from '../index.js';
import { MemoryClient } from './memory-client.js';

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await server.stop();
});

const CHANNELS = ['mc:command:start', 'mc:command:end', 'mc:command:error'] as const;

/** What the command channels publish while `run` uses `client`, as `channel command keyCount`. */
async function traced(client: Client | MemoryClient, run: (client: Client | MemoryClient) => Promise<void>) {
  const seen: string[] = [];
  const listeners = CHANNELS.map((name) => {
    const listener = (message: unknown) => {
      const { command, keyCount } = message as { command: string; keyCount: number };
      seen.push(`${name.slice('mc:command:'.length)} ${command} ${keyCount}`);
    };
    diagnosticsChannel.subscribe(name, listener);
    return () => diagnosticsChannel.unsubscribe(name, listener);
  });
  try {
    await run(client);
  } finally {
    for (const stop of listeners) stop();
    await client.close();
  }
  return seen;
}

// MemoryClient used to publish nothing on the command channels (only getOrSet's absorbed
// failures), so a test of code that tracing observes passed against memcached and failed
// against the double, or the other way round.
it('MemoryClient publishes on the command channels what Client publishes against memcached', async () => {
  const sequence = async (client: Client | MemoryClient) => {
    await client.set('trace:a', 'text');
    await client.get('trace:a');
    await client.getMany(['trace:a', 'trace:b']);
    await client.delete('trace:missing');
    await client.metaGet('trace:a', { value: true });
    await client.incr('trace:a').catch(() => undefined); // not a number: CLIENT_ERROR
  };
  const real = await traced(new Client(server.address), sequence);
  const memory = await traced(new MemoryClient(), sequence);
  expect(real).toContain('error incr 1');
  expect(memory).toEqual(real);
});
