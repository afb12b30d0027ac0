import {
  MemcacheClientError,
  MemcacheConnectionError,
  MemcacheIllegalInputError,
  MemcacheServerError,
} from '@mc/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Client, ClientOptions } from '../client.js';

/** The Client methods the suite holds every implementation to. */
type ConformanceMethod =
  | 'get'
  | 'gets'
  | 'gat'
  | 'gats'
  | 'getMany'
  | 'getsMany'
  | 'set'
  | 'setMany'
  | 'add'
  | 'replace'
  | 'append'
  | 'prepend'
  | 'cas'
  | 'delete'
  | 'deleteMany'
  | 'incr'
  | 'decr'
  | 'touch'
  | 'stats'
  | 'version'
  | 'flushAll'
  | 'close'
  | 'metaGet'
  | 'metaGetMany'
  | 'metaSet'
  | 'metaSetMany'
  | 'metaDelete'
  | 'metaArithmetic'
  | 'metaNoop'
  | 'getOrSet';

/** What an implementation under test must offer: Client's methods, with Client's types. */
export type ConformanceClient = Pick<Client, ConformanceMethod>;

/** The options the suite creates clients with. */
export type ConformanceOptions = Pick<ClientOptions, 'keyPrefix' | 'defaultNoreply'>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Registers the documented Client semantics (the client README) as vitest tests against whatever `makeClient`
 * builds. The same suite runs against Client (on a real memcached) and MemoryClient, so the
 * in-memory double cannot drift from the real thing. Clients made with the same call
 * sequence must share one cache: the prefix tests read a prefixed client's writes through an
 * unprefixed one.
 */
