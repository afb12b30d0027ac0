import { describe, expect, it } from 'vitest';
import { keyToString } from './keys.js';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('keyToString', () => {
  it('names string keys as given and UTF-8 byte keys by their text, a leading BOM kept', () => {
    expect(keyToString('clé')).toBe('clé');
    expect(keyToString(bytes(0x63, 0x6c, 0xc3, 0xa9))).toBe('clé');
    expect(keyToString(bytes(0xef, 0xbb, 0xbf, 0x78))).toBe('\ufeffx');
    expect(keyToString(bytes(0xf0, 0x9f, 0x8e, 0x89))).toBe('🎉');
  });

  it('escapes each byte that is not valid UTF-8 as U+DC80 + byte, keeping the valid parts', () => {
    expect(keyToString(bytes(0x6b, 0xff))).toBe('k\udcff');
    expect(keyToString(bytes(0xc3, 0xa9, 0x80, 0x41))).toBe('é\udc80A');
    // A truncated sequence, an overlong form and an encoded surrogate are not UTF-8.
    expect(keyToString(bytes(0xe2, 0x82))).toBe('\udce2\udc82');
    expect(keyToString(bytes(0xc0, 0xaf))).toBe('\udcc0\udcaf');
    expect(keyToString(bytes(0xed, 0xa0, 0x80))).toBe('\udced\udca0\udc80');
  });

  it('gives distinct byte keys distinct names', () => {
    const names = new Set<string>();
    for (let first = 0x80; first <= 0xff; first++) {
      for (const second of [0x41, 0x80, 0xbf, 0xc3, 0xff]) names.add(keyToString(bytes(first, second)));
    }
    expect(names.size).toBe(128 * 5);
  });
});
