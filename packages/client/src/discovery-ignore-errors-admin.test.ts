import { closedPort } from '@mc/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { HashClient } from './index.js';

// HashClient: "stats() and version() resolve a Map from node name to that node's answer", and
// under ignoreErrors "network and server errors become misses on reads and false on writes",
// stats()/version() answering "of the nodes that answered" (a node that fails is left out).
// With discovery, "a command made before the first list waits for it ... and fails with
// MemcacheConnectionError ... if the endpoint cannot give one": under ignoreErrors get, set,
// getMany and metaGet all absorb that network error; stats() and version() must too, as they
// do when every listed server is unreachable.

const clients: HashClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

describe('ignoreErrors with a configuration endpoint that is down', () => {
  it('stats() and version() resolve an empty Map (no node answered), as with unreachable servers', async () => {
    const down = await closedPort();
    const servers = new HashClient([down.address], { ignoreErrors: true, connectTimeout: 300 });
    const discovered = new HashClient([], {
      ignoreErrors: true,
      connectTimeout: 300,
      discovery: { endpoint: down.address },
    });
    clients.push(servers, discovered);

    // The same client absorbs the endpoint's failure on reads and writes...
    expect(await discovered.get('k')).toBeUndefined();
    expect(await discovered.set('k', 'v')).toBe(false);
    // ...and a client whose only server is down leaves it out of stats() and version().
    expect(await servers.stats()).toEqual(new Map());
    expect(await servers.version()).toEqual(new Map());

    const outcome = (promise: Promise<unknown>) =>
      promise.then(
        (value) => value,
        (error: unknown) => `${(error as Error).name}: ${(error as Error).message}`,
      );
    expect(await outcome(discovered.stats())).toEqual(new Map());
    expect(await outcome(discovered.version())).toEqual(new Map());
  });
});
