import { createUseCacheHandler } from '../create-use-cache-handler.js';

export {
  createUseCacheHandler,
  type MemcachedUseCacheHandler,
} from '../create-use-cache-handler.js';

/**
 * The handler for `cacheHandlers: { default: require.resolve('@mc/next/use-cache') }`: its
 * servers come from `MEMCACHED_SERVERS` (comma-separated addresses), read when Next first uses
 * it, not at import.
 */
const memcachedUseCacheHandler = createUseCacheHandler();
export default memcachedUseCacheHandler;
