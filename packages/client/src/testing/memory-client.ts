import { commands, type Key, MemcacheIllegalInputError } from '@mc/protocol';
import type { Serde } from '@mc/serde';
import { BaseClient, type CommandOptions, type DefaultValue } from '../base-client.js';
import type { ServerNode } from '../server-node.js';
import { parseStats, type Stats } from '../stats.js';
import { MemoryNode } from './memory-node.js';
import { MemoryStore } from './memory-store.js';

/** Options of `new MemoryClient()`: Client's command options, and the store to use. */
export interface MemoryClientOptions<V = DefaultValue> extends CommandOptions<V> {
  /**
   * The data behind the client (default: a fresh store of its own). Pass one store to
   * several clients to let them share a cache, for instance under different key prefixes.
   */
  store?: MemoryStore;
}

/**
 * The Client API with memcached in memory, for unit tests that should not need a server.
 * Requests go through the same encoder, key validation, serde and reply parsing as Client's,
 * and run against a MemoryStore that keeps memcached's rules (TTLs, cas uniques, incr/decr
 * on 64 bits, the meta protocol's win/stale tokens), so code tested against it behaves the
 * same against a real server. A shared conformance suite runs against both.
 *
 * ```ts
 * import { MemoryClient } from '@mc/client/testing';
 * const client = new MemoryClient({ keyPrefix: 'app:' });
 * await client.set('greeting', 'hello', { ttl: 60 });
 * await client.get('greeting'); // 'hello'
 * ```
 */
export class MemoryClient<V = DefaultValue> extends BaseClient<V> {
  /** The data this client reads and writes; `store.clear()` empties it between tests. */
  readonly store: MemoryStore;
  readonly #node: MemoryNode;

  constructor(options?: MemoryClientOptions<V>);
  constructor(options: MemoryClientOptions<V> & { serde: Serde<V> });
  constructor(options: MemoryClientOptions<V> = {}) {
    super(options);
    if (options.store !== undefined && !(options.store instanceof MemoryStore)) {
      throw new MemcacheIllegalInputError('store must be a MemoryStore');
    }
    this.store = options.store ?? new MemoryStore();
    this.#node = new MemoryNode(this.store);
  }

  /** The server's name, as Client's: always `memory`. */
  get server(): string {
    return this.#node.name;
  }

  protected nodeFor(_key: Key, _wireKey: Key): ServerNode {
    return this.#node;
  }

  protected allNodes(): ServerNode[] {
    return [this.#node];
  }

  /** memcached's counter names (`get_hits`, `curr_items`...), this store's numbers; `stats('settings')` too. */
  async stats(...args: string[]): Promise<Stats> {
    return parseStats(await this.#node.send(commands.stats.request(args)));
  }

  /** `1.6.18-memory`: the memcached this store imitates. */
  version(): Promise<string> {
    return this.#node.send(commands.version.request());
  }

  /** Invalidates every item, now or after `delay` seconds. */
  async flushAll(delay?: number): Promise<void> {
    await this.#node.send(commands.flushAll.request(delay, false));
  }

  /** Accepted and ignored, after the same checks as Client's. */
  async verbosity(level: number): Promise<void> {
    await this.#node.send(commands.verbosity.request(level, false));
  }

  /** Accepted and ignored, after the same checks as Client's. */
  async cacheMemlimit(megabytes: number): Promise<void> {
    await this.#node.send(commands.cacheMemlimit.request(megabytes, false));
  }

  /** Closes this client, as a real server's exit would; the store keeps its data. */
  async shutdown(graceful = false): Promise<void> {
    if (typeof graceful !== 'boolean') throw new MemcacheIllegalInputError('graceful must be a boolean');
    await this.#node.send(commands.shutdown.request(graceful));
  }

  /** Closes this client; later commands reject with MemcacheConnectionError, as Client's do. */
  quit(): Promise<void> {
    return this.#node.quit();
  }

  /** Closes this client; later commands reject with MemcacheConnectionError. */
  close(): Promise<void> {
    return this.#node.close();
  }
}
