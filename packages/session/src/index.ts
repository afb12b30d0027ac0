export {
  MemcachedStore,
  type MemcachedStoreClient,
  type MemcachedStoreOptions,
  type SessionSerializer,
} from './memcached-store.js';
