import type * as net from 'node:net';
import { MemcacheClientError, MemcacheConnectionError, MemcacheTimeoutError } from '@mc/protocol';
import { adoptSocket, openSocket, type SocketOptions } from './open-socket.js';
import type { ResolvedAddress } from './parse-address.js';
import { type Deferred, deferred } from './deferred.js';

/** What the connect flow asks of the connection it opens sockets for. */
export interface ConnectFlowHost {
  /**
   * A socket is open: take it and run the handshake (authentication) through the queue.
   * Resolves once the connection may serve; rejects (or `signal` aborts) when it may not.
   */
  handshake(socket: net.Socket, signal: AbortSignal): Promise<void>;
  /** A socket is being opened (one per address tried, and the TLS one over it). */
  opening?(socket: net.Socket): void;
  /** The attempt succeeded: the connection is ready. */
  connected(): void;
  /** The attempt failed with `error` (a MemcacheConnectionError or MemcacheTimeoutError). */
  failed(error: Error): void;
}

export interface ConnectFlowOptions {
  socket: SocketOptions;
  /** Milliseconds for socket and handshake together; Infinity: none. */
  connectTimeout: number;
  /** Milliseconds before the first reconnect after a failure, doubling per failure up to 1 s. */
  reconnectDelay: number;
}

const MAX_RECONNECT_DELAY = 1000;

/**
 * Opens a connection's sockets, one attempt at a time: waits out the backoff after failures,
 * opens the socket within the connect deadline, hands it over for the handshake, and reports
 * success or one typed failure per attempt. An attempt cancelled (close, destroy) or
 * superseded stands down: its socket is destroyed and it reports nothing.
 *
 *   start() ─[backoff: delay × 2^(failures-1), ≤ 1 s]─► openSocket ─► host.handshake ─► host.connected
 *                                                           └── error / deadline ──► host.failed
 */
export class ConnectFlow {
  readonly #address: ResolvedAddress;
  readonly #options: ConnectFlowOptions;
  readonly #host: ConnectFlowHost;
  /** Increments per attempt, so a superseded attempt knows to stand down. */
  #attempt = 0;
  #controller: AbortController | undefined;
  #backoffTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  #settled: Deferred | undefined;
  /** The last attempt's failure, and when its backoff runs out (performance.now()). */
  #lastError: Error | undefined;
  #retryAt = 0;

  constructor(address: ResolvedAddress, options: ConnectFlowOptions, host: ConnectFlowHost) {
    this.#address = address;
    this.#options = options;
    this.#host = host;
  }

  /** Consecutive failures, for the backoff; reset once a connection is ready. */
  get failures(): number {
    return this.#failures;
  }

  /** Whether an attempt is waiting out its backoff (no socket is being opened yet). */
  get backingOff(): boolean {
    return this.#backoffTimer !== undefined;
  }

  /** Settles with the current attempt: resolves once connected, rejects with its failure. */
  get settled(): Promise<void> | undefined {
    return this.#settled?.promise;
  }

  /** The milliseconds the next attempt waits before opening its socket. */
  get delay(): number {
    if (this.#failures === 0) return 0;
    const base = this.#options.reconnectDelay;
    return Math.min(base * 2 ** (this.#failures - 1), Math.max(MAX_RECONNECT_DELAY, base));
  }

  /**
   * The failure of the last attempt while its backoff has not run out: the server could not be
   * reached a moment ago and will not be tried again before then, so a request now is refused
   * at once with it instead of waiting out the backoff (and perhaps its own deadline) for
   * nothing. A connection lost once it was ready is not refused this way: it reconnects.
   */
  get refusal(): Error | undefined {
    if (this.#lastError === undefined || performance.now() >= this.#retryAt) return undefined;
    return this.#lastError;
  }

  /** Counts a failure of a ready connection (socket lost, stream reset), for the next backoff. */
  countFailure(): void {
    this.#failures++;
  }

  /**
   * Starts an attempt, after the backoff if the last ones failed. `holdsProcess`: requests
   * wait for it, so the backoff keeps the process alive (a bare connect() does not).
   */
  start(holdsProcess: boolean): void {
    this.#settled = deferred();
    const attempt = ++this.#attempt;
    // After a failed attempt the backoff counts from that failure, not from this start.
    const delay =
      this.#lastError === undefined ? this.delay : Math.max(0, Math.ceil(this.#retryAt - performance.now()));
    if (delay === 0) {
      void this.#open(attempt);
      return;
    }
    this.#backoffTimer = setTimeout(() => {
      this.#backoffTimer = undefined;
      void this.#open(attempt);
    }, delay);
    if (!holdsProcess) this.#backoffTimer.unref();
  }

  /** Stops the attempt or the backoff wait: the attempt stands down, `settled` rejects with `cause`. */
  cancel(cause: Error): void {
    this.#attempt++;
    if (this.#backoffTimer !== undefined) clearTimeout(this.#backoffTimer);
    this.#backoffTimer = undefined;
    this.#controller?.abort(cause);
    this.#controller = undefined;
    this.#settled?.reject(cause);
    this.#settled = undefined;
  }

  async #open(attempt: number): Promise<void> {
    const controller = new AbortController();
    this.#controller = controller;
    const timeout = this.#options.connectTimeout;
    const name = this.#address.name;
    const timer =
      timeout === Number.POSITIVE_INFINITY
        ? undefined
        : setTimeout(() => {
            controller.abort(new MemcacheTimeoutError(`connecting to ${name} timed out after ${timeout} ms`));
          }, timeout);
    // The socket being opened keeps the process alive while a request waits (the host refs
    // it only then); this timer never does.
    timer?.unref();
    try {
      const socket = await openSocket(this.#address, this.#options.socket, controller.signal, (opened) =>
        this.#host.opening?.(opened),
      );
      if (attempt !== this.#attempt) {
        socket.destroy();
        return;
      }
      const early = adoptSocket(socket);
      if (early !== undefined) {
        socket.destroy();
        throw early;
      }
      await this.#host.handshake(socket, controller.signal);
      if (attempt !== this.#attempt) return;
    } catch (error) {
      if (attempt === this.#attempt) this.#fail(this.#error(error));
      return;
    } finally {
      clearTimeout(timer);
      if (this.#controller === controller) this.#controller = undefined;
    }
    this.#failures = 0;
    this.#lastError = undefined;
    const settled = this.#settled;
    this.#settled = undefined;
    this.#host.connected();
    settled?.resolve();
  }

  #fail(error: Error): void {
    this.#failures++;
    this.#lastError = error;
    this.#retryAt = performance.now() + this.delay;
    const settled = this.#settled;
    this.#settled = undefined;
    this.#host.failed(error);
    settled?.reject(error);
  }

  /** Every connect failure is a MemcacheConnectionError, except a connect deadline (MemcacheTimeoutError). */
  #error(reason: unknown): Error {
    const name = this.#address.name;
    if (reason instanceof MemcacheConnectionError || reason instanceof MemcacheTimeoutError) return reason;
    if (reason instanceof MemcacheClientError) {
      return new MemcacheConnectionError(`authentication with ${name} failed: ${reason.message}`, {
        cause: reason,
        ...(reason.response === undefined ? {} : { response: reason.response }),
      });
    }
    const message = reason instanceof Error ? reason.message : String(reason);
    return new MemcacheConnectionError(`cannot connect to ${name}: ${message}`, { cause: reason });
  }
}
