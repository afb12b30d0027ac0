// An HTTP service whose slow backend call is cached in memcached with getOrSet.
//
//   GET /weather/:city ──► client.getOrSet('weather:<city>', slowForecast, { ttl: 30, recacheWithin: 5 })
//                            hit  → the cached report, in about a millisecond
//                            miss → exactly one request runs slowForecast (memcached's win flag);
//                                   the others wait for its value instead of calling it too
//
// `npm start` starts a throwaway memcached (unless MEMCACHED_SERVERS is set), serves on a
// free port, sends itself a few requests to show the timings, and exits.
// `npm run serve` keeps serving on PORT (default 3000) until Ctrl-C.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, HashClient } from '@mc/client';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';

interface Forecast {
  city: string;
  temperature: number;
  computedAt: string;
}

let backendCalls = 0;

/** The slow dependency worth caching: 400 ms per call. */
async function slowForecast(city: string): Promise<Forecast> {
  backendCalls++;
  await new Promise((resolve) => setTimeout(resolve, 400));
  return { city, temperature: 10 + (city.length % 15), computedAt: new Date().toISOString() };
}

// ---- memcached: the one in MEMCACHED_SERVERS, or a throwaway one -----------------------------
let throwaway: MemcachedServer | undefined;
const servers = (process.env.MEMCACHED_SERVERS ?? '').split(',').filter(Boolean);
if (servers.length === 0) {
  throwaway = await startMemcached();
  servers.push(throwaway.address);
}
const client = servers.length === 1 ? new Client(servers[0]!) : new HashClient(servers);

// ---- the service ---------------------------------------------------------------------------
const server = http.createServer(async (request, response) => {
  const match = /^\/weather\/([a-z-]{1,50})$/.exec(request.url ?? '');
  if (!match) {
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"try /weather/<city>"}');
    return;
  }
  const city = match[1]!;
  try {
    const forecast = await client.getOrSet(`weather:${city}`, () => slowForecast(city), {
      ttl: 30, // seconds in memcached
      recacheWithin: 5, // in the last 5 s, one request refreshes while the rest get the cached value
    });
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(forecast));
  } catch (error) {
    response
      .writeHead(503, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: String(error) }));
  }
});

const serve = process.argv.includes('--serve');
server.listen(serve ? Number(process.env.PORT ?? 3000) : 0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const { port } = server.address() as AddressInfo;
console.log(`serving http://127.0.0.1:${port}/weather/<city>, caching in memcached at ${servers.join(', ')}`);

if (serve) {
  process.once('SIGINT', () => void shutdown());
} else {
  await tour(port);
  await shutdown();
}

/** Requests to ourselves that show what the cache does. */
async function tour(port: number): Promise<void> {
  const get = async (path: string) => {
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    const body = (await response.json()) as Forecast;
    return { ms: performance.now() - started, body };
  };
  const first = await get('/weather/lisbon');
  console.log(`GET /weather/lisbon   miss: ${first.ms.toFixed(1)} ms (backend calls: ${backendCalls})`);
  const second = await get('/weather/lisbon');
  console.log(`GET /weather/lisbon   hit:  ${second.ms.toFixed(1)} ms (backend calls: ${backendCalls})`);

  const before = backendCalls;
  const started = performance.now();
  const burst = await Promise.all(Array.from({ length: 20 }, () => get('/weather/oslo')));
  const same = burst.every((each) => each.body.computedAt === burst[0]!.body.computedAt);
  console.log(
    `20 concurrent GET /weather/oslo on a cold cache: ${(performance.now() - started).toFixed(0)} ms, ` +
      `backend calls: ${backendCalls - before}, every response the same report: ${same}`,
  );
  if (backendCalls - before !== 1 || !same || second.body.computedAt !== first.body.computedAt) {
    throw new Error('the cache did not do its job');
  }
}

async function shutdown(): Promise<void> {
  await new Promise((resolve) => server.close(resolve));
  await client.close();
  await throwaway?.stop();
}
