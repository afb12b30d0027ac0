import net from 'node:net';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from './index.js';

let server: MemcachedServer;
let client: Client;

beforeAll(async () => {
  server = await startMemcached();
  client = new Client(server.address);
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Stores bytes under flags with a bare socket, as another service (or an older serde) would. */
function rawSet(key: string, flags: number, value: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => {
      socket.write(`set ${key} ${flags} 0 ${value.length}\r\n${value}\r\n`);
    });
    socket.once('data', (data) => {
      socket.end();
      if (data.toString('latin1') === 'STORED\r\n') resolve();
      else reject(new Error(data.toString('latin1')));
    });
    socket.once('error', reject);
  });
}

describe('getOrSet over a value the serde cannot decode', () => {
  it('concurrent callers still run the loader once, as on a miss', async () => {
    // Flag 1 is pickle; "xyz" is not a pickle. This is what every hot key looks like right
    // after a deploy that changed the serde, which is when the database can least take a stampede.
    await rawSet('undecodable', 1, 'xyz');
    let runs = 0;
    const loader = async () => {
      runs++;
      await sleep(100);
      return 'fresh';
    };
    const results = await Promise.all(
      Array.from({ length: 20 }, () => client.getOrSet('undecodable', loader, { ttl: 30 })),
    );
    expect(results).toEqual(Array.from({ length: 20 }, () => 'fresh'));
    expect(runs).toBe(1);
  });
});
