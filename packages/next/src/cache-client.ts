import type { WriteOptions } from '@mc/client';

/**
 * What the handler needs of a client: a `Client`, `HashClient` or `RetryingClient` from
 * `@mc/client` fits, with any serde that stores bytes as bytes (the default serde,
 * `compressedSerde`, `structuredSerde`; not `jsonSerde`).
 */
export interface CacheClient {
  getMany(keys: Iterable<string>): Promise<Map<string, unknown>>;
  set(key: string, value: Uint8Array, options?: WriteOptions): Promise<boolean>;
  setMany(entries: Map<string, Uint8Array>, options?: WriteOptions): Promise<string[]>;
  delete(key: string): Promise<boolean>;
  close(): Promise<void>;
}
