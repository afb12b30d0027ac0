import {
  commands,
  MemcacheClientError,
  MemcacheConnectionError,
  MemcacheIllegalInputError,
  MemcacheProtocolError,
  MemcacheUnexpectedCloseError,
} from '@mc/protocol';
import { type MemcachedServer, onLines, startFakeServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, type ConnectionState } from './connection.js';
import { bytes, rawRequest, silentRequest, text, waitFor } from './test-support/requests.js';

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await server?.stop();
});

describe('Connection against memcached', () => {
  it('connects lazily, then sets and gets', async () => {
    const connection = new Connection(server.address);
    const states: ConnectionState[] = [connection.state];
    let connects = 0;
    connection.on('connect', () => connects++);
    const version = connection.send(commands.version.request());
    states.push(connection.state);
    expect(await version).toMatch(/^\d+\.\d+\.\d+/);
    states.push(connection.state);
    expect(states).toEqual(['idle', 'connecting', 'ready']);
    expect(connects).toBe(1);

    expect(await connection.send(commands.set.request('greeting', bytes('héllo'), 7, 0, false))).toBe(true);
    const [hit] = await connection.send(commands.get.request(['greeting']));
    expect(text(hit?.value)).toBe('héllo');
    expect(hit?.flags).toBe(7);
    expect(await connection.send(commands.get.request(['absent']))).toEqual([]);
    expect(connection.pending).toBe(0);
    await connection.close();
    expect(connection.state).toBe('closed');
  });

  it('names the server as the address parser does', () => {
    expect(new Connection('127.0.0.1').name).toBe('127.0.0.1:11211');
    expect(new Connection({ path: '/tmp/x.sock' }).name).toBe('/tmp/x.sock');
    expect(() => new Connection('host:notaport')).toThrow(MemcacheIllegalInputError);
  });

  it('validates its options', () => {
    expect(() => new Connection(server.address, { timeout: -1 })).toThrow(MemcacheIllegalInputError);
    expect(() => new Connection(server.address, { connectTimeout: Number.NaN })).toThrow(
      MemcacheIllegalInputError,
    );
    expect(() => new Connection(server.address, { maxPending: 0 })).toThrow(MemcacheIllegalInputError);
    expect(() => new Connection(server.address, { reconnectDelay: -5 })).toThrow(MemcacheIllegalInputError);
    expect(() => new Connection(server.address, { auth: { username: '', password: 'x' } })).toThrow(
      MemcacheIllegalInputError,
    );
  });

  it('refuses a reply value above maxValueBytes, and a maxValueBytes above the item limit', async () => {
    expect(() => new Connection(server.address, { maxValueBytes: 2 ** 30 + 1 })).toThrow(
      MemcacheIllegalInputError,
    );
    const writer = new Connection(server.address);
    await writer.send(commands.set.request('bounded', new Uint8Array(100), 0, 0, false));
    const bounded = new Connection(server.address, { maxValueBytes: 10 });
    await expect(bounded.send(commands.get.request(['bounded']))).rejects.toBeInstanceOf(
      MemcacheProtocolError,
    );
    await writer.close();
    bounded.destroy();
  });

  it('pipelines 10,000 requests and matches every reply to its request', async () => {
    // Each reply is due within `timeout` of its send(): room for a slow machine to get through all.
    const connection = new Connection(server.address, { timeout: 20_000 });
    const count = 10_000;
    const sets = Array.from({ length: count }, (_, index) =>
      connection.send(commands.set.request(`key:${index}`, bytes(`value:${index}`), index, 0, false)),
    );
    expect(connection.pending).toBe(count);
    expect(await Promise.all(sets)).toEqual(new Array(count).fill(true));
    const gets = Array.from({ length: count }, (_, index) =>
      connection.send(commands.get.request([`key:${index}`])),
    );
    const replies = await Promise.all(gets);
    replies.forEach((reply, index) => {
      expect(reply).toHaveLength(1);
      expect(text(reply[0]?.key)).toBe(`key:${index}`);
      expect(text(reply[0]?.value)).toBe(`value:${index}`);
      expect(reply[0]?.flags).toBe(index);
    });
    expect(connection.pending).toBe(0);
    await connection.close();
  });

  it('moves large values without corrupting the stream', async () => {
    const connection = new Connection(server.address);
    const big = new Uint8Array(900_000).map((_, index) => index % 251);
    const results = await Promise.all([
      connection.send(commands.set.request('big', big, 0, 0, false)),
      connection.send(commands.get.request(['big'])),
      connection.send(commands.version.request()),
    ]);
    expect(results[0]).toBe(true);
    expect(Buffer.from(results[1][0]!.value).equals(Buffer.from(big))).toBe(true);
    expect(results[2]).toMatch(/^\d/);
    await connection.close();
  });

  it('resolves a noreply request once written, and later requests see its effect', async () => {
    const connection = new Connection(server.address);
    await expect(
      connection.send(commands.set.request('quiet', bytes('shh'), 0, 0, true)),
    ).resolves.toBeUndefined();
    const [hit] = await connection.send(commands.get.request(['quiet']));
    expect(text(hit?.value)).toBe('shh');
    await connection.close();
  });

  it('connect() is explicit and idempotent', async () => {
    const connection = new Connection(server.address);
    const first = connection.connect();
    const second = connection.connect();
    await Promise.all([first, second]);
    expect(connection.state).toBe('ready');
    await connection.connect();
    await connection.close();
    await expect(connection.connect()).rejects.toBeInstanceOf(MemcacheConnectionError);
  });

  it('close() lets accepted requests finish, then refuses new ones', async () => {
    const connection = new Connection(server.address);
    const version = connection.send(commands.version.request());
    const closed = connection.close();
    await expect(connection.send(commands.version.request())).rejects.toBeInstanceOf(MemcacheConnectionError);
    await expect(version).resolves.toMatch(/^\d/);
    await closed;
    expect(connection.state).toBe('closed');
    expect(connection.close()).toBe(closed); // idempotent
  });

  it('close() of a connection that never connected is immediate', async () => {
    const connection = new Connection(server.address);
    await connection.close();
    expect(connection.state).toBe('closed');
    await expect(connection.send(commands.version.request())).rejects.toBeInstanceOf(MemcacheConnectionError);
  });

  it('destroy() rejects every outstanding request at once', async () => {
    const silent = await startFakeServer();
    try {
      const connection = new Connection(silent.address);
      await connection.connect();
      const inFlight = connection.send(commands.version.request());
      await waitFor(() => silent.sockets[0]!.bytesRead > 0); // written and received
      connection.destroy();
      await expect(inFlight).rejects.toBeInstanceOf(MemcacheUnexpectedCloseError);
      expect(connection.state).toBe('closed');

      const reason = new Error('shutting down');
      const later = new Connection(silent.address);
      const queued = later.send(commands.version.request());
      later.destroy(reason);
      await expect(queued).rejects.toBe(reason);
      expect(later.state).toBe('closed');
      expect(later.pending).toBe(0);
      await later.close(); // after destroy(), close() has nothing left to do
      later.destroy(); // and destroying twice is harmless
    } finally {
      await silent.close();
    }
  });

  it('quit resolves, the server closes quietly, and the next command reconnects', async () => {
    const connection = new Connection(server.address);
    const errors: Error[] = [];
    const closes: Array<Error | undefined> = [];
    connection.on('error', (error) => errors.push(error));
    connection.on('close', (error) => closes.push(error));
    await connection.connect();
    const quit = connection.send(commands.quit.request());
    const after = connection.send(commands.version.request()); // must wait for a new socket
    await expect(quit).resolves.toBeUndefined();
    await expect(after).resolves.toMatch(/^\d/);
    expect(closes).toEqual([undefined]);
    expect(errors).toEqual([]);
    await connection.close();
  });

  it('rejects at once beyond maxPending, and serves the rest', async () => {
    const connection = new Connection(server.address, { maxPending: 3 });
    const accepted = [1, 2, 3].map(() => connection.send(commands.version.request()));
    const refused = connection.send(commands.version.request());
    await expect(refused).rejects.toBeInstanceOf(MemcacheClientError);
    await expect(refused).rejects.toThrow(/maxPending 3/);
    await expect(Promise.all(accepted)).resolves.toHaveLength(3);
    await expect(connection.send(commands.version.request())).resolves.toMatch(/^\d/);
    await connection.close();
  });
});

