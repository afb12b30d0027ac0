import {
  commands,
  type Frame,
  MemcacheProtocolError,
  MemcacheServerError,
  type MetaCode,
} from '@mc/protocol';
import { describe, expect, it } from 'vitest';
import { type BatchEntry, MetaBatchReader } from './meta-batch-reader.js';

const quietSet = (key: string, opaque: string): BatchEntry => ({
  request: commands.metaSet.request(key, Uint8Array.of(1), { quiet: true, opaque }),
  opaque,
});
const loudDelete = (key: string): BatchEntry => ({ request: commands.metaDelete.request(key) });
const meta = (code: MetaCode, opaque?: string): Frame => ({
  kind: 'meta',
  code,
  flags: new Map(opaque === undefined ? [] : [['O', opaque]]),
  data: undefined,
});
const serverError = (): Frame => ({
  kind: 'error',
  error: new MemcacheServerError('SERVER_ERROR object too large for cache'),
  reset: false,
});

function run(entries: BatchEntry[], frames: Frame[]) {
  const request = MetaBatchReader.build(entries);
  const reader = request.reader as MetaBatchReader;
  const done = frames.map((frame) => reader.push(frame));
  const text = request.chunks
    .map((chunk) => (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1')))
    .join('');
  return { reader, done, text };
}

describe('MetaBatchReader', () => {
  it('puts mn after each run of quiet requests, and only there', () => {
    const { text } = run([quietSet('a', '1'), quietSet('b', '2'), loudDelete('c'), quietSet('d', '3')], []);
    expect(text.split('\r\n').filter((line) => /^m[sdn]/.test(line))).toEqual([
      'ms a 1 O1 q',
      'ms b 1 O2 q',
      'mn',
      'md c',
      'ms d 1 O3 q',
      'mn',
    ]);
  });

  it('settles hidden replies as nominal and visible ones by opaque', () => {
    const { reader, done } = run(
      [quietSet('a', '1'), quietSet('b', '2'), quietSet('c', '3')],
      [meta('NS', '2'), meta('MN')],
    );
    expect(done).toEqual([false, true]);
    expect(reader.result().map((outcome) => outcome.kind === 'reply' && outcome.reply.code)).toEqual([
      'HD',
      'NS',
      'HD',
    ]);
  });

  it('gives an error to the loud request it belongs to', () => {
    const { reader, done } = run(
      [quietSet('a', '1'), loudDelete('b'), quietSet('c', '3')],
      [meta('MN'), serverError(), meta('MN')],
    );
    expect(done).toEqual([false, false, true]);
    const [a, b, c] = reader.result();
    expect(a).toMatchObject({ kind: 'reply', reply: { code: 'HD' } });
    expect(b).toMatchObject({ kind: 'error' });
    expect((b as { error: unknown }).error).toBeInstanceOf(MemcacheServerError);
    expect(c).toMatchObject({ kind: 'reply', reply: { code: 'HD' } });
  });

  it('pairs errors with quiet requests when the counts match, else marks them ambiguous', () => {
    const exact = run([quietSet('a', '1'), quietSet('b', '2')], [serverError(), serverError(), meta('MN')]);
    expect(exact.reader.result().map((outcome) => outcome.kind)).toEqual(['error', 'error']);
    const unclear = run(
      [quietSet('a', '1'), quietSet('b', '2'), quietSet('c', '3'), quietSet('d', '4')],
      [serverError(), meta('NS', '3'), meta('MN')],
    );
    expect(unclear.reader.result().map((outcome) => outcome.kind)).toEqual([
      'ambiguous',
      'ambiguous',
      'reply',
      'reply',
    ]);
    const single = run(
      [quietSet('a', '1'), quietSet('b', '2')],
      [meta('NS', '1'), serverError(), meta('MN')],
    );
    expect(single.reader.result().map((outcome) => outcome.kind)).toEqual(['reply', 'error']);
  });

  it('keeps the outcomes known so far when the batch is cut off', () => {
    const { reader } = run(
      [quietSet('a', '1'), loudDelete('b'), quietSet('c', '3')],
      [meta('MN'), meta('HD')],
    );
    expect(reader.outcomes.map((outcome) => outcome?.kind)).toEqual(['reply', 'reply', undefined]);
    expect(reader.result()[2]).toMatchObject({ kind: 'error' });
  });

  it('refuses frames nobody in the batch expects', () => {
    const { reader } = run([quietSet('a', '1')], [meta('MN')]);
    expect(() => reader.push(meta('HD'))).toThrow(MemcacheProtocolError);
    const stray = run([quietSet('a', '1')], []);
    expect(() => stray.reader.push(meta('VA', 'zz'))).toThrow(MemcacheProtocolError);
    const misfit = run([loudDelete('b')], []);
    expect(() => misfit.reader.push(meta('VA'))).toThrow(MemcacheProtocolError);
  });
});
