import { NakedSocketClient } from '../naked-socket-client.mjs';

/**
 * The naked-socket floor (see naked-socket-client.mjs): sequential workloads only, and its
 * answers are byte counts, so the workloads check that a hit came back, not its value.
 */
export const nakedSocketClient = {
  id: 'floor',
  packageName: undefined,
  displayName: 'naked socket (floor)',
  role: 'floor',
  workloads: ['seq-get', 'seq-multi-get'],
  async open(server) {
    const client = new NakedSocketClient(server);
    return {
      get: (key) => client.get(key),
      set: (key, value) => client.set(key, value),
      getMulti: (keys) => client.getMulti(keys),
      pick: undefined,
      emulatedMulti: false,
      unparsed: true,
      close: () => client.close(),
    };
  },
};
