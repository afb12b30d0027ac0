import tls from 'node:tls';
import { makeCertificates, type MemcachedServer, startCluster } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, HashClient, MemcacheConnectionError } from './index.js';

// How managed services are reached: TLS only, a CA bundle, a certificate checked against a
// name other than the address connected to (server name indication). CA trust and refusal of
// an untrusted certificate are covered in client-connectivity.test.ts; this adds the names.

let secure: MemcachedServer[];

beforeAll(async () => {
  secure = await startCluster(2, { tls: true });
});

afterAll(async () => {
  await Promise.all(secure.map((server) => server.stop()));
});

describe('TLS as managed services demand it', () => {
  it('HashClient over TLS nodes with a CA bundle and a servername checked for every node', async () => {
    const { pem } = makeCertificates();
    const client = new HashClient(
      secure.map((server) => server.address),
      { tls: { ca: pem.ca, servername: 'localhost' } },
    );
    try {
      const keys = Array.from({ length: 20 }, (_, index) => `tls-${index}`);
      expect(await client.setMany(keys.map((key) => [key, key] as const))).toEqual([]);
      expect((await client.getMany(keys)).size).toBe(keys.length);
      expect([...(await client.version()).keys()].sort()).toEqual(
        secure.map((server) => server.address).sort(),
      );
    } finally {
      await client.close();
    }
  });

  it('refuses a certificate that does not name the servername, typed and before sending', async () => {
    const { pem } = makeCertificates();
    const client = new Client(secure[0]!.address, {
      tls: { ca: pem.ca, servername: 'cache.elsewhere.example' },
    });
    try {
      const failure = await client.set('k', 'v').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MemcacheConnectionError);
      expect((failure as Error).message).toMatch(/TLS handshake/);
    } finally {
      await client.close();
    }
  });

  it('sends the host name, or the servername given, as server name indication', async () => {
    // memcached does not tell which name a client asked for; an in-process TLS server does.
    const { pem } = makeCertificates();
    const seen: Array<string | false | null> = [];
    const server = tls.createServer({ cert: pem.cert, key: pem.key }, (socket) => {
      seen.push(socket.servername);
      socket.on('data', () => socket.write('VERSION 1.6.18\r\n'));
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      for (const [address, options] of [
        [`localhost:${port}`, { ca: pem.ca }],
        [`127.0.0.1:${port}`, { ca: pem.ca, servername: 'localhost' }],
      ] as const) {
        const client = new Client(address, { tls: options });
        expect(await client.version()).toBe('1.6.18');
        await client.close();
      }
      expect(seen).toEqual(['localhost', 'localhost']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
