import Memcached from 'memcached';
import { pickValue } from './pick-value.mjs';

/** memcached by 3rd-Eden: callbacks, wrapped into promises; its own pool of up to 10 sockets. */
export const memcachedClient = {
  id: 'memcached',
  packageName: 'memcached',
  role: 'peer',
  async open(server) {
    const client = new Memcached(`${server.host}:${server.port}`);
    return {
      get: (key) =>
        new Promise((resolve, reject) => {
          client.get(key, (error, value) => (error ? reject(error) : resolve(value)));
        }),
      set: (key, value) =>
        new Promise((resolve, reject) => {
          client.set(key, value, 0, (error, stored) => (error ? reject(error) : resolve(stored)));
        }),
      getMulti: (keys) =>
        new Promise((resolve, reject) => {
          client.getMulti(keys, (error, values) => (error ? reject(error) : resolve(values)));
        }),
      pick: pickValue,
      emulatedMulti: false,
      close: async () => client.end(),
    };
  },
};
