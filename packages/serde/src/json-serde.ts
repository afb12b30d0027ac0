import { FLAG_JSON } from './flags.js';
import { encodeJson } from './json-text.js';
import { readValue } from './read-value.js';
import type { CacheValue, Serde, SerializedValue } from './serde.js';
import { readsTextAsUtf8 } from './text-fast-paths.js';

/**
 * Every value as JSON under FLAG_JSON (32), strings included, so any reader, in any language,
 * needs only a JSON parser. Reads the shared formats too (bytes, text, integers, pickle).
 */
export const jsonSerde: Serde<CacheValue> = {
  serialize(_key: string, value: CacheValue): SerializedValue {
    return { value: encodeJson(value, 'jsonSerde'), flags: FLAG_JSON };
  },
  deserialize(_key: string, value: Uint8Array, flags: number): CacheValue {
    return readValue(value, flags) as CacheValue;
  },
};

readsTextAsUtf8(jsonSerde);
