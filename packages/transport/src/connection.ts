import { type ConnectionTraceMessage, connectionChannels } from './connection-channels.js';
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import type tls from 'node:tls';
import {
  type Chunk,
  commands,
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
  type RetrievedValue,
} from '@mc/protocol';
import { type AuthOptions, authProbe, authRequest } from './auth-request.js';
import { adoptSocket, openSocket, type SocketOptions } from './open-socket.js';
import { parseAddress, type ResolvedAddress, type ServerAddress } from './parse-address.js';
import { DeadlineTimer } from './deadline-timer.js';
import { RingQueue } from './ring-queue.js';
import { WriteBatch } from './write-batch.js';

export interface ConnectionOptions {
  /** Milliseconds to open the socket (DNS, TCP, TLS and auth together); default 2000; 0 or Infinity: none. */
  connectTimeout?: number;
  /** Milliseconds for each command's reply, counted from `send()`; default 5000; 0 or Infinity: none. */
  timeout?: number;
  /** Disable Nagle's algorithm (default true): small pipelined commands should not wait for ACKs. */
  noDelay?: boolean;
  /** TCP keep-alive probes after 30 s idle (default true), so dead peers behind NAT are noticed. */
  keepAlive?: boolean;
  /** `true` for TLS with Node's defaults, or Node's TLS options (CA, client certificate, servername). */
  tls?: boolean | tls.ConnectionOptions;
  /** memcached's ASCII authentication (`-Y`), done right after each connect. */
  auth?: AuthOptions;
  /**
   * Bound on requests queued plus in flight (default 100,000). Beyond it `send()` rejects at
   * once with MemcacheClientError: memory stays bounded when the server cannot keep up.
   */
  maxPending?: number;
  /** Milliseconds before reconnecting after a failure (default 50), doubling per failure up to 1 s. */
  reconnectDelay?: number;
  /**
   * The largest value a reply may carry, in bytes (default DEFAULT_MAX_VALUE_BYTES, at most
   * MEMCACHED_ITEM_LIMIT, 1 GiB): a `VALUE`/`VA` header announcing more is a
   * MemcacheProtocolError and the connection resets, so a broken or hostile server cannot make
   * the parser allocate without bound.
   */
  maxValueBytes?: number;
}

/** How `close()` ends the connection. */
export interface CloseOptions {
  /**
   * Fail every request still pending and close the socket now (requests in flight reject
   * with MemcacheUnexpectedCloseError, requests not yet sent with MemcacheConnectionError).
   */
  force?: boolean;
  /**
   * Milliseconds to wait for the replies of the requests still pending before closing anyway
   * (they then reject with MemcacheTimeoutError). Default: the connection's `timeout`, or
   * 2000 ms when it has none (`timeout: 0`), so close() always settles.
   */
  timeout?: number;
}

export interface SendOptions {
  /** This command's deadline in milliseconds, instead of the connection's `timeout`. */
  timeout?: number;
  /** Aborts this command; the promise rejects with `signal.reason`, as `fetch` does. */
  signal?: AbortSignal;
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

/** Events: `connect` once a socket is ready, `close` when one goes (with the reason, if any), `error` on failures. */
export interface ConnectionEvents {
  connect: [];
  close: [error: Error | undefined];
  error: [error: Error];
}

const DEFAULT_CONNECT_TIMEOUT = 2000;
const DEFAULT_TIMEOUT = 5000;
const DEFAULT_MAX_PENDING = 100_000;
const DEFAULT_RECONNECT_DELAY = 50;
const MAX_RECONNECT_DELAY = 1000;
/** A merged get line holds at most this many keys and bytes, well inside what memcached reads. */
const MAX_MERGED_KEYS = 100;
const MAX_MERGED_LINE_BYTES = 8192;
/** A quiet run holds at most this many requests, so one burst cannot hold the socket for long. */
const MAX_QUIET_RUN = 256;
/** How long close() waits for pending replies when the connection has no command timeout. */
const UNBOUNDED_CLOSE_TIMEOUT = 2000;
/** After close(), a socket whose buffered bytes cannot leave (peer frozen) is destroyed after this. */
const CLOSE_GRACE = 1000;

/**
 * One request from `send()` until it settles. It is its own abort listener (`handleEvent`),
 * so a request with a signal costs no closure.
 */
class PendingRequest {
  resolve!: (value: unknown) => void;
  reject!: (error: unknown) => void;
  signal: AbortSignal | undefined = undefined;
  /** Resolved or rejected; a settled request still in flight is abandoned: its reply is read and dropped. */
  settled = false;
  /** The bytes of the byte chunks when sent; a value that changed size since fails alone. */
  byteCount = 0;
  /** The quiet variant of a loud meta request that may run twice (EncodedRequest.quietForm). */
  quietForm: ((opaque: string) => EncodedRequest<unknown>) | undefined = undefined;
  /** A one-key get/gets that may share a multi-key line (EncodedRequest.mergeableGet). */
  mergeableGet: { command: 'get' | 'gets'; key: Key } | undefined = undefined;
  /** A connect handshake step whose error reply leaves the stream in step (the auth probe). */
  keepsStream = false;
  /** Sent again after an ambiguous quiet run: goes out on its own, where its fate is certain. */
  alone = false;
  /**
   * Set on the one entry in flight that carries several requests (a merged get line, a quiet
   * run): frames go to its reader, and its resolve/reject hand each member its own result.
   */
  members: PendingRequest[] | undefined = undefined;

