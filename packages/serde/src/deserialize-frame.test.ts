import { type Frame, MemcacheDeserializeError, ResponseParser, ValueFrame } from '@mc/protocol';
import { describe, expect, it } from 'vitest';
import { compressedSerde } from './compressed-serde.js';
import { defaultSerde } from './default-serde.js';
import { deserializeFrame } from './deserialize-frame.js';
import { FLAG_BYTES, FLAG_TEXT } from './flags.js';
import { jsonSerde } from './json-serde.js';
import { msgpackSerde } from './msgpack-serde.js';
import { pickleSerde } from './pickle-serde.js';
import type { Serde } from './serde.js';

/** The one value frame of `VALUE k <flags> <size>\r\n<value>\r\n`, as the parser cuts it. */
function frameOf(value: Uint8Array, flags: number): ValueFrame {
  const reply = Buffer.concat([
    Buffer.from(`VALUE k ${flags} ${value.length}\r\n`),
    value,
    Buffer.from('\r\n'),
  ]);
  let found: Frame | undefined;
  new ResponseParser().feed(new Uint8Array(reply), (frame) => {
    found = frame;
  });
  expect(found).toBeInstanceOf(ValueFrame);
  return found as ValueFrame;
}

describe('deserializeFrame', () => {
  it('reads what deserialize reads, for every built-in serde and format', () => {
    const readers: Serde<unknown>[] = [defaultSerde, jsonSerde, pickleSerde, msgpackSerde, compressedSerde()];
    const writers: Serde<unknown>[] = [defaultSerde, compressedSerde(defaultSerde, { minSize: 0 })];
    const values: unknown[] = ['text', 'hé ✓', '', 42, 2n ** 70n, { a: [1, 'b'] }, new Uint8Array([0, 255])];
    for (const writer of writers) {
      for (const value of values) {
        const { value: bytes, flags } = writer.serialize('k', value);
        for (const reader of readers) {
          expect(deserializeFrame(reader, 'k', frameOf(bytes, flags))).toEqual(
            reader.deserialize('k', bytes, flags),
          );
        }
      }
    }
  });

  it('refuses malformed text as deserialize does, with MemcacheDeserializeError and never U+FFFD', () => {
    const bad = Uint8Array.of(0x61, 0xff, 0x62);
    expect(() => defaultSerde.deserialize('k', bad, FLAG_TEXT)).toThrow(MemcacheDeserializeError);
    for (const serde of [defaultSerde, jsonSerde, pickleSerde]) {
      expect(() => deserializeFrame(serde, 'k', frameOf(bad, FLAG_TEXT))).toThrow(MemcacheDeserializeError);
      expect(() => deserializeFrame(serde, 'k', frameOf(bad, FLAG_TEXT | (1 << 20)))).toThrow(
        /not valid UTF-8/,
      );
    }
  });

  it('hands any other serde the bytes, as deserialize(key, data, flags)', () => {
    const calls: Array<[string, string, number]> = [];
    const own: Serde<string> = {
      serialize: (_key, value) => ({ value: Buffer.from(value), flags: FLAG_TEXT }),
      deserialize: (key, value, flags) => {
        calls.push([key, Buffer.from(value).toString('latin1'), flags]);
        return 'own';
      },
    };
    expect(deserializeFrame(own, 'name', frameOf(Buffer.from('abc'), FLAG_TEXT))).toBe('own');
    expect(deserializeFrame(own, 'name', frameOf(Uint8Array.of(0xff), FLAG_BYTES))).toBe('own');
    expect(calls).toEqual([
      ['name', 'abc', FLAG_TEXT],
      ['name', '\xff', FLAG_BYTES],
    ]);
  });

  it('takes hand-made frames too', () => {
    const frame: Frame = {
      kind: 'value',
      key: Buffer.from('k'),
      flags: FLAG_TEXT,
      cas: undefined,
      data: Buffer.from('hi'),
    };
    expect(deserializeFrame(defaultSerde, 'k', frame)).toBe('hi');
  });
});
