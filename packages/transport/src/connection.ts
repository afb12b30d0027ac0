import { type ConnectionTraceMessage, connectionChannels } from './connection-channels.js';
import { EventEmitter } from 'node:events';
import type * as net from 'node:net';
import type * as tls from 'node:tls';
import {
  type Chunk,
  checkedGetLine,
  type EncodedRequest,
  type Frame,
  type Key,
  MemcacheClientError,
  MemcacheConnectionError,
  MemcacheIllegalInputError,
  MemcacheProtocolError,
  MemcacheTimeoutError,
  MemcacheUnexpectedCloseError,
  type MetaReply,
  nextQuietOpaque,
  type QuietOutcome,
  QuietRunReader,
  type ReplyReader,
  ResponseParser,
  type ResponseParserOptions,
  type RetrievedFrames,
  RetrievedFramesReader,
  type ValueFrameLike,
  validateKey,
} from '@mc/protocol';
import { type AuthOptions, authProbe, authRequest } from './auth-request.js';
import { ConnectFlow } from './connect-flow.js';
import { DeadlineTimer } from './deadline-timer.js';
import { earlyHitReader } from './early-hit-reader.js';
import { type Deferred, deferred } from './deferred.js';
import { FrameRouter } from './frame-router.js';
import type { SocketOptions } from './open-socket.js';
import { parseAddress, type ResolvedAddress, type ServerAddress } from './parse-address.js';
import { LineKeyIndex } from './line-key-index.js';
import { PendingRequest } from './pending-request.js';
import { RingQueue } from './ring-queue.js';
import { SocketReader } from './socket-reader.js';
import { MAX_TIMER_DELAY } from './timer-delay.js';
import { WriteBatch } from './write-batch.js';

export interface ConnectionOptions {
  /** Milliseconds to open the socket (DNS, TCP, TLS and auth together); default 2000; 0 or Infinity: none. */
  connectTimeout?: number | undefined;
  /** Milliseconds for each command's reply, counted from `send()`; default 5000; 0 or Infinity: none. */
  timeout?: number | undefined;
  /** Disable Nagle's algorithm (default true): small pipelined commands should not wait for ACKs. */
  noDelay?: boolean | undefined;
  /** TCP keep-alive probes after 30 s idle (default true), so dead peers behind NAT are noticed. */
  keepAlive?: boolean | undefined;
  /** `true` for TLS with Node's defaults, or Node's TLS options (CA, client certificate, servername). */
  tls?: boolean | tls.ConnectionOptions | undefined;
  /** memcached's ASCII authentication (`-Y`), done right after each connect. */
  auth?: AuthOptions | undefined;
  /**
   * Bound on requests queued plus in flight (default 100,000). Beyond it `send()` rejects at
   * once with MemcacheClientError: memory stays bounded when the server cannot keep up.
   */
  maxPending?: number | undefined;
  /** Milliseconds before reconnecting after a failure (default 50), doubling per failure up to 1 s. */
  reconnectDelay?: number | undefined;
  /**
   * The largest value a reply may carry, in bytes (default DEFAULT_MAX_VALUE_BYTES, at most
   * MEMCACHED_ITEM_LIMIT, 1 GiB): a `VALUE`/`VA` header announcing more is a
   * MemcacheProtocolError and the connection resets, so a broken or hostile server cannot make
   * the parser allocate without bound.
   */
  maxValueBytes?: number | undefined;
}

/** How `close()` ends the connection. */
export interface CloseOptions {
  /**
   * Fail every request still pending and close the socket now (requests in flight reject
   * with MemcacheUnexpectedCloseError, requests not yet sent with MemcacheConnectionError).
   */
  force?: boolean | undefined;
  /**
   * Milliseconds to wait for the replies of the requests still pending before closing anyway
   * (they then reject with MemcacheTimeoutError); 0 waits for nothing. Default: the
   * connection's `timeout`, or 2000 ms when it has none (`timeout: 0`), so close() always
   * settles.
   */
  timeout?: number | undefined;
}

export interface SendOptions {
  /** This command's deadline in milliseconds, instead of the connection's `timeout`. */
  timeout?: number | undefined;
  /** Aborts this command; the promise rejects with `signal.reason`, as `fetch` does. */
  signal?: AbortSignal | undefined;
}

/**
 * The life of a connection. Every change goes through one transition function, which checks
 * it against this table:
 *
 *                send() / connect()             socket open (+ auth)
 *       idle ─────────────────────► connecting ─────────────────────► ready
 *        ▲ ▲   connect failed:          │                               │
 *        │ └── waiting requests reject ─┘                               │
 *        └───────── socket lost, reset after ERROR, overdue reply ──────┘
 *                   (reconnects if requests wait; a short backoff after failures)
 *
 *   ready ──close()──► closing ──last reply──► closed      idle ──close()──► closed
 *   connecting ──close()──► (once ready) closing           any ──destroy()──► closed
 */
export type ConnectionState = 'idle' | 'connecting' | 'ready' | 'closing' | 'closed';

const TRANSITIONS: Record<ConnectionState, readonly ConnectionState[]> = {
  idle: ['connecting', 'closed'],
  connecting: ['ready', 'closing', 'idle', 'closed'],
  ready: ['idle', 'closing', 'closed'],
  closing: ['closed'],
  closed: [],
};

/**
 * Events: `connect` once a socket is ready, `close` when one goes (with the reason, if any),
 * `error` on failures (connect failures and lost connections), `connectFailed` on connect
 * failures alone.
 */
export interface ConnectionEvents {
  connect: [];
  close: [error: Error | undefined];
  error: [error: Error];
  connectFailed: [error: Error];
}

const DEFAULT_CONNECT_TIMEOUT = 2000;
const DEFAULT_TIMEOUT = 5000;
const DEFAULT_MAX_PENDING = 100_000;
const DEFAULT_RECONNECT_DELAY = 50;
/** A merged get line holds at most this many keys and bytes, well inside what memcached reads. */
const MAX_MERGED_KEYS = Math.min(100, LineKeyIndex.capacity);
const MAX_MERGED_LINE_BYTES = 8192;
/**
 * The key table of the merged line being built. A line is built from begin() to end() in one
 * synchronous run that calls nothing outside this module, so one table serves every
 * connection: 16 KiB once per process, not per connection (a pool or a HashClient holds many).
 */
const lineKeys = new LineKeyIndex();
/** A quiet run holds at most this many requests, so one burst cannot hold the socket for long. */
const MAX_QUIET_RUN = 256;
/** How long close() waits for pending replies when the connection has no command timeout. */
const UNBOUNDED_CLOSE_TIMEOUT = 2000;
/** Milliseconds with nothing pending before the socket stops keeping the process alive. */
const IDLE_UNREF_DELAY = 5;
/** How long a connect nobody waits for goes on before it is stood down (see #standDown). */
const STAND_DOWN_DELAY = 1000;
/** After close(), a socket whose buffered bytes cannot leave (peer frozen) is destroyed after this. */
const CLOSE_GRACE = 1000;

