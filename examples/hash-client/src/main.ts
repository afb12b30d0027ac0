// HashClient over three memcached nodes.
//
//   keys ──rendezvous hash──► node A │ node B │ node C     (the same placement as pymemcache's
//                                                          HashClient for the same server names)
//
// 1. 1,000 keys go out with setMany; stats show how they spread.
// 2. getMany fetches them all: keys are grouped per node and the nodes asked in parallel.
// 3. One node dies. With failover off (the default) its keys become misses, thanks to
//    ignoreErrors, and stay put; the other nodes' keys are still served.
//
// `npm start` starts three throwaway nodes unless MEMCACHED_SERVERS lists yours (then step 3,
// which stops a node, is skipped).
import { HashClient } from '@mc/client';
import { type MemcachedServer, startCluster } from '@mc/test-utils';

const fromEnvironment = (process.env.MEMCACHED_SERVERS ?? '').split(',').filter(Boolean);
const nodes: MemcachedServer[] = fromEnvironment.length > 0 ? [] : await startCluster(3);
const servers = fromEnvironment.length > 0 ? fromEnvironment : nodes.map((node) => node.address);

const client = new HashClient(servers, {
  ignoreErrors: true, // a dead node's reads become misses and its writes `false`
  retryAttempts: 1, // one failure marks a node dead...
  deadTimeout: 60_000, // ...for a minute before it is probed again
  timeout: 1_000,
});

try {
  const keys = Array.from({ length: 1_000 }, (_, index) => `user:${index}`);
  const notStored = await client.setMany(
    new Map(keys.map((key, index) => [key, { id: index, name: `user ${index}` }])),
  );
  console.log(`setMany: ${keys.length - notStored.length} of ${keys.length} stored`);

  const perNode = await client.stats();
  for (const [server, stats] of perNode) console.log(`  ${server}: ${stats.curr_items} items`);

  const started = performance.now();
  const all = await client.getMany(keys);
  console.log(
    `getMany: ${all.size} of ${keys.length} found in ${(performance.now() - started).toFixed(1)} ms`,
  );

  if (nodes.length === 3) {
    const victim = nodes[0]!;
    const victimItems = Number(perNode.get(victim.address)?.curr_items ?? 0);
    await victim.kill();
    console.log(`killed ${victim.address}`);
    const survivors = await client.getMany(keys);
    console.log(
      `getMany with one node dead: ${survivors.size} found, ${keys.length - survivors.size} misses ` +
        `(the dead node held ${victimItems})`,
    );
    if (keys.length - survivors.size !== victimItems) throw new Error('unexpected misses');
  }
} finally {
  await client.close();
  await Promise.all(nodes.map((node) => node.stop()));
}
