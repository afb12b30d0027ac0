import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MemcacheClientError,
  MemcacheConnectionError,
  MemcacheProtocolError,
  MemcacheServerError,
  MemcacheUnknownCommandError,
} from './errors.js';
import { DEFAULT_MAX_VALUE_BYTES, MEMCACHED_ITEM_LIMIT } from './item-limits.js';
import { ResponseParser } from './response-parser.js';
import { byteByByte, splitAt } from './test-support/replay.js';
import type { Frame } from './types.js';

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

function parse(pieces: readonly Uint8Array[]): Frame[] {
  const parser = new ResponseParser();
  const frames: Frame[] = [];
  for (const piece of pieces) parser.feed(piece, (frame) => frames.push(frame));
  expect(parser.buffered).toBe(0);
  return frames;
}

/**
 * Feeds `reply` the way a socket reader with `blockRoom()` does: each read of at most
 * `readSize` bytes lands in the block's room when a block is being gathered (and is fed as a
 * view of it), and in a fresh chunk otherwise.
 */
function parseInPlace(reply: Uint8Array, readSize: number, parser = new ResponseParser()): Frame[] {
  const frames: Frame[] = [];
  let offset = 0;
  while (offset < reply.length) {
    const room = parser.blockRoom();
    const target = room ?? new Uint8Array(readSize);
    const length = Math.min(readSize, target.length, reply.length - offset);
    target.set(reply.subarray(offset, offset + length));
    offset += length;
    parser.feed(target.subarray(0, length), (frame) => frames.push(frame));
  }
  expect(parser.buffered).toBe(0);
  return frames;
}

/** Frames as plain data, so runs with different splits compare equal. */
function plain(frames: readonly Frame[]): unknown[] {
  return frames.map((frame) => {
    switch (frame.kind) {
      case 'value':
        return {
          ...frame,
          key: Buffer.from(frame.key).toString('latin1'),
          data: Buffer.from(frame.data).toString('latin1'),
        };
      case 'meta':
        return {
          ...frame,
          flags: [...frame.flags],
          data: frame.data && Buffer.from(frame.data).toString('latin1'),
          key: frame.key && Buffer.from(frame.key).toString('latin1'),
        };
      case 'error':
        return { kind: 'error', type: frame.error.name, response: frame.error.response, reset: frame.reset };
      default:
        return frame;
    }
  });
}

/** Parses `reply` whole, byte by byte and at random split points; all must agree. */
function parseEveryWay(reply: Uint8Array): unknown[] {
  const whole = plain(parse([reply]));
  expect(plain(parse(byteByByte(reply)))).toEqual(whole);
  fc.assert(
    fc.property(fc.array(fc.nat({ max: reply.length }), { maxLength: 20 }), (offsets) => {
      expect(plain(parse(splitAt(reply, offsets)))).toEqual(whole);
    }),
    { numRuns: 50 },
  );
  return whole;
}

