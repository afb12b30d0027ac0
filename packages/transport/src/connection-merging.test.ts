import net from 'node:net';
import {
  commands,
  type EncodedRequest,
  MemcacheIllegalInputError,
  type MetaReply,
  type RetrievedValue,
  type ValueFrameLike,
} from '@mc/protocol';
import { type MemcachedServer, onLines, startFakeServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Connection } from './connection.js';
import { bytes, text } from './test-support/requests.js';

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached({ args: ['-I', '1m'] });
});

afterAll(async () => {
  await server?.stop();
});

/** A one-key get the transport may fold with its neighbours. */
function mergeable(command: 'get' | 'gets', key: string) {
  return { ...commands[command].request([key]), mergeableGet: { command, key } };
}

/** A plain `ms` the transport may make quiet when others ride along. */
function quietable(key: string, value: Uint8Array): EncodedRequest<MetaReply> {
  return {
    ...commands.metaSet.request(key, value),
    quietForm: (opaque) => commands.metaSet.request(key, value, { quiet: true, opaque }),
  };
}

describe('the ordered queue of a connection', () => {
  it('folds adjacent one-key gets into one line and hands each caller its own hit', async () => {
    const lines: string[] = [];
    const fake = await startFakeServer((socket) =>
      onLines(socket, (line) => {
        lines.push(line);
        if (line === 'get a b c') socket.write('VALUE a 0 1\r\n1\r\nVALUE c 0 1\r\n3\r\nEND\r\n');
        else if (line.startsWith('set ')) socket.write('STORED\r\n');
        else if (line === 'get a') socket.write('VALUE a 0 1\r\n9\r\nEND\r\n');
      }),
    );
    try {
      const connection = new Connection(fake.address);
      await connection.connect();
      const replies = Promise.all([
        connection.send(mergeable('get', 'a')),
        connection.send(mergeable('get', 'b')),
        connection.send(mergeable('get', 'a')),
        connection.send(mergeable('get', 'c')),
        connection.send(commands.set.request('a', bytes('9'), 0, 0, false)),
        connection.send(mergeable('get', 'a')),
      ]);
      const [a, b, again, c, stored, after] = await replies;
      expect(text(a[0]?.value)).toBe('1');
      expect(a[0]?.index).toBe(0);
      expect(b).toEqual([]);
      expect(text(again[0]?.value)).toBe('1');
      expect(text(c[0]?.value)).toBe('3');
      expect(stored).toBe(true);
      expect(text(after[0]?.value)).toBe('9');
      // The set stays between the gets: call order is wire order.
      expect(lines.filter((line) => line !== '9')).toEqual(['get a b c', 'set a 0 0 1', 'get a']);
      await connection.close();
    } finally {
      await fake.close();
    }
  });

  it('settles merged and lone gets through their finish: a throw rejects that caller alone', async () => {
    const connection = new Connection(server.address);
    await connection.send(commands.set.request('finish:a', bytes('A'), 0, 0, false));
    await connection.send(commands.set.request('finish:b', bytes('B'), 0, 0, false));
    const seen: string[] = [];
    const finish = (hit: ValueFrameLike | undefined, context: unknown): unknown => {
      seen.push(String(context));
      if (context === 'throws') throw new Error('cannot decode');
      return hit === undefined ? `${String(context)}: miss` : `${String(context)}: ${text(hit.data)}`;
    };
    const finishing = (key: string, context: string): EncodedRequest<unknown> => ({
      chunks: [],
      reader: undefined,
      command: 'get',
      mergeableGet: { command: 'get', key, finish, context },
    });
    const results = await Promise.allSettled([
      connection.send(finishing('finish:a', 'first')),
      connection.send(finishing('finish:missing', 'second')),
      connection.send(finishing('finish:b', 'throws')),
      connection.send(finishing('finish:b', 'fourth')),
      connection.send(finishing('finish:a', 'fifth')),
    ]);
    expect(
      results.map((result) => (result.status === 'fulfilled' ? result.value : result.reason.message)),
    ).toEqual(['first: A', 'second: miss', 'cannot decode', 'fourth: B', 'fifth: A']);
    // The first goes out at once on its own line; the other four share one line, where each
    // hit is finished as it is read and the miss only at END.
    expect(seen).toEqual(['first', 'throws', 'fourth', 'fifth', 'second']);
    // One call at a time: the lone path (its own line and reader) finishes the same way.
    expect(await connection.send(finishing('finish:b', 'alone'))).toBe('alone: B');
    expect(await connection.send(finishing('finish:missing', 'alone'))).toBe('alone: miss');
    await expect(connection.send(finishing('finish:a', 'throws'))).rejects.toThrow('cannot decode');
    // The stream stayed in step.
    expect(await connection.send(finishing('finish:a', 'after'))).toBe('after: A');
    await connection.close();
  });

  it('checks a merged get key when it is sent: an illegal one rejects alone, its neighbours share a line', async () => {
    const lines: string[] = [];
    const fake = await startFakeServer((socket) =>
      onLines(socket, (line) => {
        lines.push(line);
        if (line.startsWith('get ')) socket.write('VALUE b 0 1\r\n2\r\nEND\r\n');
      }),
    );
    try {
      const connection = new Connection(fake.address);
      await connection.connect();
      const asked = (key: string): EncodedRequest<RetrievedValue[]> => ({
        chunks: [],
        reader: undefined,
        command: 'get',
        mergeableGet: { command: 'get', key },
      });
      const [a, bad, b] = await Promise.allSettled([
        connection.send(asked('a')),
        connection.send(asked('has space')),
        connection.send(asked('b')),
      ]);
      expect(bad.status === 'rejected' && bad.reason).toBeInstanceOf(MemcacheIllegalInputError);
      expect(a).toEqual({ status: 'fulfilled', value: [] });
      expect(b.status === 'fulfilled' && text(b.value[0]?.value)).toBe('2');
      expect(lines).toEqual(['get a b']);
      connection.destroy();
    } finally {
      await fake.close();
    }
  });

  it('retrieve() reads one key through finish, merged with its neighbours, its key checked and copied', async () => {
    const connection = new Connection(server.address);
    await connection.send(commands.set.request('retrieve:a', bytes('A'), 3, 0, false));
    await connection.send(commands.set.request('retrieve:b', bytes('B'), 0, 0, false));
    const finish = (hit: ValueFrameLike | undefined, context: string) =>
      hit === undefined ? `${context}: miss` : `${context}: ${text(hit.data)} ${hit.flags}`;
    const key = bytes('retrieve:b');
    const reads = Promise.allSettled([
      connection.retrieve('get', 'retrieve:a', finish, 'first'),
      connection.retrieve('get', key, finish, 'bytes'),
      connection.retrieve('gets', 'retrieve:a', (hit) => typeof hit?.cas, undefined),
      connection.retrieve('get', 'retrieve:none', finish, 'third'),
      connection.retrieve('get', 'bad key', finish, 'bad'),
    ]);
    key.set(bytes('retrieve:c')); // after the call: the read asked for retrieve:b
    const results = (await reads).map((result) =>
      result.status === 'fulfilled' ? result.value : result.reason.constructor.name,
    );
    expect(results).toEqual([
      'first: A 3',
      'bytes: B 0',
      'bigint',
      'third: miss',
      'MemcacheIllegalInputError',
    ]);
    await connection.close();
    await expect(connection.retrieve('get', 'retrieve:a', finish, 'late')).rejects.toThrow(/closed/);
  });

  it('keeps a string key and a byte key of the same spelling apart when merging', async () => {
    const connection = new Connection(server.address);
    await connection.send(commands.set.request('merge:same', bytes('S'), 0, 0, false));
    const asBytes = bytes('merge:same');
    const [byString, byBytes] = await Promise.all([
      connection.send(mergeable('get', 'merge:same')),
      connection.send({ ...commands.get.request([asBytes]), mergeableGet: { command: 'get', key: asBytes } }),
    ]);
    expect(text(byString[0]?.value)).toBe('S');
    expect(text(byBytes[0]?.value)).toBe('S');
    expect(byBytes[0]?.index).toBe(0);
    await connection.close();
  });

  it('makes adjacent replayable meta requests one quiet run and keeps mn a barrier', async () => {
    const connection = new Connection(server.address);
    const tooLarge = new Uint8Array(2 * 1024 * 1024);
    const results = await Promise.allSettled([
      connection.send(quietable('run:a', bytes('A'))),
      connection.send(quietable('run:b', tooLarge)),
      connection.send(quietable('run:c', bytes('C'))),
      connection.send(commands.metaNoop.request()),
      connection.send(commands.metaGet.request('run:c', { value: true })),
    ]);
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    expect((results[0] as PromiseFulfilledResult<MetaReply>).value.code).toBe('HD');
    expect((results[3] as PromiseFulfilledResult<MetaReply>).value.code).toBe('MN');
    expect(text((results[4] as PromiseFulfilledResult<MetaReply>).value.value)).toBe('C');
    await connection.close();
  });

  it('sends a lone replayable meta request loud, without mn', async () => {
    const lines: string[] = [];
    const fake = await startFakeServer((socket) =>
      onLines(socket, (line) => {
        lines.push(line);
        if (line.startsWith('ms ')) socket.write('HD\r\n');
      }),
    );
    try {
      const connection = new Connection(fake.address);
      expect((await connection.send(quietable('k', bytes('v')))).code).toBe('HD');
      expect(lines).toEqual(['ms k 1', 'v']);
      await connection.close();
    } finally {
      await fake.close();
    }
  });
});

