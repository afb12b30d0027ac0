// The client's metrics on a Prometheus endpoint.
//
//   client (metrics: true) ── counters in plain integers ──► client.metrics() snapshot
//   GET /metrics ──► prom-client collectors read the snapshot ──► Prometheus text format
//
// `npm start` starts a throwaway memcached (unless MEMCACHED_SERVERS is set), sends some
// traffic, scrapes its own /metrics once, prints the client's lines and exits.
// `npm start -- --serve` keeps serving on PORT (default 9464) until Ctrl-C.
import { Client, HashClient } from '@mc/client';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { startMetricsServer } from './metrics-server.js';

let throwaway: MemcachedServer | undefined;
const servers = (process.env.MEMCACHED_SERVERS ?? '').split(',').filter(Boolean);
if (servers.length === 0) {
  throwaway = await startMemcached();
  servers.push(throwaway.address);
}
const options = { metrics: true, keyPrefix: 'prometheus-example:' };
const client = servers.length === 1 ? new Client(servers[0]!, options) : new HashClient(servers, options);
const serve = process.argv.includes('--serve');
const endpoint = await startMetricsServer(client, serve ? Number(process.env.PORT ?? 9464) : 0);

// ---- some traffic: 50 sets, 100 gets of which half miss, one multi-get -------------------------
for (let index = 0; index < 50; index++) await client.set(`item:${index}`, `value ${index}`, { ttl: 60 });
for (let index = 0; index < 100; index++) await client.get(`item:${index}`);
await client.getMany(['item:1', 'item:2', 'item:absent']);

if (serve) {
  console.log(`serving ${endpoint.url}; Ctrl-C to stop`);
  process.once('SIGINT', async () => {
    await endpoint.close();
    await client.close();
    await throwaway?.stop();
  });
} else {
  const text = await (await fetch(endpoint.url)).text();
  const lines = text
    .split('\n')
    .filter((line) => line.startsWith('memcached_client_') && !line.includes('_bucket{'));
  console.log(`GET ${endpoint.url} (the client's lines, histogram buckets left out):\n`);
  console.log(lines.join('\n'));
  await endpoint.close();
  await client.close();
  await throwaway?.stop();
}
