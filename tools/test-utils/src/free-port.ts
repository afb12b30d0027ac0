import net from 'node:net';

/** Asks the kernel for a free TCP port on loopback; tests never assume 11211. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections at the address, or rejects after `timeoutMs`. */
export async function waitForListening(
  target: { host: string; port: number } | { path: string },
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = 'path' in target ? net.connect(target.path) : net.connect(target.port, target.host);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listening at ${JSON.stringify(target)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
