import {
  commands,
  MemcacheClientError,
  MemcacheConnectionError,
  MemcacheError,
  MemcacheProtocolError,
  MemcacheTimeoutError,
  MemcacheUnexpectedCloseError,
  MemcacheUnknownCommandError,
} from '@mc/protocol';
import { closedPort, onLines, startFakeServer, startMemcached } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { Connection } from './connection.js';
import { bytes, rawRequest, text, waitFor } from './test-support/requests.js';

/** Settles every promise and returns the rejection reasons (undefined for fulfilled ones). */
async function reasons(promises: Array<Promise<unknown>>): Promise<unknown[]> {
  const results = await Promise.allSettled(promises);
  return results.map((result) => (result.status === 'rejected' ? result.reason : undefined));
}

/** Waits (up to 10 s) for something the server side sees a moment after the client acts. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('Connection deadlines', () => {
  it('times out against a silent server, failing every request in flight, then reconnects', async () => {
    const fake = await startFakeServer();
    try {
      const connection = new Connection(fake.address, { timeout: 100 });
      const started = Date.now();
      const failures = await reasons([1, 2, 3].map(() => connection.send(commands.version.request())));
      expect(Date.now() - started).toBeLessThan(2000);
      for (const failure of failures) expect(failure).toBeInstanceOf(MemcacheTimeoutError);
      await expect(connection.send(commands.version.request())).rejects.toBeInstanceOf(MemcacheTimeoutError);
      // A fresh socket for the next command (the server may see it a moment after the client).
      await until(() => fake.sockets.length === 2);
      expect(fake.sockets.length).toBe(2);
      connection.destroy();
    } finally {
      await fake.close();
    }
  });

  it('a shorter per-call deadline fails alone; its late reply is dropped and the stream stays in step', async () => {
    const replies: Array<() => void> = [];
    const fake = await startFakeServer((socket) =>
      onLines(socket, (line) => replies.push(() => socket.write(`VERSION ${line}\r\n`))),
    );
    try {
      const connection = new Connection(fake.address, { timeout: 5000 });
      const patient = connection.send(rawRequest('patient\r\n'));
      const hasty = connection.send(rawRequest('hasty\r\n'), { timeout: 50 });
      const last = connection.send(rawRequest('last\r\n'));
      await expect(hasty).rejects.toBeInstanceOf(MemcacheTimeoutError);
      expect(connection.state).toBe('ready');
      await until(() => replies.length === 3);
      for (const reply of replies) reply();
      expect(await patient).toEqual({ kind: 'version', version: 'patient' });
      expect(await last).toEqual({ kind: 'version', version: 'last' });
      expect(connection.pending).toBe(0);
      await connection.close();
    } finally {
      await fake.close();
    }
  });

  it('a connect deadline that passes is a MemcacheTimeoutError for every waiting request', async () => {
    // TCP connects, the TLS handshake never answers: only the deadline can end it.
    const fake = await startFakeServer();
    try {
      const connection = new Connection(fake.address, { tls: true, connectTimeout: 100 });
      const started = Date.now();
      const failures = await reasons([connection.send(commands.version.request()), connection.connect()]);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(failures[0]).toBeInstanceOf(MemcacheTimeoutError);
      expect(failures[1]).toBe(failures[0]);
      expect(connection.state).toBe('idle');
      connection.destroy();
    } finally {
      await fake.close();
    }
  });

  it('a closed port fails fast with MemcacheConnectionError', async () => {
    const { address } = await closedPort();
    // Not failing fast, it would wait out a 10 s deadline.
    const connection = new Connection(address, { connectTimeout: 10_000, timeout: 10_000 });
    const errors: Error[] = [];
    connection.on('error', (error) => errors.push(error));
    const started = Date.now();
    const failure = await connection.send(commands.version.request()).catch((error: unknown) => error);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(failure).toBeInstanceOf(MemcacheConnectionError);
    expect((failure as Error).message).toMatch(/ECONNREFUSED/);
    expect(errors).toEqual([failure]);
    // The next command tries again (after a short backoff) and fails the same way.
    await expect(connection.send(commands.version.request())).rejects.toBeInstanceOf(MemcacheConnectionError);
    connection.destroy();
  });

  it('an unresolvable host fails with MemcacheConnectionError', async () => {
    const connection = new Connection('no-such-host.invalid:11211');
    await expect(connection.send(commands.version.request())).rejects.toBeInstanceOf(MemcacheConnectionError);
    connection.destroy();
  });
});

describe('Connection against misbehaving servers', () => {
  it('garbage in a reply is a protocol error for every pending request, and the next command reconnects', async () => {
    let garbage = true;
    const fake = await startFakeServer((socket) =>
      onLines(socket, () => {
        socket.write(garbage ? 'HELLO THERE\r\n' : 'VERSION 9.9.9\r\n');
      }),
    );
    try {
      const connection = new Connection(fake.address);
      const failures = await reasons([1, 2, 3].map(() => connection.send(commands.version.request())));
      for (const failure of failures) expect(failure).toBeInstanceOf(MemcacheProtocolError);
      garbage = false;
      await expect(connection.send(commands.version.request())).resolves.toBe('9.9.9');
      expect(fake.sockets.length).toBe(2);
      await connection.close();
    } finally {
      await fake.close();
    }
  });

  it('a reply cut off mid-value is an unexpected close', async () => {
    const fake = await startFakeServer((socket) =>
      onLines(socket, () => {
        socket.end('VALUE key 0 10\r\nabc');
      }),
    );
    try {
      const connection = new Connection(fake.address);
      const failures = await reasons([
        connection.send(commands.get.request(['key'])),
        connection.send(commands.get.request(['other'])),
      ]);
      for (const failure of failures) expect(failure).toBeInstanceOf(MemcacheUnexpectedCloseError);
      expect((failures[0] as Error).message).toMatch(/2 requests outstanding/);
      connection.destroy();
    } finally {
      await fake.close();
    }
  });

  it('an unprompted reply with nothing outstanding is a protocol error, reported as an event', async () => {
    const fake = await startFakeServer();
    try {
      const connection = new Connection(fake.address);
      const closes: Array<Error | undefined> = [];
      connection.on('close', (error) => closes.push(error));
      await connection.connect();
      fake.sockets[0]!.write('END\r\n');
      await waitFor(() => closes.length === 1);
      expect(closes[0]).toBeInstanceOf(MemcacheProtocolError);
      expect(connection.state).toBe('idle');
      connection.destroy();
    } finally {
      await fake.close();
    }
  });

  it('unprompted "ERROR Too many open connections" is a MemcacheConnectionError', async () => {
    const fake = await startFakeServer((socket) => {
      socket.end('ERROR Too many open connections\r\n');
    });
    try {
      const connection = new Connection(fake.address);
      const failures = await reasons([1, 2].map(() => connection.send(commands.version.request())));
      for (const failure of failures) expect(failure).toBeInstanceOf(MemcacheConnectionError);
      connection.destroy();
    } finally {
      await fake.close();
    }
  });

  it('a real memcached at its connection limit refuses with MemcacheConnectionError', async () => {
    const server = await startMemcached({ maxConnections: 16 });
    const connections: Connection[] = [];
    try {
      let refused: unknown;
      for (let index = 0; index < 40 && refused === undefined; index++) {
        const connection = new Connection(server.address);
        connections.push(connection);
        refused = await connection.send(commands.version.request()).then(
          () => undefined,
          (error: unknown) => error,
        );
      }
      expect(refused).toBeInstanceOf(MemcacheConnectionError);
      expect((refused as MemcacheConnectionError).response).toBe('ERROR Too many open connections');
    } finally {
      for (const connection of connections) connection.destroy();
      await server.stop();
    }
  });

  it('ERROR and CLIENT_ERROR mid-pipeline reset the connection; later commands succeed', async () => {
    const server = await startMemcached();
    try {
      const connection = new Connection(server.address);
      const closes: Array<Error | undefined> = [];
      connection.on('close', (error) => closes.push(error));
      await connection.connect();
      const before = connection.send(commands.set.request('k', bytes('v1'), 0, 0, false));
      const unknown = connection.send({ chunks: ['bogus\r\n'], reader: commands.version.request().reader });
      const behind = connection.send(commands.get.request(['k']));
      const [stored, unknownError, behindError] = await reasons([before, unknown, behind]);
      expect(stored).toBeUndefined();
      expect(await before).toBe(true);
      expect(unknownError).toBeInstanceOf(MemcacheUnknownCommandError);
      expect(behindError).toBeInstanceOf(MemcacheUnexpectedCloseError);
      expect((behindError as Error).cause).toBe(unknownError);
      expect(closes).toHaveLength(1);

      // A data block longer than announced: CLIENT_ERROR bad data chunk.
      const badChunk = connection.send({
        chunks: ['set k 0 0 2\r\n', bytes('toolong'), '\r\n'],
        reader: commands.set.request('k', bytes('v'), 0, 0, false).reader,
      });
      const afterBad = connection.send(commands.version.request());
      const [badError, afterError] = await reasons([badChunk, afterBad]);
      expect(badError).toBeInstanceOf(MemcacheClientError);
      expect(afterError).toBeInstanceOf(MemcacheUnexpectedCloseError);

      const [hit] = await connection.send(commands.get.request(['k']));
      expect(text(hit?.value)).toBe('v1');
      await connection.close();
    } finally {
      await server.stop();
    }
  });

  it('SERVER_ERROR object too large for cache keeps the connection', async () => {
    const server = await startMemcached();
    try {
      const connection = new Connection(server.address);
      const closes: Array<Error | undefined> = [];
      connection.on('close', (error) => closes.push(error));
      const huge = connection.send(
        commands.set.request('huge', new Uint8Array(2 * 1024 * 1024), 0, 0, false),
      );
      const after = connection.send(commands.version.request());
      await expect(huge).rejects.toThrow(/too large/);
      await expect(after).resolves.toMatch(/^\d/);
      expect(closes).toEqual([]);
      await connection.close();
    } finally {
      await server.stop();
    }
  });
});

describe('Connection when the server dies', () => {
  it('a killed server settles every request in flight with a typed error; a restart is picked up', async () => {
    const server = await startMemcached();
    try {
      const connection = new Connection(server.address, { timeout: 0 });
      await connection.connect();
      server.pause(); // so that the requests are surely in flight when it dies
      const inFlight = Array.from({ length: 2000 }, (_, index) =>
        connection.send(commands.get.request([`k${index}`])),
      );
      const settled = Promise.allSettled(inFlight);
      await new Promise((resolve) => setTimeout(resolve, 50));
      // SIGKILL ends a stopped process at once, so it answers none of them (kill() would send
      // SIGCONT first, and the server could answer the one merged get line before it dies).
      process.kill(server.pid, 'SIGKILL');
      await server.kill();
      const results = await settled;
      let failed = 0;
      for (const result of results) {
        if (result.status === 'fulfilled') expect(result.value).toEqual([]);
        else {
          expect(result.reason).toBeInstanceOf(MemcacheUnexpectedCloseError);
          failed++;
        }
      }
      expect(failed).toBeGreaterThan(0);
      expect(connection.pending).toBe(0);

      // Nobody listens now: a typed connection error, not a hang.
      await expect(connection.send(commands.version.request())).rejects.toBeInstanceOf(
        MemcacheConnectionError,
      );

      await server.restart();
      await waitFor(() => connection.state === 'idle');
      // A request inside the backoff of the last failed attempt is refused at once; the first
      // one after it connects to the restarted server (backoffs are at most 1 s).
      let version: unknown;
      const deadline = Date.now() + 10_000;
      while (version === undefined && Date.now() < deadline) {
        version = await connection.send(commands.version.request()).catch((error: unknown) => {
          expect(error).toBeInstanceOf(MemcacheConnectionError);
          return new Promise((resolve) => setTimeout(() => resolve(undefined), 50));
        });
      }
      expect(version).toMatch(/^\d/);
      await connection.close();
    } finally {
      await server.stop();
    }
  });

  it('a SIGSTOPped server gives deadline errors; after SIGCONT it recovers', async () => {
    const server = await startMemcached();
    try {
      // Short deadlines only for the requests the stopped server cannot answer.
      const connection = new Connection(server.address, { timeout: 10_000 });
      await expect(connection.send(commands.set.request('s', bytes('1'), 0, 0, false))).resolves.toBe(true);
      server.pause();
      await new Promise((resolve) => setTimeout(resolve, 100)); // the signal takes a moment to land
      const failures = await reasons(
        [1, 2, 3].map(() => connection.send(commands.get.request(['s']), { timeout: 150 })),
      );
      for (const failure of failures) expect(failure).toBeInstanceOf(MemcacheTimeoutError);
      server.resume();
      await expect(connection.send(commands.version.request())).resolves.toMatch(/^\d/);
      const [hit] = await connection.send(commands.get.request(['s']));
      expect(text(hit?.value)).toBe('1');
      await connection.close();
    } finally {
      server.resume();
      await server.stop();
    }
  });

  it('every failure is a MemcacheError with a stable code', async () => {
    const { address } = await closedPort();
    const connection = new Connection(address);
    const failure = await connection.send(commands.version.request()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MemcacheError);
    expect((failure as MemcacheError).code).toBe('MC_CONNECTION_ERROR');
    connection.destroy();
  });
});
