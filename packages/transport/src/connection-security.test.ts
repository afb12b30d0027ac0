import { commands, MemcacheClientError, MemcacheConnectionError, MemcacheTimeoutError } from '@mc/protocol';
import { makeCertificates, startFakeServer, startMemcached } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { Connection } from './connection.js';
import { bytes, text } from './test-support/requests.js';

describe('Connection over TLS', () => {
  it('connects to a server whose certificate the CA vouches for', async () => {
    const { pem } = makeCertificates();
    const server = await startMemcached({ tls: true });
    try {
      for (const address of [server.address, `localhost:${server.port}`]) {
        const connection = new Connection(address, { tls: { ca: pem.ca } });
        expect(await connection.send(commands.set.request('t', bytes('secret'), 0, 0, false))).toBe(true);
        const [hit] = await connection.send(commands.get.request(['t']));
        expect(text(hit?.value)).toBe('secret');
        await connection.close();
      }
    } finally {
      await server.stop();
    }
  });

  it('refuses a server certificate nobody vouches for', async () => {
    const { pem } = makeCertificates();
    const server = await startMemcached({ tls: { untrusted: true } });
    try {
      const connection = new Connection(server.address, { tls: { ca: pem.ca } });
      const failure = await connection.send(commands.version.request()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MemcacheConnectionError);
      expect((failure as Error).message).toMatch(/TLS/);
      // tls: true means Node's default trust store, which does not know the test CA either.
      const defaults = new Connection(server.address, { tls: true });
      await expect(defaults.connect()).rejects.toBeInstanceOf(MemcacheConnectionError);
      connection.destroy();
      defaults.destroy();
    } finally {
      await server.stop();
    }
  });

  it('refuses a certificate issued for another name', async () => {
    const { pem } = makeCertificates();
    const server = await startMemcached({ tls: true });
    try {
      const connection = new Connection(server.address, {
        tls: { ca: pem.ca, servername: 'elsewhere.example' },
      });
      await expect(connection.connect()).rejects.toBeInstanceOf(MemcacheConnectionError);
      connection.destroy();
    } finally {
      await server.stop();
    }
  });

  it('presents a client certificate when the server demands one, and fails typed without it', async () => {
    const { pem } = makeCertificates();
    const server = await startMemcached({ tls: { verifyClient: true } });
    try {
      const withCertificate = new Connection(server.address, {
        tls: { ca: pem.ca, cert: pem.clientCert, key: pem.clientKey },
      });
      await expect(withCertificate.send(commands.version.request())).resolves.toMatch(/^\d/);
      await withCertificate.close();

      const without = new Connection(server.address, { tls: { ca: pem.ca } });
      // A refusal after the handshake is a failed connect too (metrics count it as one).
      const connectFailures: Error[] = [];
      without.on('connectFailed', (error) => connectFailures.push(error));
      // With TLS 1.3 the handshake completes on the client before the server refuses it.
      const failures = await Promise.allSettled([
        without.send(commands.version.request()),
        without.send(commands.get.request(['a'])),
      ]);
      for (const failure of failures) {
        expect(failure.status).toBe('rejected');
        expect((failure as PromiseRejectedResult).reason).toBeInstanceOf(MemcacheConnectionError);
        expect((failure as PromiseRejectedResult).reason.message).toMatch(/TLS|certificate/);
      }
      expect(connectFailures).toHaveLength(1);
      without.destroy();
    } finally {
      await server.stop();
    }
  });
});

describe('Connection with ASCII authentication', () => {
  const auth = { username: 'app', password: 's3cret:p&ss' };

  it('authenticates right after connecting', async () => {
    const server = await startMemcached({ auth });
    try {
      const connection = new Connection(server.address, { auth });
      expect(await connection.send(commands.set.request('a', bytes('1'), 0, 0, false))).toBe(true);
      const [hit] = await connection.send(commands.get.request(['a']));
      expect(text(hit?.value)).toBe('1');
      expect(connection.pending).toBe(0);
      await connection.close();
    } finally {
      await server.stop();
    }
  });

  it('wrong credentials are a MemcacheConnectionError for every waiting request, not a hang', async () => {
    const server = await startMemcached({ auth });
    try {
      const connection = new Connection(server.address, { auth: { username: 'app', password: 'wrong' } });
      const results = await Promise.allSettled([
        connection.send(commands.version.request()),
        connection.send(commands.get.request(['a'])),
      ]);
      for (const result of results) {
        expect(result.status).toBe('rejected');
        const reason = (result as PromiseRejectedResult).reason;
        expect(reason).toBeInstanceOf(MemcacheConnectionError);
        expect(reason.message).toMatch(/authentication/);
        expect(reason.cause).toBeInstanceOf(MemcacheClientError);
      }
      expect(connection.state).toBe('idle');
      expect(connection.pending).toBe(0);
      connection.destroy();
    } finally {
      await server.stop();
    }
  });

  it('without credentials the server refuses each command with CLIENT_ERROR', async () => {
    const server = await startMemcached({ auth });
    try {
      const connection = new Connection(server.address);
      const failure = await connection.send(commands.version.request()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MemcacheClientError);
      expect((failure as Error).message).toMatch(/unauthenticated/);
      connection.destroy();
    } finally {
      await server.stop();
    }
  });

  it('a server that never answers the auth request hits the connect deadline', async () => {
    const fake = await startFakeServer();
    try {
      const connection = new Connection(fake.address, { auth, connectTimeout: 100 });
      await expect(connection.send(commands.version.request())).rejects.toBeInstanceOf(MemcacheTimeoutError);
      expect(connection.pending).toBe(0);
      connection.destroy();
    } finally {
      await fake.close();
    }
  });
});
