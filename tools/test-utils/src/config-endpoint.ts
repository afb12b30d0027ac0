import net from 'node:net';
import tls from 'node:tls';
import { makeCertificates } from './certificates.js';
import { freePort } from './free-port.js';

/** One node as a configuration endpoint lists it: `host|ip|port`. */
export interface ConfigEndpointNode {
  host: string;
  /** '' means "connect by host name", as ElastiCache writes it for some clusters. */
  ip: string;
  port: number;
}

export interface ConfigEndpointOptions {
  /** Answer `config get cluster` with `ERROR`, as engines before 1.4.14 do (only the legacy `get` works). */
  legacyOnly?: boolean;
  /** Serve TLS with the certificates from makeCertificates(), as in-transit encryption does. */
  tls?: boolean;
  /** Write a CRLF after the version line instead of LF (some engines do). */
  crlfAfterVersion?: boolean;
}

/**
 * An answer the endpoint gives instead of a well-formed one: raw bytes, or nothing at all
 * (`'silence'`) so the client's deadline is what ends the request.
 */
export type ConfigEndpointReply = string | Uint8Array | 'silence';

export interface ConfigEndpoint {
  host: string;
  port: number;
  /** The address as @mc's clients take it. */
  address: string;
  /** The cluster version now served. */
  readonly version: number;
  /** Every request line received, oldest first (`config get cluster`, `get AmazonElastiCache:cluster`...). */
  readonly requests: string[];
  /** Serves this node list; the version grows by one unless given. */
  setNodes(nodes: readonly ConfigEndpointNode[], version?: number): void;
  /** Answers the next config requests with these bytes (or silence) until `setNodes` or `respondNormally`. */
  respondWith(reply: ConfigEndpointReply): void;
  respondNormally(): void;
  /** Stops listening and drops every connection (the endpoint is down). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

/** The `host|ip|port` entry of a node reachable at `server` (a test-utils memcached). */
export function configNode(
  server: { host: string; port: number },
  options: { host?: string; ip?: string } = {},
): ConfigEndpointNode {
  return { host: options.host ?? 'localhost', ip: options.ip ?? server.host, port: server.port };
}

/** The payload of a cluster config: `<version>\n<host>|<ip>|<port> ...\n`. */
export function clusterConfigPayload(
  version: number,
  nodes: readonly ConfigEndpointNode[],
  crlfAfterVersion = false,
): string {
  const list = nodes.map((node) => `${node.host}|${node.ip}|${node.port}`).join(' ');
  return `${version}${crlfAfterVersion ? '\r\n' : '\n'}${list}\n`;
}

/**
 * An in-process ElastiCache-style configuration endpoint: memcached itself does not answer
 * `config get cluster`, so tests put this in front of real memcached nodes. It answers
 * `config get cluster` (`CONFIG cluster 0 <bytes>`), the legacy `get AmazonElastiCache:cluster`
 * (`VALUE ...`), `version` and `quit`; anything else is `ERROR`.
 */
export async function startConfigEndpoint(
  nodes: readonly ConfigEndpointNode[],
  options: ConfigEndpointOptions = {},
): Promise<ConfigEndpoint> {
  const host = '127.0.0.1';
  const port = await freePort(host);
  const requests: string[] = [];
  const sockets = new Set<net.Socket>();
  let current = [...nodes];
  let version = 1;
  let override: ConfigEndpointReply | undefined;

  const answer = (line: string): string | Uint8Array | undefined => {
    const words = line.trim().split(/\s+/);
    const isConfig = words[0] === 'config' && words[1] === 'get' && words[2] === 'cluster';
    const isLegacy = words[0] === 'get' && words[1] === 'AmazonElastiCache:cluster';
    if (isConfig || isLegacy) {
      if (isConfig && options.legacyOnly) return 'ERROR\r\n';
      if (override === 'silence') return undefined;
      if (override !== undefined) return override;
      const payload = clusterConfigPayload(version, current, options.crlfAfterVersion);
      const bytes = Buffer.byteLength(payload);
      const header = isConfig ? `CONFIG cluster 0 ${bytes}` : `VALUE AmazonElastiCache:cluster 0 ${bytes}`;
      return `${header}\r\n${payload}\r\nEND\r\n`;
    }
    if (words[0] === 'version') return 'VERSION 1.6.18\r\n';
    return 'ERROR\r\n';
  };

  const onConnection = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    let pending = '';
    socket.setEncoding('latin1');
    socket.on('data', (data: string) => {
      pending += data;
      for (let index = pending.indexOf('\r\n'); index !== -1; index = pending.indexOf('\r\n')) {
        const line = pending.slice(0, index);
        pending = pending.slice(index + 2);
        requests.push(line);
        if (line === 'quit') {
          socket.end();
          return;
        }
        const reply = answer(line);
        if (reply !== undefined) socket.write(reply);
      }
    });
  };

  let server: net.Server | undefined;
  const start = async () => {
    if (server) return;
    const listening = options.tls
      ? tls.createServer({ cert: makeCertificates().pem.cert, key: makeCertificates().pem.key }, onConnection)
      : net.createServer(onConnection);
    server = listening;
    // The port was ours a moment ago; another process could grab it, so retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await new Promise<void>((resolve, reject) => {
          listening.once('error', reject);
          listening.listen(port, host, () => {
            listening.off('error', reject);
            resolve();
          });
        });
        return;
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  const stop = async () => {
    const listening = server;
    if (!listening) return;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => listening.close(() => resolve()));
  };
  await start();

  return {
    host,
    port,
    address: `${host}:${port}`,
    get version() {
      return version;
    },
    requests,
    setNodes(next, nextVersion) {
      current = [...next];
      version = nextVersion ?? version + 1;
      override = undefined;
    },
    respondWith(reply) {
      override = reply;
    },
    respondNormally() {
      override = undefined;
    },
    stop,
    start,
  };
}
