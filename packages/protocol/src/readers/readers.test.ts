import { describe, expect, it } from 'vitest';
import { commands } from '../commands.js';
import { MemcacheClientError, MemcacheProtocolError, MemcacheServerError } from '../errors.js';
import type { Frame } from '../types.js';
import { RetrievalReader } from './retrieval-reader.js';
import { MAX_STATS_BYTES, MAX_STATS_LINES } from './stats-reader.js';

const value = (key: string, data: string): Frame => ({
  kind: 'value',
  key: Buffer.from(key),
  flags: 0,
  cas: undefined,
  data: Buffer.from(data),
});
const status = (word: 'STORED' | 'NOT_FOUND' | 'OK' | 'DELETED'): Frame => ({ kind: 'status', status: word });
const meta = (code: 'HD' | 'EN' | 'MN' | 'VA' | 'NF', flags: Record<string, string> = {}): Frame => ({
  kind: 'meta',
  code,
  flags: new Map(Object.entries(flags)),
  data: undefined,
});
const serverError: Frame = {
  kind: 'error',
  error: new MemcacheServerError('SERVER_ERROR out of memory', { response: 'SERVER_ERROR out of memory' }),
  reset: true,
};

describe('reply readers', () => {
  it('pair hits that skip a miss or come out of order with their keys, and refuse a repeat after', () => {
    const reader = new RetrievalReader('get', ['a', 'b', 'c']);
    reader.push(value('b', '2'));
    reader.push(value('c', '3'));
    reader.push(value('a', '1'));
    expect(() => reader.push(value('b', '4'))).toThrow(/answered already/);
    const inOrder = new RetrievalReader('get', ['a', 'b']);
    inOrder.push(value('a', '1'));
    inOrder.push(value('b', '2'));
    inOrder.push({ kind: 'end' });
    expect(inOrder.result().map((hit) => hit.index)).toEqual([0, 1]);
    expect(commands.get.request(['a']).reader).toBeInstanceOf(RetrievalReader);
  });

  it('collect VALUE frames until END', () => {
    const reader = commands.get.request(['a', 'b']).reader!;
    expect(reader.push(value('a', '1'))).toBe(false);
    expect(reader.push(value('b', '2'))).toBe(false);
    expect(reader.push({ kind: 'end' })).toBe(true);
    expect(reader.result().map((hit) => Buffer.from(hit.value).toString())).toEqual(['1', '2']);
  });

  it('throw MemcacheProtocolError on a VALUE for a key not asked for: the stream is out of step', () => {
    const single = commands.get.request(['a']).reader!;
    expect(() => single.push(value('b', 'not yours'))).toThrow(MemcacheProtocolError);
    const many = commands.gets.request(['a', 'é', Buffer.from('c')]).reader!;
    expect(many.push(value('é', '2'))).toBe(false);
    expect(many.push(value('c', '3'))).toBe(false);
    expect(many.push(value('a', '1'))).toBe(false); // a proxy may reorder; still asked for
    expect(() => many.push(value('d', '4'))).toThrow(MemcacheProtocolError);
    const touched = commands.gat.request(0, ['k']).reader!;
    expect(() => touched.push(value('kk', '1'))).toThrow(MemcacheProtocolError);
    const prefix = commands.get.request(['ab']).reader!;
    expect(() => prefix.push(value('a', '1'))).toThrow(MemcacheProtocolError);
  });

  it('end a retrieval with an error line and drop the earlier hits', () => {
    const reader = commands.get.request(['a', 'b']).reader!;
    reader.push(value('a', '1'));
    expect(reader.push(serverError)).toBe(true);
    expect(() => reader.result()).toThrow(MemcacheServerError);
  });

  it('settle with MemcacheProtocolError when a frame does not fit the command', () => {
    const cases: Array<[() => { push(frame: Frame): boolean; result(): unknown }, Frame]> = [
      [() => commands.get.request(['a']).reader!, status('STORED')],
      [() => commands.set.request('k', new Uint8Array(0), 0, 0, false).reader!, status('DELETED')],
      [() => commands.set.request('k', new Uint8Array(0), 0, 0, false).reader!, { kind: 'end' }],
      [() => commands.incr.request('k', 1n, false).reader!, status('STORED')],
      [() => commands.version.request().reader!, status('OK')],
      [() => commands.stats.request([]).reader!, value('a', '1')],
      [() => commands.flushAll.request(undefined, false).reader!, status('STORED')],
      [() => commands.shutdown.request(false).reader!, status('OK')],
      [() => commands.metaGet.request('k', {}).reader!, meta('NF')],
      [() => commands.metaNoop.request().reader!, meta('HD')],
      [() => commands.metaSet.request('k', new Uint8Array(0), {}).reader!, { kind: 'end' }],
    ];
    for (const [make, frame] of cases) {
      const reader = make();
      expect(reader.push(frame)).toBe(true);
      expect(() => reader.result()).toThrow(MemcacheProtocolError);
    }
  });

  it('refuse to answer before the reply is complete', () => {
    const reader = commands.get.request(['a']).reader!;
    reader.push(value('a', '1'));
    expect(() => reader.result()).toThrow(MemcacheProtocolError);
    expect(() => commands.version.request().reader!.result()).toThrow(MemcacheProtocolError);
    expect(() => commands.stats.request([]).reader!.result()).toThrow(MemcacheProtocolError);
  });

  it('turn status words into results', () => {
    const read = <T>(reader: { push(frame: Frame): boolean; result(): T } | undefined, frame: Frame) => {
      reader!.push(frame);
      return reader!.result();
    };
    expect(read(commands.delete.request('k', false).reader, status('DELETED'))).toBe(true);
    expect(read(commands.delete.request('k', false).reader, status('NOT_FOUND'))).toBe(false);
    expect(read(commands.incr.request('k', 1n, false).reader, status('NOT_FOUND'))).toBeUndefined();
    expect(read(commands.incr.request('k', 1n, false).reader, { kind: 'number', value: 9n })).toBe(9n);
    expect(read(commands.verbosity.request(1, false).reader, status('OK'))).toBeUndefined();
    const clientError: Frame = {
      kind: 'error',
      error: new MemcacheClientError('CLIENT_ERROR x', { response: 'CLIENT_ERROR x' }),
      reset: true,
    };
    expect(() => read(commands.incr.request('k', 1n, false).reader, clientError)).toThrow(
      MemcacheClientError,
    );
  });

  it('settle a quiet meta request without a frame as its hidden nominal reply', () => {
    const reader = commands.metaGet.request('k', { quiet: true, opaque: 'a', value: true }).reader!;
    expect(reader.quiet).toBe(true);
    expect(reader.opaque).toBe('a');
    expect(reader.result()).toEqual({ code: 'EN', flags: new Map(), value: undefined });
    const deletion = commands.metaDelete.request('k', { quiet: true, opaque: '1' }).reader!;
    deletion.push(meta('NF', { O: '1' }));
    expect(deletion.result().code).toBe('NF');
  });

  it('take only a meta reply that echoes the opaque the request was given, loud or quiet', () => {
    // A loud request's reader used to take any reply of a fitting code, so one reply too many
    // shifted every later reply onto the wrong request.
    const loud = commands.metaGet.request('k', { opaque: '.7', value: true }).reader!;
    loud.push(meta('EN', { O: '.7' }));
    expect(loud.result().code).toBe('EN');
    for (const stray of [meta('EN'), meta('EN', { O: '.6' }), meta('HD', { O: '.70' })]) {
      const reader = commands.metaGet.request('k', { opaque: '.7', value: true }).reader!;
      reader.push(stray);
      expect(() => reader.result()).toThrow(MemcacheProtocolError);
      expect(() => reader.result()).toThrow(/opaque .* not "\.7"/);
    }
    const quiet = commands.metaSet.request('k', Buffer.from('v'), { quiet: true, opaque: 'q' }).reader!;
    quiet.push(meta('NF', { O: 'p' }));
    expect(() => quiet.result()).toThrow(MemcacheProtocolError);
    // Without an opaque there is nothing to check.
    const bare = commands.metaDelete.request('k', {}).reader!;
    bare.push(meta('HD'));
    expect(bare.result().code).toBe('HD');
  });

  it('refuse a second VALUE for a key already answered: at most one block per key asked', () => {
    const single = commands.get.request(['a']).reader!;
    expect(single.push(value('a', '1'))).toBe(false);
    expect(() => single.push(value('a', '2'))).toThrow(/answered already/);
    const many = commands.gets.request(['a', 'b']).reader!;
    many.push(value('a', '1'));
    many.push(value('b', '2'));
    expect(() => many.push(value('a', '3'))).toThrow(MemcacheProtocolError);
    // A key asked twice is answered twice (memcached does), and no more.
    const twice = commands.get.request(['a', 'a']).reader!;
    expect(twice.push(value('a', '1'))).toBe(false);
    expect(twice.push(value('a', '2'))).toBe(false);
    expect(() => twice.push(value('a', '3'))).toThrow(MemcacheProtocolError);
  });

  it('refuse an endless stats reply', () => {
    const stat = (name: string, text: string): Frame => ({ kind: 'stat', name, value: text });
    const lines = commands.stats.request([]).reader!;
    expect(() => {
      for (let index = 0; index <= MAX_STATS_LINES; index++) lines.push(stat(`s${index}`, '1'));
    }).toThrow(MemcacheProtocolError);
    const bytes = commands.stats.request([]).reader!;
    const big = 'x'.repeat(16 * 1024);
    expect(() => {
      for (let index = 0; index <= MAX_STATS_BYTES / big.length; index++) bytes.push(stat(`s${index}`, big));
    }).toThrow(MemcacheProtocolError);
  });
});
