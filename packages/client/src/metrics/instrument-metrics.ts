import type { NodeMetrics, OperationRecord } from './node-metrics.js';
import { metricsSource, type MetricsSource } from './metrics-source.js';

/** Attribute values as OpenTelemetry takes them. */
type Attributes = Record<string, string | number>;

/** What an OpenTelemetry observable callback is handed. */
interface ObservableResultLike {
  observe(value: number, attributes?: Attributes): void;
}

interface ObservableLike {
  addCallback(callback: (result: ObservableResultLike) => void): void;
  removeCallback(callback: (result: ObservableResultLike) => void): void;
}

interface InstrumentOptionsLike {
  description?: string;
  unit?: string;
  advice?: { explicitBucketBoundaries?: number[] };
}

/**
 * The part of OpenTelemetry's `Meter` used here, written out so that @mc/client's types do
 * not need `@opentelemetry/api` installed. A real `Meter` fits.
 */
export interface MeterLike {
  createHistogram(
    name: string,
    options?: InstrumentOptionsLike,
  ): { record(value: number, attributes?: Attributes): void };
  createObservableCounter(name: string, options?: InstrumentOptionsLike): ObservableLike;
  createObservableUpDownCounter(name: string, options?: InstrumentOptionsLike): ObservableLike;
}

/** Options of `instrumentMetrics`. */
export interface InstrumentMetricsOptions {
  /** The meter to record with (default: `metrics.getMeter('@mc/client')` of `@opentelemetry/api`). */
  meter?: MeterLike | undefined;
}

/** What `instrumentMetrics` resolves: stops reporting (collection itself stays on). */
export interface MetricsInstrumentation {
  stop(): void;
}

// OpenTelemetry's recommended buckets for db.client.operation.duration, in seconds.
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];

/**
 * Reports a client's metrics through OpenTelemetry, under the database client semantic
 * conventions: `db.client.operation.duration` (histogram, seconds; attributes
 * `db.system.name` = `memcached`, `db.operation.name`, `server.address`, `server.port`,
 * `error.type` on failure), `db.client.connection.count` (by `db.client.connection.state`
 * and `db.client.connection.pool.name`, the server's name) and
 * `db.client.connection.pending_requests`; plus `mc.client.hits` and `mc.client.misses`
 * (keys found and not found by retrievals) and `mc.client.write_failures`.
 *
 * Without a `meter`, `@opentelemetry/api` is loaded here, on first use: it is an optional
 * peer dependency, so a client that never calls this never needs it. Switches collection on.
 */
