import * as dns from 'node:dns';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { MemcacheConnectionError } from '@mc/protocol';
import type { ResolvedAddress } from './parse-address.js';
import { SocketReader } from './socket-reader.js';

/** How to open the socket; the fields of ConnectionOptions that matter before the first byte. */
export interface SocketOptions {
  tls: boolean | tls.ConnectionOptions | undefined;
  noDelay: boolean;
  keepAlive: boolean;
  /**
   * A plain (not TLS) socket reads through a SocketReader (Node's `onread`), which places
   * a large value's bytes straight into its buffer: the socket then emits no 'data' events,
   * and its owner takes the bytes with `SocketReader.of(socket).attach`. Default false.
   */
  placeReads?: boolean | undefined;
  /** Resolves a host name to its addresses, in the order to try them; dns.lookup by default. */
  lookup?: ((host: string) => Promise<string[]>) | undefined;
}

/** TCP keep-alive probes start after this much idleness, well below common NAT/firewall timeouts. */
const KEEP_ALIVE_DELAY = 30_000;

/**
 * Opens a connected (and, for TLS, handshaken) socket. A host name may resolve to several
 * addresses (IPv6 and IPv4, several records): each is tried in turn, the next one also once
 * the previous has gone unanswered for a moment (firstToConnect), so one dead address does not
 * make the server unreachable. TLS failures are not retried on the next address: a
 * certificate problem is the same everywhere. `signal` aborts the attempt (connect deadline);
 * the promise then rejects with the signal's reason. `opening` is told of every socket as it
 * is made, so its owner can let it not keep the process alive while nothing waits for it.
 */
