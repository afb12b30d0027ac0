import type { ConnectionOptions, ServerAddress } from '@mc/transport';
import { commands, type Key, MemcacheIllegalInputError, MemcacheUnexpectedCloseError } from '@mc/protocol';
import type { Serde } from '@mc/serde';
import { BaseClient, type CommandOptions, type DefaultValue } from './base-client.js';
import { ConnectionGroup } from './connection-group.js';
import type { ServerNode } from './server-node.js';
import { parseStats, type Stats } from './stats.js';

/** Everything `new Client(address, options)` accepts; every option is optional. */
export interface ClientOptions<V = DefaultValue> extends CommandOptions<V>, ConnectionOptions {
  /** Sockets to this server, each pipelined (default 1). */
  connections?: number;
}

/**
 * A client for one memcached server. Commands are pipelined on one socket (or `connections`
 * sockets), connecting lazily on the first command.
 *
 * ```ts
 * const client = new Client('127.0.0.1:11211', { keyPrefix: 'app:' });
 * await client.set('greeting', 'hello', { ttl: 60 });
 * await client.get('greeting'); // 'hello'
 * ```
 */
export class Client<V = DefaultValue> extends BaseClient<V> {
  readonly #node: ConnectionGroup;

  constructor(address: ServerAddress, options?: ClientOptions<V>);
  constructor(address: ServerAddress, options: ClientOptions<V> & { serde: Serde<V> });
  constructor(address: ServerAddress, options: ClientOptions<V> = {}) {
    super(options);
    const {
      serde: _serde,
      keyPrefix: _prefix,
      ignoreErrors: _ignore,
      defaultNoreply: _noreply,
      ...transport
    } = options;
    this.#node = new ConnectionGroup(address, transport);
  }

  /** The server's name: `host:port`, `[v6]:port` or the socket path. */
  get server(): string {
    return this.#node.name;
  }

  protected nodeFor(_key: Key, _wireKey: Key): ServerNode {
    return this.#node;
  }

  protected allNodes(): ServerNode[] {
    return [this.#node];
  }

  /** The server's counters; `stats('settings')`, `stats('items')`, `stats('slabs')` for the others. */
  async stats(...args: string[]): Promise<Stats> {
    this.flushPending();
    return parseStats(await this.#node.send(commands.stats.request(args)));
  }

  /** The server's version, e.g. `1.6.18`. */
  version(): Promise<string> {
    this.flushPending();
    return this.#node.send(commands.version.request());
  }

  /** Invalidates every item, now or after `delay` seconds. */
  async flushAll(delay?: number): Promise<void> {
    this.flushPending();
    await this.#node.send(commands.flushAll.request(delay, false));
  }

  /** Sets the server's logging verbosity. */
  async verbosity(level: number): Promise<void> {
    await this.#node.send(commands.verbosity.request(level, false));
  }

  /** Changes the server's memory limit at run time. */
  async cacheMemlimit(megabytes: number): Promise<void> {
    await this.#node.send(commands.cacheMemlimit.request(megabytes, false));
  }

  /** Asks the server to exit (it must run with `-A`); the closing socket is the expected answer. */
  async shutdown(graceful = false): Promise<void> {
    if (typeof graceful !== 'boolean') throw new MemcacheIllegalInputError('graceful must be a boolean');
    try {
      await this.#node.send(commands.shutdown.request(graceful));
    } catch (error) {
      if (!(error instanceof MemcacheUnexpectedCloseError)) throw error;
    }
  }

  /** Says `quit` (the server closes after flushing earlier replies), then closes. */
  quit(): Promise<void> {
    return this.#node.quit();
  }

  /** Closes every socket; later commands reject. */
  close(): Promise<void> {
    return this.#node.close();
  }
}
