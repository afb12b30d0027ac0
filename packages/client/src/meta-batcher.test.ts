import net from 'node:net';
import { type MemcachedServer, onLines, startCluster, startFakeServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  Client,
  HashClient,
  MemcacheClientError,
  MemcacheError,
  MemcacheServerError,
  MemcacheUnexpectedCloseError,
} from './index.js';

/** A TCP relay in front of memcached that records both directions, to see what went on the wire. */
async function startRecorder(target: MemcachedServer) {
  const sent: string[] = [];
  const received: string[] = [];
  const [host, port] = [
    target.address.slice(0, target.address.lastIndexOf(':')),
    target.address.split(':').at(-1),
  ];
  const sockets: net.Socket[] = [];
  const relay = net.createServer((client) => {
    const upstream = net.connect(Number(port), host);
    sockets.push(client, upstream);
    client.on('data', (data) => {
      sent.push(data.toString('latin1'));
      upstream.write(data);
    });
    upstream.on('data', (data) => {
      received.push(data.toString('latin1'));
      client.write(data);
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const address = `127.0.0.1:${(relay.address() as net.AddressInfo).port}`;
  return {
    address,
    sentText: () => sent.join(''),
    receivedText: () => received.join(''),
    clear: () => {
      sent.length = 0;
      received.length = 0;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    },
  };
}

let server: MemcachedServer;
let recorder: Awaited<ReturnType<typeof startRecorder>>;
let client: Client;

beforeAll(async () => {
  server = await startMemcached();
  recorder = await startRecorder(server);
  client = new Client(recorder.address);
});

afterAll(async () => {
  await client?.close();
  await recorder?.close();
  await server?.stop();
});

beforeEach(async () => {
  await client.flushAll();
  recorder.clear();
});

const lines = (text: string) => text.split('\r\n').filter((line) => line !== '');

describe('quiet pipelines', () => {
  it('concurrent metaSets go out quiet with opaques and one mn; only MN comes back', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) => client.metaSet(`key:${index}`, `value ${index}`)),
    );
    expect(results.every((result) => result.status === 'stored')).toBe(true);
    const sent = lines(recorder.sentText()).filter((line) => line.startsWith('ms ') || line === 'mn');
    expect(sent).toHaveLength(21);
    expect(sent.slice(0, 20).every((line) => / O\.\w+ q$/.test(line))).toBe(true);
    expect(sent.at(-1)).toBe('mn');
    expect(lines(recorder.receivedText())).toEqual(['MN']);
    expect(await client.get('key:7')).toBe('value 7');
  });

  it('a lone request goes out as it is, without q or mn, with an opaque its reply must echo', async () => {
    await client.metaSet('alone', 'x');
    const [line, data] = lines(recorder.sentText());
    expect(line).toMatch(/^ms alone 1 F16 O(\.[0-9a-z]+)$/);
    expect(data).toBe('x');
    const opaque = line!.split(' ').at(-1);
    expect(lines(recorder.receivedText())).toEqual([`HD ${opaque}`]);
  });

  it('metaGetMany costs no reply for misses and maps hits by key', async () => {
    await client.setMany({ a: 'A', c: 'C' });
    recorder.clear();
    const found = await client.metaGetMany(['a', 'b', 'c', 'a'], { value: true, cas: true });
    expect([...found.keys()].sort()).toEqual(['a', 'c']);
    expect(found.get('a')).toMatchObject({ value: 'A', won: false });
    expect(typeof found.get('c')!.cas).toBe('bigint');
    const replies = lines(recorder.receivedText()).filter((line) => /^[A-Z]{2}( |$)/.test(line));
    expect(replies.map((line) => line.slice(0, 2))).toEqual(['VA', 'VA', 'MN']);
  });

  it('metaSetMany resolves the keys not stored', async () => {
    await client.set('taken', 'old');
    expect(await client.metaSetMany({ fresh: 1, other: 2 })).toEqual([]);
    expect(
      await client.metaSetMany(
        new Map([
          ['taken', 'new'],
          ['free', 'new'],
        ]),
        { mode: 'add' },
      ),
    ).toEqual(['taken']);
    expect(await client.get('taken')).toBe('old');
    expect(await client.get('free')).toBe('new');
    expect(await client.get('other')).toBe(2);
  });

  it('an error in a quiet pipeline reaches the caller whose request failed', async () => {
    const huge = new Uint8Array(2 * 1024 * 1024);
    const outcomes = await Promise.allSettled([
      client.metaSet('before', 'fine'),
      client.metaSet('too-big', huge),
      client.metaGet('before', { value: true }),
      client.metaSet('after', 'fine'),
      client.metaGet('nothing', { value: true }),
    ]);
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: { status: 'stored' } });
    expect(outcomes[1]!.status).toBe('rejected');
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(MemcacheServerError);
    expect(outcomes[2]).toMatchObject({ status: 'fulfilled', value: { value: 'fine' } });
    expect(outcomes[3]).toEqual({ status: 'fulfilled', value: { status: 'stored' } });
    expect(outcomes[4]).toEqual({ status: 'fulfilled', value: undefined });
    expect(await client.get('after')).toBe('fine');
    expect(await client.get('too-big')).toBeUndefined();
  });

  it('errors pair up with quiet requests when every one of them failed', async () => {
    const huge = new Uint8Array(2 * 1024 * 1024);
    const outcomes = await Promise.allSettled([client.metaSet('x', huge), client.metaSet('y', huge)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    // Both errors were matched in the batch: nothing was sent again.
    expect(lines(recorder.sentText()).filter((line) => line.startsWith('ms '))).toHaveLength(2);
  });

  it('loud requests (cas, add, delete, arithmetic, vivify) keep their place and their own replies', async () => {
    await client.set('counter', '5');
    const [set, add, deleted, counted, vivified, noop] = await Promise.all([
      client.metaSet('plain', 'p'),
      client.metaSet('counter', 'x', { mode: 'add' }),
      client.metaDelete('missing'),
      client.metaArithmetic('counter', { delta: 2 }),
      client.metaGet('lazy', { vivify: 10 }),
      client.metaSet('plain2', 'q'),
    ]);
    expect(set).toEqual({ status: 'stored' });
    expect(add).toEqual({ status: 'not_stored' });
    expect(deleted).toEqual({ status: 'not_found' });
    expect(counted).toEqual({ status: 'ok', value: 7n });
    expect(vivified).toMatchObject({ won: true });
    expect(noop).toEqual({ status: 'stored' });
    const sent = lines(recorder.sentText()).filter((line) => /^(m[sgdan]) /.test(line) || line === 'mn');
    // Each plain ms is alone between loud requests, so it goes loud too: no mn is needed.
    expect(sent.map((line) => line.split(' ')[0])).toEqual(['ms', 'ms', 'md', 'ma', 'mg', 'ms']);
  });
});

