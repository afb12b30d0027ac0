import diagnosticsChannel from 'node:diagnostics_channel';
import {
  closedPort,
  type MemcachedServer,
  startCluster,
  startFakeServer,
  startMemcached,
} from '@mc/test-utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  Client,
  type CommandTraceMessage,
  HashClient,
  jsonSerde,
  MemcacheConnectionError,
  MemcacheDeserializeError,
  MemcacheIllegalInputError,
  MemcacheServerError,
} from './index.js';

let server: MemcachedServer;
let client: Client;

beforeAll(async () => {
  server = await startMemcached();
  client = new Client(server.address, { keyPrefix: 'gos:' });
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

beforeEach(async () => {
  await client.flushAll();
});

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Collects what is published on mc:command:error until `stop()`. */
function recordErrors(): { errors: CommandTraceMessage[]; stop(): void } {
  const errors: CommandTraceMessage[] = [];
  const listener = (message: unknown) => {
    errors.push(message as CommandTraceMessage);
  };
  diagnosticsChannel.subscribe('mc:command:error', listener);
  return { errors, stop: () => diagnosticsChannel.unsubscribe('mc:command:error', listener) };
}

/** A loader that counts its runs and takes a while, as a database query would. */
function slowLoader<V>(value: V, milliseconds = 50) {
  const loader = async () => {
    loader.runs++;
    await sleep(milliseconds);
    return value;
  };
  loader.runs = 0;
  return loader;
}

describe('getOrSet', () => {
  it('loads on a miss, stores through the serde, and serves the stored value after', async () => {
    const loader = slowLoader({ id: 7, name: 'Ada' }, 1);
    expect(await client.getOrSet('user:7', loader, { ttl: 60 })).toEqual({ id: 7, name: 'Ada' });
    expect(await client.getOrSet('user:7', loader, { ttl: 60 })).toEqual({ id: 7, name: 'Ada' });
    expect(loader.runs).toBe(1);
    expect(await client.get('user:7')).toEqual({ id: 7, name: 'Ada' });
    const meta = await client.metaGet('user:7', { ttl: true });
    expect(meta).toMatchObject({ stale: false, won: false, alreadyWon: false });
    expect(meta!.ttl).toBeLessThanOrEqual(60);
    expect(meta!.ttl).toBeGreaterThan(50);
  });

  it('50 concurrent callers on one missing key run the loader once and all get its value', async () => {
    const loader = slowLoader('expensive', 100);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => client.getOrSet('hot', loader, { ttl: 60, lockTtl: 5 })),
    );
    expect(loader.runs).toBe(1);
    expect(results).toEqual(Array.from({ length: 50 }, () => 'expensive'));
  });

  it('two clients (two sockets) share one loader run through the server', async () => {
    const other = new Client(server.address, { keyPrefix: 'gos:' });
    try {
      const loader = slowLoader(42, 80);
      const results = await Promise.all([
        ...Array.from({ length: 10 }, () => client.getOrSet('shared', loader, { ttl: 30 })),
        ...Array.from({ length: 10 }, () => other.getOrSet('shared', loader, { ttl: 30 })),
      ]);
      expect(loader.runs).toBe(1);
      expect(new Set(results)).toEqual(new Set([42]));
    } finally {
      await other.close();
    }
  });

  it('a failing loader rejects only its caller, unchanged, and the next caller wins at once', async () => {
    const failure = new Error('database down');
    let runs = 0;
    const flaky = async () => {
      runs++;
      await sleep(40);
      if (runs === 1) throw failure;
      return 'recovered';
    };
    const started = Date.now();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () => client.getOrSet('flaky', flaky, { ttl: 30, lockTtl: 20 })),
    );
    const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toBe(failure);
    expect(
      outcomes.filter((outcome) => outcome.status === 'fulfilled').map((outcome) => outcome.value),
    ).toEqual(Array.from({ length: 9 }, () => 'recovered'));
    expect(runs).toBe(2);
    // Released, not left to expire: far less than lockTtl (20 s) passed.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await client.get('flaky')).toBe('recovered');
  });

  it('a lone failing loader leaves no placeholder behind', async () => {
    const failure = new TypeError('bad row');
    await expect(
      client.getOrSet(
        'broken',
        () => {
          throw failure;
        },
        { ttl: 30 },
      ),
    ).rejects.toBe(failure);
    expect(await client.metaGet('broken')).toBeUndefined();
  });

  it('a value the server refuses to store is still returned, reported, and the win released', async () => {
    const huge = new Uint8Array(2 * 1024 * 1024); // the server's item limit is 1 MiB
    const trace = recordErrors();
    try {
      const result = await client.getOrSet('huge', () => huge, { ttl: 30, lockTtl: 20 });
      expect(result).toBe(huge);
    } finally {
      trace.stop();
    }
    expect(trace.errors.some((message) => message.command === 'getOrSet')).toBe(true);
    const absorbed = trace.errors.find((message) => message.command === 'getOrSet')!;
    expect(absorbed.error).toBeInstanceOf(MemcacheServerError);
    expect(absorbed.server).toBe(server.address);
    expect(await client.metaGet('huge')).toBeUndefined();
    expect(await client.getOrSet('huge', () => 'small', { ttl: 30 })).toBe('small');
  });

  it('a cached value that cannot be decoded is replaced by the loaded one and reported', async () => {
    // Flag 1 is pickle; these bytes are not a pickle the decoder accepts.
    const raw = new Client(server.address);
    try {
      await raw.set('gos:garbled', Uint8Array.from([0x80, 0x04, 0xff, 0x00]), { flags: 1 });
      const trace = recordErrors();
      try {
        expect(await client.getOrSet('garbled', async () => ({ fresh: true }), { ttl: 30 })).toEqual({
          fresh: true,
        });
      } finally {
        trace.stop();
      }
      const absorbed = trace.errors.find((message) => message.command === 'getOrSet');
      expect(absorbed?.error).toBeInstanceOf(MemcacheDeserializeError);
      expect(await client.get('garbled')).toEqual({ fresh: true });
    } finally {
      await raw.close();
    }
  });

  it('a loader that returns undefined gets undefined back, and nothing is cached', async () => {
    const first = await Promise.all([
      client.getOrSet('nothing', async () => undefined, { ttl: 30 }),
      client.getOrSet('nothing', async () => undefined, { ttl: 30 }),
    ]);
    expect(first).toEqual([undefined, undefined]);
    expect(await client.metaGet('nothing')).toBeUndefined();
    expect(await client.getOrSet('nothing', () => 'now there is', { ttl: 30 })).toBe('now there is');
  });

  it('a server that is down means the loader’s value, reported; the loader’s error still rejects', async () => {
    const down = new Client((await closedPort()).address, { connectTimeout: 500, timeout: 500 });
    const trace = recordErrors();
    try {
      expect(await down.getOrSet('k', async () => ({ from: 'source' }), { ttl: 10 })).toEqual({
        from: 'source',
      });
      const failure = new Error('database down');
      await expect(down.getOrSet('k', () => Promise.reject(failure), { ttl: 10 })).rejects.toBe(failure);
      await expect(down.getOrSet('bad key', () => 'x', { ttl: 10 })).rejects.toBeInstanceOf(
        MemcacheIllegalInputError,
      );
    } finally {
      trace.stop();
      await down.close();
    }
    const absorbed = trace.errors.filter((message) => message.command === 'getOrSet');
    expect(absorbed.length).toBeGreaterThanOrEqual(1);
    expect(absorbed[0]!.error).toBeInstanceOf(MemcacheConnectionError);
  });

  it('near expiry (recacheWithin) one caller refreshes while the others get the current value', async () => {
    await client.set('aging', 'old', { ttl: 5 });
    const loader = slowLoader('new', 100);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => client.getOrSet('aging', loader, { ttl: 60, recacheWithin: 30 })),
    );
    expect(loader.runs).toBe(1);
    expect(results.filter((result) => result === 'new')).toHaveLength(1);
    expect(results.filter((result) => result === 'old')).toHaveLength(9);
    expect(await client.get('aging')).toBe('new');
    expect((await client.metaGet('aging', { ttl: true }))!.ttl).toBeGreaterThan(30);
    // Fresh again: nobody refreshes.
    expect(await client.getOrSet('aging', loader, { ttl: 60, recacheWithin: 30 })).toBe('new');
    expect(loader.runs).toBe(1);
  });

  it('a value far from expiry is not refreshed, and one without expiry never is', async () => {
    await client.set('young', 'v', { ttl: 300 });
    await client.set('forever', 'f');
    const loader = slowLoader('x', 1);
    expect(await client.getOrSet('young', loader, { ttl: 300, recacheWithin: 10 })).toBe('v');
    expect(await client.getOrSet('forever', loader, { ttl: 300, recacheWithin: 10 })).toBe('f');
    expect(loader.runs).toBe(0);
  });

  it('a stale item (metaDelete invalidate) is served while one caller refreshes it', async () => {
    await client.set('page', 'v1', { ttl: 300 });
    expect(await client.metaDelete('page', { invalidate: true })).toEqual({ status: 'deleted' });
    const loader = slowLoader('v2', 100);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => client.getOrSet('page', loader, { ttl: 300 })),
    );
    expect(loader.runs).toBe(1);
    expect(results.filter((result) => result === 'v2')).toHaveLength(1);
    expect(results.filter((result) => result === 'v1')).toHaveLength(9);
    expect(await client.metaGet('page', { value: true })).toEqual({
      value: 'v2',
      stale: false,
      won: false,
      alreadyWon: false,
    });
  });

  it('a failed refresh of a stale item keeps serving it and lets the next caller win', async () => {
    await client.set('doc', 'stale copy', { ttl: 300 });
    await client.metaDelete('doc', { invalidate: true });
    const failure = new Error('upstream 503');
    await expect(
      client.getOrSet(
        'doc',
        async () => {
          throw failure;
        },
        { ttl: 300 },
      ),
    ).rejects.toBe(failure);
    expect(await client.metaGet('doc', { value: true })).toMatchObject({
      value: 'stale copy',
      stale: true,
      won: true,
    });
    await client.metaDelete('doc', { invalidate: true });
    expect(await client.getOrSet('doc', () => 'fresh copy', { ttl: 300 })).toBe('fresh copy');
  });

  it('a key invalidated while the winner loads stays stale, and the next caller loads again', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const pending = client.getOrSet(
      'racy',
      async () => {
        await gate;
        return 'loaded before the write';
      },
      { ttl: 300 },
    );
    await sleep(30);
    // A writer changes the source of truth and invalidates the (placeholder) item.
    await client.metaDelete('racy', { invalidate: true });
    release();
    expect(await pending).toBe('loaded before the write');
    // The value loaded before the write never lands: the item stays stale, and the next
    // caller loads again.
    const after = await client.metaGet('racy', { value: true });
    expect(after?.stale).toBe(true);
    expect(after?.value).not.toBe('loaded before the write');
    expect(await client.getOrSet('racy', () => 'loaded after the write', { ttl: 300 })).toBe(
      'loaded after the write',
    );
    expect(await client.get('racy')).toBe('loaded after the write');
  });

  it('a waiter that outlives lockTtl runs the loader itself', async () => {
    // Someone else holds a win (vivified placeholder) and never stores.
    const squatter = new Client(server.address, { keyPrefix: 'gos:' });
    try {
      expect(await squatter.metaGet('stuck', { vivify: 30 })).toMatchObject({ won: true });
      const loader = slowLoader('self-served', 1);
      const started = Date.now();
      expect(await client.getOrSet('stuck', loader, { ttl: 30, lockTtl: 1 })).toBe('self-served');
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(loader.runs).toBe(1);
      expect(await client.get('stuck')).toBe('self-served');
    } finally {
      await squatter.close();
    }
  });

  it('works with any serde, including values stored empty', async () => {
    const json = new Client(server.address, { serde: jsonSerde, keyPrefix: 'json:' });
    try {
      const results = await Promise.all(
        Array.from({ length: 5 }, () => json.getOrSet('doc', async () => ({ list: [1, 2, 3] }), { ttl: 30 })),
      );
      expect(results).toEqual(Array.from({ length: 5 }, () => ({ list: [1, 2, 3] })));
      expect(await client.getOrSet('empty', () => '', { ttl: 30 })).toBe('');
      expect(await client.getOrSet('empty', () => 'never', { ttl: 30 })).toBe('');
    } finally {
      await json.close();
    }
  });

  it('rejects bad options before sending anything', async () => {
    const loader = () => 'x';
    await expect(client.getOrSet('k', loader, { ttl: 1.5 })).rejects.toBeInstanceOf(
      MemcacheIllegalInputError,
    );
    await expect(client.getOrSet('k', loader, { ttl: 10, lockTtl: 0 })).rejects.toBeInstanceOf(
      MemcacheIllegalInputError,
    );
    await expect(client.getOrSet('k', loader, { ttl: 10, recacheWithin: -5 })).rejects.toBeInstanceOf(
      MemcacheIllegalInputError,
    );
    await expect(client.getOrSet('k', 'x' as never, { ttl: 10 })).rejects.toBeInstanceOf(
      MemcacheIllegalInputError,
    );
    await expect(client.getOrSet('k', loader, undefined as never)).rejects.toBeInstanceOf(
      MemcacheIllegalInputError,
    );
    // A forgotten ttl would make the item immortal: it is refused, as touch's and gat's are.
    await expect(client.getOrSet('k:no-ttl', loader, {} as never)).rejects.toThrow(/getOrSet needs a ttl/);
    expect(await client.get('k:no-ttl')).toBeUndefined();
    await expect(client.getOrSet('bad key', loader, { ttl: 10 })).rejects.toBeInstanceOf(
      MemcacheIllegalInputError,
    );
  });

  it('with ignoreErrors an unreachable server means a plain loader call', async () => {
    const fake = await startFakeServer((socket) => socket.destroy());
    const lenient = new Client(fake.address, { ignoreErrors: true, connectTimeout: 200, timeout: 200 });
    const strict = new Client(fake.address, { connectTimeout: 200, timeout: 200 });
    try {
      expect(await lenient.getOrSet('k', () => 'from source', { ttl: 10 })).toBe('from source');
      expect(await strict.getOrSet('k', () => 'from source', { ttl: 10 })).toBe('from source');
    } finally {
      await lenient.close();
      await strict.close();
      await fake.close();
    }
  });

  it('HashClient coordinates on the node that owns the key', async () => {
    const nodes = await startCluster(3);
    const hash = new HashClient(nodes.map((node) => node.address));
    try {
      const loaders = Array.from({ length: 6 }, (_, index) => slowLoader(`value ${index}`, 30));
      const results = await Promise.all(
        loaders.flatMap((loader, index) =>
          Array.from({ length: 8 }, () => hash.getOrSet(`item:${index}`, loader, { ttl: 30 })),
        ),
      );
      expect(loaders.map((loader) => loader.runs)).toEqual([1, 1, 1, 1, 1, 1]);
      expect(results.filter((result, index) => result !== `value ${Math.floor(index / 8)}`)).toEqual([]);
    } finally {
      await hash.close();
      await Promise.all(nodes.map((node) => node.stop()));
    }
  });
});