describe('Connection over other transports', () => {
  it('speaks over a UNIX socket, by path and by unix: prefix', async () => {
    const unixServer = await startMemcached({ unixSocket: true });
    try {
      for (const address of [unixServer.path!, `unix:${unixServer.path}`, { path: unixServer.path! }]) {
        const connection = new Connection(address);
        expect(connection.name).toBe(unixServer.path);
        expect(await connection.send(commands.set.request('u', bytes('x'), 0, 0, false))).toBe(true);
        expect(await connection.send(commands.version.request())).toMatch(/^\d/);
        await connection.close();
      }
    } finally {
      await unixServer.stop();
    }
  });

  it('speaks over IPv6 [::1]', async () => {
    const v6 = await startMemcached({ host: '::1' });
    try {
      const connection = new Connection(`[::1]:${v6.port}`);
      expect(connection.name).toBe(`[::1]:${v6.port}`);
      expect(await connection.send(commands.set.request('six', bytes('6'), 0, 0, false))).toBe(true);
      const [hit] = await connection.send(commands.get.request(['six']));
      expect(text(hit?.value)).toBe('6');
      await connection.close();
    } finally {
      await v6.stop();
    }
  });
});

describe('Connection write batching', () => {
  it('sends requests made in the same tick in one write', async () => {
    const received: string[] = [];
    const fake = await startFakeServer((socket) => {
      socket.on('data', (data: Buffer) => {
        received.push(data.toString('latin1'));
        const gets = data
          .toString('latin1')
          .split('\r\n')
          .filter((line) => line.startsWith('get '));
        socket.write(gets.map(() => 'END\r\n').join(''));
      });
    });
    try {
      const connection = new Connection(fake.address);
      await connection.connect();
      const gets = Array.from({ length: 100 }, (_, index) =>
        connection.send(commands.get.request([`k${index}`])),
      );
      await Promise.all(gets);
      expect(received).toHaveLength(1);
      expect(received[0]).toBe(Array.from({ length: 100 }, (_, index) => `get k${index}\r\n`).join(''));

      // With values (byte chunks) in between, still one write.
      received.length = 0;
      const sets: Array<Promise<unknown>> = Array.from({ length: 20 }, (_, index) =>
        connection.send(silentRequest(`set s${index} 0 0 2 noreply\r\n`, bytes('ab'), '\r\n')),
      );
      sets.push(connection.send(commands.get.request(['last'])));
      await Promise.all(sets);
      expect(received).toHaveLength(1);
      expect(received[0]).toMatch(/^set s0 0 0 2 noreply\r\nab\r\nset s1 .*get last\r\n$/s);
      await connection.close();
    } finally {
      await fake.close();
    }
  });

  it('respects backpressure: nothing more is handed to a socket the peer does not read', async () => {
    const fake = await startFakeServer((socket) => socket.pause());
    try {
      const connection = new Connection(fake.address, { timeout: 0 });
      await connection.connect();
      const value = new Uint8Array(1024 * 1024);
      let written = 0;
      const total = 64;
      const writes = Array.from({ length: total }, (_, index) =>
        connection
          .send(silentRequest(`set v${index} 0 0 ${value.length} noreply\r\n`, value, '\r\n'))
          .then(() => {
            written++;
          }),
      );
      await waitFor(() => written > 0);
      // Time to hand over more if it would; the kernel buffers a few MB at most, the rest waits
      // in our queue, not in memory of the socket.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(written).toBeGreaterThan(0);
      expect(written).toBeLessThan(total);
      expect(connection.pending).toBe(total - written);
      const socket = fake.sockets[0]!;
      socket.resume();
      await Promise.all(writes);
      expect(written).toBe(total);
      connection.destroy();
    } finally {
      await fake.close();
    }
  });
});

