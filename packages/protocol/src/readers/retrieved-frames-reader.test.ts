import { describe, expect, it } from 'vitest';
import { retrieveFrames } from '../commands/retrieval-commands.js';
import { MemcacheProtocolError, MemcacheServerError } from '../errors.js';
import { ResponseParser } from '../response-parser.js';
import { splitAt } from '../test-support/replay.js';
import type { Frame, Key } from '../types.js';
import { type RetrievedFrames, RetrievedFramesReader } from './retrieved-frames-reader.js';

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

/** Feeds `pieces` to a fresh parser and the frames to a `retrieveFrames` reader; its result. */
function read(keys: Key[], pieces: readonly Uint8Array[], command: 'get' | 'gets' = 'get'): RetrievedFrames {
  const reader = retrieveFrames(command, keys).reader!;
  const parser = new ResponseParser();
  let done = false;
  for (const piece of pieces) {
    parser.feed(piece, (frame: Frame) => {
      expect(done).toBe(false);
      done = reader.push(frame);
    });
  }
  expect(done).toBe(true);
  return reader.result();
}

/** Each hit as [the key it answers, its key and data as text, flags, cas]. */
function described(keys: Key[], { frames, indexes }: RetrievedFrames): unknown[] {
  return frames.map((frame, position) => [
    keys[indexes[position]!],
    Buffer.from(frame.key).toString('latin1'),
    Buffer.from(frame.data).toString('latin1'),
    frame.flags,
    frame.cas,
  ]);
}

