import { MemcacheDeserializeError } from '@mc/protocol';
import { decompressFlagged, foreignInflateLimit } from './compression.js';
import {
  FLAG_BYTES,
  FLAG_INTEGER,
  FLAG_JSON,
  FLAG_LONG,
  FLAG_PICKLE,
  FLAG_TEXT,
  SERDE_FLAG_BITS,
} from './flags.js';
import { integerText } from './integer-text.js';
import { decodeJson } from './json-text.js';
import { pickleLoads } from './pickle-loads.js';
import { decodeUtf8 } from './utf8.js';

/** A format a serde reads beyond the shared ones: its flag and its decoder. */
export interface OwnFormat {
  flag: number;
  decode(value: Uint8Array): unknown;
}

/**
 * The reading every built-in serde shares. Whatever wrote the value, these are safe to decode,
 * so switching serdes never strands what is already cached:
 *
 *   compressed bit (8)  → inflate first (at most maxDecompressedSize, else foreignInflateLimit), then go on with the remaining flags
 *   0 bytes · 16 text · 2 and 4 integers · 1 pickle (never runs code) · 32 JSON
 *   own.flag            → own.decode (msgpack, V8)
 *   anything else       → MemcacheDeserializeError
 *
 * Only the bits @mc/serde owns (SERDE_FLAG_BITS, 0 to 9) are looked at: bits 10 to 31 are the
 * application's own and never change how a value decodes.
 */
export function readValue(
  value: Uint8Array,
  flags: number,
  own?: OwnFormat,
  maxDecompressedSize?: number,
): unknown {
  const serdeFlags = flags & SERDE_FLAG_BITS;
  // The two formats of almost every hit, read without going through decompression's result.
  if (serdeFlags === FLAG_TEXT) return decodeUtf8(value);
  if (serdeFlags === FLAG_BYTES) return value;
  const plain = decompressFlagged(
    value,
    serdeFlags,
    maxDecompressedSize ?? foreignInflateLimit(value.length),
  );
  switch (plain.flags) {
    case FLAG_BYTES:
      return plain.value;
    case FLAG_TEXT:
      return decodeUtf8(plain.value);
    case FLAG_INTEGER:
    case FLAG_LONG:
      return integerText(plain.value);
    case FLAG_PICKLE:
      return pickleLoads(plain.value);
    case FLAG_JSON:
      return decodeJson(plain.value);
    default:
      if (own !== undefined && plain.flags === own.flag) return own.decode(plain.value);
      throw new MemcacheDeserializeError(
        `Unknown flags ${flags}: no format of this serde is stored that way`,
      );
  }
}
