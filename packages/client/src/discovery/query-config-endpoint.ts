import type * as net from 'node:net';
import {
  MemcacheConnectionError,
  MemcacheError,
  MemcacheTimeoutError,
  MemcacheUnexpectedCloseError,
} from '@mc/protocol';
import { openSocket, type ResolvedAddress, type SocketOptions, timerDelay } from '@mc/transport';
import type { ClusterConfig } from './cluster-config.js';
import { parseClusterConfig } from './parse-cluster-config.js';
import { DISCOVERY_REQUESTS, type DiscoveryCommand, readConfigReply } from './read-config-reply.js';

/** How one question to the configuration endpoint is asked and bounded. */
export interface ConfigQueryOptions {
  command: DiscoveryCommand;
  socket: SocketOptions;
  /** Milliseconds to connect (and handshake TLS). */
  connectTimeout: number;
  /** Milliseconds for the reply, once connected. */
  timeout: number;
  /** The largest payload accepted. */
  maxBytes: number;
  /** Abandons the question (the client closed): the promise rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

/**
 * Asks the configuration endpoint for the cluster's nodes on a socket of its own, then closes
 * it. One short-lived socket per poll (once a minute by default) keeps the node connections
 * free of an odd reply shape and needs no reconnection logic. The socket is unref'd: a poll
 * never keeps the process alive. Rejects with typed errors: MemcacheConnectionError when
 * the endpoint cannot be reached, MemcacheTimeoutError past a deadline, MemcacheProtocolError
 * for a reply that is not a cluster config.
 */
export async function queryConfigEndpoint(
  endpoint: ResolvedAddress,
  options: ConfigQueryOptions,
): Promise<ClusterConfig> {
  const controller = new AbortController();
  const connectTimer = setTimeout(() => {
    controller.abort(
      new MemcacheTimeoutError(
        `could not connect to the configuration endpoint ${endpoint.name} within ${options.connectTimeout} ms`,
      ),
    );
  }, timerDelay(options.connectTimeout));
  connectTimer.unref();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.throwIfAborted();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let socket: net.Socket;
  try {
    socket = await openSocket(endpoint, options.socket, controller.signal);
  } catch (error) {
    if (error instanceof MemcacheError) throw error;
    throw new MemcacheConnectionError(
      `cannot reach the configuration endpoint ${endpoint.name}: ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    clearTimeout(connectTimer);
    options.signal?.removeEventListener('abort', onAbort);
  }
  socket.unref();
  return new Promise<ClusterConfig>((resolve, reject) => {
    let received: Buffer = Buffer.alloc(0);
    const finish = (error: unknown, config?: ClusterConfig) => {
      clearTimeout(replyTimer);
      options.signal?.removeEventListener('abort', onAbandon);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.on('error', () => {});
      socket.destroy();
      if (config) resolve(config);
      else reject(error);
    };
    const onData = (chunk: Buffer) => {
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      try {
        const payload = readConfigReply(received, options.command, options.maxBytes);
        if (payload !== undefined) finish(undefined, parseClusterConfig(payload));
      } catch (error) {
        finish(error);
      }
    };
    const onError = (error: Error) =>
      finish(
        new MemcacheUnexpectedCloseError(
          `configuration endpoint ${endpoint.name} failed before answering: ${error.message}`,
          { cause: error },
        ),
      );
    const onClose = () =>
      finish(
        new MemcacheUnexpectedCloseError(`configuration endpoint ${endpoint.name} closed before answering`),
      );
    const replyTimer = setTimeout(() => {
      finish(
        new MemcacheTimeoutError(
          `configuration endpoint ${endpoint.name} did not answer within ${options.timeout} ms`,
        ),
      );
    }, timerDelay(options.timeout));
    replyTimer.unref();
    const onAbandon = () => finish(options.signal?.reason);
    if (options.signal?.aborted) return onAbandon();
    options.signal?.addEventListener('abort', onAbandon, { once: true });
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.write(DISCOVERY_REQUESTS[options.command]);
  });
}