describe('one call at a time', () => {
  it('the first request after a reply emptied the queue is written at once, not a tick later', async () => {
    const connection = new Connection(server.address);
    await connection.connect();
    await connection.send(mergeable('get', 'once:a'));
    const write = vi.spyOn(net.Socket.prototype, 'write');
    try {
      const reply = connection.send(mergeable('get', 'once:b'));
      expect(write).toHaveBeenCalledTimes(1); // before send() returned
      expect(String(write.mock.calls[0]![0])).toBe('get once:b\r\n');
      expect(await reply).toEqual([]);
    } finally {
      write.mockRestore();
      await connection.close();
    }
  });

  it('gets made in the same tick behind it still share one line; after a burst or a pause a burst merges whole', async () => {
    const lines: string[] = [];
    const fake = await startFakeServer((socket) =>
      onLines(socket, (line) => {
        lines.push(line);
        if (line.startsWith('get ')) socket.write('END\r\n');
      }),
    );
    try {
      const connection = new Connection(fake.address);
      await connection.send(mergeable('get', 'first'));
      await Promise.all(['a', 'b', 'c'].map((key) => connection.send(mergeable('get', key))));
      // After a burst, the next burst is one line: only a lone call leads to an early write.
      await Promise.all(['d', 'e', 'f'].map((key) => connection.send(mergeable('get', key))));
      await connection.send(mergeable('get', 'g'));
      await connection.send(mergeable('get', 'h'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      // After a pause, too.
      await Promise.all(['i', 'j'].map((key) => connection.send(mergeable('get', key))));
      expect(lines).toEqual(['get first', 'get a', 'get b c', 'get d e f', 'get g', 'get h', 'get i j']);
      await connection.close();
    } finally {
      await fake.close();
    }
  });
});

describe('what is validated is what is sent', () => {
  it('fails only the request whose value buffer was detached before the write', async () => {
    const connection = new Connection(server.address);
    await connection.connect();
    const value = new Uint8Array(new ArrayBuffer(8));
    value.set(bytes('detached'));
    const doomed = connection.send(commands.set.request('detach:a', value, 0, 0, false));
    const fine = connection.send(commands.set.request('detach:b', bytes('fine'), 0, 0, false));
    structuredClone(value.buffer, { transfer: [value.buffer] }); // detaches it
    await expect(doomed).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    await expect(fine).resolves.toBe(true);
    expect(await connection.send(commands.get.request(['detach:a']))).toEqual([]);
    await connection.close();
  });

  it('never sends the bytes of a value that grew between the call and the write', async () => {
    const connection = new Connection(server.address);
    await connection.connect();
    // A resizable ArrayBuffer (ES2024), typed by hand for the ES2022 library.
    const Resizable = ArrayBuffer as unknown as new (
      length: number,
      options: { maxByteLength: number },
    ) => ArrayBuffer & { resize(length: number): void };
    const buffer = new Resizable(3, { maxByteLength: 64 });
    const value = new Uint8Array(buffer); // length-tracking: grows with the buffer
    value.set(bytes('abc'));
    await connection.send(commands.set.request('grow:victim', bytes('alive'), 0, 0, false));
    const doomed = connection.send(commands.set.request('grow:a', value, 0, 0, false));
    buffer.resize(30);
    value.set(bytes('\r\ndelete grow:victim\r\n'), 3);
    // The encoder may have copied the value when it validated it (then the 3 checked bytes
    // are stored); otherwise the transport refuses the changed one. Never the grown bytes.
    const outcome = await doomed.then(
      () => 'stored',
      (error: unknown) => error,
    );
    if (outcome === 'stored') {
      const [stored] = await connection.send(commands.get.request(['grow:a']));
      expect(text(stored?.value)).toBe('abc');
    } else expect(outcome).toBeInstanceOf(MemcacheIllegalInputError);
    const [victim] = await connection.send(commands.get.request(['grow:victim']));
    expect(text(victim?.value)).toBe('alive');
    await connection.close();
  });
});
