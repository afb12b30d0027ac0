export { mcClient } from './mc-client.mjs';
export { memcacheClient } from './memcache.mjs';
export { memcacheClientClient } from './memcache-client.mjs';
export { memcachedClient } from './memcached.mjs';
export { memjsClient } from './memjs.mjs';
export { rawPipelineClient } from './raw-pipeline.mjs';
export { nakedSocketClient } from './naked-socket.mjs';
export { pylibmcClient, pymemcacheClient, pythonMemcachedClient } from './python.mjs';