describe('a batch that fails as a whole', () => {
  it('hands out the replies that arrived and rejects the rest', async () => {
    const fake = await startFakeServer((socket) =>
      onLines(socket, (line) => {
        // Answer the first quiet get, then drop the connection.
        if (line.startsWith('mg first')) socket.write(`VA 1 f16 ${line.match(/O\S+/)![0]}\r\nA\r\n`);
        if (line.startsWith('mg second')) socket.destroy();
      }),
    );
    const flaky = new Client(fake.address, { timeout: 1000 });
    try {
      const outcomes = await Promise.allSettled([
        flaky.metaGet('first', { value: true }),
        flaky.metaGet('second', { value: true }),
      ]);
      expect(outcomes[0]).toMatchObject({ status: 'fulfilled', value: { value: 'A' } });
      expect(outcomes[1]!.status).toBe('rejected');
      expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(MemcacheUnexpectedCloseError);
    } finally {
      await flaky.close();
      await fake.close();
    }
  });

  it('a CLIENT_ERROR rejects its request and resets the connection', async () => {
    const fake = await startFakeServer((socket) =>
      onLines(socket, (line) => {
        if (line.startsWith('mg ')) socket.write('CLIENT_ERROR bad command line format\r\n');
      }),
    );
    const broken = new Client(fake.address, { timeout: 1000 });
    try {
      const outcomes = await Promise.allSettled([broken.metaGet('a'), broken.metaGet('b', { vivify: 5 })]);
      expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
      expect((outcomes[0] as PromiseRejectedResult).reason).toBeInstanceOf(MemcacheClientError);
      // The request behind it was in flight on the connection that was reset.
      expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(MemcacheError);
    } finally {
      await broken.close();
      await fake.close();
    }
  });
});

describe('HashClient meta routing', () => {
  let nodes: MemcachedServer[];
  let direct: Client[];
  let hash: HashClient;

  beforeAll(async () => {
    nodes = await startCluster(3);
    direct = nodes.map((node) => new Client(node.address));
    hash = new HashClient(
      nodes.map((node) => node.address),
      { keyPrefix: 'h:' },
    );
  });

  afterAll(async () => {
    await hash?.close();
    await Promise.all(direct?.map((node) => node.close()) ?? []);
    await Promise.all(nodes?.map((node) => node.stop()) ?? []);
  });

  it('puts each key on the node the text commands use, and reads it back from there', async () => {
    const keys = Array.from({ length: 60 }, (_, index) => `user:${index}`);
    expect(await hash.metaSetMany(keys.map((key) => [key, key.toUpperCase()] as const))).toEqual([]);
    const perNode = await Promise.all(direct.map((node) => node.getMany(keys.map((key) => `h:${key}`))));
    for (const key of keys) {
      const holders = perNode.filter((found) => found.has(`h:${key}`));
      expect(holders).toHaveLength(1);
      expect(await hash.get(key)).toBe(key.toUpperCase());
    }
    expect(perNode.every((found) => found.size > 0)).toBe(true);
    const viaMeta = await hash.metaGetMany(keys, { value: true });
    expect(viaMeta.size).toBe(60);
    expect(viaMeta.get('user:3')!.value).toBe('USER:3');
    await hash.set('text-written', 'T');
    expect((await hash.metaGet('text-written', { value: true }))!.value).toBe('T');
    expect(await hash.metaDelete('text-written')).toEqual({ status: 'deleted' });
    expect(await hash.metaArithmetic('count', { vivify: 10, initial: 3 })).toEqual({
      status: 'ok',
      value: 3n,
    });
    expect(await hash.incr('count')).toBe(4n);
    await expect(hash.metaNoop()).resolves.toBeUndefined();
  });

  it('base64 binary keys are routed and read back', async () => {
    const keys = Array.from({ length: 16 }, (_, index) => Uint8Array.of(index * 16, 0, 255 - index));
    for (const key of keys) await hash.metaSet(key, 'bin', { base64: true });
    for (const key of keys)
      expect((await hash.metaGet(key, { base64: true, value: true }))!.value).toBe('bin');
  });
});
