import {
  type Frame,
  MemcacheConnectionError,
  MemcacheProtocolError,
  MemcacheUnexpectedCloseError,
} from '@mc/protocol';
import type { PendingRequest } from './pending-request.js';
import { RingQueue } from './ring-queue.js';

/** What the router asks of the connection that owns the socket. */
export interface FrameRouterHost {
  /** Settles a request with its decoded reply. */
  succeed(entry: PendingRequest, value: unknown): void;
  /** Settles a request with an error. */
  fail(entry: PendingRequest, error: unknown): void;
  /**
   * The stream can no longer be trusted: drop the socket. Requests in flight reject with
   * `error`; `failure` counts for the reconnect backoff; requests not yet written reject with
   * `unsentError` if given, and otherwise wait for the next socket.
   */
  reset(error: Error, failure: boolean, unsentError: Error | undefined): void;
  /** A request's reply was read in full (and the request settled unless it was abandoned). */
  replied(entry: PendingRequest): void;
}

/**
 * The read side of the ordered queue: memcached answers in request order, so each frame the
 * response parser yields belongs to the oldest request in flight. The router hands it to that
 * request's reader, settles the request once its reply is complete, and resets the connection
 * when the stream is out of step (a reply nobody asked for, one that does not fit its
 * request, `ERROR` that leaves the server's read position uncertain).
 *
 *   frames ──► route() ──► inflight.peek().reader.push(frame) ── done? ──► settle, shift
 */
export class FrameRouter {
  /** Written requests awaiting their replies, oldest first. */
  readonly inflight = new RingQueue<PendingRequest>();
  readonly #name: string;
  readonly #host: FrameRouterHost;

  constructor(name: string, host: FrameRouterHost) {
    this.#name = name;
    this.#host = host;
  }

  /** Gives one frame to the oldest request in flight; settles it once its reply is complete. */
  readonly route = (frame: Frame): void => {
    const host = this.#host;
    if (frame.kind === 'error' && frame.error instanceof MemcacheConnectionError) {
      // `ERROR Too many open connections`: the server refuses this connection, not a command.
      host.reset(frame.error, true, frame.error);
      return;
    }
    const inflight = this.inflight;
    const entry = inflight.peek();
    let done: boolean;
    try {
      if (entry === undefined) {
        const error =
          frame.kind === 'error'
            ? frame.error
            : new MemcacheProtocolError(
                `${this.#name} sent a '${frame.kind}' reply with no request outstanding`,
              );
        host.reset(error, true, error);
        return;
      }
      done = entry.reader!.push(frame);
    } catch (error) {
      const failure =
        error instanceof MemcacheProtocolError
          ? error
          : new MemcacheProtocolError(`unexpected reply from ${this.#name}: ${String(error)}`, {
              cause: error,
            });
      host.reset(failure, true, failure);
      return;
    }
    if (frame.kind === 'error' && frame.reset && !entry.keepsStream) {
      // After ERROR / CLIENT_ERROR the server's read position is uncertain: the replies of
      // the requests behind this one cannot be trusted, so the connection starts over.
      inflight.shift();
      if (done) this.#complete(entry);
      else if (!entry.settled) host.fail(entry, frame.error);
      const error = new MemcacheUnexpectedCloseError(
        `connection to ${this.#name} was reset after '${frame.error.message}' with the request outstanding`,
        { cause: frame.error },
      );
      host.reset(error, false, undefined);
      return;
    }
    if (!done) return;
    inflight.shift();
    const misfit = this.#complete(entry);
    if (misfit !== undefined) {
      // A reply that does not fit its request (STORED for a get, a value of a key not asked
      // for): the stream is out of step, and every reply behind it would go to the wrong
      // request. Requests not yet written are unaffected and go out on the next socket.
      const error = new MemcacheUnexpectedCloseError(
        `connection to ${this.#name} was reset: ${misfit.message}`,
        { cause: misfit },
      );
      host.reset(error, true, undefined);
      return;
    }
    host.replied(entry);
  };

  /**
   * Settles a request whose reply is complete (an abandoned one, aborted or timed out, is
   * already settled: its reply is dropped). Answers the MemcacheProtocolError when the reply
   * did not fit the request, so the stream can be reset.
   */
  #complete(entry: PendingRequest): MemcacheProtocolError | undefined {
    let value: unknown;
    try {
      value = entry.reader!.result();
    } catch (error) {
      if (!entry.settled) this.#host.fail(entry, error);
      return error instanceof MemcacheProtocolError ? error : undefined;
    }
    if (!entry.settled) this.#host.succeed(entry, value);
    return undefined;
  }
}
