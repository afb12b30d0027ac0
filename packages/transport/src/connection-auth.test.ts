import {
  commands,
  MemcacheConnectionError,
  MemcacheIllegalInputError,
  MemcacheTimeoutError,
} from '@mc/protocol';
import {
  type FakeServer,
  type MemcachedServer,
  onLines,
  startFakeServer,
  startMemcached,
} from '@mc/test-utils';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from './connection.js';

const alice = { username: 'alice', password: 's3cret' };

let plain: MemcachedServer;
let guarded: MemcachedServer;

beforeAll(async () => {
  [plain, guarded] = await Promise.all([startMemcached(), startMemcached({ auth: alice })]);
});

afterAll(async () => {
  await Promise.all([plain?.stop(), guarded?.stop()]);
});

describe('credentials only go to a server that asks for them', () => {
  it('a server without -Y gets no credentials, and the connection fails clearly', async () => {
    for (const format of ['memcached', 'memcachier'] as const) {
      const connection = new Connection(plain.address, { auth: { ...alice, format } });
      const failure = await connection.send(commands.version.request()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MemcacheConnectionError);
      expect((failure as Error).message).toMatch(/did not ask for authentication/);
      expect((failure as Error).message).toContain(plain.address);
      connection.destroy();
    }
    // Nothing was stored under any key the credentials could have used.
    const reader = new Connection(plain.address);
    expect(await reader.send(commands.get.request(['auth', 'alice', 'x']))).toEqual([]);
    const stats = await reader.send(commands.stats.request([]));
    expect(stats.get('curr_items')).toBe('0');
    await reader.close();
  });

  it('a -Y server is asked first, then given the credentials (memcached format)', async () => {
    const connection = new Connection(guarded.address, { auth: { ...alice, format: 'memcached' } });
    expect(await connection.send(commands.version.request())).toMatch(/^\d/);
    await connection.close();
    const wrong = new Connection(guarded.address, { auth: { username: 'alice', password: 'nope' } });
    await expect(wrong.send(commands.version.request())).rejects.toBeInstanceOf(MemcacheConnectionError);
    wrong.destroy();
  });

  it('speaks MemCachier: set <username> 0 0 <password length>, the password as data', async () => {
    const received: string[] = [];
    const fake = await startFakeServer((socket) => {
      let authenticated = false;
      let expectingPassword = false;
      onLines(socket, (line) => {
        received.push(line);
        if (expectingPassword) {
          expectingPassword = false;
          authenticated = line === 's3cret';
          socket.write(authenticated ? 'STORED\r\n' : 'CLIENT_ERROR authentication failure\r\n');
        } else if (line === 'set alice 0 0 6') expectingPassword = true;
        else if (!authenticated) socket.write('CLIENT_ERROR unauthenticated\r\n');
        else if (line === 'version') socket.write('VERSION 1.6.21\r\n');
      });
    });
    try {
      const connection = new Connection(fake.address, { auth: { ...alice, format: 'memcachier' } });
      expect(await connection.send(commands.version.request())).toBe('1.6.21');
      expect(received).toEqual(['version', 'set alice 0 0 6', 's3cret', 'version']);
      await connection.close();
    } finally {
      await fake.close();
    }
  });

  it('checks the credentials for the chosen format before connecting', () => {
    expect(
      () => new Connection(plain.address, { auth: { username: 'a b', password: 'x', format: 'memcachier' } }),
    ).toThrow(MemcacheIllegalInputError);
    expect(
      () =>
        new Connection(plain.address, {
          auth: { ...alice, format: 'sasl' as unknown as 'memcached' },
        }),
    ).toThrow(MemcacheIllegalInputError);
  });
});

/**
 * A memcached -Y stand-in that takes its time to accept the credentials (`delay` ms), logs
 * every line, and refuses any command that arrives before it said STORED, as memcached does.
 */
async function slowAuthServer(delay: number): Promise<{ fake: FakeServer; received: string[] }> {
  const received: string[] = [];
  const fake = await startFakeServer((socket: net.Socket) => {
    let authenticated = false;
    let credentials = false;
    onLines(socket, (line) => {
      received.push(line);
      if (credentials) {
        credentials = false;
        setTimeout(() => {
          authenticated = true;
          socket.write('STORED\r\n');
        }, delay);
      } else if (line.startsWith('set auth 0 0 ')) credentials = true;
      else if (!authenticated) socket.write('CLIENT_ERROR unauthenticated\r\n');
      else if (line === 'version') socket.write('VERSION 1.6.21\r\n');
      else if (line.startsWith('get ')) socket.write('END\r\n');
    });
  });
  return { fake, received };
}

describe('authentication goes through the ordered queue', () => {
  it('requests made before it completes wait behind it and then go out in call order', async () => {
    const { fake, received } = await slowAuthServer(150);
    try {
      const connection = new Connection(fake.address, { auth: alice });
      const replies = [
        connection.send(commands.version.request()),
        connection.send(commands.get.request(['a'])),
        connection.send(commands.version.request()),
      ];
      expect(await Promise.all(replies)).toEqual(['1.6.21', [], '1.6.21']);
      expect(received).toEqual(['version', 'set auth 0 0 12', 'alice s3cret', 'version', 'get a', 'version']);
      await connection.close();
    } finally {
      await fake.close();
    }
  });

  it('a request whose deadline passes while it waits behind authentication fails alone and is never sent', async () => {
    const { fake, received } = await slowAuthServer(300);
    try {
      const connection = new Connection(fake.address, { auth: alice });
      const hurried = connection.send(commands.get.request(['hurried']), { timeout: 50 });
      const patient = connection.send(commands.version.request());
      await expect(hurried).rejects.toBeInstanceOf(MemcacheTimeoutError);
      expect(await patient).toBe('1.6.21');
      expect(received).toEqual(['version', 'set auth 0 0 12', 'alice s3cret', 'version']);
      await connection.close();
    } finally {
      await fake.close();
    }
  });

  it('a refusal rejects every waiting request with the typed authentication error, and none is sent', async () => {
    const received: string[] = [];
    const fake = await startFakeServer((socket) => {
      let credentials = false;
      onLines(socket, (line) => {
        received.push(line);
        if (credentials) socket.write('CLIENT_ERROR authentication failure\r\n');
        else if (line.startsWith('set auth')) credentials = true;
        else socket.write('CLIENT_ERROR unauthenticated\r\n');
      });
    });
    try {
      const connection = new Connection(fake.address, { auth: alice });
      const failures = await Promise.all(
        [commands.version.request(), commands.get.request(['a'])].map((request) =>
          connection.send<unknown>(request).catch((error: unknown) => error),
        ),
      );
      for (const failure of failures) {
        expect(failure).toBeInstanceOf(MemcacheConnectionError);
        expect((failure as Error).message).toBe(
          `authentication with ${fake.address} failed: CLIENT_ERROR authentication failure`,
        );
      }
      expect(failures[1]).toBe(failures[0]);
      expect(received).toEqual(['version', 'set auth 0 0 12', 'alice s3cret']);
      expect(connection.pending).toBe(0);
      connection.destroy();
    } finally {
      await fake.close();
    }
  });
});
