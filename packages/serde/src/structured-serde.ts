import v8 from 'node:v8';
import { FLAG_STRUCTURED } from './flags.js';
import { formatSerde } from './format-serde.js';
import type { CacheValue, Serde } from './serde.js';

/**
 * Every value through `node:v8` (the structured clone algorithm) under FLAG_STRUCTURED (128):
 * Date, Map, Set, BigInt, RegExp, typed arrays, Buffer, -0, NaN, undefined inside objects,
 * cycles and shared references all survive. Only Node.js reads it, and only a Node.js at least
 * as new as the writer. Reads the shared formats too (bytes, text, integers, pickle, JSON).
 *
 * Only for caches that only trusted writers can write: V8's deserializer has no hook and no
 * limits beyond the byte caps (a compressed value's inflation cap; no MAX_DECODED_CONTAINERS
 * or MAX_DECODED_ITEMS), so a hostile value of a few bytes can build huge structures: 15 bytes
 * decode to a sparse array of length 4,294,967,295, and every three bytes can be one more
 * empty object.
 */
export const structuredSerde: Serde<CacheValue> = formatSerde({
  name: 'structuredSerde',
  format: 'V8 structured-clone data',
  flag: FLAG_STRUCTURED,
  encode: (value) => v8.serialize(value),
  decode: (value) => v8.deserialize(value),
});
