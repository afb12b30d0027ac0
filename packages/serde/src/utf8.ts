import { Buffer, isUtf8 } from 'node:buffer';
import { decodeUtf8, MemcacheDeserializeError } from '@mc/protocol';

/** Strict UTF-8 decoding (malformed text is an error, never a silent U+FFFD), as the parser's text values get it. */
export { decodeUtf8 };

const encoder = new TextEncoder();

/** A lone UTF-16 surrogate: with the `u` flag, paired surrogates match as one code point instead. */
const LONE_SURROGATE = /\p{Cs}/u;

/** ES2024's String.prototype.isWellFormed (native in Node 20), which our ES2023 typings lack. */
const isWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/** True when the string holds a lone surrogate, which standard UTF-8 cannot carry. */
export function hasLoneSurrogate(text: string): boolean {
  return isWellFormed === undefined ? LONE_SURROGATE.test(text) : !isWellFormed.call(text);
}

/**
 * UTF-8 as Python's `surrogatepass` error handler writes it: pickle keeps lone surrogates this
 * way, so a string with one still survives a round trip through Python.
 */
export function encodeUtf8(text: string): Uint8Array {
  if (!hasLoneSurrogate(text)) return encoder.encode(text);
  const bytes: number[] = [];
  for (const character of text) {
    const point = character.codePointAt(0)!;
    if (point < 0x80) bytes.push(point);
    else if (point < 0x800) bytes.push(0xc0 | (point >> 6), 0x80 | (point & 0x3f));
    else if (point < 0x10000)
      bytes.push(0xe0 | (point >> 12), 0x80 | ((point >> 6) & 0x3f), 0x80 | (point & 0x3f));
    else
      bytes.push(
        0xf0 | (point >> 18),
        0x80 | ((point >> 12) & 0x3f),
        0x80 | ((point >> 6) & 0x3f),
        0x80 | (point & 0x3f),
      );
  }
  return Uint8Array.from(bytes);
}

/** Like decodeUtf8, and also accepts encoded surrogates, as Python's `surrogatepass` does. */
export function decodeUtf8SurrogatePass(bytes: Uint8Array, what = 'text'): string {
  return isUtf8(bytes) ? asBuffer(bytes).toString('utf8') : decodeSlowly(bytes, what);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function decodeSlowly(bytes: Uint8Array, what: string): string {
  const fail = (): never => {
    throw new MemcacheDeserializeError(`The ${what} is not valid UTF-8`);
  };
  const continuation = (index: number): number => {
    const byte = bytes[index];
    if (byte === undefined || (byte & 0xc0) !== 0x80) fail();
    return byte! & 0x3f;
  };
  let text = '';
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index]!;
    let point: number;
    if (lead < 0x80) {
      point = lead;
      index += 1;
    } else if (lead >= 0xc2 && lead < 0xe0) {
      point = ((lead & 0x1f) << 6) | continuation(index + 1);
      index += 2;
    } else if (lead >= 0xe0 && lead < 0xf0) {
      point = ((lead & 0x0f) << 12) | (continuation(index + 1) << 6) | continuation(index + 2);
      if (point < 0x800) fail();
      index += 3;
    } else if (lead >= 0xf0 && lead < 0xf5) {
      point =
        ((lead & 0x07) << 18) |
        (continuation(index + 1) << 12) |
        (continuation(index + 2) << 6) |
        continuation(index + 3);
      if (point < 0x10000 || point > 0x10ffff) fail();
      index += 4;
    } else {
      return fail();
    }
    text += String.fromCodePoint(point);
  }
  return text;
}
