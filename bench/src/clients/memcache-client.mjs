import { MemcacheClient } from 'memcache-client';

/** memcache-client (electrode-io): get resolves `{ value }`, a multi-get an object of those. */
export const memcacheClientClient = {
  id: 'memcache-client',
  packageName: 'memcache-client',
  role: 'peer',
  async open(server) {
    const client = new MemcacheClient({ server: `${server.host}:${server.port}` });
    return {
      get: (key) => client.get(key).then((result) => result?.value),
      set: (key, value) => client.set(key, value),
      getMulti: (keys) => client.get(keys),
      pick: (result, key) => result?.[key]?.value,
      emulatedMulti: false,
      close: async () => client.shutdown(),
    };
  },
};
