import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commands } from './commands.js';
import { MemcacheIllegalInputError } from './errors.js';
import { joinChunks } from './test-support/replay.js';
import type { Chunk } from './types.js';

const text = (value: string) => new Uint8Array(Buffer.from(value));
const wire = (chunks: Chunk[]) => joinChunks(chunks).toString('latin1');
const bin = (...values: number[]) => Uint8Array.from(values);

describe('text command encoders', () => {
  const exact: Array<[string, () => Chunk[], string]> = [
    ['set', () => commands.set.encode('k', text('value'), 7, 60, false), 'set k 7 60 5\r\nvalue\r\n'],
    ['set noreply', () => commands.set.encode('k', text('v'), 0, 0, true), 'set k 0 0 1 noreply\r\nv\r\n'],
    [
      'add',
      () => commands.add.encode('k', text('v'), 4294967295, -1, false),
      'add k 4294967295 -1 1\r\nv\r\n',
    ],
    [
      'replace',
      () => commands.replace.encode('k', text(''), 0, 2147483647, false),
      'replace k 0 2147483647 0\r\n\r\n',
    ],
    ['append', () => commands.append.encode('k', text('!'), 0, 0, false), 'append k 0 0 1\r\n!\r\n'],
    [
      'prepend',
      () => commands.prepend.encode('k', text('<'), 0, 0, true),
      'prepend k 0 0 1 noreply\r\n<\r\n',
    ],
    [
      'cas',
      () => commands.cas.encode('k', text('v'), 1, 2, 18446744073709551615n, false),
      'cas k 1 2 1 18446744073709551615\r\nv\r\n',
    ],
    [
      'cas noreply',
      () => commands.cas.encode('k', text('v'), 1, 2, 9n, true),
      'cas k 1 2 1 9 noreply\r\nv\r\n',
    ],
    ['get', () => commands.get.encode(['a']), 'get a\r\n'],
    ['get many', () => commands.get.encode(['a', 'b', 'c']), 'get a b c\r\n'],
    ['gets', () => commands.gets.encode(['a', 'b']), 'gets a b\r\n'],
    ['gat', () => commands.gat.encode(30, ['a', 'b']), 'gat 30 a b\r\n'],
    ['gats', () => commands.gats.encode(-1, ['a']), 'gats -1 a\r\n'],
    ['delete', () => commands.delete.encode('k', false), 'delete k\r\n'],
    ['delete noreply', () => commands.delete.encode('k', true), 'delete k noreply\r\n'],
    ['incr', () => commands.incr.encode('k', 5n, false), 'incr k 5\r\n'],
    [
      'incr max',
      () => commands.incr.encode('k', 18446744073709551615n, true),
      'incr k 18446744073709551615 noreply\r\n',
    ],
    ['decr', () => commands.decr.encode('k', 1n, false), 'decr k 1\r\n'],
    ['touch', () => commands.touch.encode('k', 100, false), 'touch k 100\r\n'],
    ['touch noreply', () => commands.touch.encode('k', 0, true), 'touch k 0 noreply\r\n'],
    ['stats', () => commands.stats.encode([]), 'stats\r\n'],
    ['stats args', () => commands.stats.encode(['detail', 'dump']), 'stats detail dump\r\n'],
    ['flush_all', () => commands.flushAll.encode(undefined, false), 'flush_all\r\n'],
    ['flush_all delay', () => commands.flushAll.encode(10, false), 'flush_all 10\r\n'],
    ['flush_all noreply', () => commands.flushAll.encode(undefined, true), 'flush_all noreply\r\n'],
    ['flush_all delay noreply', () => commands.flushAll.encode(5, true), 'flush_all 5 noreply\r\n'],
    ['version', () => commands.version.encode(), 'version\r\n'],
    ['verbosity', () => commands.verbosity.encode(1, false), 'verbosity 1\r\n'],
    ['verbosity noreply', () => commands.verbosity.encode(0, true), 'verbosity 0 noreply\r\n'],
    ['cache_memlimit', () => commands.cacheMemlimit.encode(100, false), 'cache_memlimit 100\r\n'],
    ['cache_memlimit noreply', () => commands.cacheMemlimit.encode(8, true), 'cache_memlimit 8 noreply\r\n'],
    ['shutdown', () => commands.shutdown.encode(false), 'shutdown\r\n'],
    ['shutdown graceful', () => commands.shutdown.encode(true), 'shutdown graceful\r\n'],
    ['quit', () => commands.quit.encode(), 'quit\r\n'],
  ];
  for (const [name, encode, expected] of exact) {
    it(`encodes ${name} exactly`, () => expect(wire(encode())).toBe(expected));
  }

  it('sends the value as its own chunk, never copied', () => {
    const value = text('payload');
    const chunks = commands.set.encode('k', value, 0, 0, false);
    expect(chunks).toEqual(['set k 0 0 7\r\n', value, '\r\n']);
    expect(chunks[1]).toBe(value);
  });

  it('sends byte keys as their own chunks', () => {
    const key = bin(0x80, 0xff);
    expect(commands.set.encode(key, text('v'), 0, 0, false)).toEqual([
      'set ',
      key,
      ' 0 0 1\r\n',
      text('v'),
      '\r\n',
    ]);
    expect(commands.get.encode(['a', key, 'b'])).toEqual(['get a ', key, ' b\r\n']);
    expect(commands.delete.encode(key, false)).toEqual(['delete ', key, '\r\n']);
  });

  it('encodes UTF-8 string keys', () => {
    expect(wire(commands.get.encode(['ключ']))).toBe(Buffer.from('get ключ\r\n').toString('latin1'));
  });

  it('accepts number cas and delta when they are safe integers', () => {
    expect(wire(commands.incr.encode('k', 5 as unknown as bigint, false))).toBe('incr k 5\r\n');
  });

  it('writes each storage header from its own flags and exptime, whatever came before', () => {
    // The header's middle is remembered between calls: a change of either number must show.
    const headers = (
      [
        [0, 0],
        [0, 0],
        [16, 0],
        [16, 60],
        [0, 60],
        [0, 0],
        [4294967295, -1],
      ] as const
    ).map(([flags, exptime]) => wire(commands.set.request('k', text('v'), flags, exptime, false).chunks));
    expect(headers).toEqual([
      'set k 0 0 1\r\nv\r\n',
      'set k 0 0 1\r\nv\r\n',
      'set k 16 0 1\r\nv\r\n',
      'set k 16 60 1\r\nv\r\n',
      'set k 0 60 1\r\nv\r\n',
      'set k 0 0 1\r\nv\r\n',
      'set k 4294967295 -1 1\r\nv\r\n',
    ]);
    expect(wire(commands.cas.request('k', text('v'), 16, 60, 9n, true).chunks)).toBe(
      'cas k 16 60 1 9 noreply\r\nv\r\n',
    );
    expect(wire(commands.add.request('k', text('v'), 16, 60, false).chunks)).toBe('add k 16 60 1\r\nv\r\n');
  });

  it('gives a storage header the byte length of a multi-byte value, and a byte key as its own chunk', () => {
    const value = text('é€😀');
    expect(wire(commands.set.request(bin(0x6b, 0xff), value, 1, 2, false).chunks)).toBe(
      `set k\xff 1 2 9\r\n${Buffer.from(value).toString('latin1')}\r\n`,
    );
  });

  it('gives noreply commands and quit no reader, and the others a fresh one', () => {
    expect(commands.set.request('k', text('v'), 0, 0, true).reader).toBeUndefined();
    expect(commands.delete.request('k', true).reader).toBeUndefined();
    expect(commands.quit.request()).toEqual({
      chunks: [expect.any(Uint8Array)],
      reader: undefined,
      closesConnection: true,
      command: 'quit',
    });
    expect(commands.get.request(['a']).command).toBe('get');
    expect(commands.metaGet.request('a', { value: true }).command).toBe('mg');
    expect(commands.shutdown.request(true).closesConnection).toBe(true);
    const first = commands.get.request(['a']).reader;
    expect(first).toBeDefined();
    expect(commands.get.request(['a']).reader).not.toBe(first);
  });
});

