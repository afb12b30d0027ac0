import {
  commands,
  type EncodedRequest,
  type Key,
  MemcacheIllegalInputError,
  type RetrievedValue,
  validateKey,
} from '@mc/protocol';
import { type CloseOptions, Connection, type ConnectionOptions, type ServerAddress } from '@mc/transport';
import { keySlot } from './key-slot.js';
import { measuredSend } from './metrics/measured-send.js';
import type { NodeMetrics } from './metrics/node-metrics.js';
import { type FinishRead, hitFrame, type ServerNode } from './server-node.js';
import { tracedSend, tracingActive } from './tracing.js';

/**
 * The sockets to one server. With `connections: 1` (the default) every request shares one
 * pipelined socket, the fastest arrangement for small values. With `connections: n` each key
 * is routed to one of n sockets by a stable hash of the key, so large values or a
 * multi-threaded server can use several sockets at once while every command for one key
 * still travels in call order (a set then a get of one key reads what was set).
 *
 * Ordering and batching live in each Connection's queue: one-key gets made in the same tick
 * leave as one multi-key line, replayable meta requests as one quiet run.
 *
 *   set(a) get(b) get(c) metaSet(a) ─► socket keySlot(key) ─► "set a …" "get b c" "ms a …"
 */
export class ConnectionGroup implements ServerNode {
  readonly name: string;
  readonly #connections: Connection[];
  /** Set once the client's metrics are on (ClientMetrics); until then sends are not measured. */
  metrics: NodeMetrics | undefined;

  constructor(address: ServerAddress, options: ConnectionOptions & { connections?: number } = {}) {
    const { connections = 1, ...connectionOptions } = options;
    if (!Number.isInteger(connections) || connections < 1) {
      throw new MemcacheIllegalInputError(
        `connections must be a whole number of at least 1, got ${connections}`,
      );
    }
    // Connection objects are cheap and connect lazily, so all n exist from the start.
    this.#connections = Array.from({ length: connections }, () => new Connection(address, connectionOptions));
    this.name = this.#connections[0]!.name;
  }

  /** The group's sockets, for tests and for tracing. */
  get connections(): readonly Connection[] {
    return this.#connections;
  }

  socketOf(wireKey: Key): number {
    return keySlot(wireKey, this.#connections.length);
  }

  retrieve<R, C>(command: 'get' | 'gets', wireKey: Key, finish: FinishRead<R, C>, context: C): Promise<R> {
    const connections = this.#connections;
    if (this.metrics === undefined && !tracingActive()) {
      // The connection checks the key, encodes the (merged) line itself and settles the read
      // with finish's result: no request object, no list, no extra promise.
      const connection =
        connections.length === 1 ? connections[0]! : connections[keySlot(wireKey, connections.length)]!;
      return connection.retrieve(command, wireKey, finish, context);
    }
    // Measured and traced sends time the command alone: finish runs after them, as a decoding
    // error is the caller's, not the command's. An illegal key is refused before either.
    const key = validateKey(wireKey);
    const request: EncodedRequest<RetrievedValue[]> = {
      chunks: NO_CHUNKS,
      reader: undefined,
      command,
      mergeableGet: { command, key },
    };
    return this.send(request, 1, key).then((hits) => finish(hitFrame(hits[0]), context));
  }

  send<T>(request: EncodedRequest<T>, keyCount = 0, routeKey?: Key): Promise<T> {
    const connections = this.#connections;
    if (routeKey === undefined && connections.length > 1 && request.command === 'mn') {
      // A keyless mn is a barrier: it answers once every socket has answered what came before.
      return this.everySocket(() => commands.metaNoop.request() as unknown as EncodedRequest<T>, keyCount);
    }
    const connection =
      routeKey === undefined ? connections[0]! : connections[keySlot(routeKey, connections.length)]!;
    return this.#sendOn(connection, request, keyCount);
  }

  everySocket<T>(build: () => EncodedRequest<T>, keyCount = 0): Promise<T> {
    const connections = this.#connections;
    if (connections.length === 1) return this.#sendOn(connections[0]!, build(), keyCount);
    // Each socket gets a request of its own: a reader reads one reply.
    return Promise.all(connections.map((connection) => this.#sendOn(connection, build(), keyCount))).then(
      (replies) => replies[0]!,
    );
  }

  #sendOn<T>(connection: Connection, request: EncodedRequest<T>, keyCount: number): Promise<T> {
    if (this.metrics !== undefined) return measuredSend(this.metrics, connection, request, keyCount);
    if (tracingActive()) return tracedSend(this.name, request, keyCount, (traced) => connection.send(traced));
    return connection.send(request);
  }

  async quit(): Promise<void> {
    const said = this.#connections.map((connection) =>
      connection.state === 'ready' ? connection.send(commands.quit.request()).catch(() => {}) : undefined,
    );
    // Closing at once, not after the quits are written: a call made after quit() in the same
    // tick is refused like one made after close(), whether or not a socket was open yet.
    const closed = this.close();
    await Promise.all(said);
    await closed;
  }

  async close(options?: CloseOptions): Promise<void> {
    // Requests made this tick are already in each connection's queue: close() still sends them.
    await Promise.all(this.#connections.map((connection) => connection.close(options)));
  }
}

const NO_CHUNKS: EncodedRequest<unknown>['chunks'] = [];
