import { encodeInteger, isInteger } from './integer-text.js';
import { FLAG_BYTES, FLAG_INTEGER, FLAG_JSON, FLAG_TEXT } from './flags.js';
import { encodeJson } from './json-text.js';
import { readValue } from './read-value.js';
import type { CacheValue, Serde, SerializedValue } from './serde.js';
import { encodeText } from './text-bytes.js';
import { readsTextAsUtf8, storesTextAsUtf8 } from './text-fast-paths.js';

/**
 * The serde a client uses unless told otherwise. It writes what pymemcache writes for bytes,
 * text and integers, so a Python service reads those as its own, and JSON for everything else:
 *
 *   Uint8Array / Buffer → 0      string → 16 (UTF-8)      safe integer, bigint → 2
 *   anything else → 32 (JSON)    undefined → MemcacheIllegalInputError
 *
 * It reads all of those, pymemcache's pickles (1) and longs (4), and compressed values (bit 8).
 */
export const defaultSerde: Serde<CacheValue> = {
  serialize(_key: string, value: CacheValue): SerializedValue {
    if (value instanceof Uint8Array) return { value, flags: FLAG_BYTES };
    if (typeof value === 'string') return { value: encodeText(value), flags: FLAG_TEXT };
    if (isInteger(value)) return { value: encodeInteger(value), flags: FLAG_INTEGER };
    return { value: encodeJson(value, 'defaultSerde'), flags: FLAG_JSON };
  },
  deserialize(_key: string, value: Uint8Array, flags: number): CacheValue {
    return readValue(value, flags) as CacheValue;
  },
};

storesTextAsUtf8(defaultSerde);
readsTextAsUtf8(defaultSerde);