describe('meta command encoders', () => {
  const exact: Array<[string, () => Chunk[], string]> = [
    ['mg bare', () => commands.metaGet.encode('k'), 'mg k\r\n'],
    [
      'mg every flag',
      () =>
        commands.metaGet.encode('k', {
          cas: true,
          flags: true,
          hit: true,
          key: true,
          lastAccess: true,
          opaque: 'op',
          quiet: true,
          size: true,
          ttl: true,
          noBump: true,
          value: true,
          explicitCas: 5n,
          vivify: 30,
          recache: 10,
          touch: 60,
        }),
      'mg k E5 N30 R10 T60 c f h k l Oop q s t u v\r\n',
    ],
    ['mg base64', () => commands.metaGet.encode('ab', { base64: true, value: true }), 'mg YWI= b v\r\n'],
    ['mg base64 bytes', () => commands.metaGet.encode(bin(0, 255), { base64: true }), 'mg AP8= b\r\n'],
    ['ms bare', () => commands.metaSet.encode('k', text('hi')), 'ms k 2\r\nhi\r\n'],
    [
      'ms every flag',
      () =>
        commands.metaSet.encode('k', text('hi'), {
          returnCas: true,
          cas: 12n,
          explicitCas: 13n,
          flags: 7,
          invalidate: true,
          key: true,
          opaque: 'o',
          quiet: true,
          ttl: 30,
          mode: 'append',
          vivify: 40,
        }),
      'ms k 2 c C12 E13 F7 I k Oo q T30 MA N40\r\nhi\r\n',
    ],
    ['ms mode set', () => commands.metaSet.encode('k', text(''), { mode: 'set' }), 'ms k 0 MS\r\n\r\n'],
    ['ms mode add', () => commands.metaSet.encode('k', text(''), { mode: 'add' }), 'ms k 0 ME\r\n\r\n'],
    [
      'ms mode replace',
      () => commands.metaSet.encode('k', text(''), { mode: 'replace' }),
      'ms k 0 MR\r\n\r\n',
    ],
    [
      'ms mode prepend',
      () => commands.metaSet.encode('k', text(''), { mode: 'prepend' }),
      'ms k 0 MP\r\n\r\n',
    ],
    ['ms base64', () => commands.metaSet.encode(bin(1), text('v'), { base64: true }), 'ms AQ== 1 b\r\nv\r\n'],
    ['md bare', () => commands.metaDelete.encode('k'), 'md k\r\n'],
    [
      'md every flag',
      () =>
        commands.metaDelete.encode('k', {
          base64: false,
          cas: 3n,
          invalidate: true,
          key: true,
          opaque: 'o',
          quiet: true,
          ttl: 30,
          removeValue: true,
        }),
      'md k C3 I k Oo q T30 x\r\n',
    ],
    ['md base64', () => commands.metaDelete.encode('k', { base64: true }), 'md aw== b\r\n'],
    ['ma bare', () => commands.metaArithmetic.encode('k'), 'ma k\r\n'],
    [
      'ma every flag',
      () =>
        commands.metaArithmetic.encode('k', {
          cas: 2n,
          vivify: 0,
          initial: 10n,
          delta: 18446744073709551615n,
          ttl: 60,
          mode: 'decr',
          opaque: 'o',
          quiet: true,
          returnTtl: true,
          returnCas: true,
          value: true,
          key: true,
        }),
      'ma k C2 N0 J10 D18446744073709551615 T60 MD Oo q t c v k\r\n',
    ],
    ['ma incr', () => commands.metaArithmetic.encode('k', { mode: 'incr' }), 'ma k MI\r\n'],
    ['ma base64', () => commands.metaArithmetic.encode('k', { base64: true }), 'ma aw== b\r\n'],
    ['mn', () => commands.metaNoop.encode(), 'mn\r\n'],
    ['me', () => commands.metaDebug.encode('k'), 'me k\r\n'],
    ['me base64', () => commands.metaDebug.encode(bin(0, 1), { base64: true }), 'me AAE= b\r\n'],
  ];
  for (const [name, encode, expected] of exact) {
    it(`encodes ${name} exactly`, () => expect(wire(encode())).toBe(expected));
  }

  it('sends the ms value as its own chunk', () => {
    const value = text('hi');
    expect(commands.metaSet.encode('k', value)[1]).toBe(value);
  });

  it('gives quiet requests an opaque of their own so their reader can match the reply', () => {
    const first = commands.metaGet.request('k', { quiet: true });
    const second = commands.metaGet.request('k', { quiet: true });
    const opaqueOf = (chunks: Chunk[]) => /O(\S+)/.exec(wire(chunks))?.[1];
    expect(opaqueOf(first.chunks)).toMatch(/^\./);
    expect(opaqueOf(first.chunks)).not.toBe(opaqueOf(second.chunks));
    expect(first.reader?.quiet).toBe(true);
    expect(wire(commands.metaGet.request('k', { quiet: true, opaque: 'mine' }).chunks)).toBe(
      'mg k Omine q\r\n',
    );
    expect(commands.metaGet.request('k', { value: true }).reader?.quiet).toBeUndefined();
  });

  it('takes base64 keys up to 250 encoded bytes (186 raw)', () => {
    expect(() => commands.metaGet.encode(new Uint8Array(186), { base64: true })).not.toThrow();
    expect(() => commands.metaGet.encode(new Uint8Array(187), { base64: true })).toThrow(
      MemcacheIllegalInputError,
    );
    // Base64 lets any bytes be a key, spaces and control bytes included.
    expect(wire(commands.metaGet.encode('a b\r\n', { base64: true }))).toBe('mg YSBiDQo= b\r\n');
  });
});

