import type {
  CommandMetricsSnapshot as CommandSnapshot,
  MetricsSnapshot,
  NodeMetricsSnapshot as NodeSnapshot,
} from '@mc/client';
import { Counter, Gauge, Histogram, type MetricType, type Registry } from 'prom-client';

/** Anything with `metrics()`: Client, HashClient or RetryingClient. */
export interface MetricsReader {
  metrics(): MetricsSnapshot;
}

/**
 * Registers Prometheus metrics that read `client.metrics()` at each scrape, so the client
 * keeps counting with plain integers and prom-client only formats. Counters are the
 * snapshot's totals (set at scrape time, hence `reset()` then `inc()`); the latency histogram
 * is the snapshot's buckets, converted from milliseconds to seconds as Prometheus expects.
 */
export function registerClientMetrics(
  client: MetricsReader,
  registry: Registry,
  prefix = 'memcached_client_',
): void {
  let snapshot: MetricsSnapshot | undefined;
  // One snapshot per scrape, shared by every collector of that scrape.
  const read = (): MetricsSnapshot => {
    if (snapshot === undefined) {
      snapshot = client.metrics();
      queueMicrotask(() => {
        snapshot = undefined;
      });
    }
    return snapshot;
  };

  const perCommand = (name: string, help: string, pick: (command: CommandSnapshot) => number) =>
    new Counter({
      name: `${prefix}${name}`,
      help,
      labelNames: ['server', 'command'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [server, node] of Object.entries(read().nodes)) {
          for (const [command, counters] of Object.entries(node.commands)) {
            this.inc({ server, command }, pick(counters));
          }
        }
      },
    });
  const commandCounters: Array<[string, string, (command: CommandSnapshot) => number]> = [
    ['operations_total', 'Requests sent, per server and command.', (command) => command.operations],
    ['keys_total', 'Keys the requests carried.', (command) => command.keys],
    ['hits_total', 'Keys found by retrievals.', (command) => command.hits],
    ['misses_total', 'Keys asked for and not found.', (command) => command.misses],
    ['sent_bytes_total', 'Bytes of the requests as encoded.', (command) => command.bytesOut],
    ['received_value_bytes_total', 'Bytes of the values that came back.', (command) => command.valueBytesIn],
  ];
  for (const [name, help, pick] of commandCounters) perCommand(name, help, pick);

  new Counter({
    name: `${prefix}errors_total`,
    help: 'Failed requests, by error code.',
    labelNames: ['server', 'command', 'code'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [server, node] of Object.entries(read().nodes)) {
        for (const [command, counters] of Object.entries(node.commands)) {
          for (const [code, count] of Object.entries(counters.errors))
            this.inc({ server, command, code }, count);
        }
      }
    },
  });

  const perNode = (
    kind: 'counter' | 'gauge',
    name: string,
    help: string,
    pick: (node: NodeSnapshot) => number,
  ) => {
    const configuration = {
      name: `${prefix}${name}`,
      help,
      labelNames: ['server'] as const,
      registers: [registry],
    };
    if (kind === 'gauge') {
      new Gauge({
        ...configuration,
        collect() {
          this.reset();
          for (const [server, node] of Object.entries(read().nodes)) this.set({ server }, pick(node));
        },
      });
    } else {
      new Counter({
        ...configuration,
        collect() {
          this.reset();
          for (const [server, node] of Object.entries(read().nodes)) this.inc({ server }, pick(node));
        },
      });
    }
  };
  const nodeMetrics: Array<['counter' | 'gauge', string, string, (node: NodeSnapshot) => number]> = [
    ['gauge', 'pending_requests', 'Requests made and not yet answered.', (node) => node.pending],
    ['gauge', 'connections', 'Sockets connected now.', (node) => node.connections.open],
    ['counter', 'connections_opened_total', 'Sockets that connected.', (node) => node.connections.opened],
    ['counter', 'connections_closed_total', 'Sockets that closed.', (node) => node.connections.closed],
    [
      'counter',
      'connection_failures_total',
      'Connection attempts that failed.',
      (node) => node.connections.failed,
    ],
    ['gauge', 'server_dead', '1 while HashClient holds the server dead.', (node) => (node.dead ? 1 : 0)],
    ['counter', 'server_marked_dead_total', 'Times the server was marked dead.', (node) => node.markedDead],
  ];
  for (const [kind, name, help, pick] of nodeMetrics) perNode(kind, name, help, pick);

  new Counter({
    name: `${prefix}write_failures_total`,
    help: 'Writes that failed (error, timeout, dead server), also under ignoreErrors.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read().writeFailures);
    },
  });

  registry.registerMetric(new SnapshotHistogram(`${prefix}operation_duration_seconds`, read));
}

/** The snapshot's latency histogram, per server and command, as a Prometheus histogram in seconds. */
class SnapshotHistogram extends Histogram<'server' | 'command' | 'le'> {
  readonly #read: () => MetricsSnapshot;
  readonly #name: string;

  constructor(name: string, read: () => MetricsSnapshot) {
    super({
      name,
      help: 'Time from sending a request to its answer.',
      labelNames: ['server', 'command'],
      registers: [],
    });
    this.#name = name;
    this.#read = read;
  }

  /** What the registry formats (prom-client asks a histogram for this rather than `get`). */
  getForPromString(): ReturnType<Histogram<'server' | 'command' | 'le'>['get']> {
    return this.get();
  }

  override async get(): ReturnType<Histogram<'server' | 'command' | 'le'>['get']> {
    const values: Awaited<ReturnType<Histogram<'server' | 'command' | 'le'>['get']>>['values'] = [];
    for (const [server, node] of Object.entries(this.#read().nodes)) {
      for (const [command, counters] of Object.entries(node.commands)) {
        const { bounds, counts, sum, count } = counters.latency;
        let cumulative = 0;
        bounds.forEach((bound, index) => {
          cumulative += counts[index] ?? 0;
          values.push({
            metricName: `${this.#name}_bucket`,
            labels: { server, command, le: bound / 1000 },
            value: cumulative,
          });
        });
        values.push({
          metricName: `${this.#name}_bucket`,
          labels: { server, command, le: '+Inf' },
          value: count,
        });
        values.push({ metricName: `${this.#name}_sum`, labels: { server, command }, value: sum / 1000 });
        values.push({ metricName: `${this.#name}_count`, labels: { server, command }, value: count });
      }
    }
    // prom-client's types declare `type` an enum, while its own histograms (and the registry
    // that formats them) use the string 'histogram'.
    const type = 'histogram' as unknown as MetricType;
    return {
      name: this.#name,
      help: 'Time from sending a request to its answer.',
      type,
      aggregator: 'sum',
      collect: () => {},
      values,
    };
  }
}
