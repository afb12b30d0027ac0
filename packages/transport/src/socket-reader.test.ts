import net from 'node:net';
import { MessageChannel } from 'node:worker_threads';
import { commands, MemcacheTimeoutError, MemcacheUnexpectedCloseError } from '@mc/protocol';
import {
  type MemcachedServer,
  makeCertificates,
  onLines,
  startFakeServer,
  startMemcached,
} from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from './connection.js';
import { SocketReader } from './socket-reader.js';
import { text, waitFor } from './test-support/requests.js';

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached({ args: ['-I', '8m', '-m', '256'] });
});

afterAll(async () => {
  await server?.stop();
});

/** `length` bytes in which every byte value occurs, shifted by `seed` so values differ. */
function binaryValue(length: number, seed: number): Uint8Array {
  return new Uint8Array(length).map((_, index) => (index * 7 + seed) % 256);
}

const sameBytes = (actual: Uint8Array | undefined, expected: Uint8Array): boolean =>
  actual !== undefined && Buffer.from(actual).equals(expected);

/** Sets then reads back values of these sizes, 8 gets in flight, each checked against its own key. */
async function roundTrip(connection: Connection, sizes: readonly number[]): Promise<void> {
  const values = sizes.map((size, index) => binaryValue(size, index));
  for (const [index, value] of values.entries()) {
    expect(await connection.send(commands.set.request(`large:${index}`, value, 0, 0, false))).toBe(true);
  }
  for (let turn = 0; turn < 3; turn++) {
    const hits = await Promise.all(
      values.map((_, index) => connection.send(commands.get.request([`large:${index}`]))),
    );
    for (const [index, [hit]] of hits.entries()) {
      expect(text(hit?.key)).toBe(`large:${index}`);
      expect(sameBytes(hit?.value, values[index]!)).toBe(true);
    }
  }
}

/** A connected socket whose SocketReader collects every chunk it delivers. */
async function collectingSocket(address: { host: string; port: number }) {
  const socket = SocketReader.connect({ host: address.host, port: address.port });
  await new Promise((resolve) => socket.once('connect', resolve));
  const chunks: Uint8Array[] = [];
  SocketReader.of(socket)!.attach(
    (chunk) => chunks.push(chunk),
    () => undefined,
  );
  return {
    socket,
    chunks,
    length: () => chunks.reduce((sum, chunk) => sum + chunk.length, 0),
    received: () => chunks.map((chunk) => text(chunk)).join(''),
  };
}