describe('getOrSet at the edges of memcached 1.6.18', () => {
  // memcached's clock ticks whole seconds, so an item given `N1` lives anywhere from 0 to 1 s.
  // The placeholder of a getOrSet with `lockTtl: 1` used to be sent as N1, and a second caller
  // often found it gone while a 400 ms loader still ran, and loaded as well (about 4 trials in
  // 10). The placeholder now lives at least lockTtl.
  it('a loader well inside lockTtl runs once, wherever memcached’s clock stands', async () => {
    const runs: number[] = [];
    for (let trial = 0; trial < 10; trial++) {
      const loader = slowLoader(`value ${trial}`, 400);
      const first = client.getOrSet(`lock-clock:${trial}`, loader, { ttl: 60, lockTtl: 1 });
      await sleep(200);
      const second = client.getOrSet(`lock-clock:${trial}`, loader, { ttl: 60, lockTtl: 1 });
      expect(await Promise.all([first, second])).toEqual([`value ${trial}`, `value ${trial}`]);
      runs.push(loader.runs);
    }
    expect(runs).toEqual(Array.from({ length: 10 }, () => 1));
  });

  // getOrSet is a meta method, and every meta method takes base64; getOrSet used to ignore it
  // (a key with a space was refused as if base64 had not been asked for).
  it('getOrSet with base64 loads once and serves any bytes as a key', async () => {
    for (const key of ['with space', new Uint8Array([0xff, 0x00, 0x20, 0x0d, 0x0a])]) {
      let loads = 0;
      const loader = async () => {
        loads++;
        return { loaded: loads };
      };
      expect(await client.getOrSet(key, loader, { ttl: 60, base64: true })).toEqual({ loaded: 1 });
      expect(await client.getOrSet(key, loader, { ttl: 60, base64: true })).toEqual({ loaded: 1 });
      expect(loads).toBe(1);
      expect(await client.metaGet(key, { value: true, base64: true })).toMatchObject({
        value: { loaded: 1 },
      });
    }
    await expect(client.getOrSet('with space', async () => 1, { ttl: 60 })).rejects.toBeInstanceOf(
      MemcacheIllegalInputError,
    );
    await expect(
      client.getOrSet('k', async () => 1, { ttl: 60, base64: 'yes' as unknown as boolean }),
    ).rejects.toBeInstanceOf(MemcacheIllegalInputError);
  });

  // A server that froze while the loader ran used to hold the caller for two deadlines: the
  // store timed out, and then the caller waited for the release of the win as well, which was
  // bound to time out too and is only best effort (the placeholder expires after lockTtl).
  it('resolves the loaded value one deadline after the server froze during the loader, not two', async () => {
    const timeout = 2_000;
    const frozen = new Client(server.address, { timeout });
    try {
      let started = 0;
      const value = await frozen.getOrSet(
        'frozen-store',
        async () => {
          server.pause();
          started = performance.now();
          return 'loaded';
        },
        { ttl: 60 },
      );
      const waited = performance.now() - started;
      expect(value).toBe('loaded');
      // One deadline is 2 s; two were 4 s.
      expect(waited).toBeLessThan(3_000);
    } finally {
      server.resume();
      await frozen.close();
    }
  });
});
