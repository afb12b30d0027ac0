import { type FakeServer, startFakeServer } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, HashClient, MemcacheIllegalInputError } from './index.js';
import { MemoryClient } from './testing/index.js';

// A fake server that records every byte: illegal input must be refused before anything is sent.
let fake: FakeServer;
let received = '';
let client: Client;

beforeAll(async () => {
  fake = await startFakeServer((socket) => {
    socket.on('data', (data: Buffer) => {
      received += data.toString('latin1');
    });
  });
  client = new Client(fake.address, { keyPrefix: 'p:', timeout: 500 });
});

afterAll(async () => {
  await client?.close();
  await fake?.close();
});

const badKeys: Array<[string, unknown]> = [
  ['empty', ''],
  ['too long after the prefix', 'k'.repeat(249)],
  ['a space', 'a b'],
  ['CRLF injection', 'a\r\ndelete victim'],
  ['a tab', 'a\tb'],
  ['DEL', 'a\x7fb'],
  ['a NUL', 'a\x00b'],
  ['bytes with a newline', Uint8Array.from([0x61, 0x0a])],
  ['a number', 42],
  ['null', null],
];

describe('constructor options are checked when the client is made', () => {
  it.each([
    ['keyPrefix', 5],
    ['keyPrefix', 'app :'],
    ['keyPrefix', 'app\r\nflush_all\r\n'],
    ['keyPrefix', 'del\x7f'],
    ['keyPrefix', 'x'.repeat(250)],
    ['keyPrefix', 'lone\ud800'],
    ['ignoreErrors', 'yes'],
    ['defaultNoreply', 1],
    ['connections', 0],
    ['connections', '2'],
    ['timeout', -1],
    ['timeout', '500'],
    ['connectTimeout', Number.NaN],
    ['noDelay', 'no'],
    ['keepAlive', 1],
    ['tls', 'yes'],
    ['serde', {}],
    ['maxValueBytes', 0],
    ['maxValueBytes', 2 ** 30 + 1],
    ['maxValueBytes', '1m'],
  ])('Client %s: %s', (name, value) => {
    expect(() => new Client(fake.address, { [name]: value })).toThrow(MemcacheIllegalInputError);
    expect(() => new HashClient([fake.address], { [name]: value })).toThrow(MemcacheIllegalInputError);
  });

  it.each([
    ['retryAttempts', 0],
    ['retryAttempts', 1.5],
    ['retryTimeout', -1],
    ['deadTimeout', 'soon'],
    ['failover', 'true'],
  ])('HashClient %s: %s', (name, value) => {
    expect(() => new HashClient([fake.address], { [name]: value })).toThrow(MemcacheIllegalInputError);
  });

  it('a keyPrefix that leaves room for a key is fine, in UTF-8 too', async () => {
    for (const keyPrefix of ['', 'app:', 'é:', 'x'.repeat(249)]) {
      expect(() => new Client(fake.address, { keyPrefix }).close()).not.toThrow();
      await new MemoryClient({ keyPrefix }).close();
    }
    expect(() => new MemoryClient({ keyPrefix: 'a b' })).toThrow(MemcacheIllegalInputError);
  });

  it('options that are not an object', () => {
    expect(() => new Client(fake.address, 'fast' as never)).toThrow(MemcacheIllegalInputError);
    expect(() => new MemoryClient({ keyPrefix: 1 as never })).toThrow(MemcacheIllegalInputError);
  });
});

