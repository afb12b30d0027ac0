import { MemcacheDeserializeError, MemcacheIllegalInputError } from '@mc/protocol';
import { Packr } from 'msgpackr';
import { FLAG_MSGPACK } from './flags.js';
import { type OwnFormat, readValue } from './read-value.js';
import { refuseUnstorable } from './refuse-unstorable.js';
import type { CacheValue, Serde, SerializedValue } from './serde.js';

/**
 * Plain MessagePack maps (no msgpackr records) keep the bytes readable by other msgpack
 * libraries; the extensions carry what msgpack lacks: bigints of any size, Set, Date, RegExp,
 * Error and typed arrays.
 */
const packr = new Packr({ useRecords: false, moreTypes: true, useBigIntExtension: true });

const msgpack: OwnFormat = {
  flag: FLAG_MSGPACK,
  decode(value) {
    try {
      return packr.unpack(value);
    } catch (error) {
      throw new MemcacheDeserializeError(`The value is not valid MessagePack: ${(error as Error).message}`, {
        cause: error,
      });
    }
  },
};

/**
 * Every value as MessagePack under FLAG_MSGPACK (64): compact and fast, and bigints, Dates,
 * Sets and typed arrays survive. Maps come back as plain objects (msgpack has one map type).
 * Reads the shared formats too (bytes, text, integers, pickle, JSON).
 */
export const msgpackSerde: Serde<CacheValue> = {
  serialize(_key: string, value: CacheValue): SerializedValue {
    refuseUnstorable(value, 'msgpackSerde');
    try {
      return { value: packr.pack(value), flags: FLAG_MSGPACK };
    } catch (error) {
      throw new MemcacheIllegalInputError(
        `The value cannot be written as MessagePack: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  },
  deserialize(_key: string, value: Uint8Array, flags: number): CacheValue {
    return readValue(value, flags, msgpack) as CacheValue;
  },
};
