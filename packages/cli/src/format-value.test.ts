import { describe, expect, it } from 'vitest';
import { formatValue, toJson } from './format-value.js';

describe('toJson', () => {
  it('prints bigints as bare digits, wherever they are', () => {
    expect(toJson(1180591620717411303424n)).toBe('1180591620717411303424');
    expect(toJson(-5n)).toBe('-5');
    expect(toJson({ a: [1n, 'x', 2n], b: { c: 3n } })).toBe('{"a":[1,"x",2],"b":{"c":3}}');
    expect(formatValue(1180591620717411303424n, true)).toBe('1180591620717411303424\n');
  });

  it('leaves strings alone, even ones that look like bigints', () => {
    expect(toJson(['123', 123n])).toBe('["123",123]');
    expect(toJson({ '1n': '"1"' })).toBe('{"1n":"\\"1\\""}');
  });

  it('still prints bytes as base64', () => {
    expect(toJson({ bytes: Buffer.from('hi'), view: new Uint8Array([104, 105]) })).toBe(
      '{"bytes":{"base64":"aGk="},"view":{"base64":"aGk="}}',
    );
  });

  // A Python dict with non-string keys, a set or a frozenset reads back as a Map or a Set,
  // which JSON.stringify printed as {}: memcli get showed an empty object and exited 0.
  it('prints Maps and Sets with their entries', () => {
    expect(
      formatValue(
        new Map<unknown, unknown>([
          [1, 'a'],
          [true, 'b'],
        ]),
        false,
      ),
    ).toBe('{"1":"a","true":"b"}\n');
    expect(formatValue(new Set([1, 2]), false)).toBe('[1,2]\n');
    expect(formatValue({ tags: new Set(['x']) }, true)).toBe('{"tags":["x"]}\n');
    // Keys JSON cannot name (a tuple) keep their shape as key and value pairs.
    expect(toJson(new Map<unknown, unknown>([[[1, 2], 'b']]))).toBe('[[[1,2],"b"]]');
    expect(toJson(new Map([[5n, 'big']]))).toBe('{"5":"big"}');
  });
});
