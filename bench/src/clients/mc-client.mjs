import diagnosticsChannel from 'node:diagnostics_channel';
import { pickValue } from './pick-value.mjs';

const TRACE_CHANNELS = ['mc:command:start', 'mc:command:end', 'mc:command:error'];

/**
 * @mc/client itself. Loaded lazily: while packages/client is not built (or does not export
 * Client yet) the bench runs the other clients and says why @mc is missing.
 *
 * `variant` opens it the way a workload asks: `connections` sockets, a HashClient over
 * `servers` (for `nodes`), or with a subscriber on the tracing channels (what an APM agent
 * does), which is removed again on close.
 */
export const mcClient = {
  id: 'mc',
  packageName: '@mc/client',
  role: 'mc',
  async open(server, variant = {}) {
    let module;
    try {
      module = await import('@mc/client');
    } catch (error) {
      throw new Error(`not built yet (${error.message.split('\n')[0]})`);
    }
    if (typeof module.Client !== 'function') throw new Error('not built yet (dist does not export Client)');
    const options = variant.connections ? { connections: variant.connections } : {};
    let client;
    if (variant.nodes) {
      if (!variant.servers || variant.servers.length !== variant.nodes)
        throw new Error(`needs ${variant.nodes} servers`);
      client = new module.HashClient(
        variant.servers.map((node) => `${node.host}:${node.port}`),
        options,
      );
    } else {
      client = new module.Client(`${server.host}:${server.port}`, options);
    }
    const subscribers = [];
    if (variant.tracing) {
      const counts = { start: 0, end: 0, error: 0, milliseconds: 0 };
      const handlers = {
        'mc:command:start': () => {
          counts.start++;
        },
        'mc:command:end': (message) => {
          counts.end++;
          counts.milliseconds += message.duration ?? 0;
        },
        'mc:command:error': () => {
          counts.error++;
        },
      };
      for (const name of TRACE_CHANNELS) {
        diagnosticsChannel.subscribe(name, handlers[name]);
        subscribers.push([name, handlers[name]]);
      }
    }
    return {
      get: (key) => client.get(key),
      set: (key, value) => client.set(key, value),
      getMulti: (keys) => client.getMany(keys),
      pick: pickValue,
      emulatedMulti: false,
      close: async () => {
        for (const [name, handler] of subscribers) diagnosticsChannel.unsubscribe(name, handler);
        await client.close();
      },
    };
  },
};
