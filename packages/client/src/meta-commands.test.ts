import { type MemcachedServer, metaEcho, onLines, startFakeServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  Client,
  MemcacheConnectionError,
  MemcacheIllegalInputError,
  MemcacheProtocolError,
  MemcacheUnsupportedError,
  jsonSerde,
} from './index.js';

let server: MemcachedServer;
let client: Client;
let prefixed: Client;

beforeAll(async () => {
  server = await startMemcached();
  client = new Client(server.address);
  prefixed = new Client(server.address, { keyPrefix: 'app:' });
});

afterAll(async () => {
  await client?.close();
  await prefixed?.close();
  await server?.stop();
});

beforeEach(async () => {
  await client.flushAll();
});

describe('metaGet', () => {
  it('resolves undefined on a miss and only the asked fields on a hit', async () => {
    expect(await client.metaGet('missing', { value: true })).toBeUndefined();
    await client.set('greeting', 'hello', { ttl: 100 });
    const hit = await client.metaGet('greeting', { value: true });
    expect(hit).toEqual({ value: 'hello', won: false, stale: false, alreadyWon: false });
    const bare = await client.metaGet('greeting');
    expect(bare).toEqual({ won: false, stale: false, alreadyWon: false });
  });

  it('returns every metadata field with the documented types', async () => {
    await client.set('item', 'abc', { ttl: 100 });
    const first = await client.metaGet('item', {
      value: true,
      cas: true,
      flags: true,
      ttl: true,
      size: true,
      hit: true,
      lastAccess: true,
      key: true,
      opaque: 'tok-1',
    });
    expect(first).toBeDefined();
    expect(first!.value).toBe('abc');
    expect(typeof first!.cas).toBe('bigint');
    expect(first!.cas).toBe((await client.gets('item'))!.cas);
    expect(first!.flags).toBe(16);
    expect(first!.ttl).toBeGreaterThan(95);
    expect(first!.ttl).toBeLessThanOrEqual(100);
    expect(first!.size).toBe(3);
    expect(first!.hit).toBe(false);
    expect(first!.lastAccess).toBeGreaterThanOrEqual(0);
    expect(first!.key).toBe('item');
    expect(first!.opaque).toBe('tok-1');
    const second = await client.metaGet('item', { hit: true });
    expect(second!.hit).toBe(true);
  });

  it('reports ttl -1 for an item that never expires', async () => {
    await client.set('forever', 'x');
    expect((await client.metaGet('forever', { ttl: true }))!.ttl).toBe(-1);
  });

  it('touch sets the TTL; noBump leaves the hit mark alone', async () => {
    await client.set('touched', 'x', { ttl: 1000 });
    await client.metaGet('touched', { touch: 50 });
    expect((await client.metaGet('touched', { ttl: true }))!.ttl).toBeLessThanOrEqual(50);
    await client.set('quiet-read', 'x');
    await client.metaGet('quiet-read', { noBump: true });
    expect((await client.metaGet('quiet-read', { hit: true }))!.hit).toBe(false);
  });

  it('vivify creates an empty item: the creator wins, later readers see alreadyWon', async () => {
    const creator = await client.metaGet('lazy', { vivify: 30, value: true, ttl: true });
    expect(creator).toMatchObject({ won: true, stale: false, alreadyWon: false });
    expect(creator!.ttl).toBeLessThanOrEqual(30);
    const later = await client.metaGet('lazy', { vivify: 30, size: true });
    expect(later).toMatchObject({ won: false, alreadyWon: true, size: 0 });
  });

  it('recache hands out one win when the TTL is below the threshold', async () => {
    await client.set('aging', 'old', { ttl: 20 });
    expect(await client.metaGet('aging', { recache: 10 })).toMatchObject({ won: false, alreadyWon: false });
    const winner = await client.metaGet('aging', { recache: 30, value: true });
    expect(winner).toMatchObject({ won: true, value: 'old' });
    expect(await client.metaGet('aging', { recache: 30 })).toMatchObject({ won: false, alreadyWon: true });
  });

  it('decodes values through the serde, whatever the value type', async () => {
    const json = new Client(server.address, { serde: jsonSerde });
    try {
      await json.metaSet('doc', { a: [1, 2] });
      expect((await json.metaGet('doc', { value: true }))!.value).toEqual({ a: [1, 2] });
      await client.metaSet('number', 42);
      expect((await client.metaGet('number', { value: true, flags: true }))!).toMatchObject({
        value: 42,
        flags: 2,
      });
    } finally {
      await json.close();
    }
  });
});