describe('illegal input', () => {
  const badKeys: Array<[string, unknown]> = [
    ['empty', ''],
    ['251 bytes', 'a'.repeat(251)],
    ['251 bytes of UTF-8', 'é'.repeat(125) + 'a'],
    ['a space', 'a b'],
    ['\\r\\n', 'a\r\nb'],
    ['\\n', 'a\nb'],
    ['\\t', 'a\tb'],
    ['0x7f', 'a\x7fb'],
    ['a control byte', 'a\x01b'],
    ['a NUL', 'a\0b'],
    ['a lone surrogate', 'a\ud800b'],
    ['empty bytes', new Uint8Array(0)],
    ['251 bytes as bytes', new Uint8Array(251).fill(65)],
    ['a space as bytes', bin(65, 32, 66)],
    ['0x7f as bytes', bin(0x7f)],
    ['a number', 42],
  ];
  for (const [name, key] of badKeys) {
    it(`refuses a key with ${name} in every keyed command`, () => {
      const k = key as string;
      const attempts = [
        () => commands.set.encode(k, text('v'), 0, 0, false),
        () => commands.cas.encode(k, text('v'), 0, 0, 1n, false),
        () => commands.get.encode([k]),
        () => commands.gets.encode(['ok', k]),
        () => commands.gat.encode(0, [k]),
        () => commands.delete.encode(k, false),
        () => commands.incr.encode(k, 1n, false),
        () => commands.touch.encode(k, 0, false),
        () => commands.metaGet.encode(k, {}),
        () => commands.metaSet.encode(k, text('v'), {}),
        () => commands.metaDelete.encode(k, {}),
        () => commands.metaArithmetic.encode(k, {}),
        () => commands.metaDebug.encode(k),
      ];
      for (const attempt of attempts) expect(attempt).toThrow(MemcacheIllegalInputError);
    });
  }

  it('accepts a key of exactly 250 bytes', () => {
    expect(() => commands.get.encode(['a'.repeat(250)])).not.toThrow();
    expect(() => commands.get.encode(['é'.repeat(125)])).not.toThrow();
  });

  const badExptimes: unknown[] = [Number.NaN, 1.5, Number.POSITIVE_INFINITY, 2 ** 31, -(2 ** 31) - 1, '10'];
  for (const exptime of badExptimes) {
    it(`refuses the exptime ${String(exptime)}`, () => {
      const value = exptime as number;
      expect(() => commands.set.encode('k', text('v'), 0, value, false)).toThrow(MemcacheIllegalInputError);
      expect(() => commands.touch.encode('k', value, false)).toThrow(MemcacheIllegalInputError);
      expect(() => commands.gat.encode(value, ['k'])).toThrow(MemcacheIllegalInputError);
      expect(() => commands.metaGet.encode('k', { touch: value })).toThrow(MemcacheIllegalInputError);
      expect(() => commands.metaSet.encode('k', text('v'), { ttl: value })).toThrow(
        MemcacheIllegalInputError,
      );
      expect(() => commands.metaArithmetic.encode('k', { vivify: value })).toThrow(MemcacheIllegalInputError);
    });
  }

  for (const flags of [-1, 2 ** 32, 1.5, Number.NaN]) {
    it(`refuses the flags ${flags}`, () => {
      expect(() => commands.set.encode('k', text('v'), flags, 0, false)).toThrow(MemcacheIllegalInputError);
      expect(() => commands.metaSet.encode('k', text('v'), { flags })).toThrow(MemcacheIllegalInputError);
    });
  }

  for (const number of [-1n, 2n ** 64n, -1, 1.5, 2 ** 53]) {
    it(`refuses the cas or delta ${number}`, () => {
      const value = number as bigint;
      expect(() => commands.cas.encode('k', text('v'), 0, 0, value, false)).toThrow(
        MemcacheIllegalInputError,
      );
      expect(() => commands.incr.encode('k', value, false)).toThrow(MemcacheIllegalInputError);
      expect(() => commands.decr.encode('k', value, false)).toThrow(MemcacheIllegalInputError);
      expect(() => commands.metaArithmetic.encode('k', { delta: value })).toThrow(MemcacheIllegalInputError);
      expect(() => commands.metaArithmetic.encode('k', { initial: value })).toThrow(
        MemcacheIllegalInputError,
      );
      expect(() => commands.metaSet.encode('k', text('v'), { cas: value })).toThrow(
        MemcacheIllegalInputError,
      );
      expect(() => commands.metaDelete.encode('k', { cas: value })).toThrow(MemcacheIllegalInputError);
    });
  }

  it('refuses opaques that are empty, too long or not one token', () => {
    // memcached 1.6.18 counts the letter O in its 32-byte limit: a token of 32 characters got
    // `CLIENT_ERROR opaque token too long`, which drops the connection, and used to be sent.
    for (const opaque of ['', 'x'.repeat(32), 'x'.repeat(33), 'a b', 'a\r\n', 'é']) {
      expect(() => commands.metaGet.encode('k', { opaque })).toThrow(MemcacheIllegalInputError);
    }
    expect(() => commands.metaGet.encode('k', { opaque: 'x'.repeat(31) })).not.toThrow();
  });

  it('refuses unknown modes', () => {
    const mode = 'upsert' as 'set';
    expect(() => commands.metaSet.encode('k', text('v'), { mode })).toThrow(MemcacheIllegalInputError);
    expect(() => commands.metaArithmetic.encode('k', { mode: 'mul' as 'incr' })).toThrow(
      MemcacheIllegalInputError,
    );
    expect(() => commands.metaSet.encode('k', text('v'), { mode: 'toString' as 'set' })).toThrow(
      MemcacheIllegalInputError,
    );
  });

  it('says an opaque or stats argument that is not a string must be one', () => {
    expect(() => commands.metaGet.encode('k', { opaque: 123 as unknown as string })).toThrow(
      /opaque must be a string of 1 to 31 characters, not number/,
    );
    expect(() => commands.stats.encode([5 as unknown as string])).toThrow(/must be a string/);
  });

  it('refuses stats arguments with whitespace or control characters', () => {
    for (const arg of ['a b', 'a\r\nflush_all', '', 'a\tb', 'é']) {
      expect(() => commands.stats.encode([arg])).toThrow(MemcacheIllegalInputError);
    }
  });

  it('takes stats with no arguments, and refuses arguments that are not an array', () => {
    const stats = commands.stats as unknown as {
      request(args?: unknown): { chunks: Chunk[] };
      encode(args?: unknown): Chunk[];
    };
    expect(wire(stats.request().chunks)).toBe('stats\r\n');
    // A string would be read letter by letter: `stats i t e m s`.
    for (const args of ['items', 5, null, { length: 1, 0: 'items' }]) {
      expect(() => stats.request(args)).toThrow(MemcacheIllegalInputError);
      expect(() => stats.encode(args)).toThrow(MemcacheIllegalInputError);
    }
  });

  it('refuses meta options that are null with a typed error, quiet or not', () => {
    const nullOptions = null as unknown as undefined;
    expect(() => commands.metaGet.request('k', nullOptions)).toThrow(MemcacheIllegalInputError);
    expect(() => commands.metaSet.request('k', text('v'), nullOptions)).toThrow(MemcacheIllegalInputError);
    expect(() => commands.metaDelete.request('k', nullOptions)).toThrow(MemcacheIllegalInputError);
    expect(() => commands.metaArithmetic.request('k', nullOptions)).toThrow(MemcacheIllegalInputError);
    expect(() => commands.metaDebug.request('k', nullOptions)).toThrow(MemcacheIllegalInputError);
  });

  it('refuses values that are neither bytes nor (for the storage commands) text', () => {
    expect(() => commands.set.encode('k', 5 as unknown as Uint8Array, 0, 0, false)).toThrow(
      MemcacheIllegalInputError,
    );
    expect(() => commands.metaSet.encode('k', 'v' as unknown as Uint8Array)).toThrow(
      MemcacheIllegalInputError,
    );
  });

  it('sends a text value as its UTF-8, the length in the header counted in bytes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('set', 'add', 'replace', 'append', 'prepend') as fc.Arbitrary<'set'>,
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.nat(),
        fc.boolean(),
        (verb, text, flags, noreply) => {
          const asText = commands[verb].encode('k', text, flags, 0, noreply);
          const asBytes = commands[verb].encode('k', Buffer.from(text, 'utf8'), flags, 0, noreply);
          expect(joinChunks(asText).equals(joinChunks(asBytes))).toBe(true);
        },
      ),
    );
    const casText = commands.cas.encode('k', 'héllo', 0, 0, 7n, false);
    expect(joinChunks(casText).toString()).toBe('cas k 0 0 6 7\r\nhéllo\r\n');
  });

  it('refuses a text value with a lone surrogate, which has no UTF-8 form', () => {
    for (const text of ['a\ud800b', '\udc00', 'end\ud83d']) {
      expect(() => commands.set.encode('k', text, 0, 0, false)).toThrow(/lone surrogate/);
    }
    // A short text joins its header; a long one stays its own chunk, for the writer to pass on.
    expect(commands.set.encode('k', '\ud83d\ude00', 0, 0, false)).toEqual([
      'set k 0 0 4\r\n\ud83d\ude00\r\n',
    ]);
    const long = 'é'.repeat(5000);
    expect(commands.set.encode('k', long, 0, 0, true)).toEqual(['set k 0 0 10000 noreply\r\n', long, '\r\n']);
  });

  it('refuses empty key lists and gat lines memcached could cut off', () => {
    expect(() => commands.get.encode([])).toThrow(MemcacheIllegalInputError);
    expect(() =>
      commands.gat.encode(
        0,
        Array.from({ length: 10 }, () => 'k'.repeat(250)),
      ),
    ).toThrow(MemcacheIllegalInputError);
    expect(() => commands.get.encode(Array.from({ length: 10 }, () => 'k'.repeat(250)))).not.toThrow();
  });

  it('refuses a noreply that is not a boolean (a string "false" is truthy)', () => {
    const notBoolean = 'false' as unknown as boolean;
    const value = new Uint8Array(1);
    const encoders: Array<() => unknown> = [
      () => commands.set.request('k', value, 0, 0, notBoolean),
      () => commands.cas.request('k', value, 0, 0, 1n, notBoolean),
      () => commands.delete.request('k', notBoolean),
      () => commands.incr.request('k', 1n, notBoolean),
      () => commands.touch.request('k', 0, notBoolean),
      () => commands.flushAll.request(undefined, notBoolean),
      () => commands.flushAll.request(5, notBoolean),
      () => commands.verbosity.request(1, notBoolean),
      () => commands.cacheMemlimit.request(64, notBoolean),
      () => commands.shutdown.request(notBoolean),
      () => commands.set.request('k', value, 0, 0, 1 as unknown as boolean),
    ];
    for (const encode of encoders) expect(encode).toThrow(MemcacheIllegalInputError);
  });

  it('refuses bad admin arguments', () => {
    expect(() => commands.flushAll.encode(-1, false)).toThrow(MemcacheIllegalInputError);
    expect(() => commands.flushAll.encode(1.5, false)).toThrow(MemcacheIllegalInputError);
    expect(() => commands.verbosity.encode(-1, false)).toThrow(MemcacheIllegalInputError);
    expect(() => commands.cacheMemlimit.encode(7, false)).toThrow(MemcacheIllegalInputError);
    expect(() => commands.cacheMemlimit.encode(1_000_000_001, false)).toThrow(MemcacheIllegalInputError);
  });

  it('lets no input put two commands on the wire', () => {
    const key = fc.oneof(
      fc.string({ maxLength: 260 }),
      fc.string({ unit: 'binary', maxLength: 260 }),
      fc.uint8Array({ maxLength: 260 }),
      fc.constantFrom('a b', 'a\r\nflush_all', 'x\ndelete y', 'k\0'),
    );
    const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(2 ** 32, -1, 2 ** 31, Number.NaN));
    const big = fc.oneof(fc.bigInt({ min: -10n, max: 2n ** 65n }), fc.integer());
    const value = fc.uint8Array({ maxLength: 64 });
    const attempts = fc.oneof(
      fc
        .tuple(key, value, number, number, fc.boolean())
        .map(
          ([k, v, flags, exptime, noreply]) =>
            [() => commands.set.encode(k, v, flags, exptime, noreply), v] as const,
        ),
      fc
        .tuple(key, value, number, number, big, fc.boolean())
        .map(
          ([k, v, flags, exptime, cas, noreply]) =>
            [() => commands.cas.encode(k, v, flags, exptime, cas as bigint, noreply), v] as const,
        ),
      fc
        .tuple(fc.array(key, { maxLength: 4 }))
        .map(([keys]) => [() => commands.get.encode(keys), undefined] as const),
      fc
        .tuple(key, big, fc.boolean())
        .map(
          ([k, delta, noreply]) =>
            [() => commands.incr.encode(k, delta as bigint, noreply), undefined] as const,
        ),
      fc
        .tuple(key, number, fc.boolean())
        .map(
          ([k, exptime, noreply]) => [() => commands.touch.encode(k, exptime, noreply), undefined] as const,
        ),
      fc
        .tuple(key, fc.string({ maxLength: 40 }), number, fc.boolean())
        .map(
          ([k, opaque, ttl, base64]) =>
            [
              () => commands.metaGet.encode(k, { opaque, touch: ttl, base64, value: true }),
              undefined,
            ] as const,
        ),
      fc
        .tuple(key, value, number, fc.boolean())
        .map(([k, v, flags, base64]) => [() => commands.metaSet.encode(k, v, { flags, base64 }), v] as const),
      fc
        .tuple(fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 }))
        .map(([args]) => [() => commands.stats.encode(args), undefined] as const),
    );
    fc.assert(
      fc.property(attempts, ([attempt, value]) => {
        let chunks: Chunk[];
        try {
          chunks = attempt();
        } catch (error) {
          expect(error).toBeInstanceOf(MemcacheIllegalInputError);
          return;
        }
        const bytes = joinChunks(chunks);
        // The command line: the first \r\n, with no other \n, \r or NUL before it.
        const lineEnd = bytes.indexOf('\r\n');
        expect(lineEnd).toBeGreaterThan(0);
        const line = bytes.subarray(0, lineEnd);
        expect(line.includes(0x0a) || line.includes(0x0d) || line.includes(0)).toBe(false);
        let rest = bytes.subarray(lineEnd + 2);
        if (value !== undefined) {
          // Exactly one data block of the announced length, then the end.
          const announced = Number(/^[^ ]+ [^ ]+ (?:[^ ]+ [^ ]+ )?(\d+)/.exec(line.toString('latin1'))?.[1]);
          expect(announced).toBe(value.length);
          expect(rest.length).toBe(value.length + 2);
          rest = rest.subarray(value.length + 2);
        }
        expect(rest.length).toBe(0);
      }),
      { numRuns: 3000 },
    );
  });
});
