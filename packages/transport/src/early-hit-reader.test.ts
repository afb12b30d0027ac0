import { commands, MemcacheServerError } from '@mc/protocol';
import { type MemcachedServer, onLines, startFakeServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from './connection.js';
import { text } from './test-support/requests.js';

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached({ args: ['-I', '2m'] });
});

afterAll(async () => {
  await server?.stop();
});

/** A one-key get the transport may fold with its neighbours. */
function mergeable(key: string) {
  return { ...commands.get.request([key]), mergeableGet: { command: 'get' as const, key } };
}

/**
 * Resolves true once `promise` has settled (either way), false if it is still pending after
 * `ms`: generous where it should settle, short where it should still be waiting.
 */
function settledYet(promise: Promise<unknown>, ms = 50): Promise<boolean> {
  return Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms)),
  ]);
}

describe('a merged get line settles each caller as its hit arrives', () => {
  it('hands a hit over before the rest of the line is read; misses wait for END', async () => {
    let socketOf: (() => import('node:net').Socket) | undefined;
    const fake = await startFakeServer((socket) => {
      socketOf = () => socket;
      onLines(socket, (line) => {
        if (line === 'get a b c') socket.write('VALUE a 0 1\r\n1\r\n');
      });
    });
    try {
      const connection = new Connection(fake.address);
      await connection.connect();
      const a = connection.send(mergeable('a'));
      const b = connection.send(mergeable('b'));
      const c = connection.send(mergeable('c'));
      const again = connection.send(mergeable('a'));
      // Only a's value has come: a (both callers) settle, b and c wait.
      expect(await settledYet(a, 5000)).toBe(true);
      expect(await settledYet(again, 5000)).toBe(true);
      expect(text((await a)[0]?.value)).toBe('1');
      expect((await again)[0]?.index).toBe(0);
      expect(await settledYet(b)).toBe(false);
      expect(await settledYet(c)).toBe(false);
      socketOf!().write('VALUE c 0 1\r\n3\r\n');
      expect(text((await c)[0]?.value)).toBe('3');
      expect((await c)[0]?.index).toBe(0);
      expect(await settledYet(b)).toBe(false);
      socketOf!().write('END\r\n');
      expect(await b).toEqual([]);
      expect(connection.pending).toBe(0);
      await connection.close();
    } finally {
      await fake.close();
    }
  });

  it('an error line after some hits fails only the callers still waiting', async () => {
    const fake = await startFakeServer((socket) =>
      onLines(socket, (line) => {
        if (line === 'get a b') socket.write('VALUE a 0 1\r\n1\r\nSERVER_ERROR out of memory\r\n');
        else if (line === 'version') socket.write('VERSION 1.6.18\r\n');
      }),
    );
    try {
      const connection = new Connection(fake.address);
      await connection.connect();
      const [a, b] = await Promise.allSettled([
        connection.send(mergeable('a')),
        connection.send(mergeable('b')),
      ]);
      expect(a.status === 'fulfilled' && text(a.value[0]?.value)).toBe('1');
      expect(b.status === 'rejected' && b.reason).toBeInstanceOf(MemcacheServerError);
      expect(await connection.send(commands.version.request())).toBe('1.6.18');
      await connection.close();
    } finally {
      await fake.close();
    }
  });

  it('eight 1 MB values read in one line each reach their own caller, intact', async () => {
    const connection = new Connection(server.address);
    const values = Array.from({ length: 8 }, (_, index) =>
      new Uint8Array(1_000_000).map((_, position) => (position * 31 + index) % 256),
    );
    for (const [index, value] of values.entries()) {
      expect(await connection.send(commands.set.request(`early:${index}`, value, 0, 0, false))).toBe(true);
    }
    for (let round = 0; round < 3; round++) {
      const hits = await Promise.all(values.map((_, index) => connection.send(mergeable(`early:${index}`))));
      for (const [index, [hit]] of hits.entries()) {
        expect(text(hit?.key)).toBe(`early:${index}`);
        expect(Buffer.from(hit!.value).equals(values[index]!)).toBe(true);
      }
    }
    await connection.close();
  });
});
