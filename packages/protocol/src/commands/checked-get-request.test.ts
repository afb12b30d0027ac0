import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commands } from '../commands.js';
import type { Chunk, Frame, Key } from '../types.js';
import { validateKey } from '../validate-key.js';
import { checkedGetLine, checkedGetRequest } from './checked-get-request.js';

const wire = (chunks: Chunk[]) => Buffer.concat(chunks.map((chunk) => Buffer.from(chunk)));

describe('checkedGetRequest', () => {
  it('writes the bytes commands.get/gets write for the same checked keys, and reads hits the same way', () => {
    const key = fc.oneof(
      fc.stringMatching(/^[!-~]{1,40}$/),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
      fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => bytes.map((byte) => byte | 0x21)),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('get' as const, 'gets' as const),
        fc.array(key, { minLength: 1, maxLength: 30 }),
        (command, given) => {
          let keys: Key[];
          try {
            keys = given.map(validateKey);
          } catch {
            return; // only checked keys come here
          }
          const expected = commands[command].request(keys);
          const request = checkedGetRequest(command, keys);
          expect(wire(request.chunks).equals(wire(expected.chunks))).toBe(true);
          expect(request.command).toBe(command);
          const last = keys.length - 1;
          const hit: Frame = {
            kind: 'value',
            key: Buffer.from(keys[last]!),
            flags: 5,
            cas: undefined,
            data: Buffer.from('v'),
          };
          for (const reader of [request.reader!, expected.reader!]) {
            reader.push(hit);
            expect(reader.push({ kind: 'end' })).toBe(true);
          }
          expect(request.reader!.result()).toEqual(expected.reader!.result());
        },
      ),
    );
  });

  it('sends string keys as one line and byte keys as their own chunks, uncopied', () => {
    const bytes = Buffer.from('b');
    const request = checkedGetRequest('get', ['a', bytes, 'c']);
    expect(request.chunks).toEqual(['get a ', bytes, ' c\r\n']);
    expect(request.chunks[1]).toBe(bytes);
    expect(checkedGetRequest('gets', ['x', 'y']).chunks).toEqual(['gets x y\r\n']);
    // The line alone, for a reader of the transport's own.
    expect(checkedGetLine('get', ['a', bytes, 'c'])).toEqual(request.chunks);
    expect(checkedGetLine('gets', ['x'])).toEqual(['gets x\r\n']);
  });
});