const cases: Array<[string, string, unknown[]]> = [
  [
    'a VALUE block and END',
    'VALUE foo 5 3\r\nbar\r\nEND\r\n',
    [{ kind: 'value', key: 'foo', flags: 5, cas: undefined, data: 'bar' }, { kind: 'end' }],
  ],
  [
    'VALUE with cas',
    'VALUE k 4294967295 2 18446744073709551615\r\nab\r\nEND\r\n',
    [{ kind: 'value', key: 'k', flags: 4294967295, cas: 18446744073709551615n, data: 'ab' }, { kind: 'end' }],
  ],
  [
    'an empty value',
    'VALUE e 0 0 7\r\n\r\nEND\r\n',
    [{ kind: 'value', key: 'e', flags: 0, cas: 7n, data: '' }, { kind: 'end' }],
  ],
  [
    'a value holding reply syntax',
    'VALUE t 0 20\r\n\r\nEND\r\nVALUE x 0 1\r\n\r\nEND\r\n',
    [
      { kind: 'value', key: 't', flags: 0, cas: undefined, data: '\r\nEND\r\nVALUE x 0 1\r\n' },
      { kind: 'end' },
    ],
  ],
  ['STORED', 'STORED\r\n', [{ kind: 'status', status: 'STORED' }]],
  ['NOT_STORED', 'NOT_STORED\r\n', [{ kind: 'status', status: 'NOT_STORED' }]],
  ['EXISTS', 'EXISTS\r\n', [{ kind: 'status', status: 'EXISTS' }]],
  ['NOT_FOUND', 'NOT_FOUND\r\n', [{ kind: 'status', status: 'NOT_FOUND' }]],
  ['DELETED', 'DELETED\r\n', [{ kind: 'status', status: 'DELETED' }]],
  ['TOUCHED', 'TOUCHED\r\n', [{ kind: 'status', status: 'TOUCHED' }]],
  ['OK', 'OK\r\n', [{ kind: 'status', status: 'OK' }]],
  ['RESET', 'RESET\r\n', [{ kind: 'status', status: 'RESET' }]],
  ['a number', '42\r\n', [{ kind: 'number', value: 42n }]],
  ['a padded number', '5   \r\n', [{ kind: 'number', value: 5n }]],
  ['the largest number', '18446744073709551615\r\n', [{ kind: 'number', value: 18446744073709551615n }]],
  [
    'STAT lines',
    'STAT pid 12\r\nSTAT libevent 2.1.12-stable\r\nSTAT empty \r\nEND\r\n',
    [
      { kind: 'stat', name: 'pid', value: '12' },
      { kind: 'stat', name: 'libevent', value: '2.1.12-stable' },
      { kind: 'stat', name: 'empty', value: '' },
      { kind: 'end' },
    ],
  ],
  [
    'ITEM and PREFIX lines',
    'ITEM k [2 b; 0 s]\r\nPREFIX app get 1 hit 1 set 0 del 0\r\nEND\r\n',
    [
      { kind: 'stat', name: 'k', value: '[2 b; 0 s]' },
      { kind: 'stat', name: 'app', value: 'get 1 hit 1 set 0 del 0' },
      { kind: 'end' },
    ],
  ],
  ['VERSION', 'VERSION 1.6.18\r\n', [{ kind: 'version', version: '1.6.18' }]],
  [
    'VA with flags',
    'VA 5 c12 f7 t-1 Oab W\r\nhello\r\n',
    [
      {
        kind: 'meta',
        code: 'VA',
        flags: [
          ['c', '12'],
          ['f', '7'],
          ['t', '-1'],
          ['O', 'ab'],
          ['W', ''],
        ],
        data: 'hello',
        key: undefined,
      },
    ],
  ],
  ['VA empty', 'VA 0\r\n\r\n', [{ kind: 'meta', code: 'VA', flags: [], data: '', key: undefined }]],
  ...(['HD', 'EN', 'NS', 'EX', 'NF', 'MN'] as const).map((code): [string, string, unknown[]] => [
    code,
    `${code}\r\n${code} Oq kkey\r\n`,
    [
      { kind: 'meta', code, flags: [], data: undefined, key: undefined },
      {
        kind: 'meta',
        code,
        flags: [
          ['O', 'q'],
          ['k', 'key'],
        ],
        data: undefined,
        key: undefined,
      },
    ],
  ]),
  [
    'ME',
    'ME dbg exp=-1 la=3 cas=2 fetch=no cls=1 size=63\r\n',
    [
      {
        kind: 'meta',
        code: 'ME',
        flags: [
          ['exp', '-1'],
          ['la', '3'],
          ['cas', '2'],
          ['fetch', 'no'],
          ['cls', '1'],
          ['size', '63'],
        ],
        data: undefined,
        key: 'dbg',
      },
    ],
  ],
  [
    'ERROR',
    'ERROR\r\n',
    [{ kind: 'error', type: 'MemcacheUnknownCommandError', response: 'ERROR', reset: true }],
  ],
  [
    'ERROR with a message',
    'ERROR: shutdown not enabled\r\n',
    [
      {
        kind: 'error',
        type: 'MemcacheUnknownCommandError',
        response: 'ERROR: shutdown not enabled',
        reset: false,
      },
    ],
  ],
  [
    'too many connections',
    'ERROR Too many open connections\r\n',
    [
      {
        kind: 'error',
        type: 'MemcacheConnectionError',
        response: 'ERROR Too many open connections',
        reset: true,
      },
    ],
  ],
  [
    'CLIENT_ERROR',
    'CLIENT_ERROR bad data chunk\r\n',
    [{ kind: 'error', type: 'MemcacheClientError', response: 'CLIENT_ERROR bad data chunk', reset: true }],
  ],
  [
    'CLIENT_ERROR that keeps the stream in step',
    'CLIENT_ERROR cannot increment or decrement non-numeric value\r\n',
    [
      {
        kind: 'error',
        type: 'MemcacheClientError',
        response: 'CLIENT_ERROR cannot increment or decrement non-numeric value',
        reset: false,
      },
    ],
  ],
  [
    'SERVER_ERROR too large',
    'SERVER_ERROR object too large for cache\r\n',
    [
      {
        kind: 'error',
        type: 'MemcacheServerError',
        response: 'SERVER_ERROR object too large for cache',
        reset: false,
      },
    ],
  ],
  [
    'SERVER_ERROR out of memory',
    'SERVER_ERROR out of memory storing object\r\n',
    [
      {
        kind: 'error',
        type: 'MemcacheServerError',
        response: 'SERVER_ERROR out of memory storing object',
        reset: false,
      },
    ],
  ],
  [
    'another SERVER_ERROR',
    'SERVER_ERROR out of memory writing get response\r\n',
    [
      {
        kind: 'error',
        type: 'MemcacheServerError',
        response: 'SERVER_ERROR out of memory writing get response',
        reset: true,
      },
    ],
  ],
  [
    'MEMLIMIT lines',
    'MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m\r\nMEMLIMIT_ADJUST_FAILED input value is megabytes not bytes\r\n',
    [
      {
        kind: 'error',
        type: 'MemcacheClientError',
        response: 'MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m',
        reset: false,
      },
      {
        kind: 'error',
        type: 'MemcacheServerError',
        response: 'MEMLIMIT_ADJUST_FAILED input value is megabytes not bytes',
        reset: false,
      },
    ],
  ],
  [
    'an error ending a multi-get',
    'VALUE a 0 1\r\nx\r\nSERVER_ERROR out of memory writing get response\r\n',
    [
      { kind: 'value', key: 'a', flags: 0, cas: undefined, data: 'x' },
      {
        kind: 'error',
        type: 'MemcacheServerError',
        response: 'SERVER_ERROR out of memory writing get response',
        reset: true,
      },
    ],
  ],
];