  constructor(
    public chunks: readonly Chunk[] | undefined,
    readonly reader: ReplyReader<unknown> | undefined,
    readonly closesConnection: boolean,
    readonly deadline: number,
    readonly timeout: number,
    readonly onAbort: (request: PendingRequest) => void,
  ) {}

  handleEvent(): void {
    this.onAbort(this);
  }
}

// The Promise executor is shared: it runs synchronously inside `new Promise`, so a module
// variable hands it the request, and no closure is allocated per request.
let creating: PendingRequest | undefined;
function capture(resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
  creating!.resolve = resolve;
  creating!.reject = reject;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * One memcached connection: connects lazily, pipelines, enforces deadlines, reconnects.
 *
 * The pipeline. `send()` appends to `waiting`; once per tick (process.nextTick) the flush
 * writes every waiting request in one write (WriteBatch) and moves those that expect a reply to
 * `inflight`. Replies arrive in request order, so the parser's frames always belong to the
 * oldest request in flight:
 *
 *   send() ──► waiting: [ r7 r6 r5 ] ──flush──► socket ──► memcached
 *                                                              │
 *   settle ◄── inflight: [ r4 r3 r2 r1 ] ◄── frames ◄── parser ◄┘
 *              (oldest r1 gets the next frame; noreply requests never enter inflight)
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
  readonly #inflight = new RingQueue<PendingRequest>();
  #pending = 0;

  readonly #socketOptions: SocketOptions;
  readonly #connectTimeout: number;
  readonly #timeout: number;
  readonly #maxPending: number;
  readonly #reconnectDelay: number;
  readonly #auth: AuthOptions | undefined;
  readonly #parserOptions: ResponseParserOptions;

  readonly #batch = new WriteBatch();
  #flushScheduled = false;
  /** socket.write returned false: wait for 'drain'. */
  #blocked = false;
  /** A request that makes the server close (quit, shutdown) was written: write nothing more here. */
  #quitting = false;
  /** close() or destroy() was called: no new requests. */
  #ending = false;
  #closed: Deferred | undefined;
  #connecting: Deferred | undefined;
  /** Increments per connect attempt, so a superseded attempt knows to stand down. */
  #attempt = 0;
  #connectController: AbortController | undefined;
  #backoffTimer: NodeJS.Timeout | undefined;
  /** Consecutive failures, for the reconnect backoff; reset once a connection is ready. */
  #failures = 0;

  /** Whether the current socket has delivered any byte, for the hint when it goes silent. */
  #heard = false;
  /** Whether the socket keeps the process alive: only while requests are pending. */
  #referenced = true;
  #closeTimer: NodeJS.Timeout | undefined;

  readonly #deadlines = new DeadlineTimer(() => this.#onTimer());

  constructor(address: ServerAddress, options: ConnectionOptions = {}) {
    super();
    this.address = parseAddress(address);
    this.name = this.address.name;
    this.#connectTimeout = duration(options.connectTimeout, DEFAULT_CONNECT_TIMEOUT, 'connectTimeout');
    this.#timeout = duration(options.timeout, DEFAULT_TIMEOUT, 'timeout');
    const reconnectDelay = options.reconnectDelay ?? DEFAULT_RECONNECT_DELAY;
    if (typeof reconnectDelay !== 'number' || !Number.isFinite(reconnectDelay) || reconnectDelay < 0) {
      throw new MemcacheIllegalInputError(`reconnectDelay must be a finite number of milliseconds ≥ 0`);
    }
    this.#reconnectDelay = reconnectDelay;
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
    };
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Requests accepted and not yet settled (queued or awaiting their reply). */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Sends one encoded request and resolves with its decoded reply. A request without a reader
   * (noreply, quit) resolves once its bytes are handed to the socket. Requests made in the
   * same tick leave in one write.
   */
  send<T>(request: EncodedRequest<T>, options?: SendOptions): Promise<T> {
    if (this.#ending) return Promise.reject(this.#closedError());
    if (this.#waiting.length + this.#inflight.length >= this.#maxPending) {
      return Promise.reject(
        new MemcacheClientError(
          `too many requests pending on ${this.name} (maxPending ${this.#maxPending}); the server is not keeping up`,
        ),
      );
    }
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
    if (this.#waiting.length === 0 && this.#inflight.length === 0) {
      this.#deadlines.restart();
    }
    const deadline = timeout === Number.POSITIVE_INFINITY ? timeout : performance.now() + timeout;
    const entry = new PendingRequest(
      request.chunks,
      request.reader as ReplyReader<unknown> | undefined,
      request.closesConnection === true,
      deadline,
      timeout,
      this.#onAbort,
    );
    const chunks = request.chunks;
    for (let index = 0; index < chunks.length; index++) {
      const chunk = chunks[index]!;
      if (typeof chunk !== 'string') entry.byteCount += chunk.byteLength;
    }
    if (request.quietForm !== undefined)
      entry.quietForm = request.quietForm as (opaque: string) => EncodedRequest<unknown>;
    if (request.mergeableGet !== undefined) entry.mergeableGet = request.mergeableGet;
    creating = entry;
    const promise = new Promise<T>(
      capture as (resolve: (value: T) => void, reject: (error: unknown) => void) => void,
    );
    creating = undefined;
    if (signal !== undefined) {
      entry.signal = signal;
      signal.addEventListener('abort', entry, { once: true });
    }
    if (++this.#pending === 1) this.#updateReference();
    this.#waiting.push(entry);
    this.#deadlines.track(deadline);
    if (this.#state === 'ready') this.#scheduleFlush();
    else if (this.#state === 'idle') this.#startConnect();
    return promise;
  }

  /** Opens the connection now rather than on the first command; resolves once it is ready. */
  connect(): Promise<void> {
    if (this.#ending) return Promise.reject(this.#closedError());
    if (this.#state === 'ready') return Promise.resolve();
    if (this.#state === 'idle') this.#startConnect();
    return this.#connecting!.promise;
  }

  /**
   * Ends the connection gracefully: new requests reject at once, requests already accepted
   * still get their replies (within `options.timeout`, see CloseOptions), then the socket
   * ends. Resolves once the connection is closed; `{ force: true }` closes at once.
   */
  close(options: CloseOptions = {}): Promise<void> {
    const force = options.force === true;
    const wait =
      options.timeout === undefined
        ? this.#timeout === Number.POSITIVE_INFINITY
          ? UNBOUNDED_CLOSE_TIMEOUT
          : this.#timeout
        : duration(options.timeout, UNBOUNDED_CLOSE_TIMEOUT, 'timeout');
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
    } else if (this.#backoffTimer !== undefined && !this.#hasWaiting()) {
      // Waiting out a backoff with nothing to send: the reconnect is cancelled.
      this.#cancelConnect(this.#closedError());
      this.#move('closed');
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
    this.#cancelConnect(cause);
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

  /** Stops a connect attempt or a backoff wait: the attempt stands down, `connect()` rejects. */
  #cancelConnect(cause: Error): void {
    this.#attempt++;
    if (this.#backoffTimer) clearTimeout(this.#backoffTimer);
    this.#backoffTimer = undefined;
    this.#connectController?.abort(cause);
    this.#connectController = undefined;
    this.#connecting?.reject(cause);
    this.#connecting = undefined;
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
    this.#move('connecting');
    this.#connecting = deferred();
    const attempt = ++this.#attempt;
    const delay =
      this.#failures === 0
        ? 0
        : Math.min(
            this.#reconnectDelay * 2 ** (this.#failures - 1),
            Math.max(MAX_RECONNECT_DELAY, this.#reconnectDelay),
          );
    if (delay > 0) {
      this.#backoffTimer = setTimeout(() => {
        this.#backoffTimer = undefined;
        void this.#open(attempt);
      }, delay);
      // Requests waiting for the reconnect keep the process alive; a bare connect() does not.
      if (this.#pending === 0) this.#backoffTimer.unref();
    } else void this.#open(attempt);
  }

  async #open(attempt: number): Promise<void> {
    const controller = new AbortController();
    this.#connectController = controller;
    const timeout = this.#connectTimeout;
    const timer =
      timeout === Number.POSITIVE_INFINITY
        ? undefined
        : setTimeout(() => {
            controller.abort(
              new MemcacheTimeoutError(`connecting to ${this.name} timed out after ${timeout} ms`),
            );
          }, timeout);
    // The socket being opened keeps the process alive while it matters; this timer never does.
    timer?.unref();
    try {
      const socket = await openSocket(this.address, this.#socketOptions, controller.signal);
      if (attempt !== this.#attempt) {
        socket.destroy();
        return;
      }
      const early = adoptSocket(socket);
      if (early !== undefined) {
        socket.destroy();
        throw early;
      }
      this.#attach(socket);
      if (this.#auth) {
        // Credentials go only to a server that asks for them: anything else would store them
        // as an ordinary item that any client can read.
        if (!(await this.#handshake(authProbe(), controller.signal, true))) {
          throw new MemcacheConnectionError(
            `${this.name} did not ask for authentication (it answered 'version' without credentials), so the credentials were not sent; remove the auth option, or start the server with -Y`,
          );
        }
        await this.#handshake(authRequest(this.#auth), controller.signal, false);
      }
      if (attempt !== this.#attempt) return;
    } catch (error) {
      if (attempt === this.#attempt) this.#connectFailed(error);
      return;
    } finally {
      clearTimeout(timer);
      if (this.#connectController === controller) this.#connectController = undefined;
    }
    this.#connected();
  }

  /**
   * One step of the connect handshake (the auth probe, the credentials): written ahead of
   * every waiting request, read as any request in flight, and awaited before the next.
   */
  #handshake<T>(request: EncodedRequest<T>, signal: AbortSignal, keepsStream: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry = new PendingRequest(
        request.chunks,
        request.reader as ReplyReader<unknown>,
        false,
        Number.POSITIVE_INFINITY,
        Number.POSITIVE_INFINITY,
        this.#onAbort,
      );
      entry.keepsStream = keepsStream;
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
      if (++this.#pending === 1) this.#updateReference();
      this.#inflight.push(entry);
      const socket = this.#socket!;
      for (const chunk of request.chunks) socket.write(chunk);
    });
  }

  #connected(): void {
    this.#failures = 0;
    this.#move(this.#ending ? 'closing' : 'ready');
    const connecting = this.#connecting;
    this.#connecting = undefined;
    connecting?.resolve();
    this.#announceConnect();
    this.#flush();
    this.#checkDrained();
  }

  #connectFailed(reason: unknown): void {
    const error = this.#connectError(reason);
    this.#detach()?.destroy();
    for (const entry of this.#inflight.drain()) if (!entry.settled) this.#fail(entry, error);
    for (const entry of this.#waiting.drain()) if (!entry.settled) this.#fail(entry, error);
    this.#failures++;
    const connecting = this.#connecting;
    this.#connecting = undefined;
    connecting?.reject(error);
    this.#move(this.#ending ? 'closed' : 'idle');
    this.#emitError(error);
  }

  /** Every connect failure is a MemcacheConnectionError, except a connect deadline (MemcacheTimeoutError). */
  #connectError(reason: unknown): Error {
    if (reason instanceof MemcacheConnectionError || reason instanceof MemcacheTimeoutError) return reason;
    if (reason instanceof MemcacheClientError) {
      return new MemcacheConnectionError(`authentication with ${this.name} failed: ${reason.message}`, {
        cause: reason,
        ...(reason.response === undefined ? {} : { response: reason.response }),
      });
    }
    const message = reason instanceof Error ? reason.message : String(reason);
    return new MemcacheConnectionError(`cannot connect to ${this.name}: ${message}`, { cause: reason });
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
    this.#referenced = true;
    this.#updateReference();
    const parser = new ResponseParser(this.#parserOptions);
    this.#blocked = false;
    this.#quitting = false;
    this.#heard = false;
    let first = true;
    let startsLikeTls = false;
    socket.on('data', (chunk: Buffer) => {
      if (this.#socket !== socket) return;
      this.#heard = true;
      if (first) {
        first = false;
        // A TLS record starts with its content type: 0x15 alert, 0x16 handshake.
        startsLikeTls = (chunk[0] === 0x15 || chunk[0] === 0x16) && chunk[1] === 0x03;
      }
      try {
        parser.feed(chunk, this.#onFrame);
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
    });
    socket.on('drain', () => {
      if (this.#socket !== socket) return;
      this.#blocked = false;
      this.#flush();
    });
    socket.on('error', (error: Error) => this.#lost(socket, error));
    socket.on('close', () => this.#lost(socket, undefined));
  }

  /** Forgets the current socket (its events are ignored from now on) and returns it. */
  #detach(): net.Socket | undefined {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#blocked = false;
    this.#quitting = false;
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
    if (failure) this.#failures++;
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
    if (socket === undefined || this.#blocked || this.#quitting) return;
    if (this.#state !== 'ready' && this.#state !== 'closing') return;
    const waiting = this.#waiting;
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
    const chunks = entry.chunks!;
    let bytes = 0;
    for (let index = 0; index < chunks.length; index++) {
      const chunk = chunks[index]!;
      if (typeof chunk !== 'string') bytes += chunk.byteLength;
    }
    if (bytes === entry.byteCount) return true;
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
    const command = waiting.peek()!.mergeableGet!.command;
    const members: PendingRequest[] = [];
    const slots: number[] = [];
    const keys: Key[] = [];
    const positions = new Map<string, number>();
    let lineBytes = 0;
    for (let entry = waiting.peek(); entry !== undefined; entry = waiting.peek()) {
      if (entry.settled) {
        waiting.shift();
        continue;
      }
      const merge = entry.mergeableGet;
      if (merge === undefined || merge.command !== command) break;
      const id =
        typeof merge.key === 'string' ? 's' + merge.key : 'b' + Buffer.from(merge.key).toString('latin1');
      let slot = positions.get(id);
      if (slot === undefined) {
        const bytes = (typeof merge.key === 'string' ? merge.key.length : merge.key.byteLength) + 1;
        if (keys.length >= MAX_MERGED_KEYS || lineBytes + bytes > MAX_MERGED_LINE_BYTES) break;
        slot = keys.length;
        positions.set(id, slot);
        keys.push(merge.key);
        lineBytes += bytes;
      }
      waiting.shift();
      members.push(entry);
      slots.push(slot);
    }
    // Even a lone one goes through here: a mergeable get may carry no chunks of its own.
    let request: EncodedRequest<RetrievedValue[]>;
    try {
      request = commands[command].request(keys);
    } catch (error) {
      for (const member of members) this.#fail(member, error);
      return;
    }
    const group = this.#group(members, request);
    group.resolve = (hits) => {
      const byKey: Array<RetrievedValue | undefined> = new Array(keys.length);
      for (const hit of hits as RetrievedValue[]) byKey[hit.index] = hit;
      members.forEach((member, index) => {
        if (member.settled) return;
        const hit = byKey[slots[index]!];
        this.#succeed(member, hit === undefined ? [] : [hit.index === 0 ? hit : { ...hit, index: 0 }]);
      });
    };
    group.reject = (error) => {
      for (const member of members) if (!member.settled) this.#fail(member, error);
    };
    for (const chunk of request.chunks) batch.add(chunk);
    this.#inflight.push(group);
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
    const group = this.#group(running, request);
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
  #group(members: PendingRequest[], request: EncodedRequest<unknown>): PendingRequest {
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
    const group = new PendingRequest(undefined, request.reader, false, deadline, timeout, this.#onAbort);
    group.members = members;
    return group;
  }

  // ── reading ────────────────────────────────────────────────────────────────────────────

  /** Gives each frame to the oldest request in flight; settles it once its reply is complete. */
  readonly #onFrame = (frame: Frame): void => {
    if (this.#socket === undefined) return; // dropped earlier in this chunk: the rest is moot
    if (frame.kind === 'error' && frame.error instanceof MemcacheConnectionError) {
      // `ERROR Too many open connections`: the server refuses this connection, not a command.
      this.#drop(frame.error, true, frame.error);
      return;
    }
    const inflight = this.#inflight;
    const entry = inflight.peek();
    let done: boolean;
    try {
      if (entry === undefined) {
        const error =
          frame.kind === 'error'
            ? frame.error
            : new MemcacheProtocolError(
                `${this.name} sent a '${frame.kind}' reply with no request outstanding`,
              );
        this.#drop(error, true, error);
        return;
      }
      done = entry.reader!.push(frame);
    } catch (error) {
      const failure =
        error instanceof MemcacheProtocolError
          ? error
          : new MemcacheProtocolError(`unexpected reply from ${this.name}: ${String(error)}`, {
              cause: error,
            });
      this.#drop(failure, true, failure);
      return;
    }
    if (frame.kind === 'error' && frame.reset && !entry.keepsStream) {
      // After ERROR / CLIENT_ERROR the server's read position is uncertain: the replies of
      // the requests behind this one cannot be trusted, so the connection starts over.
      inflight.shift();
      if (done) this.#complete(entry);
      else if (!entry.settled) this.#fail(entry, frame.error);
      const error = new MemcacheUnexpectedCloseError(
        `connection to ${this.name} was reset after '${frame.error.message}' with the request outstanding`,
        { cause: frame.error },
      );
      this.#drop(error, false, undefined);
      return;
    }
    if (done) {
      inflight.shift();
      const misfit = this.#complete(entry);
      if (misfit !== undefined) {
        // A reply that does not fit its request (STORED for a get, a value of a key not asked
        // for): the stream is out of step, and every reply behind it would go to the wrong
        // request. Requests not yet written are unaffected and go out on the next socket.
        const error = new MemcacheUnexpectedCloseError(
          `connection to ${this.name} was reset: ${misfit.message}`,
          { cause: misfit },
        );
        this.#drop(error, true, undefined);
        return;
      }
      if (this.#state === 'closing') this.#checkDrained();
    }
  };

  /**
   * Settles a request whose reply is complete (an abandoned one, aborted or timed out, is
   * already settled: its reply is dropped). Answers the MemcacheProtocolError when the reply
   * did not fit the request, so the caller can reset the stream.
   */
  #complete(entry: PendingRequest): MemcacheProtocolError | undefined {
    let value: unknown;
    try {
      value = entry.reader!.result();
    } catch (error) {
      if (!entry.settled) this.#fail(entry, error);
      return error instanceof MemcacheProtocolError ? error : undefined;
    }
    if (!entry.settled) this.#succeed(entry, value);
    return undefined;
  }

  // ── settling ───────────────────────────────────────────────────────────────────────────

  #succeed(entry: PendingRequest, value: unknown): void {
    entry.settled = true;
    if (entry.members === undefined && --this.#pending === 0) this.#updateReference();
    if (entry.signal !== undefined) entry.signal.removeEventListener('abort', entry);
    entry.resolve(value);
  }

  #fail(entry: PendingRequest, error: unknown): void {
    entry.settled = true;
    if (entry.members === undefined && --this.#pending === 0) this.#updateReference();
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
    if (socket === undefined) return;
    const wanted = this.#pending > 0;
    if (wanted === this.#referenced) return;
    this.#referenced = wanted;
    if (wanted) socket.ref();
    else socket.unref();
  }

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

/** Reads a duration option: 0 and Infinity mean "no limit". */
function duration(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new MemcacheIllegalInputError(`${name} must be a number of milliseconds ≥ 0, got ${String(value)}`);
  }
  return value === 0 ? Number.POSITIVE_INFINITY : value;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((resolveCallback, rejectCallback) => {
    resolve = resolveCallback;
    reject = rejectCallback;
  });
  promise.catch(() => {}); // a connect failure nobody awaited is reported to the requests instead
  return { promise, resolve, reject };
}
