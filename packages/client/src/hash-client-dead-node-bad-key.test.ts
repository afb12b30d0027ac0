import { closedPort } from '@mc/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { HashClient, MemcacheIllegalInputError } from './index.js';

// The contract: "A bad key ... rejects with MemcacheIllegalInputError before a single byte is sent";
// ignoreErrors and dead nodes turn *network* failures into misses, "illegal input still
// rejects". A one-key get/gets routed to a node HashClient holds dead is refused before the
// key is ever checked, and the refusal is read as a miss: a key with a space, a newline or
// 300 bytes resolves `undefined`, as if it were a fine key that is absent. getMany, gat and
// metaGet of the same keys do reject (they encode, and so check, before routing).
describe('HashClient: a bad key is illegal input even when its node is dead', () => {
  const clients: HashClient[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close({ force: true })));
  });

  it('get and gets reject bad keys on a dead node, as getMany, gat and metaGet do', async () => {
    const { address } = await closedPort();
    const client = new HashClient([address], {
      connectTimeout: 200,
      timeout: 300,
      retryAttempts: 1,
      deadTimeout: 60_000,
    });
    clients.push(client);
    await expect(client.set('x', 'y')).rejects.toThrow(); // marks the only node dead
    await expect(client.getMany(['bad key'])).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    await expect(client.gat('bad key', 1)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    await expect(client.get('bad key')).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    await expect(client.gets('bad\r\nkey')).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    await expect(client.get('k'.repeat(300))).rejects.toBeInstanceOf(MemcacheIllegalInputError);
  });
});
