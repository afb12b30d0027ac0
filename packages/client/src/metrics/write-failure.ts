import * as diagnosticsChannel from 'node:diagnostics_channel';
import { type Key, MemcacheIllegalInputError } from '@mc/protocol';
import type { ClientMetrics } from './client-metrics.js';

/**
 * A write that did not reach memcached, or whose outcome is unknown: an error, a timeout, a
 * dead node, a closed socket. Also reported under `ignoreErrors`, where the caller only saw
 * `false`. The cached value may now be stale, so an application can invalidate or replay the
 * key later. Answers such as `not_stored` or `exists` are outcomes, not failures.
 */
export interface WriteFailure {
  /** The key as the caller gave it (before `keyPrefix`). */
  key: Key;
  /** The command as sent: `set`, `add`, `replace`, `cas`, `append`, `prepend`, `delete`, `touch`, `incr`, `decr`, `ms`, `md`, `ma`. */
  command: string;
  /** The server that owns the key: `host:port`, `[v6]:port` or the socket path. */
  server: string;
  error: unknown;
}

/** `mc:write:failure`: every client's write failures, for code that cannot pass an option. */
export const writeFailureChannel = diagnosticsChannel.channel('mc:write:failure');

const WRITES = new Set([
  'set',
  'add',
  'replace',
  'cas',
  'append',
  'prepend',
  'delete',
  'touch',
  'incr',
  'decr',
  'ms',
  'md',
  'ma',
]);

/** Tells the `onWriteFailure` option, the channel and the metrics of a client about failed writes. */
export class WriteFailureReporter {
  readonly #listener: ((failure: WriteFailure) => void) | undefined;
  readonly #metrics: ClientMetrics;

  constructor(listener: ((failure: WriteFailure) => void) | undefined, metrics: ClientMetrics) {
    if (listener !== undefined && typeof listener !== 'function') {
      throw new MemcacheIllegalInputError('onWriteFailure must be a function');
    }
    this.#listener = listener;
    this.#metrics = metrics;
  }

  /** Whether anyone would hear of a failure; checked before a write's promise is wrapped. */
  get active(): boolean {
    return this.#listener !== undefined || this.#metrics.enabled || writeFailureChannel.hasSubscribers;
  }

  /** Passes `answer` through, reporting its rejection when `command` is a write. */
  watch<T>(answer: Promise<T>, key: Key, command: string | undefined, server: string): Promise<T> {
    if (command === undefined || !WRITES.has(command)) return answer;
    return answer.catch((error: unknown) => {
      this.report(key, command, server, error);
      throw error;
    });
  }

  /** Reports one failed write (illegal input is the caller's bug, never sent, so not reported). */
  report(key: Key, command: string, server: string, error: unknown): void {
    if (error instanceof MemcacheIllegalInputError || !WRITES.has(command)) return;
    if (this.#metrics.enabled) this.#metrics.writeFailures++;
    const failure: WriteFailure = { key, command, server, error };
    if (this.#listener !== undefined) {
      try {
        this.#listener(failure);
      } catch (listenerError) {
        // A throwing listener must neither replace the write's own error nor, in the middle of
        // an outage, crash the process: it becomes a process warning.
        process.emitWarning(`onWriteFailure threw: ${String(listenerError)}`, 'MemcacheWarning');
      }
    }
    if (writeFailureChannel.hasSubscribers) writeFailureChannel.publish(failure);
  }
}
