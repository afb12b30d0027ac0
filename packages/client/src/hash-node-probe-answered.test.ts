import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, HashClient, MemcacheClientError, MemcacheServerError } from './index.js';

// HashClient marks a node dead after retryAttempts *node* failures (connection, timeout,
// unexpected close: isNodeFailure) and, after deadTimeout, lets one request through as a
// probe. HashNode#guard keeps the node dead for another deadTimeout when the probe fails
// with *any* error, so a probe the server answers with an ordinary per-request error
// (CLIENT_ERROR for incr on a text value, SERVER_ERROR object too large) — proof that the
// node is up — holds a healthy node dead: its keys are misses and its writes are refused
// for another full deadTimeout (60 s by default).
describe('HashClient: a probe the server answers revives the node', () => {
  let server: MemcachedServer;
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    server = await startMemcached();
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await server.stop();
  });

  async function deadThenBack(): Promise<{ client: HashClient; direct: Client }> {
    // deadTimeout 1 s: the second get below surely comes before the node is due for a probe.
    const client = new HashClient([server.address], {
      retryAttempts: 1,
      deadTimeout: 1_000,
      connectTimeout: 2_000,
      timeout: 2_000,
    });
    closers.push(() => client.close({ force: true }));
    await server.stop();
    await expect(client.get('any')).rejects.toThrow(); // the failure marks it dead
    await expect(client.get('any')).resolves.toBeUndefined(); // dead: a miss, at once
    await server.restart();
    const direct = new Client(server.address);
    closers.push(() => direct.close());
    await direct.set('text', 'not a number');
    await direct.set('kept', 'value');
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // deadTimeout passes
    return { client, direct };
  }

  it('a CLIENT_ERROR answer to the probe', async () => {
    const { client } = await deadThenBack();
    await expect(client.incr('text')).rejects.toBeInstanceOf(MemcacheClientError); // the probe
    expect(await client.get('kept')).toBe('value');
  });

  it('a SERVER_ERROR object too large answer to the probe', async () => {
    const { client } = await deadThenBack();
    await expect(client.set('big', 'x'.repeat(2_000_000))).rejects.toBeInstanceOf(MemcacheServerError);
    expect(await client.get('kept')).toBe('value');
  });
});
