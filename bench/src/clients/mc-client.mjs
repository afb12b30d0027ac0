import { pickValue } from './pick-value.mjs';

/**
 * @mc/client itself. Loaded lazily: while packages/client is not built (or does not export
 * Client yet) the bench runs the other clients and says why @mc is missing.
 */
export const mcClient = {
  id: 'mc',
  packageName: '@mc/client',
  role: 'mc',
  async open(server) {
    let module;
    try {
      module = await import('@mc/client');
    } catch (error) {
      throw new Error(`not built yet (${error.message.split('\n')[0]})`);
    }
    if (typeof module.Client !== 'function') throw new Error('not built yet (dist does not export Client)');
    const client = new module.Client(`${server.host}:${server.port}`);
    return {
      get: (key) => client.get(key),
      set: (key, value) => client.set(key, value),
      getMulti: (keys) => client.getMany(keys),
      pick: pickValue,
      emulatedMulti: false,
      close: () => client.close(),
    };
  },
};