// The Promise executor is shared: it runs synchronously inside `new Promise`, so a module
// variable hands it the request, and no closure is allocated per request.
let creating: PendingRequest | undefined;
function capture(resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
  creating!.resolve = resolve;
  creating!.reject = reject;
}

/**
 * One memcached connection: connects lazily, pipelines, enforces deadlines, reconnects.
 *
 * The pipeline. `send()` appends to `waiting`; once per tick (process.nextTick) the flush
 * writes every waiting request in one write (WriteBatch) and moves those that expect a reply to
 * `inflight`. The first request after a reply emptied the queue (one call at a time) is
 * written at once instead: nothing waits to ride along with it. Replies arrive in request
 * order, so the parser's frames always belong to the oldest request in flight:
 *
 *   send() ──► waiting: [ r7 r6 r5 ] ──flush──► socket ──► memcached
 *                                                              │
 *   settle ◄── inflight: [ r4 r3 r2 r1 ] ◄── frames ◄── parser ◄┘
 *              (oldest r1 gets the next frame; noreply requests never enter inflight)
 *
 * Three jobs live in their own modules: ConnectFlow opens sockets (backoff, connect
 * deadline, one typed failure per attempt), FrameRouter is the read side (frames to the
 * oldest request in flight), DeadlineTimer keeps one timer for all deadlines. Authentication
 * is no separate path: its steps are queued first in line as gates (written, then nothing
 * behind them until their reply is in), so requests made meanwhile wait behind it in order.
 *
 * Deadlines use one timer per connection, armed for the earliest deadline. When the oldest
 * request in flight is overdue the server is stuck or far behind, and every later request
 * waits behind it, so the connection is destroyed and all requests in flight reject with
 * MemcacheTimeoutError; requests not yet written survive and go out on the next socket.
 * A later request with a shorter per-call deadline rejects alone and is abandoned: its
 * reply is read and dropped, so the stream stays in step.
 */
export class Connection extends EventEmitter<ConnectionEvents> {
  readonly address: ResolvedAddress;
  readonly name: string;

  #state: ConnectionState = 'idle';
  #socket: net.Socket | undefined;
  readonly #waiting = new RingQueue<PendingRequest>();
  /** The read side: hands each frame to the oldest request in flight. */
  readonly #router: FrameRouter;
  /** The router's queue of requests written and awaiting their replies. */
  readonly #inflight: RingQueue<PendingRequest>;
  #pending = 0;

  readonly #socketOptions: SocketOptions;
  readonly #timeout: number;
  readonly #maxPending: number;
  readonly #flow: ConnectFlow;
  readonly #auth: AuthOptions | undefined;
  readonly #parserOptions: ResponseParserOptions;

  readonly #batch = new WriteBatch();
  /** Finds keys asked twice in a merged get line. */
  #flushScheduled = false;
  /** performance.now() at the first send() since the last flush: deadlines count from it. */
  #sentAt = 0;
  /**
   * A reply to a lone request just emptied the queue: the next send() writes at once instead
   * of deferring to the end of the tick (requests sent after it in the same tick still merge
   * with each other). Cleared once used, after a moment idle, and with the socket.
   */
  #writeAtOnce = false;
  /** The last flush wrote one request: the caller works one call at a time, not in bursts. */
  #lastFlushSingle = false;
  /** socket.write returned false: wait for 'drain'. */
  #blocked = false;
  /** A request that makes the server close (quit, shutdown) was written: write nothing more here. */
  #quitting = false;
  /** close() or destroy() was called: no new requests. */
  #ending = false;
  #closed: Deferred | undefined;
  /** A handshake step written and not yet answered: nothing behind it is written meanwhile. */
  #gated = false;

  /** Whether the current socket has delivered any byte, for the hint when it goes silent. */
  #heard = false;
  /** Whether the socket keeps the process alive: only while requests are pending. */
  #referenced = true;
  /**
   * The sockets of a connect in progress (one per address tried, and the TLS one over it):
   * like the connected socket, they keep the process alive only while a request waits, so a
   * connect that hangs after its only request timed out does not hold the process.
   */
  #opening: net.Socket[] = [];
  /** Someone awaits `connect()` itself: the attempt goes on even with nothing pending. */
  #connectAwaited = false;
  /** Stands a connect down once nothing has been pending for a moment (see #standDown). */
  #standDownTimer: NodeJS.Timeout | undefined;
  /** What the sockets before the current one wrote and read. */
  #bytesWritten = 0;
  #bytesRead = 0;
  /** Unrefs the socket once nothing is pending (see #updateReference); armed at most once at a time. */
  #idleTimer: NodeJS.Timeout | undefined;
  #idleArmed = false;
  #closeTimer: NodeJS.Timeout | undefined;

  readonly #deadlines = new DeadlineTimer(() => this.#onTimer());

