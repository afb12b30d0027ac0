import type net from 'node:net';
import { type FakeServer, onLines, startFakeServer } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from './index.js';

// A tiny memcached stand-in that records which connection carried each command line: the
// index of the accepted socket, then the line.
let fake: FakeServer;
const lines: Array<{ socket: number; line: string }> = [];
const clients: Client[] = [];

beforeAll(async () => {
  const accepted: net.Socket[] = [];
  fake = await startFakeServer((socket) => {
    const index = accepted.push(socket) - 1;
    let dataFollows = false;
    onLines(socket, (line) => {
      if (dataFollows) {
        dataFollows = false;
        socket.write('STORED\r\n');
        return;
      }
      lines.push({ socket: index, line });
      if (line.startsWith('set ')) dataFollows = true;
      else if (line.startsWith('get ')) socket.write('END\r\n');
      else if (line.startsWith('delete ')) socket.write('NOT_FOUND\r\n');
    });
  });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close({ force: true })));
  await fake?.close();
});

function socketOf(verb: string): number[] {
  return lines.filter(({ line }) => line.startsWith(`${verb} `)).map(({ socket }) => socket);
}

// The contract: "`connections` (sockets to this server, default 1; each key always uses the same
// one)", and "Keys are strings (UTF-8 encoded) or bytes". The key `é` and its UTF-8 bytes
// [0xC3, 0xA9] are one memcached key (the same bytes on the wire), so every command for it must
// ride one socket; otherwise "per-key order holds (`Promise.all([set(k, v), get(k)])` reads `v`)"
// is lost: the get can overtake the set on another socket.
describe('connections: n routes one memcached key to one socket, whatever its spelling', () => {
  it('a UTF-8 string key and the same key as bytes use the same socket', async () => {
    lines.length = 0;
    const client = new Client(fake.address, { connections: 2, timeout: 1000 });
    clients.push(client);
    // Open both sockets first, so that socket indexes are settled.
    await Promise.all([
      client.set('a', 'x'),
      client.set('b', 'x'),
      client.set('c', 'x'),
      client.set('d', 'x'),
    ]);
    lines.length = 0;
    await client.set('é', 'v');
    await client.get(Buffer.from('é', 'utf8'));
    await client.delete(Buffer.from('é', 'utf8'));
    const [set] = socketOf('set');
    // (the recorder reads bytes as latin1: `é` is C3 A9 on the wire in all three)
    const wire = Buffer.from('é', 'utf8').toString('latin1');
    expect(lines.map(({ line }) => line)).toEqual([`set ${wire} 16 0 1`, `get ${wire}`, `delete ${wire}`]);
    expect(socketOf('get')).toEqual([set]);
    expect(socketOf('delete')).toEqual([set]);
  });

  it('with a non-ASCII keyPrefix, an ASCII key as a string and as bytes use the same socket', async () => {
    lines.length = 0;
    const client = new Client(fake.address, { connections: 2, keyPrefix: 'ü:', timeout: 1000 });
    clients.push(client);
    await Promise.all([
      client.set('a', 'x'),
      client.set('b', 'x'),
      client.set('c', 'x'),
      client.set('d', 'x'),
    ]);
    lines.length = 0;
    await client.set('k', 'v');
    await client.get(Buffer.from('k'));
    const [set] = socketOf('set');
    expect(socketOf('get')).toEqual([set]);
  });
});
