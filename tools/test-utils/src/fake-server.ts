import net from 'node:net';

export interface FakeServer {
  host: string;
  port: number;
  address: string;
  /** Every socket the server accepted, oldest first. */
  sockets: net.Socket[];
  /** Resolves with the next accepted socket. */
  nextConnection(): Promise<net.Socket>;
  close(): Promise<void>;
}

/**
 * An in-process TCP server on a free port that behaves as `onConnection` says: silence,
 * garbage, half replies, faults a real memcached will not produce on demand.
 */
export async function startFakeServer(
  onConnection: (socket: net.Socket) => void = () => {},
): Promise<FakeServer> {
  const sockets: net.Socket[] = [];
  const waiting: Array<(socket: net.Socket) => void> = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    onConnection(socket);
    waiting.shift()?.(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    host: '127.0.0.1',
    port: address.port,
    address: `127.0.0.1:${address.port}`,
    sockets,
    nextConnection: () => new Promise((resolve) => waiting.push(resolve)),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Calls `onLine` for each complete request line a fake server receives, so a fake can answer
 * commands one by one (data blocks of storage commands arrive as lines too).
 */
export function onLines(socket: net.Socket, onLine: (line: string) => void): void {
  let pending = '';
  socket.setEncoding('latin1');
  socket.on('data', (data: string) => {
    pending += data;
    let index = pending.indexOf('\r\n');
    while (index !== -1) {
      onLine(pending.slice(0, index));
      pending = pending.slice(index + 2);
      index = pending.indexOf('\r\n');
    }
  });
}

/** A closed port: something that refuses connections at once. */
export async function closedPort(): Promise<{ host: string; port: number; address: string }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { host: '127.0.0.1', port, address: `127.0.0.1:${port}` };
}

/**
 * What memcached echoes on every reply to the meta request `line` (`mg`, `ms`, `md`, `ma`):
 * its opaque, as ` O<token>`, or nothing. A fake that answers meta requests must echo it, as
 * the client takes only a reply that carries its request's opaque.
 */
export function metaEcho(line: string): string {
  const opaque = line
    .split(' ')
    .slice(2)
    .find((token) => token.startsWith('O'));
  return opaque === undefined ? '' : ` ${opaque}`;
}
