import { createCacheHandler } from './create-cache-handler.js';

export type { CacheClient } from './cache-client.js';
export type { CacheHandlerOptions } from './cache-handler-options.js';
export {
  createCacheHandler,
  type MemcachedCacheHandler,
  type MemcachedCacheHandlerClass,
} from './create-cache-handler.js';
export {
  createUseCacheHandler,
  type MemcachedUseCacheHandler,
} from './create-use-cache-handler.js';
export type { HandlerLogger } from './handler-warnings.js';

/**
 * The handler for `cacheHandler: require.resolve('@mc/next')`: its servers come from
 * `MEMCACHED_SERVERS` (comma-separated addresses), read when Next first uses it.
 */
const MemcachedCacheHandler = createCacheHandler();
export default MemcachedCacheHandler;
