import { describe, expect, it } from 'vitest';
import { defaultSerde } from './default-serde.js';
import { FLAG_TEXT } from './flags.js';
import { jsonSerde } from './json-serde.js';
import { msgpackSerde } from './msgpack-serde.js';
import { createPickleSerde, pickleSerde } from './pickle-serde.js';
import { structuredSerde } from './structured-serde.js';
import { textFlags } from './text-fast-paths.js';

describe('textFlags', () => {
  const strings = ['', 'plain', 'héllo wörld', '\ud83d\ude00 and more', 'x'.repeat(5000)];

  it('names the flags of the serdes that store a string as its own UTF-8, as serialize does', () => {
    for (const serde of [defaultSerde, pickleSerde, createPickleSerde({ protocol: 2 })]) {
      expect(textFlags(serde)).toBe(FLAG_TEXT);
      for (const text of strings) {
        const encoded = serde.serialize('k', text);
        expect(encoded.flags).toBe(textFlags(serde));
        expect(Buffer.from(encoded.value).equals(Buffer.from(text, 'utf8'))).toBe(true);
      }
    }
  });

  it('is undefined for any other serde, a copy or a wrapper of one that stores text as UTF-8', () => {
    for (const serde of [jsonSerde, msgpackSerde, structuredSerde, { ...defaultSerde }]) {
      expect(textFlags(serde)).toBeUndefined();
    }
    const wrapped = { serialize: defaultSerde.serialize, deserialize: defaultSerde.deserialize };
    expect(textFlags(wrapped)).toBeUndefined();
  });
});
