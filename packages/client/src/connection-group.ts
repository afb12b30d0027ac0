import {
  commands,
  type EncodedRequest,
  type Key,
  MemcacheIllegalInputError,
  type RetrievedValue,
} from '@mc/protocol';
import { Pool } from '@mc/pool';
import { Connection, type ConnectionOptions, type ServerAddress } from '@mc/transport';
import { GetBatcher } from './get-batcher.js';
import type { ServerNode } from './server-node.js';
import { tracedSend, tracingActive } from './tracing.js';

// Requests one pipelined socket may carry at once before the group prefers another socket
// or, when every socket is that busy, makes callers wait in the pool's FIFO queue.
const REQUESTS_PER_SOCKET = 10_000;

/**
 * The sockets to one server. With `connections: 1` (the default) every request shares one
 * pipelined socket, the fastest arrangement for small values. With `connections: n` a
 * @mc/pool Pool lends the least-busy socket, opening up to n lazily, so large values or a
 * multi-threaded server can use several sockets at once.
 */
export class ConnectionGroup implements ServerNode {
  readonly name: string;
  readonly #single: Connection | undefined;
  readonly #pool: Pool<Connection> | undefined;
  readonly #gets = new GetBatcher('get', (request, keyCount) => this.#sendNow(request, keyCount));
  readonly #getsWithCas = new GetBatcher('gets', (request, keyCount) => this.#sendNow(request, keyCount));

  constructor(address: ServerAddress, options: ConnectionOptions & { connections?: number } = {}) {
    const { connections = 1, ...connectionOptions } = options;
    if (!Number.isInteger(connections) || connections < 1) {
      throw new MemcacheIllegalInputError(
        `connections must be a whole number of at least 1, got ${connections}`,
      );
    }
    const first = new Connection(address, connectionOptions);
    this.name = first.name;
    if (connections === 1) {
      this.#single = first;
    } else {
      let spare: Connection | undefined = first;
      this.#pool = new Pool<Connection>(
        {
          create: () => {
            const connection = spare ?? new Connection(address, connectionOptions);
            spare = undefined;
            return connection;
          },
          destroy: (connection) => connection.close(),
          validate: (connection) => connection.state !== 'closed',
        },
        // Connection objects are cheap and connect lazily, so all n exist from the start.
        { max: connections, min: connections, maxSharing: REQUESTS_PER_SOCKET },
      );
    }
  }

  /** The sockets opened so far, for tests and for tracing. */
  get connections(): readonly Connection[] {
    return this.#single ? [this.#single] : [...this.#pool!.resources()];
  }

  retrieve(command: 'get' | 'gets', wireKey: Key): Promise<RetrievedValue | undefined> {
    return (command === 'get' ? this.#gets : this.#getsWithCas).add(wireKey);
  }

  send<T>(request: EncodedRequest<T>, keyCount = 0): Promise<T> {
    // Gathered reads go out first, so commands reach the server in the order they were made.
    if (this.#gets.pending) this.#gets.flush();
    if (this.#getsWithCas.pending) this.#getsWithCas.flush();
    return this.#sendNow(request, keyCount);
  }

  #sendNow<T>(request: EncodedRequest<T>, keyCount: number): Promise<T> {
    if (tracingActive()) return tracedSend(this.name, request, keyCount, (traced) => this.#send(traced));
    return this.#send(request);
  }

  #send<T>(request: EncodedRequest<T>): Promise<T> {
    if (this.#single) return this.#single.send(request);
    const pool = this.#pool!;
    const connection = pool.tryAcquire();
    if (connection) return this.#sendOn(pool, connection, request);
    return pool.acquire().then((acquired) => this.#sendOn(pool, acquired, request));
  }

  #sendOn<T>(pool: Pool<Connection>, connection: Connection, request: EncodedRequest<T>): Promise<T> {
    return connection.send(request).finally(() => pool.release(connection));
  }

  async quit(): Promise<void> {
    await Promise.all(
      this.connections.map(async (connection) => {
        if (connection.state === 'ready') await connection.send(commands.quit.request()).catch(() => {});
      }),
    );
    await this.close();
  }

  async close(): Promise<void> {
    // Reads gathered this tick were accepted: send them, so they get replies before the end.
    if (this.#gets.pending) this.#gets.flush();
    if (this.#getsWithCas.pending) this.#getsWithCas.flush();
    if (this.#single) return this.#single.close();
    await this.#pool!.close();
  }
}