describe('illegal input is refused before a byte is sent', () => {
  it.each(badKeys)('key: %s', async (_name, key) => {
    await expect(client.get(key as string)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    await expect(client.set(key as string, 'v')).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    await expect(client.delete(key as string)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    await expect(client.getMany(['fine', key as string])).rejects.toBeInstanceOf(MemcacheIllegalInputError);
  });

  it('counts the prefix in the 250 bytes and measures UTF-8 bytes', async () => {
    // 125 two-byte characters + 'p:' = 252 bytes on the wire, though only 127 characters.
    await expect(client.get('é'.repeat(125))).rejects.toBeInstanceOf(MemcacheIllegalInputError);
  });

  it.each([Number.NaN, 1.5, Number.POSITIVE_INFINITY, 2 ** 40])('ttl %s', async (ttl) => {
    await expect(client.set('k', 'v', { ttl })).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    await expect(client.touch('k', ttl)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    await expect(client.gat('k', ttl)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
  });

  it.each([-1, 1.5, 2 ** 32, Number.NaN])('flags %s', async (flags) => {
    await expect(client.set('k', 'v', { flags })).rejects.toBeInstanceOf(MemcacheIllegalInputError);
  });

  it.each([-1, 1.5, -1n, 2n ** 64n, Number.NaN])('delta %s', async (delta) => {
    await expect(client.incr('k', delta)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    await expect(client.decr('k', delta)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
  });

  it.each([-1n, 2n ** 64n, 1.5 as unknown as bigint])('cas %s', async (cas) => {
    await expect(client.cas('k', 'v', cas)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
  });

  it('append data must be a string or bytes, and undefined is no value', async () => {
    await expect(client.append('k', 5 as unknown as string)).rejects.toBeInstanceOf(
      MemcacheIllegalInputError,
    );
    await expect(client.set('k', undefined as unknown as string)).rejects.toBeInstanceOf(
      MemcacheIllegalInputError,
    );
  });

  it('a string value with a lone surrogate, on every write that takes text', async () => {
    for (const value of ['a\ud800b', '\udc00']) {
      for (const write of [
        () => client.set('k', value),
        () => client.add('k', value),
        () => client.replace('k', value),
        () => client.cas('k', value, 1n),
        () => client.setMany({ k: 'v', other: value }),
        () => client.set('k', value, { flags: 1 << 20, noreply: true }),
      ]) {
        await expect(write()).rejects.toThrow(/lone surrogate/);
      }
    }
  });

  it('a ttl that looks like milliseconds says so', async () => {
    // 30 days in milliseconds: as seconds it reaches past 2038.
    await expect(client.set('k', 'v', { ttl: 2_592_000_000 })).rejects.toThrow(/milliseconds/);
    await expect(client.touch('k', 604_800_000)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
  });

  it.each([
    ['a string', 'false'],
    ['a number', 0],
    ['null', null],
  ])('noreply that is %s, on every write', async (_name, noreply) => {
    const options = { noreply } as unknown as { noreply: boolean };
    for (const write of [
      () => client.set('k', 'v', options),
      () => client.add('k', 'v', options),
      () => client.replace('k', 'v', options),
      () => client.append('k', 'v', options),
      () => client.prepend('k', 'v', options),
      () => client.cas('k', 'v', 1n, options),
      () => client.delete('k', options),
      () => client.touch('k', 10, options),
      () => client.setMany({ k: 'v' }, options),
      () => client.deleteMany(['k'], options),
    ]) {
      await expect(write()).rejects.toThrow(/noreply must be a boolean/);
    }
  });

  it.each([
    ['one key', 'abc'],
    ['bytes', Uint8Array.from([0x61])],
    ['a number', 5],
    ['null', null],
  ])('a key list that is %s', async (_name, keys) => {
    const list = keys as unknown as string[];
    await expect(client.getMany(list)).rejects.toThrow(/getMany takes an iterable of keys/);
    await expect(client.getsMany(list)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    await expect(client.deleteMany(list)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    await expect(client.metaGetMany(list)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
  });

  it('options that are not an object', async () => {
    await expect(client.set('k', 'v', 'fast' as never)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    await expect(client.delete('k', 5 as never)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    await expect(client.set('k', 'v', { ttl: '60' as never })).rejects.toBeInstanceOf(
      MemcacheIllegalInputError,
    );
  });

  it('stats arguments cannot carry a second command', async () => {
    await expect(client.stats('items\r\nflush_all')).rejects.toBeInstanceOf(MemcacheIllegalInputError);
  });

  it('sent nothing at all', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toBe('');
  });
});
