// A Lambda-style handler (AWS Lambda, Google Cloud Functions, Vercel functions...).
//
//   cold start ──► module loads: one client, no socket yet
//   invocation 1 ──► first command connects (within connectTimeout) ──► reply
//   invocation 2..n ──► same client, same socket: no connect, no handshake
//   between invocations ──► the socket is idle: it does not hold the event loop open
//
// The client lives at module scope, so every invocation the runtime sends to this instance
// reuses it; creating a client inside the handler would pay a connect (and a TLS handshake)
// per request and leak sockets. There is no close(): the runtime freezes or ends the process.
import { fromEnvironment, HashClient } from '@mc/client';

/** What the handler is invoked with; API Gateway would put it in `queryStringParameters`. */
export interface GreetingEvent {
  name?: string;
}

export interface GreetingResult {
  statusCode: number;
  body: string;
}

// ElastiCache: set MEMCACHED_DISCOVERY_ENDPOINT to the cluster's configuration endpoint (and
// MEMCACHED_TLS=1 for in-transit encryption or Serverless). Otherwise the servers come from
// MEMCACHIER_SERVERS / MEMCACHE_SERVERS / MEMCACHED_SERVERS, as memjs reads them.
const discoveryEndpoint = process.env.MEMCACHED_DISCOVERY_ENDPOINT;
const { servers, options } = discoveryEndpoint ? { servers: [], options: {} } : fromEnvironment();

export const client = new HashClient(servers, {
  ...options,
  keyPrefix: 'serverless:',
  tls: process.env.MEMCACHED_TLS === '1' ? true : undefined,
  // A function has a short budget: fail fast rather than wait out a slow cache, and treat a
  // cache that cannot answer as a miss (the loader runs) rather than as a failed invocation.
  connectTimeout: 1_000,
  timeout: 500,
  ignoreErrors: true,
  ...(discoveryEndpoint ? { discovery: { endpoint: discoveryEndpoint } } : {}),
});

/** Greets `name` (cached for 5 minutes) and counts this instance's and others' invocations. */
export const handler = async (event: GreetingEvent = {}): Promise<GreetingResult> => {
  const name = event.name ?? 'world';
  // With ignoreErrors, a cache that is down or slow means the loader runs: the caller still gets a greeting.
  const greeting = await client.getOrSet(`greeting:${name}`, async () => `Hello, ${name}!`, { ttl: 300 });
  // One round trip: create the counter at 1 on a miss (vivify), else add one.
  const counter = await client
    .metaArithmetic(`invocations:${name}`, { initial: 1, vivify: 86_400 })
    .catch(() => undefined);
  return {
    statusCode: 200,
    body: JSON.stringify({
      greeting,
      invocations: counter?.value === undefined ? null : Number(counter.value),
    }),
  };
};