export async function instrumentMetrics(
  client: object,
  options: InstrumentMetricsOptions = {},
): Promise<MetricsInstrumentation> {
  const source = client as Partial<MetricsSource>;
  if (typeof source[metricsSource] !== 'function') {
    throw new TypeError('instrumentMetrics takes a Client, HashClient or RetryingClient');
  }
  const meter = options.meter ?? (await defaultMeter());
  const metrics = (source as MetricsSource)[metricsSource]();
  const duration = meter.createHistogram('db.client.operation.duration', {
    description: 'Duration of memcached client operations.',
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  const attributeCache = new Map<string, Attributes>();
  const stopObserving = metrics.observe((record: OperationRecord) => {
    const errorType = record.error === undefined ? '' : errorName(record.error);
    const cacheKey = `${record.server}\u0000${record.command}\u0000${errorType}`;
    let attributes = attributeCache.get(cacheKey);
    if (attributes === undefined) {
      attributes = { ...serverAttributes(record.server), 'db.operation.name': record.command };
      if (errorType !== '') attributes['error.type'] = errorType;
      attributeCache.set(cacheKey, attributes);
    }
    duration.record(record.duration / 1000, attributes);
  });

  const observables: Array<[ObservableLike, (result: ObservableResultLike) => void]> = [];
  const observe = (
    instrument: ObservableLike,
    read: (node: NodeMetrics, result: ObservableResultLike) => void,
  ) => {
    const callback = (result: ObservableResultLike) => {
      for (const node of metrics.nodeMetrics()) read(node, result);
    };
    instrument.addCallback(callback);
    observables.push([instrument, callback]);
  };
  observe(
    meter.createObservableUpDownCounter('db.client.connection.count', {
      description: 'Connections to memcached, by state.',
      unit: '{connection}',
    }),
    (node, result) => {
      const { idle, used } = node.connectionStates();
      const pool = { ...serverAttributes(node.name), 'db.client.connection.pool.name': node.name };
      result.observe(idle, { ...pool, 'db.client.connection.state': 'idle' });
      result.observe(used, { ...pool, 'db.client.connection.state': 'used' });
    },
  );
  observe(
    meter.createObservableUpDownCounter('db.client.connection.pending_requests', {
      description: 'Requests sent or queued and not yet answered.',
      unit: '{request}',
    }),
    (node, result) =>
      result.observe(node.pending(), {
        ...serverAttributes(node.name),
        'db.client.connection.pool.name': node.name,
      }),
  );
  const perCommand = (pick: 'hits' | 'misses') => (node: NodeMetrics, result: ObservableResultLike) => {
    for (const [command, counters] of node.commandCounters()) {
      if (counters.keys === 0 && counters[pick] === 0) continue;
      result.observe(counters[pick], { ...serverAttributes(node.name), 'db.operation.name': command });
    }
  };
  observe(
    meter.createObservableCounter('mc.client.hits', {
      description: 'Keys found by retrievals.',
      unit: '{key}',
    }),
    perCommand('hits'),
  );
  observe(
    meter.createObservableCounter('mc.client.misses', {
      description: 'Keys asked for and not found.',
      unit: '{key}',
    }),
    perCommand('misses'),
  );
  const writeFailures = meter.createObservableCounter('mc.client.write_failures', {
    description: 'Writes that failed (error, timeout, dead node), also under ignoreErrors.',
    unit: '{write}',
  });
  const writeFailuresCallback = (result: ObservableResultLike) =>
    result.observe(metrics.writeFailures, { 'db.system.name': 'memcached' });
  writeFailures.addCallback(writeFailuresCallback);
  observables.push([writeFailures, writeFailuresCallback]);

  return {
    stop() {
      stopObserving();
      for (const [instrument, callback] of observables) instrument.removeCallback(callback);
    },
  };
}

async function defaultMeter(): Promise<MeterLike> {
  let api: { metrics: { getMeter(name: string): MeterLike }; createNoopMeter(): MeterLike };
  try {
    api = (await import('@opentelemetry/api')) as unknown as typeof api;
  } catch (error) {
    throw new Error('instrumentMetrics needs @opentelemetry/api installed, or a meter option', {
      cause: error,
    });
  }
  const meter = api.metrics.getMeter('@mc/client');
  // The metrics API has no proxy meter: with no MeterProvider registered yet this meter is a
  // no-op for good, and the instrumentation would record nothing without a word.
  if (meter.constructor === api.createNoopMeter().constructor) {
    process.emitWarning(
      'instrumentMetrics: no OpenTelemetry MeterProvider is registered yet, so nothing will be recorded; register the SDK before calling it, or pass { meter }',
      { code: 'MC_NO_METER_PROVIDER' },
    );
  }
  return meter;
}

/** `server.address` and `server.port` of a server name: `host:port`, `[v6]:port` or a socket path. */
function serverAttributes(name: string): Attributes {
  const match = /^\[(.+)\]:(\d+)$/.exec(name) ?? /^([^/:][^:]*):(\d+)$/.exec(name);
  if (match === null) return { 'db.system.name': 'memcached', 'server.address': name };
  return { 'db.system.name': 'memcached', 'server.address': match[1]!, 'server.port': Number(match[2]) };
}

function errorName(error: unknown): string {
  if (error instanceof Error) return error.name;
  return '_OTHER';
}
