import { pathToFileURL } from 'node:url';
import { type MemcachedServer, runScript, startCluster, startFakeServer } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  HashClient,
  MemcacheConnectionError,
  MemcacheTimeoutError,
  MemcacheUnexpectedCloseError,
  RetryingClient,
} from './index.js';

// The child processes load the built package, as an application would.
const client = pathToFileURL(new URL('../dist/index.js', import.meta.url).pathname).href;

let servers: MemcachedServer[];

beforeAll(async () => {
  servers = await startCluster(2);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

describe('a script that never calls close() exits', () => {
  const cases: Record<string, (addresses: string[]) => string> = {
    Client: ([address]) => `new Client('${address}')`,
    'Client with connections: 4': ([address]) => `new Client('${address}', { connections: 4 })`,
    HashClient: (addresses) => `new HashClient(${JSON.stringify(addresses)}, { failover: true })`,
    RetryingClient: ([address]) => `new RetryingClient(new Client('${address}'))`,
  };
  for (const [name, make] of Object.entries(cases)) {
    it(name, async () => {
      const source = `
        import { Client, HashClient, RetryingClient } from '${client}';
        const client = ${make(servers.map((server) => server.address))};
        await client.set('lifecycle:k', 'v');
        const values = await Promise.all([client.get('lifecycle:k'), client.getMany(['lifecycle:k', 'x'])]);
        const loaded = await client.getOrSet('lifecycle:loaded:' + Date.now(), async () => 'fresh', { ttl: 60 });
        await client.metaSet('lifecycle:m', 'meta');
        console.log(values[0], values[1].size, loaded);
      `;
      // The deadline only matters if the script never exits (then it is killed, code null).
      const run = await runScript(source, 20_000);
      expect(run.stderr).toBe('');
      expect(run.stdout.trim()).toBe('v 1 fresh');
      expect(run.code).toBe(0);
    });
  }
});

describe('close()', () => {
  it('settles against a frozen server with timeout: 0, and at once with force', async () => {
    const frozen = await startFakeServer();
    try {
      const unbounded = new Client(frozen.address, { timeout: 0 });
      const waiting = unbounded.get('k');
      await new Promise((resolve) => setTimeout(resolve, 50));
      let started = performance.now();
      await unbounded.close();
      // close() gives pending requests 2 s when timeout is 0; without that it would never settle.
      expect(performance.now() - started).toBeLessThan(10_000);
      await expect(waiting).rejects.toBeInstanceOf(MemcacheTimeoutError);

      for (const forced of [
        new Client(frozen.address, { timeout: 0 }),
        new HashClient([frozen.address], { timeout: 0 }),
        new RetryingClient(new Client(frozen.address, { timeout: 0 })),
      ]) {
        const pending = forced.get('k');
        await new Promise((resolve) => setTimeout(resolve, 50));
        started = performance.now();
        await forced.close({ force: true });
        // Without force, close() would wait the 2 s it gives pending requests.
        expect(performance.now() - started).toBeLessThan(1_000);
        // (RetryingClient tries once more, and finds the client closed.)
        const error = await pending.catch((reason: unknown) => reason);
        expect(
          error instanceof MemcacheUnexpectedCloseError || error instanceof MemcacheConnectionError,
        ).toBe(true);
      }
    } finally {
      await frozen.close();
    }
  });
});
