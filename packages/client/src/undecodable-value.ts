import { MemcacheDeserializeError } from '@mc/protocol';

/**
 * What a serde's failure on the value of `key` becomes: one MemcacheDeserializeError whose
 * `key` and message name the key (as the caller named it), with the serde's own error as its
 * cause, so a bad value among many says which one it is.
 */
export function undecodableValue(key: string, flags: number, error: unknown): MemcacheDeserializeError {
  const reason = error instanceof Error ? error.message : String(error);
  return new MemcacheDeserializeError(
    `could not decode the value of key ${JSON.stringify(key)} (flags ${flags}): ${reason}`,
    { key, cause: error },
  );
}
