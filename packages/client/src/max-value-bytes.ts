import { DEFAULT_MAX_VALUE_BYTES, MEMCACHED_ITEM_LIMIT, MemcacheIllegalInputError } from '@mc/protocol';
import type { Serde } from '@mc/serde';
import { checkInteger } from './check-options.js';

/** Resolves and checks the `maxValueBytes` option: 1 byte to 1 GiB. */
export function resolveMaxValueBytes(option: unknown): number {
  checkInteger(option, 'maxValueBytes', 1, MEMCACHED_ITEM_LIMIT);
  return (option as number | undefined) ?? DEFAULT_MAX_VALUE_BYTES;
}

/** Refuses a value longer than `maxValueBytes` before it is sent. */
export function checkValueSize(key: string, size: number, maxValueBytes: number): void {
  if (size > maxValueBytes) {
    throw new MemcacheIllegalInputError(
      `the value of ${JSON.stringify(key)} is ${size} bytes, more than maxValueBytes (${maxValueBytes})`,
    );
  }
}

/**
 * The client's serde with the size check on every write, so set, add, replace, cas, setMany,
 * metaSet and getOrSet all refuse an oversized value in one place, before anything is sent.
 */
export function sizeLimitedSerde<V>(serde: Serde<V>, maxValueBytes: number): Serde<V> {
  return {
    serialize(key, value) {
      const encoded = serde.serialize(key, value);
      checkValueSize(key, encoded.value.byteLength, maxValueBytes);
      return encoded;
    },
    deserialize: (key, value, flags) => serde.deserialize(key, value, flags),
  };
}