describe('ResponseParser', () => {
  for (const [name, reply, expected] of cases) {
    it(`parses ${name} whole, byte by byte and at random split points`, () => {
      expect(parseEveryWay(bytes(reply))).toEqual(expected);
    });
  }

  it('parses every reply kind back to back, split anywhere', () => {
    const reply = cases.map(([, text]) => text).join('');
    expect(parseEveryWay(bytes(reply))).toEqual(cases.flatMap(([, , expected]) => expected));
  });

  it('maps error lines to the typed errors', () => {
    const frames = parse([
      bytes('ERROR\r\nERROR Too many open connections\r\nCLIENT_ERROR x\r\nSERVER_ERROR y\r\n'),
    ]);
    const errors = frames.map((frame) => (frame.kind === 'error' ? frame.error : undefined));
    expect(errors[0]).toBeInstanceOf(MemcacheUnknownCommandError);
    expect(errors[1]).toBeInstanceOf(MemcacheConnectionError);
    expect(errors[2]).toBeInstanceOf(MemcacheClientError);
    expect(errors[2]).not.toBeInstanceOf(MemcacheUnknownCommandError);
    expect(errors[3]).toBeInstanceOf(MemcacheServerError);
    expect(errors[3]?.response).toBe('SERVER_ERROR y');
  });

  it('hands out views into the chunk, not copies, when a value arrives whole', () => {
    const chunk = bytes('VALUE key 0 5\r\nhello\r\nEND\r\n');
    const [frame] = parse([chunk]);
    if (frame?.kind !== 'value') throw new Error('expected a value');
    expect(frame.data.buffer).toBe(chunk.buffer);
    expect(frame.data.byteOffset).toBe(15);
    expect(frame.key.buffer).toBe(chunk.buffer);
  });

  it('reads 1 MB values whole, in 64 KB chunks and byte by byte', () => {
    const value = new Uint8Array(1024 * 1024).map((_, index) => (index * 7) % 256);
    const reply = Buffer.concat([bytes('VALUE big 1 1048576\r\n'), value, bytes('\r\nEND\r\n')]);
    for (const pieces of [
      [reply],
      splitAt(
        reply,
        Array.from({ length: 17 }, (_, index) => index * 65536),
      ),
      byteByByte(reply),
    ]) {
      const frames = parse(pieces);
      expect(frames).toHaveLength(2);
      const [frame] = frames;
      if (frame?.kind !== 'value') throw new Error('expected a value');
      expect(Buffer.from(frame.data).equals(value)).toBe(true);
      expect(frame.data.constructor).toBe(Uint8Array);
      // Split, it is gathered in one allocation of exactly the block (never grown and copied again).
      if (pieces.length > 1) expect(frame.data.buffer.byteLength).toBe(value.length + 2);
    }
  });

  it('counts the bytes it holds and drops them on reset', () => {
    const parser = new ResponseParser();
    const frames: Frame[] = [];
    parser.feed(bytes('VALUE k 0 10\r\nhello'), (frame) => frames.push(frame));
    expect(parser.buffered).toBe(5);
    parser.reset();
    expect(parser.buffered).toBe(0);
    parser.feed(bytes('STOR'), (frame) => frames.push(frame));
    expect(parser.buffered).toBe(4);
    parser.feed(bytes('ED\r\n'), (frame) => frames.push(frame));
    expect(frames).toEqual([{ kind: 'status', status: 'STORED' }]);
    expect(parser.buffered).toBe(0);
  });

  const garbage: Array<[string, string]> = [
    ['an unknown line', 'HELLO\r\n'],
    ['an unknown two-letter code', 'ZZ\r\n'],
    ['a status word with trailing text', 'STORED x\r\n'],
    ['an empty line', '\r\n'],
    ['a bare newline', 'STORED\n'],
    ['a VALUE line without a size', 'VALUE k 0\r\n'],
    ['a VALUE line with a bad flag', 'VALUE k x 1\r\na\r\n'],
    ['a VALUE line with flags over 32 bits', 'VALUE k 4294967296 1\r\na\r\n'],
    ['a VALUE line with an empty key', 'VALUE  0 1\r\na\r\n'],
    ['a VALUE line with a bad cas', 'VALUE k 0 1 x\r\na\r\n'],
    ['a cas over 64 bits', 'VALUE k 0 1 18446744073709551616\r\na\r\n'],
    ['a data block not followed by \\r\\n', 'VALUE k 0 1\r\nabc\r\n'],
    ['a number over 64 bits', '18446744073709551616\r\n'],
    ['a number with letters', '12ab\r\n'],
    ['a VA line without a size', 'VA\r\n'],
    ['a VA line with a bad size', 'VA x\r\n'],
    ['a meta line with an empty flag', 'HD  t1\r\n'],
    ['an ME line without pairs in form', 'ME k oops\r\n'],
    ['a STAT line without a name', 'STAT \r\n'],
  ];
  for (const [name, reply] of garbage) {
    it(`throws MemcacheProtocolError on ${name}, however it is split`, () => {
      expect(() => parse([bytes(reply)])).toThrow(MemcacheProtocolError);
      expect(() => parse(byteByByte(bytes(reply)))).toThrow(MemcacheProtocolError);
    });
  }

  it('reads hits split in two at every byte as it reads them whole (the one-pass VALUE header)', () => {
    const reply = bytes(
      'VALUE k:1 16 5\r\nhello\r\nVALUE k:22 4294967295 7 18446744073709551615\r\n\r\nEND\r\n\r\nVALUE k:3 0 0\r\n\r\nEND\r\n',
    );
    const whole = plain(parse([reply]));
    expect(whole).toEqual([
      { kind: 'value', key: 'k:1', flags: 16, cas: undefined, data: 'hello' },
      { kind: 'value', key: 'k:22', flags: 4294967295, cas: 18446744073709551615n, data: '\r\nEND\r\n' },
      { kind: 'value', key: 'k:3', flags: 0, cas: undefined, data: '' },
      { kind: 'end' },
    ]);
    for (let split = 1; split < reply.length; split++) {
      expect(plain(parse(splitAt(reply, [split])))).toEqual(whole);
    }
  });

  it('refuses in one piece what it refuses line by line: a header odd in any field', () => {
    const odd = [
      'VALUE k 0 01x\r\nabc\r\n',
      'VALUE k\t0 1\r\na\r\n',
      'VALUE k 0 1 \r\na\r\n',
      'VALUE k 00000000001 1\r\na\r\n',
      'VALUE k 0 12345678901\r\n',
      'VALUE k 0 1\r\r\na\r\n',
      'VALUE k 0 1\n',
    ];
    for (const reply of odd) {
      expect(() => parse([bytes(reply)])).toThrow(MemcacheProtocolError);
      expect(() => parse(byteByByte(bytes(reply)))).toThrow(MemcacheProtocolError);
    }
  });

  it('throws MemcacheProtocolError on an endless line', () => {
    const parser = new ResponseParser();
    expect(() => parser.feed(new Uint8Array(20000).fill(65), () => {})).toThrow(MemcacheProtocolError);
    const second = new ResponseParser();
    expect(() => {
      for (let index = 0; index < 20; index++) second.feed(new Uint8Array(1000).fill(65), () => {});
    }).toThrow(MemcacheProtocolError);
  });

  describe('reads received straight into blockRoom()', () => {
    it('has no room when no block spans chunks', () => {
      const parser = new ResponseParser();
      expect(parser.blockRoom()).toBeUndefined();
      parser.feed(bytes('VALUE k 0 3\r\nabc\r\nVAL'), () => {});
      expect(parser.blockRoom()).toBeUndefined();
    });

    it('offers the rest of the block, never past its end, and does not copy what lands there', () => {
      const parser = new ResponseParser();
      const frames: Frame[] = [];
      parser.feed(bytes('VALUE k 0 10\r\nhel'), (frame) => frames.push(frame));
      const room = parser.blockRoom()!;
      expect(room.length).toBe(7 + 2); // the rest of the value and its \r\n
      room.set(bytes('lo worl\r\n'));
      parser.feed(room, (frame) => frames.push(frame));
      parser.feed(bytes('END\r\n'), (frame) => frames.push(frame));
      expect(plain(frames)).toEqual(plain(parse([bytes('VALUE k 0 10\r\nhello worl\r\nEND\r\n')])));
      const [frame] = frames;
      if (frame?.kind !== 'value') throw new Error('expected a value');
      expect(frame.data.buffer).toBe(room.buffer);
      expect(parser.blockRoom()).toBeUndefined();
    });

    it('gives the same frames as ordinary chunks, for every read size and split', () => {
      const every = new Uint8Array(256).map((_, index) => index);
      const reply = Buffer.concat([
        bytes('VALUE a 0 256\r\n'),
        every,
        bytes('\r\nVALUE b 5 0\r\n\r\nEND\r\nVA 300 t1\r\n'),
        every,
        every.subarray(0, 44),
        bytes('\r\nHD\r\nSTORED\r\n'),
      ]);
      const expected = plain(parse([reply]));
      for (let readSize = 1; readSize <= reply.length; readSize++) {
        expect(plain(parseInPlace(reply, readSize))).toEqual(expected);
      }
    });

    it('reads 1 MB and 5 MB values in place, in 64 KB reads, with one buffer per value', () => {
      for (const size of [1_000_000, 5 * 1024 * 1024 + 3]) {
        const value = new Uint8Array(size).map((_, index) => (index * 13) % 251);
        const reply = Buffer.concat([bytes(`VALUE big 0 ${size}\r\n`), value, bytes('\r\nEND\r\n')]);
        const frames = parseInPlace(reply, 65536);
        expect(frames.map((frame) => frame.kind)).toEqual(['value', 'end']);
        const [frame] = frames;
        if (frame?.kind !== 'value') throw new Error('expected a value');
        expect(Buffer.from(frame.data).equals(value)).toBe(true);
        expect(frame.data.buffer.byteLength).toBe(size + 2);
      }
    });

    it('grows a lying block only as bytes arrive: a full buffer offers no room', () => {
      const parser = new ResponseParser({ maxValueBytes: MEMCACHED_ITEM_LIMIT });
      parser.feed(bytes(`VALUE a 0 ${MEMCACHED_ITEM_LIMIT}\r\nabc`), () => {});
      const room = parser.blockRoom()!;
      expect(room.length).toBeLessThanOrEqual(1024 * 1024);
      parser.feed(room, () => {});
      expect(parser.buffered).toBe(room.length + 3);
      expect(parser.blockRoom()).toBeUndefined();
      parser.feed(bytes('more'), () => {});
      expect(parser.blockRoom()!.length).toBeLessThanOrEqual(2 * parser.buffered);
    });
  });

  describe('bounded memory whatever the server announces', () => {
    it('refuses a VALUE or VA header above maxValueBytes at once', () => {
      const parser = () => new ResponseParser({ maxValueBytes: 10 });
      expect(() => parser().feed(bytes('VALUE a 0 11\r\n'), () => {})).toThrow(/maxValueBytes/);
      expect(() => parser().feed(bytes('VA 11 t\r\n'), () => {})).toThrow(MemcacheProtocolError);
      const frames: Frame[] = [];
      parser().feed(bytes('VALUE a 0 10\r\n0123456789\r\nVA 10\r\n0123456789\r\n'), (frame) =>
        frames.push(frame),
      );
      expect(frames.map((frame) => frame.kind)).toEqual(['value', 'meta']);
    });

    it('refuses a 4 GB VALUE header by default, without allocating', () => {
      expect(DEFAULT_MAX_VALUE_BYTES).toBeLessThanOrEqual(MEMCACHED_ITEM_LIMIT);
      expect(MEMCACHED_ITEM_LIMIT).toBe(1024 * 1024 * 1024);
      const before = process.memoryUsage().arrayBuffers;
      expect(() => new ResponseParser().feed(bytes('VALUE a 0 4294967295\r\n'), () => {})).toThrow(
        MemcacheProtocolError,
      );
      expect(() => new ResponseParser().feed(bytes('VA 99999999999\r\n'), () => {})).toThrow(
        MemcacheProtocolError,
      );
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
    });

    it('grows a block as its bytes arrive instead of trusting the announced length', () => {
      const parser = new ResponseParser({ maxValueBytes: MEMCACHED_ITEM_LIMIT });
      const before = process.memoryUsage().arrayBuffers;
      parser.feed(bytes(`VALUE a 0 ${MEMCACHED_ITEM_LIMIT}\r\nabc`), () => {});
      expect(parser.buffered).toBe(3);
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
    });

    it('reads a 5 MB value through the growing buffer, however it is split', () => {
      const value = new Uint8Array(5 * 1024 * 1024 + 3).map((_, index) => (index * 13) % 251);
      const reply = Buffer.concat([bytes(`VA ${value.length} f0\r\n`), value, bytes('\r\nHD\r\n')]);
      const offsets = [7, 100, 1_500_000, 1_500_001, 4_000_000, reply.length - 3];
      for (const pieces of [
        splitAt(reply, offsets),
        splitAt(
          reply,
          Array.from({ length: 90 }, (_, i) => i * 65536),
        ),
      ]) {
        const frames = parse(pieces);
        expect(frames).toHaveLength(2);
        const [frame] = frames;
        if (frame?.kind !== 'meta') throw new Error('expected a meta frame');
        expect(Buffer.from(frame.data!).equals(value)).toBe(true);
      }
    });

    it('refuses a maxValueBytes above the item limit or not a whole number', () => {
      for (const maxValueBytes of [MEMCACHED_ITEM_LIMIT + 1, -1, 1.5, Number.NaN]) {
        expect(() => new ResponseParser({ maxValueBytes })).toThrow(/maxValueBytes/);
      }
      expect(() => new ResponseParser({ maxValueBytes: MEMCACHED_ITEM_LIMIT })).not.toThrow();
    });
  });
});
