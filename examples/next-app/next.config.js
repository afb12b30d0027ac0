// The whole integration: Next.js stores ISR pages, fetch results and route handler responses
// through @mc/next, which reads its servers from MEMCACHED_SERVERS.
/** @type {import('next').NextConfig} */
module.exports = {
  cacheHandler: require.resolve('@mc/next'),
  // No per-instance memory cache in front of memcached: every instance sees the shared state.
  cacheMaxMemorySize: 0,
};
