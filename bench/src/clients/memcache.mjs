import { Memcache } from 'memcache';
import { pickValue } from './pick-value.mjs';

/** memcache by jaredwray: promises, strings in and out, `gets(keys)` for a multi-get Map. */
export const memcacheClient = {
  id: 'memcache',
  packageName: 'memcache',
  role: 'peer',
  async open(server) {
    const client = new Memcache(`${server.host}:${server.port}`);
    // Its lazy connect races: every command issued before the first connect completes opens a
    // socket of its own, and disconnect() closes only one of them. Connect first.
    await client.connect();
    return {
      get: (key) => client.get(key),
      set: (key, value) => client.set(key, value),
      getMulti: (keys) => client.gets(keys),
      pick: pickValue,
      emulatedMulti: false,
      close: () => client.disconnect(),
    };
  },
};
