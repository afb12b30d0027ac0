import net from 'node:net';

/** A TCP proxy in front of a real memcached that watches what clients send. */
export interface CountingProxy {
  address: string;
  /** Bursts: a client→server chunk that the server answered before the client sent again. */
  readonly roundTrips: number;
  /** Every byte clients sent, as text, for asserting what went (and what did not). */
  readonly sent: string;
  reset(): void;
  close(): Promise<void>;
}

/** Starts a proxy on a free port that forwards to `target` ("host:port"). */
export async function startCountingProxy(target: { host: string; port: number }): Promise<CountingProxy> {
  let roundTrips = 0;
  let sent = '';
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    // A new trip starts when the client sends after the server last spoke.
    let serverSpokeLast = true;
    client.on('data', (data) => {
      sent += data.toString('latin1');
      if (serverSpokeLast) roundTrips++;
      serverSpokeLast = false;
      upstream.write(data);
    });
    upstream.on('data', (data) => {
      serverSpokeLast = true;
      client.write(data);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    get roundTrips() {
      return roundTrips;
    },
    get sent() {
      return sent;
    },
    reset() {
      roundTrips = 0;
      sent = '';
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
