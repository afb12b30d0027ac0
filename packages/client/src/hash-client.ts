import {
  commands,
  type Key,
  MemcacheConnectionError,
  MemcacheIllegalInputError,
  MemcacheUnexpectedCloseError,
} from '@mc/protocol';
import type { Serde } from '@mc/serde';
import { type CloseOptions, checkCloseOptions, parseAddress, type ServerAddress } from '@mc/transport';
import { BaseClient, type DefaultValue } from './base-client.js';
import { flushDelay, flushEverySocket } from './flush-delay.js';
import type { ClientOptions } from './client.js';
import {
  checkBoolean,
  checkInteger,
  checkMilliseconds,
  checkOptionsObject,
  checkSocketOptions,
} from './check-options.js';
import { ConnectionGroup } from './connection-group.js';
import { ClusterDiscovery, type DiscoveryOptions } from './discovery/cluster-discovery.js';
import { HashNode } from './hash-node.js';
import { type Hasher, KetamaHasher, RendezvousHasher } from './hashers/index.js';
import type { ServerNode } from './server-node.js';
import { isIgnorableError } from './ignorable-error.js';
import { parseStats, type Stats } from './stats.js';

/** A custom placement: anything that names the node for a key. */
export interface CustomHasher {
  getNode(key: string | Uint8Array): string | undefined;
  addNode?(name: string, weight?: number): void;
  removeNode?(name: string): void;
}

/** HashClient's options: Client's, plus placement and the failure policy. */
export interface HashClientOptions<V = DefaultValue> extends ClientOptions<V> {
  /**
   * `'rendezvous'` (default) agrees with pymemcache's HashClient and hashes the key without
   * `keyPrefix`; `'ketama'` agrees with libmemcached and twemproxy and hashes the key as sent.
   */
  hasher?: 'rendezvous' | 'ketama' | CustomHasher | undefined;
  /** Failures within `retryTimeout` that mark a node dead (default 2). */
  retryAttempts?: number | undefined;
  /** The window for those failures, in ms (default 1000). */
  retryTimeout?: number | undefined;
  /** How long a dead node is left alone before one request probes it, in ms (default 60000). */
  deadTimeout?: number | undefined;
  /**
   * `false` (default): a dead node's keys stay where they are and answer at once, without
   * the network: misses for reads, a MemcacheConnectionError for writes (`false`, `not_stored`
   * and the like with `ignoreErrors`). `true`: they move to the next node while it is dead — riskier, since two
   * nodes may then hold different values for one key once it comes back.
   */
  failover?: boolean | undefined;
  /**
   * Take the node list from an ElastiCache/Memorystore configuration endpoint and keep it up
   * to date (see the README's "Auto discovery"). The servers argument may then be empty.
   */
  discovery?: DiscoveryOptions | undefined;
}

/**
 * Spreads keys over many memcached servers. Every Client method works; multi-key calls group
 * keys by node and ask the nodes in parallel; `stats()` and `version()` answer per node.
 *
 * Node names, which placement hashes, are `host:port` (the port always written, 11211 by
 * default), `[v6]:port` for IPv6 literals, and the socket path for UNIX sockets.
 */
export class HashClient<V = DefaultValue> extends BaseClient<V> {
  readonly #nodes = new Map<string, HashNode>();

  // A dead node's keys are misses for reads, with or without ignoreErrors.
  protected override get mayRefuseAsDead(): boolean {
    return true;
  }
  readonly #hasher: Hasher | CustomHasher;
  readonly #usesPrefixedKey: boolean;
  readonly #options: HashClientOptions<V>;
  /** Each server's weight, kept across removeServer/addServer and a death under failover. */
  readonly #weights = new Map<string, number>();
  /** Nodes removed whose sockets are still closing (requests in flight on them). */
  readonly #retiring = new Set<HashNode>();
  readonly #discovery: ClusterDiscovery | undefined;

