import { Writable } from 'node:stream';
import type { Chunk } from '@mc/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WriteBatch } from './write-batch.js';

/** A real Writable that records each write it receives (after corking, as the socket would). */
function sink(highWaterMark = 16 * 1024) {
  const writes: Buffer[] = [];
  let calls = 0;
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      writes.push(Buffer.from(chunk));
      callback();
    },
    writev(chunks, callback) {
      writes.push(Buffer.concat(chunks.map(({ chunk }) => Buffer.from(chunk as Buffer))));
      callback();
    },
  });
  const write = stream.write.bind(stream);
  stream.write = ((...args: Parameters<typeof write>) => {
    calls++;
    return write(...args);
  }) as typeof stream.write;
  return { stream, writes, calls: () => calls };
}

function run(chunks: Chunk[], highWaterMark?: number) {
  const { stream, writes, calls } = sink(highWaterMark);
  const batch = new WriteBatch();
  batch.begin(stream);
  for (const chunk of chunks) batch.add(chunk);
  const writable = batch.end();
  return { writes, calls: calls(), writable, bytes: Buffer.concat(writes) };
}

/** Runs a batch into a stream that keeps each chunk as written (strings stay strings). */
function runKeepingChunks(chunks: Chunk[]) {
  const seen: unknown[] = [];
  const stream = new Writable({
    highWaterMark: 1 << 20,
    decodeStrings: false,
    write(chunk, _encoding, callback) {
      seen.push(chunk);
      callback();
    },
    writev(items, callback) {
      for (const { chunk } of items) seen.push(chunk);
      callback();
    },
  });
  const batch = new WriteBatch();
  batch.begin(stream);
  for (const chunk of chunks) batch.add(chunk);
  return { seen, writable: batch.end() };
}

const expected = (chunks: Chunk[]) => Buffer.concat(chunks.map((chunk) => Buffer.from(chunk)));

describe('WriteBatch', () => {
  it('joins text into one write', () => {
    const chunks = ['get a\r\n', 'get b\r\n', 'get é\r\n'];
    const result = run(chunks);
    expect(result.calls).toBe(1);
    expect(result.bytes.equals(expected(chunks))).toBe(true);
  });

  it('copies small values into the same write', () => {
    const chunks: Chunk[] = ['set k 0 0 3\r\n', Buffer.from('abc'), '\r\n', 'get k\r\n'];
    const result = run(chunks);
    expect(result.calls).toBe(1);
    expect(result.bytes.equals(expected(chunks))).toBe(true);
  });

  it('passes a large value through uncopied, in one corked system write', () => {
    const large = new Uint8Array(100_000).fill(7);
    const chunks: Chunk[] = ['set big 0 0 100000\r\n', large, '\r\n'];
    const { seen, writable } = runKeepingChunks(chunks);
    expect(writable).toBe(true);
    expect(seen.some((chunk) => chunk === large || (chunk as Buffer).buffer === large.buffer)).toBe(true);
    expect(Buffer.concat(seen.map((chunk) => Buffer.from(chunk as Buffer))).equals(expected(chunks))).toBe(
      true,
    );
  });

  it('reports a stream that wants no more', () => {
    const result = run(['x'.repeat(64), new Uint8Array(10_000)], 1024);
    expect(result.writable).toBe(false);
  });

  it('says when it is full, and emit() hands over what it holds', () => {
    const { stream, writes } = sink(1 << 30);
    const batch = new WriteBatch();
    batch.begin(stream);
    for (let index = 0; index < 9; index++) batch.add('a'.repeat(8 * 1024));
    expect(batch.full).toBe(true);
    batch.emit();
    expect(batch.full).toBe(false);
    batch.add('tail');
    batch.end();
    expect(Buffer.concat(writes).toString()).toBe('a'.repeat(72 * 1024) + 'tail');
  });

  it('writes a long text (a large value sent as a string) on its own, not joined to the rest', () => {
    const long = 'é'.repeat(20_000);
    const chunks: Chunk[] = [`set big 0 0 ${Buffer.byteLength(long)}\r\n`, long, '\r\n', 'get big\r\n'];
    const { seen } = runKeepingChunks(chunks);
    expect(seen).toContain(long);
    expect(Buffer.concat(seen.map((chunk) => Buffer.from(chunk as string))).equals(expected(chunks))).toBe(
      true,
    );
  });

  it('writes exactly the bytes given, in order, for any mix of chunks', () => {
    const chunk = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.uint8Array({ maxLength: 64 }),
      fc
        .integer({ min: 4000, max: 9000 })
        .map((length) => new Uint8Array(length).map((_, index) => index & 0xff)),
      fc.integer({ min: 16_000, max: 17_000 }).map((length) => 'ü'.repeat(length)),
    );
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 40 }), (chunks) => {
        expect(run(chunks).bytes.equals(expected(chunks))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('never changes bytes already handed over, while later batches fill the same buffer', () => {
    // The stream keeps each write's buffer uncopied (as a busy socket does) until the end.
    const held: Uint8Array[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        held.push(chunk);
        callback();
      },
    });
    const batch = new WriteBatch();
    const sent: Buffer[] = [];
    const value = new Uint8Array(100);
    for (let round = 0; round < 300; round++) {
      batch.begin(stream);
      // A text of several bytes per character, so the header's byte length is not its length.
      const chunks: Chunk[] = [`set é${round} 0 0 100\r\n`, value.fill(round & 0xff), '\r\n'];
      for (const chunk of chunks) batch.add(chunk);
      sent.push(...chunks.map((chunk) => Buffer.from(chunk)));
      batch.end();
    }
    value.fill(0xee);
    expect(Buffer.concat(held).equals(Buffer.concat(sent))).toBe(true);
  });

  it('grows past its first buffer when one batch holds more than 16 KB of small values and text', () => {
    const chunks: Chunk[] = [];
    for (let index = 0; index < 400; index++)
      chunks.push(
        `set k${index} 0 0 100 ${'ü'.repeat(index % 50)}\r\n`,
        new Uint8Array(100).fill(index & 0xff),
        '\r\n',
      );
    const result = run(chunks);
    expect(result.bytes.equals(expected(chunks))).toBe(true);
  });
});
