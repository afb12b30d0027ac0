import {
  type EncodedRequest,
  type Frame,
  MemcacheConnectionError,
  MemcacheProtocolError,
  ResponseParser,
} from '@mc/protocol';
import type { ServerNode } from '../server-node.js';
import { tracedSend, tracingActive } from '../tracing.js';
import type { MemoryStore } from './memory-store.js';
import { runCommands } from './run-commands.js';

/**
 * A server node whose "socket" is a MemoryStore: a request's bytes run against the store at
 * once, and the answer goes through the same parser and reply reader a real connection uses.
 *
 *   encoder ──chunks──► runCommands(store) ──reply bytes──► ResponseParser ──frames──► reader
 */
export class MemoryNode implements ServerNode {
  readonly name = 'memory';
  readonly #store: MemoryStore;
  #closed = false;

  constructor(store: MemoryStore) {
    this.#store = store;
  }

  /** Traced as a socket's commands are, so code that tracing observes can be tested here too. */
  send<T>(request: EncodedRequest<T>, keyCount = 0): Promise<T> {
    if (tracingActive()) return tracedSend(this.name, request, keyCount, (traced) => this.#run(traced));
    return this.#run(request);
  }

  async #run<T>(request: EncodedRequest<T>): Promise<T> {
    if (this.#closed) throw new MemcacheConnectionError('connection to memory is closed');
    const bytes = Buffer.concat(
      request.chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk)),
    );
    const { reply, closes } = runCommands(this.#store, bytes);
    if (closes) this.#closed = true;
    const reader = request.reader;
    if (reader === undefined || (closes && reply.byteLength === 0)) return undefined as T;
    let done = false;
    const frames: Frame[] = [];
    new ResponseParser().feed(reply, (frame) => frames.push(frame));
    for (const frame of frames) {
      if (done)
        throw new MemcacheProtocolError(`memory store answered more than one reply to ${request.command}`);
      done = reader.push(frame);
    }
    // A quiet meta request whose nominal reply was left out settles as that reply.
    if (!done && reader.quiet !== true) {
      throw new MemcacheProtocolError(`memory store answered ${request.command} incompletely`);
    }
    return reader.result();
  }

  async quit(): Promise<void> {
    this.#closed = true;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
