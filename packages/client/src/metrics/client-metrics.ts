import { ConnectionGroup } from '../connection-group.js';
import { HashNode } from '../hash-node.js';
import type { ServerNode } from '../server-node.js';
import type { MetricsSnapshot, NodeMetricsSnapshot } from './metrics-snapshot.js';
import { NodeMetrics, type OperationRecord } from './node-metrics.js';

/**
 * A client's metrics: one NodeMetrics per server, attached to the server's ConnectionGroup
 * only once collection is on. Until then no group has metrics and the send path pays a single
 * `undefined` check, so metrics are free when nobody reads them.
 */
export class ClientMetrics {
  readonly #nodes = new Map<string, NodeMetrics>();
  #since = 0;
  readonly #observers = new Set<(record: OperationRecord) => void>();
  /** What each node calls: the one observer, or a fan-out when there are several. */
  #observer: ((record: OperationRecord) => void) | undefined;
  writeFailures = 0;

  /** Whether collection is on. */
  get enabled(): boolean {
    return this.#since !== 0;
  }

  /** Turns collection on (idempotent) and attaches it to `nodes`. */
  enable(nodes: readonly ServerNode[]): void {
    if (this.#since === 0) this.#since = Date.now();
    for (const node of nodes) this.adopt(node);
  }

  /** Attaches a server's counters to its sockets, when collection is on (a node added later). */
  adopt(node: ServerNode): void {
    if (this.#since === 0) return;
    const group = groupOf(node);
    if (group === undefined) return;
    let metrics = this.#nodes.get(group.name);
    if (metrics === undefined) {
      metrics = new NodeMetrics(group.name);
      metrics.observer = this.#observer;
      this.#nodes.set(group.name, metrics);
    }
    group.metrics = metrics;
    for (const connection of group.connections) metrics.watch(connection);
  }

  /** HashClient marked `name` dead (`alive` false) or back. */
  stateChanged(name: string, alive: boolean): void {
    this.#nodes.get(name)?.stateChanged(alive);
  }

  /**
   * Adds who is told of every finished request (an OpenTelemetry duration histogram; each
   * instrumentation its own); returns the function that removes it.
   */
  observe(observer: (record: OperationRecord) => void): () => void {
    this.#observers.add(observer);
    this.#updateObserver();
    return () => {
      this.#observers.delete(observer);
      this.#updateObserver();
    };
  }

  #updateObserver(): void {
    const observers = [...this.#observers];
    this.#observer =
      observers.length <= 1
        ? observers[0]
        : (record) => {
            for (const observer of observers) observer(record);
          };
    for (const metrics of this.#nodes.values()) metrics.observer = this.#observer;
  }

  /** The servers' live counters, for exporters that poll (OpenTelemetry's observable instruments). */
  nodeMetrics(): NodeMetrics[] {
    return [...this.#nodes.values()];
  }

  /** A plain snapshot; `nodes` are the client's current servers (a node added since is attached). */
  snapshot(nodes: readonly ServerNode[]): MetricsSnapshot {
    this.enable(nodes);
    const dead = new Map<string, boolean>();
    for (const node of nodes) if (node instanceof HashNode) dead.set(node.name, node.dead);
    const result: Record<string, NodeMetricsSnapshot> = {};
    for (const [name, metrics] of this.#nodes) {
      const snapshot = metrics.snapshot();
      snapshot.dead = dead.get(name) ?? false;
      result[name] = snapshot;
    }
    return { since: this.#since, nodes: result, writeFailures: this.writeFailures };
  }
}

function groupOf(node: ServerNode): ConnectionGroup | undefined {
  if (node instanceof ConnectionGroup) return node;
  if (node instanceof HashNode) return node.group;
  return undefined;
}
