import type { EncodedRequest } from '@mc/protocol';
import { commands } from '@mc/protocol';
import { Connection, type ConnectionOptions, type ServerAddress } from '@mc/transport';
import type { ServerNode } from './server-node.js';

/**
 * The sockets to one server (`connections: n`). Each socket is pipelined, so a request goes to
 * the one with the fewest requests outstanding; sockets connect lazily, on their first request.
 */
export class ConnectionGroup implements ServerNode {
  readonly name: string;
  readonly #connections: Connection[];

  constructor(address: ServerAddress, options: ConnectionOptions & { connections?: number } = {}) {
    const { connections = 1, ...connectionOptions } = options;
    if (!Number.isInteger(connections) || connections < 1) {
      throw new RangeError(`connections must be a whole number of at least 1, got ${connections}`);
    }
    this.#connections = Array.from({ length: connections }, () => new Connection(address, connectionOptions));
    this.name = this.#connections[0]!.name;
  }

  /** The sockets, for tests and for tracing. */
  get connections(): readonly Connection[] {
    return this.#connections;
  }

  send<T>(request: EncodedRequest<T>): Promise<T> {
    const connections = this.#connections;
    let best = connections[0]!;
    if (connections.length > 1) {
      for (let index = 1; index < connections.length; index++) {
        const candidate = connections[index]!;
        if (candidate.pending < best.pending) best = candidate;
      }
    }
    return best.send(request);
  }

  async quit(): Promise<void> {
    await Promise.all(
      this.#connections.map(async (connection) => {
        if (connection.state === 'ready') await connection.send(commands.quit.request()).catch(() => {});
        await connection.close();
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.#connections.map((connection) => connection.close()));
  }
}
