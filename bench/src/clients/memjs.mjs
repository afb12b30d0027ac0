import memjs from 'memjs';
import { emulateGetMulti } from './emulate-get-multi.mjs';
import { pickValue } from './pick-value.mjs';

/** memjs (binary protocol). Its get resolves `{ value, flags }` with value null on a miss. */
export const memjsClient = {
  id: 'memjs',
  packageName: 'memjs',
  role: 'peer',
  async open(server) {
    const client = memjs.Client.create(`${server.host}:${server.port}`);
    const get = (key) => client.get(key).then((result) => result.value ?? undefined);
    return {
      get,
      set: (key, value) => client.set(key, value),
      // memjs 1.3 has no multi-get.
      getMulti: emulateGetMulti(get),
      pick: pickValue,
      emulatedMulti: true,
      close: async () => client.close(),
    };
  },
};
