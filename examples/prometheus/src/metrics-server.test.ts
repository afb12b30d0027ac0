import { Client, HashClient } from '@mc/client';
import { closedPort, type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetricsServer } from './metrics-server.js';

let memcached: MemcachedServer;

beforeAll(async () => {
  memcached = await startMemcached();
});

afterAll(async () => {
  await memcached?.stop();
});

/** The value of one sample line, e.g. `name{a="b"} 3`, or undefined when absent. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('the /metrics endpoint', () => {
  it('exposes the counters of real traffic in Prometheus format', async () => {
    const client = new Client(memcached.address, { metrics: true });
    const endpoint = await startMetricsServer(client);
    try {
      for (let index = 0; index < 10; index++) await client.set(`p:${index}`, 'v');
      for (let index = 0; index < 15; index++) await client.get(`p:${index}`);
      const response = await fetch(endpoint.url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await response.text();
      const server = `server="${memcached.address}"`;
      expect(sample(text, 'memcached_client_operations_total', `${server},command="set"`)).toBe(10);
      expect(sample(text, 'memcached_client_operations_total', `${server},command="get"`)).toBe(15);
      expect(sample(text, 'memcached_client_hits_total', `${server},command="get"`)).toBe(10);
      expect(sample(text, 'memcached_client_misses_total', `${server},command="get"`)).toBe(5);
      expect(
        sample(text, 'memcached_client_operation_duration_seconds_count', `${server},command="get"`),
      ).toBe(15);
      expect(
        sample(
          text,
          'memcached_client_operation_duration_seconds_bucket',
          `${server},command="get",le="+Inf"`,
        ),
      ).toBe(15);
      expect(sample(text, 'memcached_client_connections', server)).toBe(1);
      expect(text).toContain('# TYPE memcached_client_operation_duration_seconds histogram');
      expect(text).toContain('# TYPE memcached_client_operations_total counter');
      // a second scrape sees new traffic
      await client.get('p:1');
      const again = await (await fetch(endpoint.url)).text();
      expect(sample(again, 'memcached_client_operations_total', `${server},command="get"`)).toBe(16);
    } finally {
      await endpoint.close();
      await client.close();
    }
  });

  it('counts errors, dead servers and write failures', async () => {
    const down = await closedPort();
    const client = new HashClient([down.address], {
      metrics: true,
      ignoreErrors: true,
      retryAttempts: 1,
      reconnectDelay: 0,
    });
    const endpoint = await startMetricsServer(client);
    try {
      expect(await client.set('w', 'v')).toBe(false);
      expect(await client.set('w2', 'v')).toBe(false);
      const text = await (await fetch(endpoint.url)).text();
      const server = `server="${down.address}"`;
      expect(
        sample(text, 'memcached_client_errors_total', `${server},command="set",code="MC_CONNECTION_ERROR"`),
      ).toBe(1);
      expect(sample(text, 'memcached_client_server_dead', server)).toBe(1);
      expect(sample(text, 'memcached_client_server_marked_dead_total', server)).toBe(1);
      expect(text).toMatch(/^memcached_client_write_failures_total 2$/m);
    } finally {
      await endpoint.close();
      await client.close();
    }
  });
});