describe('metaSet', () => {
  it('stores with ttl and flags and reports every status', async () => {
    expect(await client.metaSet('k', 'v', { ttl: 60, flags: 0x200 })).toEqual({ status: 'stored' });
    const stored = await client.metaGet('k', { flags: true, ttl: true, size: true });
    expect(stored).toMatchObject({ flags: 16 | 0x200, size: 1 });
    expect(stored!.ttl).toBeLessThanOrEqual(60);
    expect(await client.metaSet('k', 'w', { mode: 'add' })).toEqual({ status: 'not_stored' });
    expect(await client.metaSet('absent', 'w', { mode: 'replace' })).toEqual({ status: 'not_stored' });
    expect(await client.metaSet('k', 'w', { cas: 1n })).toEqual({ status: 'exists' });
    expect(await client.metaSet('absent', 'w', { cas: 1n })).toEqual({ status: 'not_found' });
  });

  it('returns the new cas, and stores only under a matching cas', async () => {
    const first = await client.metaSet('versioned', 'one', { returnCas: true });
    expect(typeof first.cas).toBe('bigint');
    expect(await client.metaSet('versioned', 'two', { cas: first.cas!, returnCas: true })).toMatchObject({
      status: 'stored',
    });
    expect(await client.metaSet('versioned', 'three', { cas: first.cas! })).toEqual({ status: 'exists' });
    expect(await client.get('versioned')).toBe('two');
  });

  it('appends and prepends raw bytes', async () => {
    await client.metaSet('list', 'b');
    expect(await client.metaSet('list', 'c', { mode: 'append' })).toEqual({ status: 'stored' });
    expect(await client.metaSet('list', 'a', { mode: 'prepend' })).toEqual({ status: 'stored' });
    expect(await client.get('list')).toBe('abc');
    expect(await client.metaSet('nothing', 'x', { mode: 'append' })).toEqual({ status: 'not_stored' });
  });

  it('invalidate with an older cas stores the value marked stale', async () => {
    const { cas } = await client.metaSet('shared', 'v1', { returnCas: true });
    await client.metaSet('shared', 'v2');
    expect(await client.metaSet('shared', 'v0', { cas: cas!, invalidate: true })).toEqual({
      status: 'stored',
    });
    expect(await client.metaGet('shared', { value: true })).toMatchObject({
      value: 'v0',
      stale: true,
      won: true,
    });
  });
});

describe('metaDelete', () => {
  it('deletes, honours cas, and reports not_found', async () => {
    const { cas } = await client.metaSet('gone', 'x', { returnCas: true });
    expect(await client.metaDelete('gone', { cas: cas! + 1n })).toEqual({ status: 'exists' });
    expect(await client.metaDelete('gone', { cas: cas! })).toEqual({ status: 'deleted' });
    expect(await client.metaDelete('gone')).toEqual({ status: 'not_found' });
  });

  it('invalidate marks the item stale: one reader wins, the others see alreadyWon', async () => {
    await client.set('page', 'cached', { ttl: 300 });
    expect(await client.metaDelete('page', { invalidate: true, ttl: 30 })).toEqual({ status: 'deleted' });
    const first = await client.metaGet('page', { value: true, ttl: true });
    expect(first).toMatchObject({ value: 'cached', stale: true, won: true, alreadyWon: false });
    expect(first!.ttl).toBeLessThanOrEqual(30);
    expect(await client.metaGet('page', { value: true })).toMatchObject({
      value: 'cached',
      stale: true,
      won: false,
      alreadyWon: true,
    });
    await client.metaSet('page', 'fresh');
    expect(await client.metaGet('page', { value: true })).toEqual({
      value: 'fresh',
      won: false,
      stale: false,
      alreadyWon: false,
    });
  });
});

