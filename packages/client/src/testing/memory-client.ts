import { MemcacheIllegalInputError } from '@mc/protocol';
import type { Serde } from '@mc/serde';
import type { CommandOptions, DefaultValue } from '../base-client.js';
import { SingleServerClient } from '../single-server-client.js';
import { MemoryNode } from './memory-node.js';
import { MemoryStore } from './memory-store.js';

/** Options of `new MemoryClient()`: Client's command options, and the store to use. */
export interface MemoryClientOptions<V = DefaultValue> extends CommandOptions<V> {
  /**
   * The data behind the client (default: a fresh store of its own). Pass one store to
   * several clients to let them share a cache, for instance under different key prefixes.
   */
  store?: MemoryStore | undefined;
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
export class MemoryClient<V = DefaultValue> extends SingleServerClient<V> {
  /** The data this client reads and writes; `store.clear()` empties it between tests. */
  readonly store: MemoryStore;

  constructor(options?: MemoryClientOptions<V>);
  constructor(options: MemoryClientOptions<V> & { serde: Serde<V> });
  constructor(options: MemoryClientOptions<V> = {}) {
    const store = options.store ?? new MemoryStore();
    if (!(store instanceof MemoryStore)) throw new MemcacheIllegalInputError('store must be a MemoryStore');
    super(options, new MemoryNode(store));
    this.store = store;
  }
}
