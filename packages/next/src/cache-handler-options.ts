import type { HashClientOptions, ServerAddress } from '@mc/client';
import type { CacheClient } from './cache-client.js';
import type { HandlerLogger } from './handler-warnings.js';

/**
 * How a handler reaches memcached and names its keys; the ISR `cacheHandler` and the
 * `'use cache'` handler take the same options, so one configuration serves both.
 */
export interface CacheHandlerOptions {
  /** A client to use (its serde must store bytes as bytes); the handler never closes it. */
  client?: CacheClient | undefined;
  /** Servers for a HashClient of the handler's own: addresses, or one comma-separated string. */
  servers?: string | readonly ServerAddress[] | undefined;
  /** Options for that HashClient (`timeout`, `connectTimeout` 1000 ms by default); its serde is the handler's. */
  clientOptions?: HashClientOptions | undefined;
  /** Put before every key (default `'next:'`); add a build id to keep deployments apart. */
  keyPrefix?: string | undefined;
  /** Seconds an entry lives in memcached (default 0: until evicted, or the entry's `expire`). */
  ttl?: number | undefined;
  /** Entries whose encoded size is above this many bytes are skipped with a warning. */
  maxValueBytes?: number | undefined;
  /** Where warnings go (default `console`). */
  logger?: HandlerLogger | undefined;
}