describe('metaArithmetic', () => {
  it('increments, decrements, vivifies with an initial value, and returns bigints', async () => {
    expect(await client.metaArithmetic('hits')).toEqual({ status: 'not_found' });
    expect(await client.metaArithmetic('hits', { vivify: 60, initial: 10 })).toEqual({
      status: 'ok',
      value: 10n,
    });
    expect(await client.metaArithmetic('hits', { delta: 5 })).toEqual({ status: 'ok', value: 15n });
    expect(await client.metaArithmetic('hits', { mode: 'decr', delta: 100n })).toEqual({
      status: 'ok',
      value: 0n,
    });
    await client.set('big', '18446744073709551615');
    expect(await client.metaArithmetic('big')).toEqual({ status: 'ok', value: 0n });
  });

  it('honours cas and ttl, and returns the new cas', async () => {
    await client.set('counter', '1');
    const bumped = await client.metaArithmetic('counter', { returnCas: true, ttl: 40 });
    expect(bumped.status).toBe('ok');
    expect(typeof bumped.cas).toBe('bigint');
    expect((await client.metaGet('counter', { ttl: true }))!.ttl).toBeLessThanOrEqual(40);
    expect(await client.metaArithmetic('counter', { cas: bumped.cas! + 7n })).toEqual({ status: 'exists' });
    expect(await client.metaArithmetic('counter', { cas: bumped.cas! })).toMatchObject({
      status: 'ok',
      value: 3n,
    });
  });
});

describe('keys', () => {
  it('base64 keys carry any bytes, 0x00 to 0xff, and round trip', async () => {
    const all = Uint8Array.from({ length: 186 }, (_, index) => (index * 7) % 256);
    const low = Uint8Array.from({ length: 128 }, (_, index) => index);
    const high = Uint8Array.from({ length: 128 }, (_, index) => 128 + index);
    for (const key of [all, low, high, Uint8Array.of(0), Uint8Array.of(0x0d, 0x0a, 0x20)]) {
      expect(await client.metaSet(key, 'bytes', { base64: true })).toEqual({ status: 'stored' });
      expect((await client.metaGet(key, { base64: true, value: true }))!.value).toBe('bytes');
    }
    expect(await client.metaDelete(low, { base64: true })).toEqual({ status: 'deleted' });
    expect(await client.metaGet(low, { base64: true })).toBeUndefined();
    expect(await client.metaGet(high, { base64: true })).toBeDefined();
    expect(await client.metaArithmetic(Uint8Array.of(1, 2), { base64: true, vivify: 10 })).toEqual({
      status: 'ok',
      value: 0n,
    });
  });

  it('a base64 string key is the same item as the plain key', async () => {
    await client.metaSet('plain-key', 'same', { base64: true });
    expect(await client.get('plain-key')).toBe('same');
  });

  it('applies the key prefix, base64-encoding prefix and key together', async () => {
    await prefixed.metaSet('user', 'prefixed');
    expect(await client.get('app:user')).toBe('prefixed');
    expect((await prefixed.metaGet('user', { value: true, key: true }))!).toMatchObject({
      value: 'prefixed',
      key: 'user',
    });
    const binary = Uint8Array.of(0, 255);
    await prefixed.metaSet(binary, 'raw', { base64: true });
    const joined = Uint8Array.of(...Buffer.from('app:'), 0, 255);
    expect((await client.metaGet(joined, { base64: true, value: true }))!.value).toBe('raw');
  });
});

