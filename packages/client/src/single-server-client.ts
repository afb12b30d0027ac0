import { commands, type Key, MemcacheIllegalInputError, MemcacheUnexpectedCloseError } from '@mc/protocol';
import { type CloseOptions, checkCloseOptions } from '@mc/transport';
import { BaseClient, type CommandOptions } from './base-client.js';
import { flushDelay, flushEverySocket } from './flush-delay.js';
import type { ServerNode } from './server-node.js';
import { parseStats, type Stats } from './stats.js';

/**
 * A client bound to one server node: what Client (a real memcached) and MemoryClient (one in
 * memory) share, so the two cannot answer the server-wide commands differently.
 */
export abstract class SingleServerClient<V> extends BaseClient<V> {
  readonly #node: ServerNode;

  constructor(options: CommandOptions<V>, node: ServerNode) {
    super(options);
    this.#node = node;
    this.clientMetrics.adopt(node);
  }

  /** The server's name: `host:port`, `[v6]:port` or the socket path (`memory` for MemoryClient). */
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
    return parseStats(await this.#node.send(commands.stats.request(args)));
  }

  /** The server's version, e.g. `1.6.18`. */
  version(): Promise<string> {
    return this.#node.send(commands.version.request());
  }

  /**
   * Invalidates every item, now or after `delay` seconds. With several sockets it travels on
   * each, so a write sent before it on any socket is flushed too.
   */
  async flushAll(delay?: number): Promise<void> {
    await flushEverySocket(this.#node, flushDelay(delay));
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

  /**
   * Closes every socket; later commands reject. Requests already made still get their replies
   * within `options.timeout` (default: the client's `timeout`, 5000 ms unless set, or 2000 ms
   * when `timeout` is 0, no deadline);
   * `{ force: true }` fails them and closes at once.
   */
  close(options?: CloseOptions): Promise<void> {
    try {
      checkCloseOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#node.close(options);
  }
}
