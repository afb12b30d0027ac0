import { metrics } from '@opentelemetry/api';
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { closedPort, type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, instrumentMetrics, RetryingClient } from '../index.js';

/** A reader that collects on demand, as an exporter's reader would on its interval. */
class OnDemandReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await server?.stop();
});

function points(resource: ResourceMetrics, name: string): Array<DataPoint<unknown>> {
  for (const scope of resource.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name === name) return metric.dataPoints as Array<DataPoint<unknown>>;
    }
  }
  return [];
}

describe('instrumentMetrics with the real OpenTelemetry SDK', () => {
  // A second instrumentation of the same client took over the first's duration histogram
  // (one observer per client), and stopping the first then stopped the second's.
  it('serves two instrumentations of one client, each stopped on its own', async () => {
    const readers = [new OnDemandReader(), new OnDemandReader()];
    const providers = readers.map((reader) => new MeterProvider({ readers: [reader] }));
    const client = new Client(server.address);
    const [first, second] = await Promise.all(
      providers.map((provider) => instrumentMetrics(client, { meter: provider.getMeter('test') })),
    );
    const gets = async (index: number) => {
      const durations = points(
        (await readers[index]!.collect()).resourceMetrics,
        'db.client.operation.duration',
      );
      const get = durations.find((point) => point.attributes['db.operation.name'] === 'get');
      return (get?.value as Histogram | undefined)?.count ?? 0;
    };
    try {
      await client.get('two-meters');
      expect([await gets(0), await gets(1)]).toEqual([1, 1]);
      first!.stop();
      await client.get('two-meters');
      expect([await gets(0), await gets(1)]).toEqual([1, 2]);
    } finally {
      second!.stop();
      await client.close();
    }
  });

  it('records db.client.operation.duration in seconds with the semantic-convention attributes', async () => {
    const reader = new OnDemandReader();
    const provider = new MeterProvider({ readers: [reader] });
    const client = new Client(server.address);
    const instrumentation = await instrumentMetrics(client, { meter: provider.getMeter('test') });
    try {
      await client.set('otel', 'value');
      await client.get('otel');
      await client.get('otel-missing');
      const { resourceMetrics } = await reader.collect();
      const durations = points(resourceMetrics, 'db.client.operation.duration');
      const get = durations.find((point) => point.attributes['db.operation.name'] === 'get')!;
      expect(get.attributes).toEqual({
        'db.system.name': 'memcached',
        'db.operation.name': 'get',
        'server.address': server.host,
        'server.port': server.port,
      });
      const histogram = get.value as Histogram;
      expect(histogram.count).toBe(2);
      // seconds: a local get takes well under a second
      expect(histogram.sum).toBeGreaterThan(0);
      expect(histogram.sum).toBeLessThan(2);
      expect(durations.some((point) => point.attributes['db.operation.name'] === 'set')).toBe(true);

      const hits = points(resourceMetrics, 'mc.client.hits').find(
        (point) => point.attributes['db.operation.name'] === 'get',
      );
      const misses = points(resourceMetrics, 'mc.client.misses').find(
        (point) => point.attributes['db.operation.name'] === 'get',
      );
      expect(hits?.value).toBe(1);
      expect(misses?.value).toBe(1);
      const connections = points(resourceMetrics, 'db.client.connection.count');
      const idle = connections.find((point) => point.attributes['db.client.connection.state'] === 'idle');
      expect(idle?.value).toBe(1);
      expect(idle?.attributes['db.client.connection.pool.name']).toBe(server.address);
    } finally {
      instrumentation.stop();
      await client.close();
      await provider.shutdown();
    }
  });

  it('marks failures with error.type, and loads @opentelemetry/api itself when no meter is given', async () => {
    const reader = new OnDemandReader();
    const provider = new MeterProvider({ readers: [reader] });
    metrics.setGlobalMeterProvider(provider);
    const closed = await closedPort();
    const client = new RetryingClient(new Client(closed.address, { reconnectDelay: 0 }), { attempts: 1 });
    const instrumentation = await instrumentMetrics(client);
    try {
      await expect(client.set('k', 'v')).rejects.toThrow();
      const { resourceMetrics } = await reader.collect();
      const failed = points(resourceMetrics, 'db.client.operation.duration').find(
        (point) => point.attributes['error.type'] !== undefined,
      );
      expect(failed?.attributes['error.type']).toBe('MemcacheConnectionError');
      expect(failed?.attributes['db.operation.name']).toBe('set');
      const writeFailures = points(resourceMetrics, 'mc.client.write_failures');
      expect(writeFailures[0]?.value).toBe(1);
    } finally {
      instrumentation.stop();
      await client.close();
      await provider.shutdown();
      metrics.disable();
    }
  });

  it('refuses something that is not a client', async () => {
    await expect(instrumentMetrics({})).rejects.toThrow(TypeError);
  });
});
