/** What a serde turns a value into: the bytes memcached stores and the flags stored beside them. */
export interface SerializedValue {
  value: Uint8Array;
  flags: number;
}

/**
 * A value codec. The client calls `serialize` before every write and `deserialize` after every
 * read; `V` is the type a client built with this serde takes and returns.
 */
export interface Serde<V = unknown> {
  serialize(key: string, value: V): SerializedValue;
  deserialize(key: string, value: Uint8Array, flags: number): V;
}

/**
 * What the built-in serdes store and return: every value except `undefined` (a read returns
 * `undefined` for a miss, so a stored `undefined` could not be told from one). Which of these
 * survive a round trip unchanged depends on the serde; see the README's table.
 */
export type CacheValue = string | number | bigint | boolean | null | object;
