import { MemcacheDeserializeError, MemcacheIllegalInputError } from '@mc/protocol';
import { readValue } from './read-value.js';
import { readsTextAsUtf8 } from './text-fast-paths.js';
import { refuseUnstorable } from './refuse-unstorable.js';
import type { CacheValue, Serde, SerializedValue } from './serde.js';

/** A binary format with a flag of its own, described by its two functions. */
export interface Format {
  /** The serde's name, for messages. */
  name: string;
  /** What the format is called in messages ("MessagePack"). */
  format: string;
  flag: number;
  encode(value: unknown): Uint8Array;
  decode(value: Uint8Array): unknown;
}

/**
 * A serde that writes every value in one format under its flag, and reads that format plus the
 * shared ones; whatever the format's own functions throw becomes the typed error (a typed error
 * they throw themselves passes as it is).
 */
export function formatSerde(format: Format): Serde<CacheValue> {
  const own = {
    flag: format.flag,
    decode(value: Uint8Array): unknown {
      try {
        return format.decode(value);
      } catch (error) {
        if (error instanceof MemcacheDeserializeError) throw error;
        throw new MemcacheDeserializeError(
          `The value is not valid ${format.format}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    },
  };
  const serde: Serde<CacheValue> = {
    serialize(_key: string, value: CacheValue): SerializedValue {
      refuseUnstorable(value, format.name);
      try {
        return { value: format.encode(value), flags: format.flag };
      } catch (error) {
        if (error instanceof MemcacheIllegalInputError) throw error;
        throw new MemcacheIllegalInputError(
          `The value cannot be written as ${format.format}: ${(error as Error).message}`,
          { cause: error },
        );
      }
    },
    deserialize(_key: string, value: Uint8Array, flags: number): CacheValue {
      return readValue(value, flags, own) as CacheValue;
    },
  };
  return readsTextAsUtf8(serde);
}
