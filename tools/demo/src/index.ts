import { startMemcached } from '@mc/test-utils';

// npm run demo: uses MEMCACHED_SERVERS when set, else a throwaway memcached on a free port.
const configured = process.env.MEMCACHED_SERVERS;
const server = configured ? undefined : await startMemcached();
const address = configured ?? server?.address ?? '';
console.log(`memcached at ${address}${server ? ' (throwaway, stopped at the end)' : ''}`);
await server?.stop();