describe('illegal input rejects before anything is sent', () => {
  it('bad opaque, ttl, cas, flags, key and mode', async () => {
    const received: string[] = [];
    const fake = await startFakeServer((socket) => onLines(socket, (line) => received.push(line)));
    const silent = new Client(fake.address, { timeout: 500 });
    try {
      const attempts: Array<Promise<unknown>> = [
        silent.metaGet('k', { opaque: 'has space' }),
        silent.metaGet('k', { opaque: 'x'.repeat(33) }),
        silent.metaGet('k', { touch: 1.5 }),
        silent.metaGet('k', { vivify: Number.NaN }),
        silent.metaGet('k', { recache: -1 }),
        silent.metaSet('k', 'v', { ttl: 2 ** 40 }),
        silent.metaSet('k', 'v', { cas: -1n }),
        silent.metaSet('k', 'v', { flags: 2 ** 32 }),
        silent.metaSet('k', 'v', { mode: 'upsert' as 'set' }),
        silent.metaDelete('two words'),
        silent.metaDelete('k', { ttl: 0.5 }),
        silent.metaArithmetic('k', { delta: -1 }),
        silent.metaArithmetic('k', { mode: 'multiply' as 'incr' }),
        silent.metaGet(Uint8Array.of(0), {}),
        silent.metaGet(new Uint8Array(187), { base64: true }),
        silent.metaGet('k', 'value' as never),
      ];
      for (const attempt of attempts) await expect(attempt).rejects.toBeInstanceOf(MemcacheIllegalInputError);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received).toEqual([]);
    } finally {
      await silent.close();
      await fake.close();
    }
  });
});

describe('opaques against memcached 1.6.18', () => {
  it('takes 31 characters, and refuses 32 before sending (the server counts the O)', async () => {
    await client.set('opaque:k', 'v');
    const longest = 'x'.repeat(31);
    expect(await client.metaGet('opaque:k', { value: true, opaque: longest })).toMatchObject({
      value: 'v',
      opaque: longest,
    });
    // A 32-character token used to go out; memcached refused it and the socket was dropped,
    // failing the calls made beside it.
    const [refused, beside] = await Promise.allSettled([
      client.metaGet('opaque:k', { value: true, opaque: 'x'.repeat(32) }),
      client.get('opaque:k'),
    ]);
    expect(refused.status === 'rejected' && refused.reason).toBeInstanceOf(MemcacheIllegalInputError);
    expect(beside).toEqual({ status: 'fulfilled', value: 'v' });
  });
});