describe('retrieveFrames', () => {
  it('encodes the same line as get and gets', () => {
    expect(retrieveFrames('get', ['a', 'b']).chunks).toEqual(['get a b\r\n']);
    expect(retrieveFrames('gets', ['a']).command).toBe('gets');
    expect(() => retrieveFrames('get', [])).toThrow(/at least one key/);
    expect(() => retrieveFrames('get', ['a b'])).toThrow(/0x20/);
  });

  it('pairs every hit with the key it answers, split across reads at every byte', () => {
    const keys: Key[] = ['k:1', 'k:2', Buffer.from('k:3'), 'k:4'];
    const reply = bytes(
      'VALUE k:1 16 5\r\nhello\r\nVALUE k:3 0 7 9\r\n\r\nEND\r\n\r\nVALUE k:4 2 0\r\n\r\nEND\r\n',
    );
    const whole = described(keys, read(keys, [reply], 'gets'));
    expect(whole).toEqual([
      ['k:1', 'k:1', 'hello', 16, undefined],
      [keys[2], 'k:3', '\r\nEND\r\n', 0, 9n],
      ['k:4', 'k:4', '', 2, undefined],
    ]);
    for (let split = 1; split < reply.length; split++) {
      expect(described(keys, read(keys, splitAt(reply, [split]), 'gets'))).toEqual(whole);
    }
    const byByte = Array.from(reply, (byte) => Uint8Array.of(byte));
    expect(described(keys, read(keys, byByte, 'gets'))).toEqual(whole);
  });

  it('answers a key asked twice twice, and pairs UTF-8 keys', () => {
    const keys: Key[] = ['é', 'a', 'é'];
    const reply = Buffer.concat([
      Buffer.from('VALUE é 0 1\r\n1\r\nVALUE a 0 1\r\n2\r\nVALUE é 0 1\r\n3\r\nEND\r\n'),
    ]);
    const { indexes } = read(keys, [new Uint8Array(reply)]);
    expect(indexes).toEqual([0, 1, 2]);
  });

  it('refuses a key not asked for and a second value of a key asked once: the stream is out of step', () => {
    const cases: Array<[Key[], string, RegExp]> = [
      [['a', 'b'], 'VALUE c 0 1\r\nx\r\nEND\r\n', /not asked for/],
      [['a', 'b'], 'VALUE a 0 1\r\nx\r\nVALUE a 0 1\r\ny\r\nEND\r\n', /answered already/],
      [['ab'], 'VALUE a 0 1\r\nx\r\nEND\r\n', /not asked for/],
      [['a'], 'VALUE ab 0 1\r\nx\r\nEND\r\n', /not asked for/],
      [[Buffer.from('a')], 'VALUE b 0 1\r\nx\r\nEND\r\n', /not asked for/],
    ];
    for (const [keys, reply, message] of cases) {
      expect(() => read(keys, [bytes(reply)])).toThrow(MemcacheProtocolError);
      expect(() => read(keys, [bytes(reply)])).toThrow(message);
    }
  });

  it('drops the hits before an error line, and refuses a frame that is no retrieval reply', () => {
    const reader = retrieveFrames('get', ['a', 'b']).reader!;
    new ResponseParser().feed(bytes('VALUE a 0 1\r\n1\r\nSERVER_ERROR out of memory\r\n'), (frame) =>
      reader.push(frame),
    );
    expect(() => reader.result()).toThrow(MemcacheServerError);
    const stored = retrieveFrames('get', ['a']).reader!;
    expect(stored.push({ kind: 'status', status: 'STORED' })).toBe(true);
    expect(() => stored.result()).toThrow(MemcacheProtocolError);
    const early = retrieveFrames('get', ['a']).reader!;
    expect(() => early.result()).toThrow(/not complete/);
  });

  it('hands each hit to onHit as it is read and keeps none; an error line after keeps what was handed', () => {
    const seen: Array<[string, number]> = [];
    const reader = new RetrievedFramesReader('get', ['a', 'b', 'c'], (frame, index) => {
      seen.push([Buffer.from(frame.data).toString('latin1'), index]);
    });
    const parser = new ResponseParser();
    let done = false;
    parser.feed(bytes('VALUE c 0 1\r\n3\r\nVALUE a 0 1\r\n1'), (frame) => {
      done = reader.push(frame);
    });
    // Each hit is handed over before the reply is complete.
    expect(seen).toEqual([['3', 2]]);
    parser.feed(bytes('\r\nEND\r\n'), (frame) => {
      done = reader.push(frame);
    });
    expect(done).toBe(true);
    expect(seen).toEqual([
      ['3', 2],
      ['1', 0],
    ]);
    expect(reader.result()).toEqual({ frames: [], indexes: [] });
    const failing = new RetrievedFramesReader('get', ['a', 'b'], (_frame, index) =>
      seen.push(['hit', index]),
    );
    new ResponseParser().feed(bytes('VALUE b 0 1\r\n2\r\nSERVER_ERROR out of memory\r\n'), (frame) =>
      failing.push(frame),
    );
    expect(seen.at(-1)).toEqual(['hit', 1]);
    expect(() => failing.result()).toThrow(MemcacheServerError);
    const stranger = new RetrievedFramesReader('get', ['a'], () => seen.push(['stranger', -1]));
    const before = seen.length;
    expect(() =>
      new ResponseParser().feed(bytes('VALUE z 0 1\r\n9\r\nEND\r\n'), (frame) => stranger.push(frame)),
    ).toThrow(MemcacheProtocolError);
    expect(seen.length).toBe(before);
  });

  it('takes hand-made frames too (views, not the parser’s own frames)', () => {
    const reader = retrieveFrames('get', ['a', 'b']).reader!;
    const frame: Frame = { kind: 'value', key: bytes('b'), flags: 3, cas: undefined, data: bytes('2') };
    reader.push(frame);
    expect(() => reader.push({ ...frame, key: bytes('c') })).toThrow(MemcacheProtocolError);
    const done = retrieveFrames('get', ['a']).reader!;
    done.push({ kind: 'value', key: bytes('a'), flags: 0, cas: undefined, data: bytes('1') });
    done.push({ kind: 'end' });
    expect(done.result().indexes).toEqual([0]);
  });
});