describe('SocketReader: reads placed straight into large values', () => {
  it('reads values of every size up to 5 MB back intact over TCP, pipelined', async () => {
    const connection = new Connection(server.address);
    await roundTrip(connection, [
      0,
      1,
      255,
      65_535,
      65_536,
      100_000,
      1_000_000,
      1024 * 1024,
      5 * 1024 * 1024,
    ]);
    await connection.close();
  });

  it('reads them intact over a UNIX socket and over TLS (which keeps its data events)', async () => {
    const unixServer = await startMemcached({ unixSocket: true, args: ['-I', '2m'] });
    const tlsServer = await startMemcached({ tls: true, args: ['-I', '2m'] });
    try {
      const unix = new Connection(unixServer.path!);
      await roundTrip(unix, [10, 300_000, 1_000_000]);
      await unix.close();
      const secure = new Connection(tlsServer.address, { tls: { ca: makeCertificates().pem.ca } });
      await roundTrip(secure, [10, 300_000, 1_000_000]);
      await secure.close();
    } finally {
      await unixServer.stop();
      await tlsServer.stop();
    }
  });

  it('parses a reply split at every byte across reads: headers, values and the next reply', async () => {
    const first = binaryValue(256, 0);
    const second = binaryValue(300, 1);
    const reply = Buffer.concat([
      Buffer.from('VALUE a 0 256\r\n'),
      first,
      Buffer.from('\r\nVALUE b 3 300\r\n'),
      second,
      Buffer.from('\r\nEND\r\n'),
    ]);
    const replies: Array<(socket: net.Socket) => void> = [];
    const fake = await startFakeServer((socket) => {
      socket.setNoDelay(true);
      onLines(socket, () => replies.shift()?.(socket));
    });
    try {
      const connection = new Connection(fake.address);
      for (let split = 1; split < reply.length; split++) {
        replies.push((socket) => {
          socket.write(reply.subarray(0, split));
          // A pause, so the two parts arrive in separate reads.
          setTimeout(() => socket.write(reply.subarray(split)), 2);
        });
        const hits = await connection.send(commands.get.request(['a', 'b']));
        expect(hits.map((hit) => text(hit.key))).toEqual(['a', 'b']);
        expect(sameBytes(hits[0]?.value, first)).toBe(true);
        expect(sameBytes(hits[1]?.value, second)).toBe(true);
        expect(hits[1]?.flags).toBe(3);
      }
      await connection.close();
    } finally {
      await fake.close();
    }
  });

  it('never overwrites bytes it delivered: values kept from many small reads stay intact', async () => {
    const fake = await startFakeServer((socket) => {
      socket.setNoDelay(true);
      onLines(socket, (line) => {
        const key = line.split(' ')[1]!;
        socket.write(`VALUE ${key} 0 ${key.length}\r\n${key}\r\nEND\r\n`);
      });
    });
    try {
      const connection = new Connection(fake.address);
      const kept: Array<{ key: string; value: Uint8Array | undefined }> = [];
      for (let index = 0; index < 3000; index++) {
        const [hit] = await connection.send(commands.get.request([`key-${index}`]));
        kept.push({ key: `key-${index}`, value: hit?.value });
      }
      for (const { key, value } of kept) expect(text(value)).toBe(key);
      await connection.close();
    } finally {
      await fake.close();
    }
  });

  it('small reads share a bounded slab instead of a buffer each; two sockets reading by turns never overwrite each other', async () => {
    const fake = await startFakeServer((socket) => {
      socket.setNoDelay(true);
      onLines(socket, (line) => {
        const key = line.split(' ')[1]!;
        socket.write(`VALUE ${key} 0 ${key.length}\r\n${key}\r\nEND\r\n`);
      });
    });
    try {
      const readers = [await collectingSocket(fake), await collectingSocket(fake)];
      const expected = ['', ''];
      for (let turn = 0; turn < 400; turn++) {
        for (const [index, reader] of readers.entries()) {
          const key = `s${index}-${turn}`;
          expected[index] += `VALUE ${key} 0 ${key.length}\r\n${key}\r\nEND\r\n`;
          reader.socket.write(`get ${key}\r\n`);
          await waitFor(() => reader.length() === expected[index]!.length);
        }
      }
      for (const [index, reader] of readers.entries()) expect(reader.received()).toBe(expected[index]);
      const all = readers.flatMap((reader) => reader.chunks);
      // Many reads per buffer, and no buffer larger than one slab: a kept chunk pins little.
      expect(new Set(all.map((chunk) => chunk.buffer)).size).toBeLessThan(all.length / 10);
      expect(Math.max(...all.map((chunk) => chunk.buffer.byteLength))).toBeLessThanOrEqual(16 * 1024);
      for (const reader of readers) reader.socket.destroy();
    } finally {
      await fake.close();
    }
  });

  it('a small chunk whose buffer is transferred away leaves later reads intact', async () => {
    const fake = await startFakeServer();
    try {
      const reader = await collectingSocket(fake);
      const { port1, port2 } = new MessageChannel();
      let sent = '';
      for (let turn = 0; turn < 50; turn++) {
        const piece = `piece-${turn};`;
        sent += piece;
        fake.sockets[0]!.write(piece);
        await waitFor(() => reader.length() === sent.length);
        // What an application may do with a Buffer value it got: hand its memory to a worker.
        const last = reader.chunks.at(-1)!;
        port1.postMessage(last, [last.buffer as ArrayBuffer]);
        structuredClone(last, { transfer: [last.buffer as ArrayBuffer] });
      }
      expect(reader.received()).toBe(sent);
      port1.close();
      port2.close();
      reader.socket.destroy();
    } finally {
      await fake.close();
    }
  });

  it('a read larger than 4 KiB gets a buffer of its own, exactly its size', async () => {
    const fake = await startFakeServer();
    try {
      const reader = await collectingSocket(fake);
      fake.sockets[0]!.write('y'.repeat(10_000));
      await waitFor(() => reader.length() === 10_000);
      for (const chunk of reader.chunks.filter((each) => each.length > 4096))
        expect(chunk.buffer.byteLength).toBe(chunk.length);
      expect(reader.received()).toBe('y'.repeat(10_000));
      reader.socket.destroy();
    } finally {
      await fake.close();
    }
  });

  it('delivers bytes that arrived before anyone attached, in order', async () => {
    const fake = await startFakeServer((socket) => socket.write('VERSION early\r\n'));
    try {
      const socket = SocketReader.connect({ host: fake.host, port: fake.port });
      const reader = SocketReader.of(socket)!;
      await new Promise((resolve) => socket.once('connect', resolve));
      await waitFor(() => socket.bytesRead === 'VERSION early\r\n'.length);
      const received: string[] = [];
      reader.attach(
        (chunk) => received.push(Buffer.from(chunk).toString()),
        () => undefined,
      );
      fake.sockets[0]!.write('VERSION late\r\n');
      await waitFor(() => received.join('') === 'VERSION early\r\nVERSION late\r\n');
      expect(SocketReader.of(new net.Socket())).toBeUndefined();
      socket.destroy();
    } finally {
      await fake.close();
    }
  });

  it('reads into the room it is given, never past it, and into a copy otherwise', async () => {
    const fake = await startFakeServer();
    try {
      const socket = SocketReader.connect({ host: fake.host, port: fake.port });
      await new Promise((resolve) => socket.once('connect', resolve));
      const room = new Uint8Array(10);
      let roomLeft = true;
      const chunks: Uint8Array[] = [];
      SocketReader.of(socket)!.attach(
        (chunk) => {
          chunks.push(chunk);
          if (chunk.buffer === room.buffer) roomLeft = false;
        },
        () => (roomLeft ? room : undefined),
      );
      // The first read was set up before anyone attached: it lands in the shared buffer.
      fake.sockets[0]!.write('head');
      await waitFor(() => chunks.length === 1);
      expect(chunks[0]!.buffer).not.toBe(room.buffer);
      fake.sockets[0]!.write('0123456789abcdef');
      await waitFor(() => chunks.reduce((total, chunk) => total + chunk.length, 0) === 20);
      expect(chunks[1]!.buffer).toBe(room.buffer);
      expect(text(chunks[1])).toBe('0123456789');
      expect(chunks.slice(2).every((chunk) => chunk.buffer !== room.buffer)).toBe(true);
      expect(chunks.map((chunk) => text(chunk)).join('')).toBe('head0123456789abcdef');
      socket.destroy();
    } finally {
      await fake.close();
    }
  });

  it('a server announcing 1 GiB then stalling costs a bounded buffer and a timeout, not 1 GiB', async () => {
    const fake = await startFakeServer((socket) =>
      onLines(socket, () => socket.write(`VALUE k 0 ${2 ** 30}\r\n${'x'.repeat(100_000)}`)),
    );
    try {
      const connection = new Connection(fake.address, { maxValueBytes: 2 ** 30, timeout: 300 });
      const before = process.memoryUsage().arrayBuffers;
      const failure = connection.send(commands.get.request(['k']));
      await expect(failure).rejects.toBeInstanceOf(MemcacheTimeoutError);
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
      connection.destroy();
    } finally {
      await fake.close();
    }
  });

  it('a server announcing a large value then closing fails the request, and the next one gets its own reply', async () => {
    let connections = 0;
    const fake = await startFakeServer((socket) => {
      connections++;
      const first = connections === 1;
      onLines(socket, () => {
        if (first) {
          socket.write(`VALUE k 0 1000000\r\n${'x'.repeat(200_000)}`);
          setTimeout(() => socket.destroy(), 20);
        } else socket.write('VALUE k 0 2\r\nok\r\nEND\r\n');
      });
    });
    try {
      const connection = new Connection(fake.address);
      await expect(connection.send(commands.get.request(['k']))).rejects.toBeInstanceOf(
        MemcacheUnexpectedCloseError,
      );
      const [hit] = await connection.send(commands.get.request(['k']));
      expect(text(hit?.value)).toBe('ok');
      await connection.close();
    } finally {
      await fake.close();
    }
  });
});