export function describeClientConformance(
  name: string,
  makeClient: (options: ConformanceOptions) => ConformanceClient,
): void {
  describe(`${name} conforms to the Client contract`, () => {
    let client: ConformanceClient;
    let prefixed: ConformanceClient;
    const opened: ConformanceClient[] = [];
    const open = (options: ConformanceOptions = {}) => {
      const made = makeClient(options);
      opened.push(made);
      return made;
    };

    beforeAll(() => {
      client = open();
      prefixed = open({ keyPrefix: 'app:' });
    });

    afterAll(async () => {
      await Promise.all(opened.map((each) => each.close()));
    });

    beforeEach(async () => {
      await client.flushAll();
    });

    describe('values through the serde', () => {
      it('round-trips strings, bytes, integers, bigints and JSON values', async () => {
        const values: Array<[string, unknown]> = [
          ['text', 'héllo wörld ✓'],
          ['empty', ''],
          ['int', 42],
          ['negative', -7],
          ['float', 1.5],
          ['big', 2n ** 70n],
          ['object', { a: [1, 2, { b: 'c' }], d: null }],
          ['list', [1, 'two', false]],
          ['flag', true],
          ['nothing', null],
        ];
        for (const [key, value] of values) expect(await client.set(key, value as never)).toBe(true);
        for (const [key, value] of values) expect(await client.get(key)).toEqual(value);
        const bytes = Uint8Array.from([0, 1, 2, 13, 10, 255]);
        await client.set('bytes', bytes);
        expect(Buffer.from((await client.get('bytes')) as Uint8Array)).toEqual(Buffer.from(bytes));
      });

      it('keeps a stored value apart from the caller’s buffer', async () => {
        const bytes = Uint8Array.from([1, 2, 3]);
        await client.set('owned', bytes);
        bytes[0] = 9;
        expect([...((await client.get('owned')) as Uint8Array)]).toEqual([1, 2, 3]);
      });

      it('refuses undefined, and stores nothing', async () => {
        await expect(client.set('undefined', undefined as never)).rejects.toBeInstanceOf(
          MemcacheIllegalInputError,
        );
        expect(await client.get('undefined')).toBeUndefined();
      });

      it('misses resolve undefined', async () => {
        expect(await client.get('missing')).toBeUndefined();
        expect(await client.gets('missing')).toBeUndefined();
        expect(await client.gat('missing', 10)).toBeUndefined();
      });

      it('keeps values that look like protocol lines intact', async () => {
        const tricky = 'a\r\nEND\r\nVALUE other 0 1\r\nx\r\nEND\r\n';
        await client.set('tricky', tricky);
        expect(await client.get('tricky')).toBe(tricky);
      });

      it('stores half a megabyte, refuses more than an item holds and drops the old value', async () => {
        const large = Buffer.alloc(512 * 1024, 7);
        expect(await client.set('large', large)).toBe(true);
        expect(Buffer.from((await client.get('large')) as Uint8Array).equals(large)).toBe(true);
        await expect(client.set('large', Buffer.alloc(1024 * 1024 + 1))).rejects.toBeInstanceOf(
          MemcacheServerError,
        );
        expect(await client.get('large')).toBeUndefined();
      });
    });

    describe('multi-key calls', () => {
      it('getMany returns hits by the caller’s key and leaves misses out', async () => {
        await client.set('a', 'A');
        await client.set('b', 'B');
        const result = await client.getMany(['a', 'b', 'c', 'a']);
        expect(result).toBeInstanceOf(Map);
        expect([...result.entries()].sort()).toEqual([
          ['a', 'A'],
          ['b', 'B'],
        ]);
        expect((await client.getMany([])).size).toBe(0);
        const byBytes = await client.getMany([Buffer.from('a')]);
        expect(byBytes.get('a')).toBe('A');
      });

      it('setMany takes a Map, an object or pairs and resolves the keys not stored', async () => {
        expect(await client.setMany(new Map([['m1', 1]]))).toEqual([]);
        expect(await client.setMany({ o1: 'one', o2: { two: 2 } })).toEqual([]);
        expect(
          await client.setMany([
            ['p1', 'x'],
            ['p2', 'y'],
          ]),
        ).toEqual([]);
        const all = await client.getMany(['m1', 'o1', 'o2', 'p1', 'p2']);
        expect(Object.fromEntries(all)).toEqual({ m1: 1, o1: 'one', o2: { two: 2 }, p1: 'x', p2: 'y' });
        await expect(client.setMany(42 as never)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
      });

      it('getsMany returns values with cas tokens; deleteMany counts what existed', async () => {
        await client.setMany({ g1: 'one', g2: 'two' });
        const result = await client.getsMany(['g1', 'g2', 'g3']);
        expect(result.size).toBe(2);
        expect(result.get('g1')?.value).toBe('one');
        expect(typeof result.get('g2')?.cas).toBe('bigint');
        expect(await client.deleteMany(['g1', 'g2', 'g3'])).toBe(2);
        expect(await client.deleteMany([])).toBe(0);
      });
    });

    describe('conditional writes', () => {
      it('add stores only when absent, replace only when present', async () => {
        expect(await client.add('k', 'first')).toBe(true);
        expect(await client.add('k', 'second')).toBe(false);
        expect(await client.get('k')).toBe('first');
        expect(await client.replace('k', 'third')).toBe(true);
        expect(await client.replace('absent', 'x')).toBe(false);
        expect(await client.get('k')).toBe('third');
        expect(await client.get('absent')).toBeUndefined();
      });

      it('append and prepend raw data to raw values, and miss on absent keys', async () => {
        await client.set('s', 'mid');
        expect(await client.append('s', '-end')).toBe(true);
        expect(await client.prepend('s', Buffer.from('start-'))).toBe(true);
        expect(await client.get('s')).toBe('start-mid-end');
        expect(await client.append('absent', 'x')).toBe(false);
        expect(await client.prepend('absent', 'x')).toBe(false);
        expect(await client.get('absent')).toBeUndefined();
        await expect(client.append('s', 42 as never)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
      });

      it('cas stores with the current token, refuses a stale one, and misses absent keys', async () => {
        await client.set('c', 'v1');
        const first = await client.gets('c');
        expect(first).toEqual({ value: 'v1', cas: expect.any(BigInt) });
        expect(await client.cas('c', 'v2', first!.cas)).toBe('stored');
        expect(await client.cas('c', 'v3', first!.cas)).toBe('exists');
        expect(await client.get('c')).toBe('v2');
        const second = await client.gets('c');
        expect(second!.cas).not.toBe(first!.cas);
        expect(await client.cas('absent', 'v', second!.cas)).toBe('not_found');
        await expect(client.cas('c', 'v', -1n)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
      });

      it('every write changes the cas token', async () => {
        await client.set('t', 'a');
        const before = (await client.gets('t'))!.cas;
        await client.append('t', 'b');
        const afterAppend = (await client.gets('t'))!.cas;
        expect(afterAppend).not.toBe(before);
        await client.set('t', 'c');
        expect((await client.gets('t'))!.cas).not.toBe(afterAppend);
      });
    });

    describe('delete and arithmetic', () => {
      it('delete says whether the key existed', async () => {
        await client.set('d', 1);
        expect(await client.delete('d')).toBe(true);
        expect(await client.delete('d')).toBe(false);
        expect(await client.get('d')).toBeUndefined();
      });

      it('incr and decr answer bigints, stop decr at 0, and read back through the serde', async () => {
        expect(await client.incr('counter')).toBeUndefined();
        expect(await client.decr('counter', 3)).toBeUndefined();
        await client.set('counter', 10);
        expect(await client.incr('counter')).toBe(11n);
        expect(await client.incr('counter', 5n)).toBe(16n);
        expect(await client.decr('counter', 6)).toBe(10n);
        expect(await client.get('counter')).toBe(10);
        expect(await client.decr('counter', 100)).toBe(0n);
        expect(await client.get('counter')).toBe(0);
      });

      it('decr to a shorter number reads back as that number', async () => {
        await client.set('hundred', 100);
        expect(await client.decr('hundred')).toBe(99n);
        expect(await client.get('hundred')).toBe(99);
      });

      it('incr wraps at 2^64', async () => {
        await client.set('wrap', 2n ** 64n - 1n);
        expect(await client.incr('wrap')).toBe(0n);
        await client.set('wrap', 2n ** 64n - 2n);
        expect(await client.incr('wrap', 5)).toBe(3n);
      });

      it('refuses a non-numeric value, and bad deltas before sending', async () => {
        await client.set('word', 'abc');
        await expect(client.incr('word')).rejects.toBeInstanceOf(MemcacheClientError);
        await client.set('n', 1);
        for (const delta of [-1, 1.5, Number.NaN, 2n ** 64n, '1' as never]) {
          await expect(client.incr('n', delta)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
        }
        expect(await client.get('n')).toBe(1);
      });
    });

    describe('expiry', () => {
      it('expires by ttl, touch and gat; a negative ttl expires at once; long TTLs just work', async () => {
        await client.set('short', 'x', { ttl: 1 });
        await client.set('touched', 'x');
        expect(await client.touch('touched', 1)).toBe(true);
        expect(await client.touch('absent', 1)).toBe(false);
        await client.set('gat', 'x');
        expect(await client.gat('gat', 1)).toBe('x');
        await client.set('gats', 'x');
        expect(await client.gats('gats', 1)).toEqual({ value: 'x', cas: expect.any(BigInt) });
        await client.set('kept', 'x', { ttl: 100 });
        await client.set('forever', 'x', { ttl: 0 });
        await client.set('month', 'x', { ttl: 60 * 60 * 24 * 40 });
        await client.set('gone', 'x', { ttl: -1 });
        expect(await client.get('gone')).toBeUndefined();
        expect(await client.get('short')).toBe('x');
        await sleep(2_100);
        const left = await client.getMany(['short', 'touched', 'gat', 'gats', 'kept', 'forever', 'month']);
        expect([...left.keys()].sort()).toEqual(['forever', 'kept', 'month']);
      });

      it('refuses a ttl that cannot be represented, before sending', async () => {
        for (const ttl of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 40]) {
          await expect(client.set('ttl', 'x', { ttl })).rejects.toBeInstanceOf(MemcacheIllegalInputError);
          await expect(client.touch('ttl', ttl)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
        }
        expect(await client.get('ttl')).toBeUndefined();
      });

      it('refuses touch, gat and gats without a ttl instead of making the item immortal', async () => {
        await client.set('no-ttl', 'x', { ttl: 100 });
        const missing = undefined as unknown as number;
        await expect(client.touch('no-ttl', missing)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
        await expect(client.gat('no-ttl', missing)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
        await expect(client.gats('no-ttl', missing)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
        await expect(client.touch('no-ttl', '10' as unknown as number)).rejects.toBeInstanceOf(
          MemcacheIllegalInputError,
        );
        expect(await client.touch('no-ttl', 0)).toBe(true);
      });

      it('flushAll empties the cache', async () => {
        await client.set('f1', 1);
        await client.set('f2', 2);
        await client.flushAll();
        expect((await client.getMany(['f1', 'f2'])).size).toBe(0);
      });
    });

    describe('keys', () => {
      const illegal: Array<[string, string | Uint8Array]> = [
        ['a space', 'a b'],
        ['a newline', 'a\r\nflush_all'],
        ['a tab', 'a\tb'],
        ['a control byte', 'a\u0001'],
        ['DEL', 'a\u007f'],
        ['nothing', ''],
        ['251 bytes', 'k'.repeat(251)],
        ['126 two-byte chars (252 bytes)', 'é'.repeat(126)],
        ['bytes with a space', Uint8Array.from([0x61, 0x20, 0x62])],
      ];
      for (const [what, key] of illegal) {
        it(`rejects a key with ${what} before sending`, async () => {
          await expect(client.set(key, 'x')).rejects.toBeInstanceOf(MemcacheIllegalInputError);
          await expect(client.get(key)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
          await expect(client.getMany(['ok', key])).rejects.toBeInstanceOf(MemcacheIllegalInputError);
          await expect(client.delete(key)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
          await expect(client.incr(key)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
          await expect(client.touch(key, 1)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
        });
      }

      it('nothing of an illegal key reaches the cache', async () => {
        await client.set('a', 'kept');
        await expect(client.set('a b', 'x')).rejects.toThrow();
        await expect(client.delete('a\r\ndelete a')).rejects.toThrow();
        expect(await client.get('a')).toBe('kept');
        expect(await client.get('b')).toBeUndefined();
      });

      it('accepts 250 bytes, UTF-8 keys and byte keys', async () => {
        expect(await client.set('k'.repeat(250), 'long')).toBe(true);
        expect(await client.get('k'.repeat(250))).toBe('long');
        expect(await client.set('ключ', 'unicode')).toBe(true);
        expect(await client.get(Buffer.from('ключ'))).toBe('unicode');
        await expect(client.get(42 as never)).rejects.toBeInstanceOf(MemcacheIllegalInputError);
      });

      it('measures the 250-byte limit after the prefix', async () => {
        expect(await prefixed.set('k'.repeat(246), 'fits')).toBe(true);
        expect(await client.get('app:' + 'k'.repeat(246))).toBe('fits');
        await expect(prefixed.set('k'.repeat(247), 'x')).rejects.toBeInstanceOf(MemcacheIllegalInputError);
      });

      it('puts the prefix on the wire and takes it off multi-key results', async () => {
        await prefixed.set('p', 'P');
        await prefixed.set('q', 'Q');
        expect(await client.get('app:p')).toBe('P');
        expect(await client.get('p')).toBeUndefined();
        const result = await prefixed.getMany(['p', 'q', 'r']);
        expect(Object.fromEntries(result)).toEqual({ p: 'P', q: 'Q' });
        expect(await prefixed.incr('r')).toBeUndefined();
        await client.set('app:n', 5);
        expect(await prefixed.incr('n')).toBe(6n);
        expect(await prefixed.delete('n')).toBe(true);
        expect(await client.get('app:n')).toBeUndefined();
      });
    });

    describe('options', () => {
      it('noreply writes resolve true once sent, and take effect', async () => {
        expect(await client.set('nr', 'v', { noreply: true })).toBe(true);
        expect(await client.add('nr', 'again', { noreply: true })).toBe(true);
        expect(await client.delete('absent', { noreply: true })).toBe(true);
        expect(await client.get('nr')).toBe('v');
        const quiet = open({ defaultNoreply: true });
        expect(await quiet.replace('absent', 'x')).toBe(true);
        expect(await quiet.set('nr2', 'w')).toBe(true);
        // Read on the same connection: a noreply write is only ordered with what follows it there.
        expect(await quiet.get('nr2')).toBe('w');
        expect(await quiet.get('absent')).toBeUndefined();
      });

      it('refuses flags that are not unsigned 32-bit', async () => {
        for (const flags of [-1, 2 ** 32, 0.5]) {
          await expect(client.set('flags', 'x', { flags })).rejects.toBeInstanceOf(MemcacheIllegalInputError);
        }
      });
    });

    describe('meta protocol', () => {
      it('metaSet and metaGet return what was asked, and undefined on a miss', async () => {
        const stored = await client.metaSet('m', 'value', { ttl: 60, returnCas: true });
        expect(stored).toEqual({ status: 'stored', cas: expect.any(BigInt) });
        const read = await client.metaGet('m', { value: true, cas: true, ttl: true, size: true, hit: true });
        expect(read).toMatchObject({ value: 'value', cas: stored.cas, size: 5, hit: false, won: false });
        expect(read!.ttl).toBeGreaterThan(55);
        expect(read!.ttl).toBeLessThanOrEqual(60);
        expect((await client.metaGet('m', { hit: true }))!.hit).toBe(true);
        expect(await client.metaGet('missing', { value: true })).toBeUndefined();
        await client.set('forever', 1);
        expect((await client.metaGet('forever', { ttl: true }))!.ttl).toBe(-1);
      });

      it('metaSet modes and cas answer not_stored, exists and not_found as memcached does', async () => {
        await client.set('ms', 'a');
        expect((await client.metaSet('ms', 'b', { mode: 'add' })).status).toBe('not_stored');
        expect((await client.metaSet('absent', 'b', { mode: 'replace' })).status).toBe('not_stored');
        const { cas } = (await client.gets('ms'))!;
        expect((await client.metaSet('ms', 'c', { cas: cas + 1000n })).status).toBe('exists');
        expect((await client.metaSet('absent', 'c', { cas })).status).toBe('not_found');
        expect((await client.metaSet('ms', 'd', { cas })).status).toBe('stored');
        expect(await client.get('ms')).toBe('d');
        expect(await client.get('absent')).toBeUndefined();
      });

      it('metaDelete deletes, compares cas, and invalidates so that one reader wins', async () => {
        await client.set('md', 'old');
        const { cas } = (await client.gets('md'))!;
        expect((await client.metaDelete('md', { cas: cas + 1000n })).status).toBe('exists');
        expect((await client.metaDelete('md', { invalidate: true, ttl: 30 })).status).toBe('deleted');
        const first = await client.metaGet('md', { value: true });
        expect(first).toMatchObject({ value: 'old', stale: true, won: true, alreadyWon: false });
        const second = await client.metaGet('md', { value: true });
        expect(second).toMatchObject({ value: 'old', stale: true, won: false, alreadyWon: true });
        expect((await client.metaDelete('md')).status).toBe('deleted');
        expect((await client.metaDelete('md')).status).toBe('not_found');
      });

      it('vivify hands one caller the win and the others an empty placeholder', async () => {
        const first = await client.metaGet('viv', { vivify: 30, value: true });
        expect(first).toMatchObject({ won: true, alreadyWon: false });
        const second = await client.metaGet('viv', { vivify: 30, value: true });
        expect(second).toMatchObject({ won: false, alreadyWon: true });
      });

      it('metaArithmetic counts, creates counters, and refuses non-numbers', async () => {
        expect((await client.metaArithmetic('ma')).status).toBe('not_found');
        expect(await client.metaArithmetic('ma', { vivify: 60, initial: 10 })).toMatchObject({
          status: 'ok',
          value: 10n,
        });
        expect((await client.metaArithmetic('ma', { delta: 5 })).value).toBe(15n);
        expect((await client.metaArithmetic('ma', { mode: 'decr', delta: 100 })).value).toBe(0n);
        await client.set('word', 'abc');
        await expect(client.metaArithmetic('word')).rejects.toBeInstanceOf(MemcacheClientError);
      });

      it('base64 keys carry any bytes', async () => {
        const key = Uint8Array.from([0x20, 0x00, 0xff, 0x0a]);
        expect((await client.metaSet(key, 'binary', { base64: true })).status).toBe('stored');
        expect((await client.metaGet(key, { base64: true, value: true }))!.value).toBe('binary');
        await expect(client.metaGet(key, { value: true })).rejects.toBeInstanceOf(MemcacheIllegalInputError);
      });

      it('batches many meta calls in one tick and keeps each answer with its key', async () => {
        expect(await client.metaSetMany({ b1: 1, b2: 2, b3: 3 })).toEqual([]);
        const many = await client.metaGetMany(['b1', 'b2', 'b3', 'b4'], { value: true });
        expect([...many].map(([key, result]) => [key, result.value])).toEqual([
          ['b1', 1],
          ['b2', 2],
          ['b3', 3],
        ]);
        const together = await Promise.all([
          client.metaGet('b1', { value: true }),
          client.metaGet('nope', { value: true }),
          client.metaSet('b4', 4),
          client.metaDelete('b2'),
          client.metaNoop(),
        ]);
        expect(together[0]!.value).toBe(1);
        expect(together[1]).toBeUndefined();
        expect(together[2].status).toBe('stored');
        expect(together[3].status).toBe('deleted');
        expect(await client.getMany(['b1', 'b2', 'b4'])).toEqual(
          new Map([
            ['b1', 1],
            ['b4', 4],
          ]),
        );
      });

      it('puts the prefix on meta keys', async () => {
        await prefixed.metaSet('pm', 'P');
        expect(await client.get('app:pm')).toBe('P');
        expect((await prefixed.metaGet('pm', { value: true }))!.value).toBe('P');
      });
    });

    describe('getOrSet', () => {
      it('runs the loader once for concurrent callers and serves the cache afterwards', async () => {
        let loads = 0;
        const loader = async () => {
          loads++;
          await sleep(100);
          return { loaded: loads };
        };
        const results = await Promise.all(
          Array.from({ length: 5 }, () => client.getOrSet('gos', loader, { ttl: 60 })),
        );
        expect(loads).toBe(1);
        expect(results).toEqual(Array.from({ length: 5 }, () => ({ loaded: 1 })));
        expect(await client.getOrSet('gos', loader, { ttl: 60 })).toEqual({ loaded: 1 });
        expect(loads).toBe(1);
        expect(await client.get('gos')).toEqual({ loaded: 1 });
      });

      it('hands a loader’s error to its caller and lets the next caller load', async () => {
        const failure = new Error('backend down');
        await expect(
          client.getOrSet(
            'gos-fail',
            () => {
              throw failure;
            },
            { ttl: 60 },
          ),
        ).rejects.toBe(failure);
        expect(await client.getOrSet('gos-fail', () => 'recovered', { ttl: 60 })).toBe('recovered');
      });

      it('refreshes ahead of expiry with one caller while the others get the current value', async () => {
        await client.set('gos-ahead', 'current', { ttl: 2 });
        let loads = 0;
        const loader = async () => {
          loads++;
          await sleep(50);
          return 'refreshed';
        };
        const results = await Promise.all(
          Array.from({ length: 4 }, () =>
            client.getOrSet('gos-ahead', loader, { ttl: 60, recacheWithin: 30 }),
          ),
        );
        expect(loads).toBe(1);
        expect(results.filter((result) => result === 'refreshed')).toHaveLength(1);
        expect(results.filter((result) => result === 'current')).toHaveLength(3);
        expect(await client.get('gos-ahead')).toBe('refreshed');
      });

      it('refuses bad options before sending', async () => {
        await expect(client.getOrSet('gos-bad', () => 1, { ttl: 1.5 })).rejects.toBeInstanceOf(
          MemcacheIllegalInputError,
        );
        await expect(client.getOrSet('gos bad', () => 1, { ttl: 1 })).rejects.toBeInstanceOf(
          MemcacheIllegalInputError,
        );
      });
    });

    describe('server and lifecycle', () => {
      it('stats gives numbers for numeric stats; version a dotted string', async () => {
        await client.set('s1', 1);
        await client.get('s1');
        const stats = await client.stats();
        expect(typeof stats.curr_items).toBe('number');
        expect(typeof stats.get_hits).toBe('number');
        expect(stats.curr_items).toBeGreaterThanOrEqual(1);
        const settings = await client.stats('settings');
        expect(settings.item_size_max).toBeGreaterThan(1000);
        expect(await client.version()).toMatch(/^\d+\.\d+\.\d+/);
      });

      it('a closed client rejects later commands with MemcacheConnectionError', async () => {
        const closing = open();
        await closing.set('before-close', 1);
        await closing.close();
        await expect(closing.get('before-close')).rejects.toBeInstanceOf(MemcacheConnectionError);
        expect(await client.get('before-close')).toBe(1);
      });
    });
  });
}