  constructor(servers: readonly ServerAddress[], options?: HashClientOptions<V>);
  constructor(servers: readonly ServerAddress[], options: HashClientOptions<V> & { serde: Serde<V> });
  constructor(servers: readonly ServerAddress[], options: HashClientOptions<V> = {}) {
    checkOptionsObject(options, 'HashClient');
    super(options);
    checkSocketOptions(options);
    checkInteger(options.retryAttempts, 'retryAttempts', 1, 1_000);
    checkMilliseconds(options.retryTimeout, 'retryTimeout');
    checkMilliseconds(options.deadTimeout, 'deadTimeout');
    checkBoolean(options.failover, 'failover');
    if (!Array.isArray(servers))
      throw new MemcacheIllegalInputError('HashClient takes an array of server addresses');
    this.#options = options;
    const hasher = options.hasher ?? 'rendezvous';
    if (hasher === 'rendezvous') this.#hasher = new RendezvousHasher();
    else if (hasher === 'ketama') this.#hasher = new KetamaHasher();
    else if (hasher && typeof hasher.getNode === 'function') this.#hasher = hasher;
    else throw new MemcacheIllegalInputError(`unknown hasher ${String(hasher)}`);
    this.#usesPrefixedKey = hasher === 'ketama';
    for (const server of servers) this.addServer(server);
    if (options.discovery !== undefined) {
      this.#discovery = new ClusterDiscovery(options.discovery, options, this);
    }
  }

  /** The current node names; with `discovery`, the list the configuration endpoint gave last. */
  nodes(): string[] {
    return this.servers;
  }

