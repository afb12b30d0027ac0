import v8 from 'node:v8';
import { MemcacheDeserializeError, MemcacheIllegalInputError } from '@mc/protocol';
import { FLAG_STRUCTURED } from './flags.js';
import { type OwnFormat, readValue } from './read-value.js';
import { refuseUnstorable } from './refuse-unstorable.js';
import type { CacheValue, Serde, SerializedValue } from './serde.js';

const structured: OwnFormat = {
  flag: FLAG_STRUCTURED,
  decode(value) {
    try {
      return v8.deserialize(value);
    } catch (error) {
      throw new MemcacheDeserializeError('The value is not a V8 structured clone this Node.js can read', {
        cause: error,
      });
    }
  },
};

/**
 * Every value through `node:v8` (the structured clone algorithm) under FLAG_STRUCTURED (128):
 * Date, Map, Set, BigInt, RegExp, typed arrays, Buffer, -0, NaN, undefined inside objects,
 * cycles and shared references all survive. Only Node.js reads it, and only a Node.js at least
 * as new as the writer. Reads the shared formats too (bytes, text, integers, pickle, JSON).
 */
export const structuredSerde: Serde<CacheValue> = {
  serialize(_key: string, value: CacheValue): SerializedValue {
    refuseUnstorable(value, 'structuredSerde');
    try {
      return { value: v8.serialize(value), flags: FLAG_STRUCTURED };
    } catch (error) {
      throw new MemcacheIllegalInputError(`The value cannot be cloned: ${(error as Error).message}`, {
        cause: error,
      });
    }
  },
  deserialize(_key: string, value: Uint8Array, flags: number): CacheValue {
    return readValue(value, flags, structured) as CacheValue;
  },
};
