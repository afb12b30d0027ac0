import http from 'node:http';
import type net from 'node:net';
import { commands, MemcacheConnectionError, MemcacheError, MemcacheProtocolError } from '@mc/protocol';
import { startMemcached } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { Connection } from './connection.js';

/** The error a first command gets, with its message. */
async function failureOf(connection: Connection): Promise<Error> {
  const failure = await connection.send(commands.version.request()).catch((error: unknown) => error);
  connection.destroy();
  expect(failure).toBeInstanceOf(MemcacheError);
  return failure as Error;
}

describe('errors name the server and suggest the likely fix', () => {
  it('a TLS server reached without tls', async () => {
    const server = await startMemcached({ tls: true });
    try {
      const failure = await failureOf(
        new Connection(server.address, { connectTimeout: 3000, timeout: 3000 }),
      );
      expect(failure.message).toContain(server.address);
      expect(failure.message).toMatch(/tls/i);
    } finally {
      await server.stop();
    }
  });

  it('tls: true against a server that does not speak TLS', async () => {
    const server = await startMemcached();
    try {
      const failure = await failureOf(new Connection(server.address, { tls: true }));
      expect(failure).toBeInstanceOf(MemcacheConnectionError);
      expect(failure.message).toContain(server.address);
      expect(failure.message).toMatch(/does not speak TLS|remove the tls option/i);
    } finally {
      await server.stop();
    }
  });

  it('a server that is not memcached (an HTTP server)', async () => {
    const web = http.createServer((_request, response) => response.end('hello'));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    const { port } = web.address() as net.AddressInfo;
    try {
      const failure = await failureOf(new Connection(`127.0.0.1:${port}`));
      expect(failure).toBeInstanceOf(MemcacheProtocolError);
      expect(failure.message).toContain(`127.0.0.1:${port}`);
      expect(failure.message).toMatch(/a memcached server\?/);
    } finally {
      web.close();
    }
  });
});