  constructor(address: ServerAddress, options: ConnectionOptions = {}) {
    super();
    this.address = parseAddress(address);
    this.name = this.address.name;
    const connectTimeout = duration(options.connectTimeout, DEFAULT_CONNECT_TIMEOUT, 'connectTimeout');
    this.#timeout = duration(options.timeout, DEFAULT_TIMEOUT, 'timeout');
    const reconnectDelay = options.reconnectDelay ?? DEFAULT_RECONNECT_DELAY;
    if (typeof reconnectDelay !== 'number' || !Number.isFinite(reconnectDelay) || reconnectDelay < 0) {
      throw new MemcacheIllegalInputError(`reconnectDelay must be a finite number of milliseconds ≥ 0`);
    }
    const maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
    if (!Number.isInteger(maxPending) || maxPending < 1) {
      throw new MemcacheIllegalInputError(`maxPending must be a positive integer, got ${String(maxPending)}`);
    }
    this.#maxPending = maxPending;
    if (options.auth !== undefined) authRequest(options.auth); // validates the credentials now
    this.#auth = options.auth;
    this.#parserOptions = options.maxValueBytes === undefined ? {} : { maxValueBytes: options.maxValueBytes };
    new ResponseParser(this.#parserOptions); // validates maxValueBytes now (MemcacheIllegalInputError)
    this.#socketOptions = {
      tls: options.tls,
      noDelay: options.noDelay ?? true,
      keepAlive: options.keepAlive ?? true,
      placeReads: true,
    };
    this.#router = new FrameRouter(this.name, {
      succeed: (entry, value) =>
        entry.mergeableGet === undefined
          ? this.#succeed(entry, value)
          : // A lone one-key get (#writeLoneGet): its hit, if any, is the reply's only frame.
            this.#settleGet(entry, (value as RetrievedFrames).frames[0]),
      fail: (entry, error) => this.#fail(entry, error),
      reset: (error, failure, unsentError) => this.#drop(error, failure, unsentError),
      replied: (entry) => this.#replied(entry),
    });
    this.#inflight = this.#router.inflight;
    this.#flow = new ConnectFlow(
      this.address,
      { socket: this.#socketOptions, connectTimeout, reconnectDelay },
      {
        handshake: (socket, signal) => this.#handshake(socket, signal),
        opening: (socket) => {
          this.#opening.push(socket);
          if (!this.#referenced) socket.unref();
        },
        connected: () => this.#connected(),
        failed: (error) => this.#connectFailed(error),
      },
    );
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Requests accepted and not yet settled (queued or awaiting their reply). */
  get pending(): number {
    return this.#pending;
  }

  /** Bytes handed to this connection's sockets so far, every socket it had counted. */
  get bytesWritten(): number {
    return this.#bytesWritten + (this.#socket?.bytesWritten ?? 0);
  }

  /** Bytes received on this connection's sockets so far, every socket it had counted. */
  get bytesRead(): number {
    return this.#bytesRead + (this.#socket?.bytesRead ?? 0);
  }

  /**
   * Sends one encoded request and resolves with its decoded reply. A request without a reader
   * (noreply, quit) resolves once its bytes are handed to the socket. Requests made in the
   * same tick leave in one write.
   */
  send<T>(request: EncodedRequest<T>, options?: SendOptions): Promise<T> {
    let merge = request.mergeableGet;
    if (merge !== undefined) {
      // The connection encodes the merged line itself: the key is checked here, once.
      let key: Key;
      try {
        key = validateKey(merge.key);
      } catch (error) {
        return Promise.reject(error);
      }
      if (key !== merge.key) merge = { ...merge, key };
    }
    const refused = this.#refusal();
    if (refused !== undefined) return refused;
    let timeout = this.#timeout;
    let signal: AbortSignal | undefined;
    if (options !== undefined) {
      signal = options.signal;
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (options.timeout !== undefined) {
        try {
          timeout = duration(options.timeout, timeout, 'timeout');
        } catch (error) {
          return Promise.reject(error);
        }
      }
    }
    const entry = new PendingRequest(
      request.chunks,
      request.reader as ReplyReader<unknown> | undefined,
      request.closesConnection === true,
      this.#deadline(timeout),
      timeout,
      this.#onAbort,
    );
    entry.byteCount = entry.byteChunkLength();
    if (request.quietForm !== undefined)
      entry.quietForm = request.quietForm as (opaque: string) => EncodedRequest<unknown>;
    if (merge !== undefined) entry.mergeableGet = merge;
    if (signal !== undefined) {
      entry.signal = signal;
      signal.addEventListener('abort', entry, { once: true });
    }
    return this.#enqueue(entry);
  }

  /**
   * Reads one key with `get` or `gets`: what `send` does with a request marked
   * `mergeableGet` that carries `finish`, without an encoded request of its own. The read may
   * share a multi-key line with its neighbours and resolves with `finish(hit, context)` (`hit`
   * undefined on a miss); a throw of `finish` rejects this read alone. The key is checked
   * here (MemcacheIllegalInputError).
   */
  retrieve<R, C>(
    command: 'get' | 'gets',
    key: Key,
    finish: (hit: ValueFrameLike | undefined, context: C) => R,
    context: C,
  ): Promise<R> {
    let checked: Key;
    try {
      checked = validateKey(key);
    } catch (error) {
      return Promise.reject(error);
    }
    const refused = this.#refusal();
    if (refused !== undefined) return refused;
    const timeout = this.#timeout;
    const entry = new PendingRequest(
      undefined,
      undefined,
      false,
      this.#deadline(timeout),
      timeout,
      this.#onAbort,
    );
    entry.mergeableGet = {
      command,
      key: checked,
      finish: finish as (hit: ValueFrameLike | undefined, context: unknown) => unknown,
      context,
    };
    return this.#enqueue(entry);
  }

  /** Why a new request is refused at once (closed, server unreachable a moment ago, too many pending), if it is. */
  #refusal(): Promise<never> | undefined {
    if (this.#ending) return Promise.reject(this.#closedError());
    if (this.#state === 'idle') {
      const failure = this.#flow.refusal;
      if (failure !== undefined) {
        return Promise.reject(
          failure instanceof MemcacheConnectionError
            ? new MemcacheConnectionError(
                `${failure.message} (tried again after a ${this.#flow.delay} ms backoff)`,
                {
                  cause: failure,
                },
              )
            : failure,
        );
      }
    }
    // Requests (a merged get line or a quiet run carries many), and the entries of requests
    // abandoned in flight, which stay queued until their replies are read. Requests abandoned
    // before they were written are not counted: they never reach the server.
    if (Math.max(this.#pending, this.#inflight.length) >= this.#maxPending) {
      return Promise.reject(
        new MemcacheClientError(
          `too many requests pending on ${this.name} (maxPending ${this.#maxPending}); the server is not keeping up`,
        ),
      );
    }
    return undefined;
  }

  /** The deadline of a request sent now with `timeout`. */
  #deadline(timeout: number): number {
    if (this.#waiting.length === 0 && this.#inflight.length === 0) this.#deadlines.restart();
    // The clock is read once per tick, as Node's own timers count from the event loop's time:
    // requests sent while a flush is scheduled share the first one's reading (a clock read
    // costs about as much as the rest of a merged get's queueing).
    if (!this.#flushScheduled) this.#sentAt = performance.now();
    return timeout === Number.POSITIVE_INFINITY ? timeout : this.#sentAt + timeout;
  }

  /** Queues a new request and settles the promise it answers with (see the pipeline above). */
  #enqueue<T>(entry: PendingRequest): Promise<T> {
    creating = entry;
    const promise = new Promise<T>(
      capture as (resolve: (value: T) => void, reject: (error: unknown) => void) => void,
    );
    creating = undefined;
    if (++this.#pending === 1 && !this.#referenced) this.#updateReference();
    this.#waiting.push(entry);
    this.#deadlines.track(entry.deadline);
    if (this.#state === 'ready') {
      if (
        this.#writeAtOnce &&
        !this.#flushScheduled &&
        entry.quietForm === undefined &&
        !entry.reader?.quiet
      ) {
        // The first call after a reply emptied the queue (one call at a time): nothing
        // waits to ride along, so it goes now rather than a tick later. A meta request that
        // may join a quiet run still waits for the tick, so a burst of them is one run.
        this.#writeAtOnce = false;
        this.#flush();
      } else this.#scheduleFlush();
    } else if (this.#state === 'idle') this.#startConnect();
    return promise;
  }

  /** Opens the connection now rather than on the first command; resolves once it is ready. */
  connect(): Promise<void> {
    if (this.#ending) return Promise.reject(this.#closedError());
    if (this.#state === 'ready') return Promise.resolve();
    if (this.#state === 'idle') this.#startConnect();
    this.#connectAwaited = true;
    return this.#flow.settled!;
  }

  /**
   * Ends the connection gracefully: new requests reject at once, requests already accepted
   * still get their replies (within `options.timeout`, see CloseOptions), then the socket
   * ends. Resolves once the connection is closed; `{ force: true }` closes at once.
   */
  close(options?: CloseOptions): Promise<void> {
    try {
      checkCloseOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    const force = options?.force === true;
    const given = options?.timeout;
    // An explicit 0 gives pending requests no time at all (they are abandoned on the next
    // turn of the loop), where a connection `timeout` of 0 means no deadline.
    const wait =
      given === undefined
        ? this.#timeout === Number.POSITIVE_INFINITY
          ? UNBOUNDED_CLOSE_TIMEOUT
          : this.#timeout
        : given === 0
          ? 0
          : duration(given, UNBOUNDED_CLOSE_TIMEOUT, 'timeout');
    if (this.#closed) {
      if (force) this.destroy();
      return this.#closed.promise;
    }
    this.#closed = deferred();
    this.#ending = true;
    if (this.#state === 'closed') {
      this.#closed.resolve(); // destroyed earlier
      return this.#closed.promise;
    }
    if (force) {
      this.destroy();
      return this.#closed.promise;
    }
    if (this.#state === 'idle') this.#move('closed');
    else if (this.#state === 'ready') {
      this.#move('closing');
      this.#checkDrained();
    } else if (this.#flow.backingOff && !this.#hasWaiting()) {
      // Waiting out a backoff with nothing to send: the reconnect is cancelled.
      this.#flow.cancel(this.#closedError());
      this.#move('closed');
    } else if (this.#state === 'connecting' && this.#pending === 0) {
      // Connecting with nothing pending (its requests timed out): nothing will use the socket.
      this.#standDown();
    }
    // connecting: the connect flow moves on to closing (then drains) or to closed.
    if ((this.#state as ConnectionState) !== 'closed' && wait !== Number.POSITIVE_INFINITY) {
      this.#closeTimer = setTimeout(() => {
        this.#closeTimer = undefined;
        this.destroy(
          new MemcacheTimeoutError(
            `close() of ${this.name} gave up waiting after ${wait} ms; the request was abandoned`,
          ),
        );
      }, wait);
      // While requests are pending the socket keeps the process alive, and so this timer.
      this.#closeTimer.unref();
    }
    return this.#closed.promise;
  }

  /**
   * Closes at once. Requests in flight reject with `error` (default MemcacheUnexpectedCloseError),
   * requests not yet sent with `error` (default MemcacheConnectionError).
   */
  destroy(error?: Error): void {
    if (this.#state === 'closed') return;
    this.#ending = true;
    const cause = error ?? new MemcacheConnectionError(`connection to ${this.name} was destroyed`);
    this.#flow.cancel(cause);
    this.#detach()?.destroy();
    this.#deadlines.clear();
    const unsent = error ?? cause;
    const sent =
      error ??
      new MemcacheUnexpectedCloseError(
        `connection to ${this.name} was destroyed with the request outstanding`,
      );
    for (const entry of this.#inflight.drain()) if (!entry.settled) this.#fail(entry, sent);
    for (const entry of this.#waiting.drain()) if (!entry.settled) this.#fail(entry, unsent);
    this.#move('closed');
    this.#announceClose(error);
  }

  // ── state ──────────────────────────────────────────────────────────────────────────────

  #move(next: ConnectionState): void {
    if (!TRANSITIONS[this.#state].includes(next)) {
      throw new Error(`@mc/transport bug: illegal state change ${this.#state} → ${next}`);
    }
    this.#state = next;
    if (next === 'closed') {
      this.#ending = true;
      this.#deadlines.clear();
      if (this.#closeTimer !== undefined) clearTimeout(this.#closeTimer);
      this.#closeTimer = undefined;
      this.#closed?.resolve();
    }
  }

  #closedError(): MemcacheConnectionError {
    return new MemcacheConnectionError(`connection to ${this.name} is closed`);
  }

  // ── connecting ─────────────────────────────────────────────────────────────────────────

  #startConnect(): void {
    this.#connectAwaited = false;
    this.#move('connecting');
    this.#flow.start(this.#pending > 0);
  }

  /**
   * Takes a new socket and, with auth, authenticates through the ordered queue: each step
   * goes in front of the requests already waiting and is written as a gate, so nothing
   * behind it leaves until its reply is in. Credentials go only to a server that asks for
   * them (the probe): anything else would store them as an ordinary item any client can read.
   */
  async #handshake(socket: net.Socket, signal: AbortSignal): Promise<void> {
    this.#attach(socket);
    if (this.#auth === undefined) return;
    if (!(await this.#gate(authProbe(), signal, true))) {
      throw new MemcacheConnectionError(
        `${this.name} did not ask for authentication (it answered 'version' without credentials), so the credentials were not sent; remove the auth option, or start the server with -Y`,
      );
    }
    await this.#gate(authRequest(this.#auth), signal, false);
  }

  /** Queues one handshake step first in line, writes it, and resolves with its reply. */
  #gate<T>(request: EncodedRequest<T>, signal: AbortSignal, keepsStream: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry = new PendingRequest(
        request.chunks,
        request.reader as ReplyReader<unknown>,
        false,
        Number.POSITIVE_INFINITY,
        Number.POSITIVE_INFINITY,
        this.#onAbort,
      );
      entry.gate = true;
      entry.keepsStream = keepsStream;
      entry.byteCount = entry.byteChunkLength();
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => signal.removeEventListener('abort', onAbort);
      entry.resolve = (value) => {
        cleanup();
        resolve(value as T);
      };
      entry.reject = (error) => {
        cleanup();
        reject(error);
      };
      if (++this.#pending === 1 && !this.#referenced) this.#updateReference();
      this.#waiting.unshift(entry);
      this.#flush();
    });
  }

  /** A reply was read in full: a handshake step lets the queue move again. */
  #replied(entry: PendingRequest): void {
    if (entry.gate) this.#gated = false;
    if (entry.closesConnection && this.#quitting) {
      // The server answered instead of closing (a shutdown refused without -A): the
      // connection stays, and the requests held back behind the shutdown go out.
      this.#quitting = false;
      this.#scheduleFlush();
    }
    // After a burst, the next burst should merge whole; only a lone call leads to one.
    if (this.#pending === 0 && this.#lastFlushSingle) this.#writeAtOnce = true;
    if (this.#state === 'closing') this.#checkDrained();
  }

  #connected(): void {
    this.#move(this.#ending ? 'closing' : 'ready');
    this.#announceConnect();
    this.#flush();
    this.#checkDrained();
  }

  #connectFailed(error: Error): void {
    this.#opening = [];
    this.#detach()?.destroy();
    for (const entry of this.#inflight.drain()) if (!entry.settled) this.#fail(entry, error);
    for (const entry of this.#waiting.drain()) if (!entry.settled) this.#fail(entry, error);
    this.#move(this.#ending ? 'closed' : 'idle');
    // Told apart from a lost connection (also an 'error'), e.g. for a count of failed attempts.
    this.emit('connectFailed', error);
    this.#emitError(error);
  }

  #emitError(error: Error): void {
    // An EventEmitter throws on 'error' without a listener; failures already reach the callers.
    if (this.listenerCount('error') > 0) this.emit('error', error);
    if (connectionChannels.error.hasSubscribers)
      connectionChannels.error.publish({ server: this.name, error });
  }

  #announceConnect(): void {
    this.emit('connect');
    if (connectionChannels.connect.hasSubscribers) connectionChannels.connect.publish({ server: this.name });
  }

  #announceClose(error: Error | undefined): void {
    this.emit('close', error);
    if (connectionChannels.close.hasSubscribers) {
      const message: ConnectionTraceMessage = { server: this.name };
      if (error !== undefined) message.error = error;
      connectionChannels.close.publish(message);
    }
  }

  // ── the socket ─────────────────────────────────────────────────────────────────────────

  #attach(socket: net.Socket): void {
    this.#socket = socket;
    this.#opening = [];
    socket.ref(); // it may have been opened unref'd, while nothing was pending
    this.#referenced = true;
    this.#updateReference();
    const parser = new ResponseParser(this.#parserOptions);
    this.#blocked = false;
    this.#quitting = false;
    this.#heard = false;
    let first = true;
    let startsLikeTls = false;
    const route = this.#router.route;
    // Frames parsed after a reset in the same chunk belong to a socket already dropped.
    const onFrame: (frame: Frame) => void = (frame) => {
      if (this.#socket === socket) route(frame);
    };
    const receive = (chunk: Uint8Array) => {
      if (this.#socket !== socket) return;
      this.#heard = true;
      if (first) {
        first = false;
        // A TLS record starts with its content type: 0x15 alert, 0x16 handshake.
        startsLikeTls = (chunk[0] === 0x15 || chunk[0] === 0x16) && chunk[1] === 0x03;
      }
      try {
        parser.feed(chunk, onFrame);
      } catch (error) {
        if (this.#socket !== socket) return;
        const message = error instanceof Error ? error.message : String(error);
        const hint = startsLikeTls
          ? 'it answered in TLS: set the tls option'
          : `is ${this.name} a memcached server?`;
        const failure = new MemcacheProtocolError(
          `${this.name} sent something that is not memcached's protocol (${message}); ${hint}`,
          { cause: error },
        );
        this.#drop(failure, true, failure);
      }
    };
    // A plain socket reads large values straight into their buffers; a TLS one emits chunks.
    const reader = SocketReader.of(socket);
    if (reader === undefined) socket.on('data', receive);
    else reader.attach(receive, () => parser.blockRoom());
    socket.on('drain', () => {
      if (this.#socket !== socket) return;
      this.#blocked = false;
      this.#flush();
    });
    socket.on('error', (error: Error) => this.#lost(socket, error));
    socket.on('close', () => this.#lost(socket, undefined));
    // The server's FIN: no reply can follow it, and 'close' may be held back for as long as
    // our own unsent bytes are (a large write to a server that stopped reading).
    socket.on('end', () => this.#lost(socket, undefined));
  }

  /** Forgets the current socket (its events are ignored from now on) and returns it. */
  #detach(): net.Socket | undefined {
    const socket = this.#socket;
    if (socket !== undefined) {
      this.#bytesWritten += socket.bytesWritten;
      this.#bytesRead += socket.bytesRead;
    }
    this.#socket = undefined;
    this.#blocked = false;
    this.#quitting = false;
    this.#gated = false;
    this.#writeAtOnce = false;
    this.#batch.release();
    return socket;
  }

  #lost(socket: net.Socket, socketError: Error | undefined): void {
    if (socket !== this.#socket) return;
    const code = (socketError as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string' && code.startsWith('ERR_SSL_')) {
      // The server refused the TLS session (with TLS 1.3, e.g. a missing client certificate
      // is refused after the client's handshake is done): nothing was processed.
      const refused = new MemcacheConnectionError(
        `TLS session with ${this.name} failed: ${socketError!.message}`,
        {
          cause: socketError,
        },
      );
      // A connect that failed, only found out after the handshake: told as one.
      this.emit('connectFailed', refused);
      this.#drop(refused, true, refused);
      return;
    }
    let outstanding = 0;
    for (let index = 0; index < this.#inflight.length; index++) {
      const entry = this.#inflight.at(index)!;
      if (entry.members !== undefined) {
        for (const member of entry.members) if (!member.settled) outstanding++;
      } else if (!entry.settled && !entry.closesConnection) outstanding++;
    }
    const what = socketError ? `failed (${socketError.message})` : 'was closed by the server';
    // Hung up on the very first request without a byte in reply: the classic sign of a TLS
    // server reached in plain text (it reads the command as a broken ClientHello).
    const hint =
      outstanding > 0 && !this.#heard && !this.#socketOptions.tls
        ? `; nothing came back: if ${this.name} speaks TLS (memcached -Z, managed in-transit encryption), set the tls option`
        : '';
    const error = new MemcacheUnexpectedCloseError(
      `connection to ${this.name} ${what} with ${outstanding} request${outstanding === 1 ? '' : 's'} outstanding${hint}`,
      { cause: socketError },
    );
    const failure = socketError !== undefined || outstanding > 0;
    // A close with nothing outstanding (idle timeout, quit, restart) is no error: reconnect on demand.
    this.#drop(error, failure, undefined, !failure);
  }

  /**
   * The socket is gone or can no longer be trusted. Requests in flight reject with `error`
   * (a request that closes the connection, such as shutdown, succeeds); requests not yet
   * written reject with `unsentError` if given, and otherwise wait for the next socket.
   * `clean`: nothing was lost (the server closed an idle connection), so 'close' carries no error.
   */
  #drop(error: Error, failure: boolean, unsentError: Error | undefined, clean = false): void {
    const socket = this.#detach();
    if (socket === undefined) return;
    socket.destroy();
    for (const entry of this.#inflight.drain()) {
      if (entry.settled) continue;
      if (entry.closesConnection) this.#succeed(entry, undefined);
      else this.#fail(entry, error);
    }
    // While connecting, the connect flow is waiting on the auth request just rejected: it takes
    // over, and counts this failure (once).
    if (this.#state === 'connecting') return;
    if (failure) this.#flow.countFailure();
    if (unsentError !== undefined || this.#ending) {
      const reason = unsentError ?? this.#closedError();
      for (const entry of this.#waiting.drain()) if (!entry.settled) this.#fail(entry, reason);
    }
    this.#move(this.#ending ? 'closed' : 'idle');
    this.#announceClose(clean ? undefined : error);
    if (failure) this.#emitError(error);
    if (this.#state === 'idle' && this.#hasWaiting()) this.#startConnect();
  }

  #hasWaiting(): boolean {
    for (let index = 0; index < this.#waiting.length; index++)
      if (!this.#waiting.at(index)!.settled) return true;
    return false;
  }

  // ── writing ────────────────────────────────────────────────────────────────────────────

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    process.nextTick(this.#flush);
  }

  /**
   * Writes the waiting requests as one batch (see WriteBatch: joined text, small values
   * copied, large values passed through). Stops when the socket asks us to (write()
   * returned false) and resumes on 'drain', so memory is bounded by `maxPending`.
   */
  readonly #flush = (): void => {
    this.#flushScheduled = false;
    const socket = this.#socket;
    if (socket === undefined || this.#blocked || this.#quitting || this.#gated) return;
    const waiting = this.#waiting;
    if (this.#state !== 'ready' && this.#state !== 'closing') {
      // Connecting: only a handshake step may leave before the connection is ready.
      if (this.#state !== 'connecting' || waiting.peek()?.gate !== true) return;
    }
    this.#lastFlushSingle = waiting.length === 1;
    const batch = this.#batch;
    batch.begin(socket);
    while (waiting.length > 0) {
      const entry = waiting.peek()!;
      if (entry.settled) {
        waiting.shift(); // aborted or timed out before it was written
        continue;
      }
      if (entry.mergeableGet !== undefined) this.#writeGets(batch);
      else if (entry.quietForm !== undefined || entry.reader?.quiet === true) this.#writeQuietRun(batch);
      else {
        waiting.shift();
        this.#writeOne(entry, batch);
        if (entry.closesConnection) {
          this.#quitting = true;
          break;
        }
        if (entry.gate) {
          this.#gated = true;
          break;
        }
      }
      if (batch.full) batch.emit();
      if (!batch.writable) break;
    }
    if (!batch.end()) this.#blocked = true;
    this.#checkDrained();
  };

  /**
   * Whether the request's bytes are still those accepted by send(): a value whose buffer was
   * resized or detached since would put a length on the wire that its bytes do not match,
   * so that request fails alone and nothing of it is written.
   */
  #intact(entry: PendingRequest): boolean {
    if (entry.byteChunkLength() === entry.byteCount) return true;
    this.#fail(
      entry,
      new MemcacheIllegalInputError(
        'a value or key buffer changed size (or was detached) between the call and the write; nothing of this request was sent',
      ),
    );
    return false;
  }

  /** Writes one request as it is. */
  #writeOne(entry: PendingRequest, batch: WriteBatch): void {
    if (!this.#intact(entry)) return;
    const chunks = entry.chunks!;
    entry.chunks = undefined; // the socket holds the bytes now; let large values go early
    for (let index = 0; index < chunks.length; index++) batch.add(chunks[index]!);
    if (entry.reader !== undefined) this.#inflight.push(entry);
    else this.#succeed(entry, undefined);
  }

  /**
   * Folds the one-key gets at the front of the queue into one `get k1 k2 …` line (a key asked
   * twice is sent once): memcached answers one multi-key line far faster than many.
   */
  #writeGets(batch: WriteBatch): void {
    const waiting = this.#waiting;
    const first = waiting.peek()!;
    const command = first.mergeableGet!.command;
    const next = waiting.length > 1 ? waiting.at(1)! : undefined;
    if (next === undefined || (!next.settled && next.mergeableGet?.command !== command)) {
      waiting.shift();
      this.#writeLoneGet(first, batch);
      return;
    }
    // Sized for the common line (every waiting get, keys all different), cut to fit after.
    const room = Math.min(waiting.length, MAX_MERGED_KEYS);
    const members: PendingRequest[] = new Array(room);
    const keys: Key[] = new Array(room);
    let memberCount = 0;
    let keyCount = 0;
    /** Where each member's key stands in the line; only once a key repeats (else member i is key i). */
    let slots: number[] | undefined;
    lineKeys.begin(keys);
    let lineBytes = 0;
    for (let entry = waiting.peek(); entry !== undefined; entry = waiting.peek()) {
      if (entry.settled) {
        waiting.shift();
        continue;
      }
      const merge = entry.mergeableGet;
      if (merge === undefined || merge.command !== command) break;
      const key = merge.key;
      let slot = lineKeys.find(key);
      if (slot === -1) {
        const bytes = (typeof key === 'string' ? key.length : key.byteLength) + 1;
        if (keyCount >= MAX_MERGED_KEYS || lineBytes + bytes > MAX_MERGED_LINE_BYTES) break;
        slot = keyCount;
        lineKeys.add(slot);
        keys[keyCount++] = key;
        lineBytes += bytes;
      } else if (slots === undefined) {
        slots = new Array<number>(memberCount);
        for (let index = 0; index < memberCount; index++) slots[index] = index;
      }
      waiting.shift();
      if (slots !== undefined) slots.push(slot);
      members[memberCount++] = entry;
    }
    lineKeys.end();
    members.length = memberCount;
    keys.length = keyCount;
    // Even a lone one goes through here: a mergeable get may carry no chunks of its own.
    // Every key was checked when its request was made.
    const group = this.#group(members, earlyHitReader(command, keys, members, slots, this.#settleHit));
    // Every hit settled its callers as it was read: the callers left at END missed.
    group.resolve = () => {
      for (let index = 0; index < members.length; index++) {
        const member = members[index]!;
        if (!member.settled) this.#settleGet(member, undefined);
      }
    };
    group.reject = (error) => {
      for (const member of members) if (!member.settled) this.#fail(member, error);
    };
    const chunks = checkedGetLine(command, keys);
    for (let index = 0; index < chunks.length; index++) batch.add(chunks[index]!);
    this.#inflight.push(group);
  }

  readonly #settleHit = (entry: PendingRequest, hit: ValueFrameLike): void => this.#settleGet(entry, hit);

  /**
   * Settles a one-key get with its hit (undefined on a miss): through the caller's `finish`
   * when it gave one, else as the one-element (or empty) list a one-key get reads.
   */
  #settleGet(entry: PendingRequest, hit: ValueFrameLike | undefined): void {
    const merge = entry.mergeableGet!;
    if (merge.finish === undefined) {
      this.#succeed(
        entry,
        hit === undefined
          ? []
          : [{ key: hit.key, flags: hit.flags, cas: hit.cas, value: hit.data, index: 0 }],
      );
      return;
    }
    let value: unknown;
    try {
      value = merge.finish(hit, merge.context);
    } catch (error) {
      this.#fail(entry, error);
      return;
    }
    this.#succeed(entry, value);
  }

  /** Alone (one call at a time, the common case): its own line and reader, no group. */
  #writeLoneGet(entry: PendingRequest, batch: WriteBatch): void {
    const merge = entry.mergeableGet!;
    const keys = [merge.key]; // checked by send()
    entry.chunks = undefined;
    // Settled at END, not as its hit arrives (a merged line's callers are): the whole reply
    // is checked first, so a hit followed by garbage (a repeated VALUE) fails this read.
    entry.reader = new RetrievedFramesReader(merge.command, keys);
    const chunks = checkedGetLine(merge.command, keys);
    for (let index = 0; index < chunks.length; index++) batch.add(chunks[index]!);
    this.#inflight.push(entry);
  }

  /**
   * Writes the meta requests at the front of the queue that may be quiet as one quiet run
   * closed by `mn`, read by QuietRunReader (see there). Loud requests that offered a quiet
   * form are made quiet only when at least two ride together; a request the caller made
   * quiet always goes in a run, even alone, because only the `mn` makes its fate certain.
   * A request whose fate stays ambiguous goes out again on its own, first in the queue.
   */
  #writeQuietRun(batch: WriteBatch): void {
    const waiting = this.#waiting;
    const members: PendingRequest[] = [];
    const opaques = new Set<string | undefined>();
    let callerQuiet = false;
    for (
      let entry = waiting.peek();
      entry !== undefined && members.length < MAX_QUIET_RUN;
      entry = waiting.peek()
    ) {
      if (entry.settled) {
        waiting.shift();
        continue;
      }
      const quiet = entry.reader?.quiet === true;
      if (!quiet && entry.quietForm === undefined) break;
      if (entry.alone && members.length > 0) break;
      // Two members with one opaque could not be told apart: the second starts a new run.
      if (quiet && opaques.has(entry.reader!.opaque)) break;
      waiting.shift();
      if (!this.#intact(entry)) continue;
      members.push(entry);
      if (quiet) {
        opaques.add(entry.reader!.opaque);
        callerQuiet = true;
      }
      if (entry.alone) break;
    }
    if (members.length === 0) return;
    if (members.length === 1 && !callerQuiet) {
      this.#writeOne(members[0]!, batch);
      return;
    }
    const parts: Array<{
      chunks: readonly Chunk[];
      member: { reader: ReplyReader<MetaReply>; opaque: string | undefined };
    }> = [];
    const running: PendingRequest[] = [];
    for (const entry of members) {
      if (entry.reader?.quiet === true) {
        const reader = entry.reader as ReplyReader<MetaReply>;
        parts.push({ chunks: entry.chunks!, member: { reader, opaque: reader.opaque } });
        running.push(entry);
        continue;
      }
      let opaque = nextQuietOpaque();
      while (opaques.has(opaque)) opaque = nextQuietOpaque();
      try {
        const form = entry.quietForm!(opaque) as EncodedRequest<MetaReply>;
        parts.push({ chunks: form.chunks, member: { reader: form.reader!, opaque } });
        running.push(entry);
      } catch (error) {
        this.#fail(entry, error);
      }
    }
    const request = QuietRunReader.request(parts);
    const reader = request.reader as QuietRunReader;
    const group = this.#group(running, request.reader);
    group.resolve = (outcomes) => this.#settleRun(running, outcomes as QuietOutcome[], undefined);
    group.reject = (error) => this.#settleRun(running, reader.outcomes, error);
    for (const chunk of request.chunks) batch.add(chunk);
    this.#inflight.push(group);
  }

  /**
   * Hands each member of a quiet run its outcome. Members whose outcome is unknown (the run
   * was cut short) get `failure`; ambiguous ones are queued again, in front, to go alone.
   */
  #settleRun(
    members: PendingRequest[],
    outcomes: ReadonlyArray<QuietOutcome | undefined>,
    failure: unknown,
  ): void {
    const again: PendingRequest[] = [];
    members.forEach((member, index) => {
      if (member.settled) return;
      const outcome = outcomes[index];
      if (outcome === undefined) this.#fail(member, failure);
      else if (outcome.kind === 'reply') this.#succeed(member, outcome.reply);
      else if (outcome.kind === 'error') this.#fail(member, outcome.error);
      else again.push(member);
    });
    for (let index = again.length - 1; index >= 0; index--) {
      const member = again[index]!;
      member.alone = true;
      this.#waiting.unshift(member);
    }
    if (again.length > 0 && (this.#state === 'ready' || this.#state === 'closing')) this.#scheduleFlush();
  }

  /** The entry in flight for several members, read as one request. */
  #group(members: PendingRequest[], reader: ReplyReader<unknown> | undefined): PendingRequest {
    let deadline = Number.POSITIVE_INFINITY;
    let timeout = 0;
    for (const member of members) {
      if (member.deadline < deadline) {
        deadline = member.deadline;
        timeout = member.timeout;
      }
      member.chunks =
        member.quietForm !== undefined || member.reader?.quiet === true ? member.chunks : undefined;
    }
    const group = new PendingRequest(undefined, reader, false, deadline, timeout, this.#onAbort);
    group.members = members;
    return group;
  }

  // ── settling ───────────────────────────────────────────────────────────────────────────

  #succeed(entry: PendingRequest, value: unknown): void {
    entry.settled = true;
    if (entry.members === undefined && --this.#pending === 0 && !this.#idleArmed) this.#updateReference();
    if (entry.signal !== undefined) entry.signal.removeEventListener('abort', entry);
    entry.resolve(value);
  }

  #fail(entry: PendingRequest, error: unknown): void {
    entry.settled = true;
    if (entry.members === undefined && --this.#pending === 0 && !this.#idleArmed) this.#updateReference();
    if (entry.signal !== undefined) entry.signal.removeEventListener('abort', entry);
    entry.reject(error);
  }

  /**
   * An aborted request that was not written yet is skipped by the flush (the stream never
   * sees it); one already written is abandoned: its reply is read and dropped.
   */
  readonly #onAbort = (entry: PendingRequest): void => {
    if (entry.settled) return;
    this.#fail(entry, entry.signal!.reason);
    this.#checkDrained();
  };

  /**
   * An idle socket does not keep the process alive (as undici's and http.Agent's idle
   * sockets do not): a script that never calls close() still exits. A pending request refs
   * the socket again until it settles.
   */
  #updateReference(): void {
    const socket = this.#socket;
    if (socket === undefined) {
      // Connecting: the sockets being opened follow what is pending, at once. An unref'd
      // socket still has its connect request outstanding, which libuv counts as alive, so a
      // connect nobody waits for any more is also stood down a moment later (#standDown).
      this.#referenced = this.#pending > 0;
      for (const opening of this.#opening) {
        if (this.#referenced) opening.ref();
        else opening.unref();
      }
      if (this.#referenced) {
        clearTimeout(this.#standDownTimer);
        this.#standDownTimer = undefined;
      } else if (this.#state === 'connecting' && this.#ending) {
        // close() was called: no request can come to use this connect, and with its sockets
        // unref'd (a TLS handshake holds nothing alive) close() would never settle.
        queueMicrotask(this.#standDown);
      } else if (this.#state === 'connecting' && this.#standDownTimer === undefined) {
        this.#standDownTimer = setTimeout(this.#standDown, STAND_DOWN_DELAY);
        this.#standDownTimer.unref();
      }
      return;
    }
    if (this.#pending > 0) {
      if (this.#referenced) return;
      this.#referenced = true;
      socket.ref();
    } else if (this.#referenced) {
      // Unref lazily, once nothing was pending for a moment: a caller awaiting one request
      // at a time sends the next one long before, so its socket is not unref'd and ref'd
      // again per call (that pair cost about 5% of a call's instructions).
      if (this.#idleTimer === undefined) {
        this.#idleTimer = setTimeout(this.#checkIdle, IDLE_UNREF_DELAY);
        this.#idleTimer.unref();
      } else if (!this.#idleArmed) this.#idleTimer.refresh();
      this.#idleArmed = true;
    }
  }

  /**
   * A connect still going while nothing has been pending for STAND_DOWN_DELAY (its requests
   * timed out or were aborted): it is cancelled, so a script whose server never answers the
   * TCP handshake exits instead of living out `connectTimeout`, and the next request starts a
   * connect of its own. The delay lets a caller that retries or polls (a request shortly after
   * the last one failed) keep a slow connect going. A caller awaiting `connect()` keeps it too;
   * after close() the connection closes instead of going back to idle.
   */
  readonly #standDown = (): void => {
    this.#standDownTimer = undefined;
    if (this.#state !== 'connecting' || this.#socket !== undefined) return;
    if (this.#pending > 0 || this.#connectAwaited) return;
    this.#flow.cancel(
      new MemcacheConnectionError(`connecting to ${this.name} was abandoned: no request waits for it`),
    );
    this.#opening = [];
    this.#move(this.#ending ? 'closed' : 'idle');
  };

  readonly #checkIdle = (): void => {
    this.#idleArmed = false;
    if (this.#pending === 0) {
      this.#writeAtOnce = false; // a burst after a pause merges whole
      this.#batch.release(); // an idle connection keeps no write memory
    }
    const socket = this.#socket;
    if (socket === undefined || this.#pending > 0 || !this.#referenced) return;
    this.#referenced = false;
    socket.unref();
  };

  #checkDrained(): void {
    if (this.#state === 'closing' && this.#pending === 0) this.#finishClose();
  }

  #finishClose(): void {
    const socket = this.#detach();
    this.#inflight.drain(); // only abandoned requests are left
    this.#move('closed');
    if (socket !== undefined) {
      const grace = setTimeout(() => socket.destroy(), CLOSE_GRACE);
      grace.unref();
      socket.end(() => socket.destroy());
    }
    this.#announceClose(undefined);
  }

  // ── deadlines ──────────────────────────────────────────────────────────────────────────

  /** The earliest deadline passed: settle what is due, then arm for the next one. */
  #onTimer(): void {
    const now = performance.now();
    const head = this.#inflight.peek();
    if (head !== undefined && head.deadline <= now) {
      // The oldest request in flight is overdue: everything behind it waits on it.
      const error = new MemcacheTimeoutError(
        `no reply from ${this.name} within ${head.timeout} ms; the connection was reset`,
      );
      this.#drop(error, true, undefined);
    }
    let next = Number.POSITIVE_INFINITY;
    const inflight = this.#inflight;
    const waiting = this.#waiting;
    if (!this.#deadlines.inOrder) {
      for (let index = 0; index < inflight.length; index++) {
        const entry = inflight.at(index)!;
        const members = entry.members ?? [entry];
        for (const member of members) {
          // An abandoned request's deadline is over: watching it again would re-arm at once.
          if (member.settled) continue;
          if (member.deadline <= now) this.#fail(member, this.#timeoutError(member));
          else if (member.deadline < next) next = member.deadline;
        }
      }
      // The oldest in flight holds back every reply behind it, abandoned or not.
      const first = inflight.peek();
      if (first !== undefined && first.deadline > now && first.deadline < next) next = first.deadline;
      for (let index = 0; index < waiting.length; index++) {
        const entry = waiting.at(index)!;
        if (entry.settled) continue;
        if (entry.deadline <= now) this.#fail(entry, this.#timeoutError(entry));
        else if (entry.deadline < next) next = entry.deadline;
      }
    } else {
      // Deadlines are in queue order: only the fronts can be due.
      const first = inflight.peek();
      if (first !== undefined) next = first.deadline;
      for (let entry = waiting.peek(); entry !== undefined; entry = waiting.peek()) {
        if (!entry.settled && entry.deadline > now) {
          if (entry.deadline < next) next = entry.deadline;
          break;
        }
        waiting.shift();
        if (!entry.settled) this.#fail(entry, this.#timeoutError(entry));
      }
    }
    if (next !== Number.POSITIVE_INFINITY) this.#deadlines.arm(next);
    this.#checkDrained();
  }

  #timeoutError(entry: PendingRequest): MemcacheTimeoutError {
    return new MemcacheTimeoutError(`no reply from ${this.name} within ${entry.timeout} ms`);
  }
}

/**
 * Checks the options of a close() before anything closes: `force: 'true'` or `close(null)` is
 * illegal input, not a graceful close or a TypeError. A client closing many connections checks
 * once, up front, so that none closes when the options are wrong.
 */
export function checkCloseOptions(options: CloseOptions | undefined): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') {
    throw new MemcacheIllegalInputError(`close options must be an object, not ${String(options)}`);
  }
  if (options.force !== undefined && typeof options.force !== 'boolean') {
    throw new MemcacheIllegalInputError(`force must be true or false, not ${String(options.force)}`);
  }
  duration(options.timeout, 0, 'timeout');
}

/**
 * Reads a duration option: 0 and Infinity mean "no limit", and so does anything longer than a
 * timer holds (MAX_TIMER_DELAY, about 24.8 days), which Node would otherwise fire after 1 ms.
 */
function duration(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new MemcacheIllegalInputError(`${name} must be a number of milliseconds ≥ 0, got ${String(value)}`);
  }
  return value === 0 || value > MAX_TIMER_DELAY ? Number.POSITIVE_INFINITY : value;
}
