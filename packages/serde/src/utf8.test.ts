import { MemcacheDeserializeError } from '@mc/protocol';
import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from './utf8.js';

describe('decodeUtf8', () => {
  it('decodes text, keeping a leading byte order mark as a character', () => {
    expect(decodeUtf8(Buffer.from('héllo ✓'))).toBe('héllo ✓');
    expect(decodeUtf8(Buffer.from('\ufeffbom'))).toBe('\ufeffbom');
    expect(decodeUtf8(new Uint8Array())).toBe('');
  });

  it.each([[[0xff]], [[0xc3]], [[0xed, 0xa0, 0x80]], [[0x61, 0x80, 0x62]]])(
    'refuses malformed UTF-8 %j with a typed error',
    (bytes) => {
      expect(() => decodeUtf8(Uint8Array.from(bytes))).toThrow(MemcacheDeserializeError);
    },
  );
});