export async function openSocket(
  address: ResolvedAddress,
  options: SocketOptions,
  signal: AbortSignal,
  opening?: (socket: net.Socket) => void,
): Promise<net.Socket> {
  signal.throwIfAborted();
  if (address.kind === 'unix') {
    let socket: net.Socket;
    try {
      socket = await attempt(() => plainSocket({ path: address.path }, options), 'connect', signal, opening);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new MemcacheConnectionError(`cannot connect to ${address.name}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return options.tls ? secure(socket, address, undefined, options, signal, opening) : socket;
  }
  const hosts = net.isIP(address.host) ? [address.host] : await lookup(address, options, signal);
  if (hosts.length === 0) throw new MemcacheConnectionError(`${address.host} resolved to no address`);
  const socket = await firstToConnect(hosts, address, options, signal, opening);
  socket.setNoDelay(options.noDelay);
  if (options.keepAlive) socket.setKeepAlive(true, KEEP_ALIVE_DELAY);
  return options.tls ? secure(socket, address, address.host, options, signal, opening) : socket;
}

/** How long an address may go unanswered before the next one is tried too (RFC 8305's delay). */
const ATTEMPT_DELAY = 250;

/**
 * Connects to the first of `hosts` that accepts, Happy Eyeballs style: the next address is
 * tried as soon as one fails, or alongside it once it has gone ATTEMPT_DELAY ms unanswered
 * (a powered-off or firewalled host drops SYNs and would otherwise hold the whole connect
 * deadline); the first to connect wins and the others are dropped.
 */
function firstToConnect(
  hosts: readonly string[],
  address: Extract<ResolvedAddress, { kind: 'tcp' }>,
  options: SocketOptions,
  signal: AbortSignal,
  opening: ((socket: net.Socket) => void) | undefined,
): Promise<net.Socket> {
  return new Promise<net.Socket>((resolve, reject) => {
    const failures = new Array<Error | undefined>(hosts.length);
    const attempts: AbortController[] = [];
    let started = 0;
    let failed = 0;
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = () => {
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      if (done) return;
      finish();
      for (const controller of attempts) controller.abort(signal.reason);
      reject(signal.reason);
    };
    const startNext = () => {
      clearTimeout(timer);
      if (done || started === hosts.length) return;
      const index = started++;
      const controller = new AbortController();
      attempts.push(controller);
      const target = { host: hosts[index]!, port: address.port };
      attempt(() => plainSocket(target, options), 'connect', controller.signal, opening).then(
        (socket) => {
          if (done) {
            socket.destroy();
            return;
          }
          finish();
          for (const other of attempts)
            if (other !== controller) other.abort(new Error('another address won'));
          resolve(socket);
        },
        (error: unknown) => {
          if (done) return;
          failures[index] = error as Error;
          if (++failed < hosts.length) {
            startNext();
            return;
          }
          finish();
          const reasons = failures.map((failure, at) => `${hosts[at]}: ${failure!.message}`).join('; ');
          reject(
            new MemcacheConnectionError(`cannot connect to ${address.name} (${reasons})`, {
              cause: hosts.length === 1 ? failures[0] : new AggregateError(failures, reasons),
            }),
          );
        },
      );
      if (started < hosts.length) {
        timer = setTimeout(startNext, ATTEMPT_DELAY);
        timer.unref(); // the sockets being opened keep the process alive while that matters
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    startNext();
  });
}

/** A socket that will carry plain memcached reads its replies through a SocketReader. */
function plainSocket(target: net.NetConnectOpts, options: SocketOptions): net.Socket {
  return options.placeReads === true && !options.tls ? SocketReader.connect(target) : net.connect(target);
}

async function lookup(
  address: Extract<ResolvedAddress, { kind: 'tcp' }>,
  options: SocketOptions,
  signal: AbortSignal,
): Promise<string[]> {
  let aborted: (() => void) | undefined;
  try {
    return await Promise.race([
      options.lookup ? options.lookup(address.host) : systemLookup(address.host),
      new Promise<never>((_, reject) => {
        aborted = () => reject(signal.reason);
        signal.addEventListener('abort', aborted, { once: true });
      }),
    ]);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new MemcacheConnectionError(`cannot resolve ${address.host}: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    if (aborted) signal.removeEventListener('abort', aborted);
  }
}

async function systemLookup(host: string): Promise<string[]> {
  const results = await dns.promises.lookup(host, { all: true });
  return results.map((result) => result.address);
}

/**
 * A server that does not speak TLS answers the ClientHello with plain text (OpenSSL reads it
 * as a wrong version or a bad record) or hangs up: say what that most likely means.
 */
function notTlsHint(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : '';
  const plain =
    code === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
    code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' ||
    code === 'ECONNRESET' ||
    /wrong version number|packet length too long|unknown protocol|disconnected before secure/i.test(message);
  return plain ? '; the server does not seem to speak TLS: remove the tls option, or check the port' : '';
}

/** Wraps a connected socket in TLS and waits for the handshake. */
function secure(
  socket: net.Socket,
  address: ResolvedAddress,
  host: string | undefined,
  options: SocketOptions,
  signal: AbortSignal,
  opening?: (socket: net.Socket) => void,
): Promise<net.Socket> {
  const settings: tls.ConnectionOptions = typeof options.tls === 'object' ? options.tls : {};
  // SNI takes host names only; for an IP literal the certificate is checked against the IP.
  const servername = settings.servername ?? (host !== undefined && net.isIP(host) === 0 ? host : undefined);
  const checkedHost = host ?? settings.host ?? 'localhost';
  return attempt(
    () => tls.connect({ ...settings, socket, host: checkedHost, ...(servername ? { servername } : {}) }),
    'secureConnect',
    signal,
    opening,
  ).catch((error: unknown) => {
    socket.destroy();
    if (signal.aborted) throw signal.reason;
    throw new MemcacheConnectionError(
      `TLS handshake with ${address.name} failed: ${(error as Error).message}${notTlsHint(error)}`,
      {
        cause: error,
      },
    );
  });
}

/** Errors of sockets that openSocket handed over, emitted before their new owner listened. */
interface ParkedErrors {
  error: Error | undefined;
  listener: (error: Error) => void;
}
const parkedErrors = new WeakMap<net.Socket, ParkedErrors>();

/**
 * Holds a ready socket's errors until `adoptSocket`: between `resolve` and the owner's
 * continuation the socket is live without an 'error' listener, and an error then (Deno
 * delivers a TLS 1.3 server's "certificate required" alert in the very read that completes
 * the handshake) would be an uncaught exception, and the owner would see only the close.
 */
function park(socket: net.Socket): void {
  const parked: ParkedErrors = { error: undefined, listener: (error) => (parked.error ??= error) };
  parkedErrors.set(socket, parked);
  socket.on('error', parked.listener);
}

/**
 * Takes over a socket from openSocket: stops holding its errors and returns the first one it
 * emitted since it was handed over, if any. Call it in the same tick as attaching listeners.
 */
export function adoptSocket(socket: net.Socket): Error | undefined {
  const parked = parkedErrors.get(socket);
  if (parked === undefined) return undefined;
  parkedErrors.delete(socket);
  socket.off('error', parked.listener);
  return parked.error;
}

/**
 * Starts a socket and resolves once it emits `event`; rejects on its error, an early close,
 * or the signal, destroying it. Listeners are removed either way, so the socket leaves clean.
 */
function attempt<S extends net.Socket>(
  start: () => S,
  event: string,
  signal: AbortSignal,
  opening?: (socket: net.Socket) => void,
): Promise<S> {
  return new Promise<S>((resolve, reject) => {
    const socket = start();
    opening?.(socket);
    const cleanup = () => {
      socket.off(event, onReady);
      socket.off('error', onError);
      socket.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const fail = (error: unknown) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onReady = () => {
      cleanup();
      park(socket);
      resolve(socket);
    };
    const onError = (error: Error) => fail(error);
    const onClose = () => fail(new Error('socket closed before it was ready'));
    const onAbort = () => fail(signal.reason);
    socket.once(event, onReady);
    socket.once('error', onError);
    socket.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