describe('server versions', () => {
  it('refuses the E flag and md x on 1.6.18 with a typed error, before sending them', async () => {
    await expect(client.metaSet('k', 'v', { explicitCas: 5n })).rejects.toBeInstanceOf(
      MemcacheUnsupportedError,
    );
    await expect(client.metaGet('k', { vivify: 5, explicitCas: 5n })).rejects.toThrow(
      />= 1\.6\.27.*1\.6\.18/,
    );
    const error = await client.metaDelete('k', { removeValue: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MemcacheUnsupportedError);
    expect(error).toBeInstanceOf(MemcacheIllegalInputError);
    expect((error as MemcacheUnsupportedError).code).toBe('MC_UNSUPPORTED');
    // The connection is still in sync: nothing bad was sent.
    expect(await client.metaSet('k', 'v')).toEqual({ status: 'stored' });
  });

  it('sends them to a newer server, asking its version once', async () => {
    const lines: string[] = [];
    let stored = '';
    const fake = await startFakeServer((socket) =>
      onLines(socket, (line) => {
        lines.push(line);
        if (line === 'version') socket.write('VERSION 1.6.30\r\n');
        else if (line.startsWith('ms ')) stored = metaEcho(line);
        else if (line.startsWith('md ')) socket.write(`HD${metaEcho(line)}\r\n`);
        else socket.write(`HD${stored}\r\n`); // the data line of ms
      }),
    );
    const modern = new Client(fake.address, { timeout: 1000 });
    try {
      expect(await modern.metaSet('k', 'v', { explicitCas: 77n })).toEqual({ status: 'stored' });
      expect(await modern.metaDelete('k', { removeValue: true })).toEqual({ status: 'deleted' });
      expect(lines.filter((line) => line === 'version')).toHaveLength(1);
      expect(lines).toContainEqual(expect.stringMatching(/^ms k 1 E77 F16 O\S+$/));
      expect(lines).toContainEqual(expect.stringMatching(/^md k O\S+ x$/));
    } finally {
      await modern.close();
      await fake.close();
    }
  });
});

describe('replies that are not what memcached sends', () => {
  it('a malformed ma number or cas token is a MemcacheProtocolError, not a SyntaxError', async () => {
    const replies = ['VA 2\r\nxx\r\n', 'VA 25\r\n1234567890123456789012345\r\n', 'HD c12x\r\n'];
    let next = 0;
    const fake = await startFakeServer((socket) =>
      onLines(socket, (line) => {
        if (line.startsWith('ma ')) socket.write(replies[next++ % replies.length]!);
      }),
    );
    const strange = new Client(fake.address, { timeout: 1000 });
    try {
      for (let index = 0; index < replies.length; index++) {
        await expect(strange.metaArithmetic('k', { returnCas: true })).rejects.toBeInstanceOf(
          MemcacheProtocolError,
        );
      }
    } finally {
      await strange.close();
      await fake.close();
    }
  });
});

describe('the returned key', () => {
  it('is the caller key, checked against the echo of the prefixed, base64 or byte key', async () => {
    await prefixed.set('echo', 'x');
    expect(await prefixed.metaGet('echo', { key: true })).toMatchObject({ key: 'echo' });
    expect(await prefixed.metaGet('echo', { key: true, base64: true })).toMatchObject({ key: 'echo' });
    const bytes = new TextEncoder().encode('echo');
    expect((await prefixed.metaGet(bytes, { key: true, value: true }))?.value).toBe('x');
  });

  it('rejects with MemcacheProtocolError when the echo names another key', async () => {
    const fake = await startFakeServer((socket) =>
      onLines(socket, (line) => {
        if (line.startsWith('mg ')) socket.write('HD kother\r\n');
      }),
    );
    const strange = new Client(fake.address, { timeout: 1000 });
    try {
      await expect(strange.metaGet('mine', { key: true })).rejects.toBeInstanceOf(MemcacheProtocolError);
    } finally {
      await strange.close();
      await fake.close();
    }
  });
});

describe('ignoreErrors', () => {
  it('turns network failures into misses and not-done statuses, but never hides bad input', async () => {
    const fake = await startFakeServer((socket) => socket.destroy());
    const lenient = new Client(fake.address, { ignoreErrors: true, connectTimeout: 200, timeout: 200 });
    const strict = new Client(fake.address, { connectTimeout: 200, timeout: 200 });
    try {
      expect(await lenient.metaGet('k', { value: true })).toBeUndefined();
      expect(await lenient.metaSet('k', 'v')).toEqual({ status: 'not_stored' });
      expect(await lenient.metaDelete('k')).toEqual({ status: 'not_found' });
      expect(await lenient.metaArithmetic('k')).toEqual({ status: 'not_found' });
      expect(await lenient.metaGetMany(['a', 'b'])).toEqual(new Map());
      await expect(lenient.metaGet('k', { touch: 0.5 })).rejects.toBeInstanceOf(MemcacheIllegalInputError);
      await expect(strict.metaGet('k')).rejects.toBeInstanceOf(Error);
      await expect(strict.metaNoop()).rejects.not.toBeInstanceOf(MemcacheIllegalInputError);
    } finally {
      await lenient.close();
      await strict.close();
      await fake.close();
    }
  });

  it('metaNoop resolves once the server answers MN', async () => {
    await expect(client.metaNoop()).resolves.toBeUndefined();
    const refused = new Client((await startFakeServer((socket) => socket.destroy())).address, {
      connectTimeout: 200,
    });
    await expect(refused.metaNoop()).rejects.toBeDefined();
    await refused.close();
    expect(MemcacheConnectionError).toBeDefined();
  });
});