  /** The names of the servers, as placement sees them. */
  get servers(): string[] {
    return [...this.#nodes.keys()];
  }

  /**
   * Adds a server at run time; about 1/n of the keys move to it. `weight` (ketama only)
   * defaults to the weight the server had when it was last added, else 1; adding a server
   * that is already there changes its weight.
   */
  addServer(address: ServerAddress, weight?: number): void {
    const name = parseAddress(address).name;
    const resolved = weight ?? this.#weights.get(name) ?? 1;
    const existing = this.#nodes.get(name);
    if (existing) {
      if (resolved === this.#weights.get(name)) return;
      if (this.#options.failover && existing.dead) {
        // A node that failover took off the ring gets its new weight when it rejoins; the
        // hasher still checks the weight now (added and taken off again), so a bad one is
        // refused here and not thrown later by the probe that revives the node.
        this.#hasher.addNode?.(name, resolved);
        this.#hasher.removeNode?.(name);
      } else this.#hasher.addNode?.(name, resolved);
      this.#weights.set(name, resolved);
      return;
    }
    const {
      hasher: _h,
      retryAttempts,
      retryTimeout,
      deadTimeout,
      failover: _f,
      serde: _s,
      keyPrefix: _k,
      ignoreErrors: _i,
      defaultNoreply: _d,
      discovery: _discovery,
      metrics: _metrics,
      onWriteFailure: _onWriteFailure,
      ...transport
    } = this.#options;
    const node = new HashNode(new ConnectionGroup(address, transport), {
      retryAttempts: retryAttempts ?? 2,
      retryTimeout: retryTimeout ?? 1_000,
      deadTimeout: deadTimeout ?? 60_000,
      probeInBackground: this.#options.failover === true,
      onStateChange: (changed, alive) => this.#onStateChange(changed, alive),
    });
    this.#hasher.addNode?.(name, resolved);
    this.#nodes.set(name, node);
    this.#weights.set(name, resolved);
    this.clientMetrics.adopt(node);
  }

  /** Removes a server at run time and closes its sockets; its keys move to the others. */
  removeServer(address: ServerAddress): void {
    const name = parseAddress(address).name;
    const node = this.#nodes.get(name);
    if (!node) return;
    this.#nodes.delete(name);
    this.#hasher.removeNode?.(name);
    // Its requests in flight still get their replies; close() reaches it until it has closed.
    this.#retiring.add(node);
    void node.close().finally(() => this.#retiring.delete(node));
  }

  #onStateChange(node: HashNode, alive: boolean): void {
    this.clientMetrics.stateChanged(node.name, alive);
    if (!this.#options.failover || this.#nodes.get(node.name) !== node) return;
    // Under failover a dead node leaves the hash ring, so its keys land on the next node; it
    // probes itself every deadTimeout and rejoins, with its weight, once a probe succeeds.
    if (alive) this.#hasher.addNode?.(node.name, this.#weights.get(node.name) ?? 1);
    else this.#hasher.removeNode?.(node.name);
  }

  protected nodeFor(key: Key, wireKey: Key): ServerNode {
    this.#discovery?.start();
    const name = this.#hasher.getNode(this.#usesPrefixedKey ? wireKey : key);
    const node = name === undefined ? undefined : this.#nodes.get(name);
    if (node) return node;
    if (this.#options.failover && this.#nodes.size > 0) {
      // Failover took every node off the ring: they are all dead, and a dead node's keys are
      // misses for reads and failed writes, as without failover.
      for (const candidate of this.#nodes.values()) if (candidate.dead) return candidate;
    }
    return this.#discovery?.waitingNode(() => this.nodeFor(key, wireKey)) ?? NO_NODE;
  }

  protected allNodes(): ServerNode[] {
    this.#discovery?.start();
    return [...this.#nodes.values()];
  }

  protected override async nodesKnown(): Promise<void> {
    if (this.#nodes.size === 0) await this.#discovery?.whenKnown();
  }

  /**
   * Asks every node at once, answers by node name. With `leaveOutFailed` (a question that
   * changes nothing, under ignoreErrors) a node that fails is left out of the answer, its
   * absence saying it is down, instead of failing the whole call.
   */
  async #everyNode<T>(
    ask: (node: ServerNode) => Promise<T>,
    leaveOutFailed = false,
  ): Promise<Map<string, T>> {
    try {
      await this.nodesKnown();
    } catch (error) {
      // No node list (the configuration endpoint is down): under ignoreErrors no node answered.
      if (leaveOutFailed && isIgnorableError(error)) return new Map();
      throw error;
    }
    const nodes = this.allNodes();
    if (!leaveOutFailed) {
      const answers = await Promise.all(nodes.map((node) => ask(node)));
      return new Map(nodes.map((node, index) => [node.name, answers[index]!]));
    }
    const outcomes = await Promise.allSettled(nodes.map((node) => ask(node)));
    const answers = new Map<string, T>();
    outcomes.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') answers.set(nodes[index]!.name, outcome.value);
      else if (!isIgnorableError(outcome.reason)) throw outcome.reason;
    });
    return answers;
  }

  /** Each node's counters, by node name (under ignoreErrors, of the nodes that answered). */
  async stats(...args: string[]): Promise<Map<string, Stats>> {
    commands.stats.request(args); // checked before any node is asked, as flushAll's delay
    return this.#everyNode(
      async (node) => parseStats(await node.send(commands.stats.request(args))),
      this.ignoreErrors,
    );
  }

  /** Each node's version, by node name (under ignoreErrors, of the nodes that answered). */
  version(): Promise<Map<string, string>> {
    return this.#everyNode((node) => node.send(commands.version.request()), this.ignoreErrors);
  }

  /** Invalidates every item on every node. */
  // Each request is built once before any node is asked: a bad argument is illegal input
  // even with no node yet, or with a node held dead (whose guard refuses before building).
  async flushAll(delay?: number): Promise<void> {
    const sent = flushDelay(delay);
    commands.flushAll.request(sent, false);
    await this.#everyNode((node) => flushEverySocket(node, sent));
  }

  async verbosity(level: number): Promise<void> {
    commands.verbosity.request(level, false);
    await this.#everyNode((node) => node.send(commands.verbosity.request(level, false)));
  }

  async cacheMemlimit(megabytes: number): Promise<void> {
    commands.cacheMemlimit.request(megabytes, false);
    await this.#everyNode((node) => node.send(commands.cacheMemlimit.request(megabytes, false)));
  }

  /** Asks every node to exit (they must run with `-A`). */
  async shutdown(graceful = false): Promise<void> {
    commands.shutdown.request(graceful);
    await this.#everyNode(async (node) => {
      try {
        await node.send(commands.shutdown.request(graceful));
      } catch (error) {
        if (!(error instanceof MemcacheUnexpectedCloseError)) throw error;
      }
    });
  }

  async quit(): Promise<void> {
    this.#discovery?.close();
    await Promise.all(this.allNodes().map((node) => node.quit()));
  }

  /** Closes every node's sockets, as Client's close() does (`timeout`, `force`). */
  async close(options?: CloseOptions): Promise<void> {
    checkCloseOptions(options);
    this.#discovery?.close();
    await Promise.all([...this.allNodes(), ...this.#retiring].map((node) => node.close(options)));
  }
}

/** Where keys go when no server is configured: every request fails with a clear error. */
const NO_NODE: ServerNode = {
  name: '(no server)',
  send: () => Promise.reject(new MemcacheConnectionError('HashClient has no server available for this key')),
  retrieve: () =>
    Promise.reject(new MemcacheConnectionError('HashClient has no server available for this key')),
  quit: async () => {},
  close: async () => {},
};
