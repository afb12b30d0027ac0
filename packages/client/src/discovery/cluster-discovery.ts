import { MemcacheConnectionError, MemcacheIllegalInputError, MemcacheTimeoutError } from '@mc/protocol';
import {
  type ConnectionOptions,
  parseAddress,
  type ResolvedAddress,
  type ServerAddress,
  timerDelay,
} from '@mc/transport';
import type { ServerNode } from '../server-node.js';
import type { ClusterConfig, DiscoveredNode } from './cluster-config.js';
import { type DiscoveryChangeMessage, discoveryChannels } from './discovery-channels.js';
import { type ConfigQueryOptions, queryConfigEndpoint } from './query-config-endpoint.js';
import type { DiscoveryCommand } from './read-config-reply.js';
import { waitingNode } from './waiting-node.js';

/** HashClient's `discovery` option: where the node list comes from, and how often to ask. */
export interface DiscoveryOptions {
  /** The configuration endpoint (ElastiCache's `.cfg.` address, Memorystore's discovery endpoint). */
  endpoint: ServerAddress;
  /** Milliseconds between polls once a list is known (default 60000). */
  interval?: number | undefined;
  /** `'config'` (default): `config get cluster`; `'legacy'`: `get AmazonElastiCache:cluster` (engines before 1.4.14). */
  command?: DiscoveryCommand | undefined;
}

/** What discovery changes: HashClient's own public node management. */
export interface DiscoveryTarget {
  readonly servers: string[];
  addServer(address: ServerAddress): void;
  removeServer(address: ServerAddress): void;
}

const DEFAULT_INTERVAL = 60_000;
// The same defaults as a connection's; discovery always has deadlines, even when the client's
// own are switched off, or one silent endpoint would stop polling for good.
const DEFAULT_CONNECT_TIMEOUT = 2_000;
const DEFAULT_TIMEOUT = 5_000;
/** A cluster config is ~100 bytes per node; this is far above any real cluster. */
const MAX_CONFIG_BYTES = 1_048_576;
/** While no list is known, failed polls are retried after 250 ms, doubling up to the interval. */
const RETRY_DELAY = 250;

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Keeps a HashClient's node list in step with a configuration endpoint:
 *
 *   first command ──► start: ask now ──► apply ──► wait `interval` ──► ask ──► apply if newer …
 *                          │ fails                                       │ fails, or garbage
 *                          └─► retry soon (250 ms, doubling)             └─► keep the last good list
 *
 * A config is applied only when it parses and its version is above the one in use. Nodes
 * are added before any is removed, so the ring is never empty; a removed node's sockets close
 * gracefully, after the requests already sent to it settle. The poll timer is unref'd, so
 * discovery never keeps the process alive; close() stops it.
 */
export class ClusterDiscovery {
  /** The endpoint's name, for errors and tracing. */
  readonly endpoint: string;
  readonly #address: ResolvedAddress;
  readonly #interval: number;
  readonly #query: ConfigQueryOptions;
  readonly #tls: boolean;
  readonly #target: DiscoveryTarget;
  #version = -1;
  #started = false;
  #closed = false;
  #failures = 0;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  /** Abandons the poll under way when the client closes. */
  readonly #closing = new AbortController();
  readonly #waiters = new Set<Waiter>();

