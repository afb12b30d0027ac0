import { MemcacheDeserializeError } from '@mc/protocol';
import type { Serde } from '@mc/serde';

/**
 * Runs the serde on a value read for `key`. Whatever the serde throws becomes one
 * MemcacheDeserializeError whose `key` and message name the key (as the caller named it),
 * with the serde's own error as its cause, so a bad value among many says which one it is.
 */
export function decodeValue<V>(serde: Serde<V>, key: string, value: Uint8Array, flags: number): V {
  try {
    return serde.deserialize(key, value, flags);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MemcacheDeserializeError(
      `could not decode the value of key ${JSON.stringify(key)} (flags ${flags}): ${reason}`,
      { key, cause: error },
    );
  }
}
