import { describe, expect, it } from 'vitest';
import { commands } from '../commands.js';
import { MemcacheClientError, MemcacheProtocolError, MemcacheServerError } from '../errors.js';
import type { Frame } from '../types.js';
import { QuietRunReader, type QuietOutcome } from './quiet-run-reader.js';

const meta = (code: 'HD' | 'EN' | 'MN' | 'VA' | 'NS', flags: Record<string, string> = {}): Frame => ({
  kind: 'meta',
  code,
  flags: new Map(Object.entries(flags)),
  data: code === 'VA' ? Buffer.from('v') : undefined,
});
const tooLarge: Frame = {
  kind: 'error',
  error: new MemcacheServerError('SERVER_ERROR object too large for cache'),
  reset: false,
};
const badChunk: Frame = {
  kind: 'error',
  error: new MemcacheClientError('CLIENT_ERROR bad data chunk'),
  reset: true,
};

/** A run of quiet `ms` (opaques 1..n) read from `frames`. */
function run(count: number, frames: Frame[]): { done: boolean[]; outcomes: QuietOutcome[] } {
  const members = Array.from({ length: count }, (_, index) => {
    const request = commands.metaSet.request(`k${index}`, Buffer.from('v'), {
      quiet: true,
      opaque: String(index + 1),
    });
    return { chunks: request.chunks, member: { reader: request.reader!, opaque: String(index + 1) } };
  });
  const request = QuietRunReader.request(members);
  const reader = request.reader!;
  const done = frames.map((frame) => reader.push(frame));
  return { done, outcomes: reader.result() };
}

const kinds = (outcomes: QuietOutcome[]) => outcomes.map((outcome) => outcome.kind);

describe('QuietRunReader', () => {
  it('closes the run with mn and reads hidden replies as the nominal one', () => {
    const members = [
      {
        chunks: ['ms a 1 q O1\r\n'],
        member: {
          reader: commands.metaSet.request('a', Buffer.from('v'), { quiet: true, opaque: '1' }).reader!,
          opaque: '1',
        },
      },
    ];
    expect(QuietRunReader.request(members).chunks.join('')).toBe('ms a 1 q O1\r\nmn\r\n');
    const { done, outcomes } = run(3, [meta('MN')]);
    expect(done).toEqual([true]);
    expect(outcomes.map((outcome) => outcome.kind === 'reply' && outcome.reply.code)).toEqual([
      'HD',
      'HD',
      'HD',
    ]);
  });

  it('gives a reply to the member whose opaque it echoes', () => {
    const { outcomes } = run(3, [meta('NS', { O: '2' }), meta('MN')]);
    expect(outcomes.map((outcome) => outcome.kind === 'reply' && outcome.reply.code)).toEqual([
      'HD',
      'NS',
      'HD',
    ]);
  });

  it('leaves one error among two quiet requests ambiguous', () => {
    const { outcomes } = run(2, [tooLarge, meta('MN')]);
    expect(kinds(outcomes)).toEqual(['ambiguous', 'ambiguous']);
  });

  it('pins errors exactly when every passed-over member failed', () => {
    const { outcomes } = run(3, [tooLarge, meta('NS', { O: '2' }), tooLarge, meta('MN')]);
    expect(kinds(outcomes)).toEqual(['error', 'reply', 'error']);
    const { outcomes: alone } = run(1, [tooLarge, meta('MN')]);
    expect(kinds(alone)).toEqual(['error']);
  });

  it('ends the run at an error line that resets the stream', () => {
    const { done, outcomes } = run(2, [meta('NS', { O: '1' }), badChunk]);
    expect(done).toEqual([false, true]);
    expect(kinds(outcomes)).toEqual(['reply', 'error']);
  });

  it('throws on frames that no member can own', () => {
    expect(() => run(2, [meta('NS', { O: 'x' })])).toThrow(MemcacheProtocolError);
    expect(() => run(1, [tooLarge, tooLarge, meta('MN')])).toThrow(MemcacheProtocolError);
    expect(() => run(1, [meta('MN'), meta('MN')])).toThrow(MemcacheProtocolError);
  });
});