describe('Connection per-call abort', () => {
  it('drops a queued request without touching the stream', async () => {
    const lines: string[] = [];
    const fake = await startFakeServer((socket) =>
      onLines(socket, (line) => {
        lines.push(line);
        socket.write(`VERSION ${line}\r\n`);
      }),
    );
    try {
      const connection = new Connection(fake.address);
      const controller = new AbortController();
      const first = connection.send(rawRequest('one\r\n'));
      const aborted = connection.send(rawRequest('two\r\n'), { signal: controller.signal });
      const third = connection.send(rawRequest('three\r\n'));
      controller.abort(new Error('changed my mind'));
      await expect(aborted).rejects.toThrow('changed my mind');
      expect(await first).toEqual({ kind: 'version', version: 'one' });
      expect(await third).toEqual({ kind: 'version', version: 'three' });
      expect(lines).toEqual(['one', 'three']);
      expect(connection.pending).toBe(0);
      await connection.close();
    } finally {
      await fake.close();
    }
  });

  it('abandons a written request: its reply is read and dropped', async () => {
    const replies: Array<() => void> = [];
    const fake = await startFakeServer((socket) =>
      onLines(socket, (line) => replies.push(() => socket.write(`VERSION ${line}\r\n`))),
    );
    try {
      const connection = new Connection(fake.address);
      const controller = new AbortController();
      const aborted = connection.send(rawRequest('slow\r\n'), { signal: controller.signal });
      const next = connection.send(rawRequest('fast\r\n'));
      await waitFor(() => replies.length === 2);
      controller.abort();
      await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
      expect(connection.pending).toBe(1);
      for (const reply of replies) reply();
      expect(await next).toEqual({ kind: 'version', version: 'fast' });
      expect(connection.state).toBe('ready');
      await connection.close();
    } finally {
      await fake.close();
    }
  });

  it('rejects at once with an already aborted signal', async () => {
    const connection = new Connection(server.address);
    const reason = new Error('too late');
    await expect(
      connection.send(commands.version.request(), { signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    expect(connection.state).toBe('idle');
    expect(connection.pending).toBe(0);
  });
});