  constructor(options: DiscoveryOptions, connection: ConnectionOptions, target: DiscoveryTarget) {
    if (options === null || typeof options !== 'object') {
      throw new MemcacheIllegalInputError('discovery takes { endpoint, interval?, command? }');
    }
    this.#address = parseAddress(options.endpoint);
    this.endpoint = this.#address.name;
    const interval = options.interval ?? DEFAULT_INTERVAL;
    if (typeof interval !== 'number' || !Number.isFinite(interval) || interval <= 0) {
      throw new MemcacheIllegalInputError(
        `discovery interval must be a positive number of ms, got ${interval}`,
      );
    }
    this.#interval = interval;
    const command = options.command ?? 'config';
    if (command !== 'config' && command !== 'legacy') {
      throw new MemcacheIllegalInputError(
        `discovery command must be 'config' or 'legacy', got ${String(command)}`,
      );
    }
    this.#tls = Boolean(connection.tls);
    this.#query = {
      command,
      socket: {
        tls: connection.tls,
        noDelay: connection.noDelay ?? true,
        keepAlive: connection.keepAlive ?? true,
      },
      connectTimeout: bounded(connection.connectTimeout, DEFAULT_CONNECT_TIMEOUT),
      timeout: bounded(connection.timeout, DEFAULT_TIMEOUT),
      maxBytes: MAX_CONFIG_BYTES,
      signal: this.#closing.signal,
    };
    this.#target = target;
  }

  /** True once a node list came from the endpoint. */
  get known(): boolean {
    return this.#version >= 0;
  }

  /** The config version in use; -1 before the first. */
  get version(): number {
    return this.#version;
  }

  /** Starts polling (once; later calls do nothing). Called by the first command, so connecting stays lazy. */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    void this.#poll();
  }

  /**
   * Resolves once a node list is known. A command waits here at most `connectTimeout`, and
   * fails with the endpoint's error if the poll it waits for fails.
   */
  whenKnown(): Promise<void> {
    if (this.known) return Promise.resolve();
    if (this.#closed) return Promise.reject(new MemcacheConnectionError('the client is closed'));
    this.start();
    void this.#poll(); // while backing off, a waiting caller asks now rather than later
    return new Promise<void>((resolve, reject) => {
      // Not unref'd: a command waiting here is in flight and keeps the process alive.
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(
          new MemcacheTimeoutError(
            `no node list from the configuration endpoint ${this.endpoint} within ${this.#query.connectTimeout} ms`,
          ),
        );
      }, timerDelay(this.#query.connectTimeout));
      const waiter: Waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  /** A stand-in node for a key while no list is known (undefined once one is). */
  waitingNode(route: () => ServerNode): ServerNode | undefined {
    if (this.known || this.#closed) return undefined;
    return waitingNode(() => this.whenKnown(), route);
  }

  /** Stops polling; commands still waiting for a first list fail. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#closing.abort(new MemcacheConnectionError('the client is closed'));
    this.#settleWaiters(new MemcacheConnectionError('the client is closed'));
  }

  #poll(): Promise<void> {
    if (this.#polling) return this.#polling;
    clearTimeout(this.#timer);
    this.#polling = this.#ask().finally(() => {
      this.#polling = undefined;
      this.#schedule();
    });
    return this.#polling;
  }

  async #ask(): Promise<void> {
    try {
      const config = await queryConfigEndpoint(this.#address, this.#query);
      if (this.#closed) return;
      this.#failures = 0;
      if (config.version > this.#version) this.#apply(config);
    } catch (error) {
      if (this.#closed) return;
      this.#failures++;
      if (discoveryChannels.error.hasSubscribers) {
        discoveryChannels.error.publish({ endpoint: this.endpoint, error });
      }
      if (!this.known) {
        const reason = error instanceof Error ? error.message : String(error);
        this.#settleWaiters(
          new MemcacheConnectionError(
            `no node list from the configuration endpoint ${this.endpoint}: ${reason}`,
            {
              cause: error,
            },
          ),
        );
      }
    }
  }

  #schedule(): void {
    if (this.#closed) return;
    const delay = this.known
      ? this.#interval
      : Math.min(this.#interval, RETRY_DELAY * 2 ** Math.min(this.#failures - 1, 16));
    this.#timer = setTimeout(() => void this.#poll(), timerDelay(delay));
    this.#timer.unref();
  }

  #apply(config: ClusterConfig): void {
    const addresses = config.nodes.map((node) => this.#addressOf(node));
    const names = addresses.map((address) => parseAddress(address).name);
    const before = new Set(this.#target.servers);
    const wanted = new Set(names);
    const added: string[] = [];
    names.forEach((name, index) => {
      if (before.has(name) || added.includes(name)) return;
      this.#target.addServer(addresses[index]!);
      added.push(name);
    });
    const removed = [...before].filter((name) => !wanted.has(name));
    for (const name of removed) this.#target.removeServer(name);
    this.#version = config.version;
    if (discoveryChannels.change.hasSubscribers) {
      const message: DiscoveryChangeMessage = {
        endpoint: this.endpoint,
        version: config.version,
        added,
        removed,
        nodes: this.#target.servers,
      };
      discoveryChannels.change.publish(message);
    }
    this.#settleWaiters(undefined);
  }

  /**
   * Where to reach a node: its IP, so no DNS lookup stands between a poll and the new node; or
   * its host name when the IP is empty, or under TLS, where the certificate names the host.
   */
  #addressOf(node: DiscoveredNode): ServerAddress {
    const host = (this.#tls && node.host !== '') || node.ip === '' ? node.host : node.ip;
    return { host, port: node.port };
  }

  #settleWaiters(error: unknown): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const waiter of waiters) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  }
}

function bounded(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}
