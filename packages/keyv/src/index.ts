export {
  KeyvMemcached,
  KeyvMemcached as default,
  type KeyvMemcachedCapabilities,
  type KeyvMemcachedClient,
  type KeyvMemcachedEntry,
  type KeyvMemcachedOptions,
} from './keyv-memcached.js';
export { keySegment } from './key-segment.js';
export { millisecondsToTtl } from './milliseconds-to-ttl.js';
