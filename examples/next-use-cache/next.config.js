// Cache Components with both of Next's caches in memcached: `'use cache'` results through
// @mc/next/use-cache, pages and route handler responses through @mc/next. Both read their
// servers from MEMCACHED_SERVERS and share their tag records, so one revalidateTag reaches both.
/** @type {import('next').NextConfig} */
module.exports = {
  cacheComponents: true,
  partialPrefetching: true,
  cacheHandler: require.resolve('@mc/next'),
  cacheHandlers: {
    default: require.resolve('@mc/next/use-cache'),
    remote: require.resolve('@mc/next/use-cache'),
  },
  // No per-instance memory cache in front of memcached: every instance sees the shared state.
  cacheMaxMemorySize: 0,
};
