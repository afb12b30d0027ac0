import diagnosticsChannel from 'node:diagnostics_channel';
import { pickValue } from './pick-value.mjs';

const TRACE_CHANNELS = ['mc:command:start', 'mc:command:end', 'mc:command:error'];

/**
 * @mc/client itself. Loaded lazily: while packages/client is not built (or does not export
 * Client yet) the bench runs the other clients and says why @mc is missing.
 *
 * `variant` opens it the way a workload asks: `connections` sockets, a HashClient over
 * `servers` (for `nodes`), with a subscriber on the tracing channels (what an APM agent
 * does) while it takes its turn, or with `metrics: true` (every command counted and timed).
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
    if (variant.metrics) options.metrics = true;
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
    // The subscriber is attached for the client's turns only (see measure-interleaved.mjs):
    // diagnostics channels are process-wide, and the untraced client it is read against takes
    // its turns in the same process.
    let subscribed = false;
    const traced = { messages: 0, milliseconds: 0 };
    const handlers = {
      'mc:command:start': () => {
        traced.messages++;
      },
      'mc:command:end': (message) => {
        traced.messages++;
        traced.milliseconds += message.duration ?? 0;
      },
      'mc:command:error': () => {
        traced.messages++;
      },
    };
    const beginTurn = () => {
      if (!variant.tracing || subscribed) return;
      for (const name of TRACE_CHANNELS) diagnosticsChannel.subscribe(name, handlers[name]);
      subscribed = true;
    };
    const endTurn = () => {
      if (!subscribed) return;
      for (const name of TRACE_CHANNELS) diagnosticsChannel.unsubscribe(name, handlers[name]);
      subscribed = false;
    };
    return {
      get: (key) => client.get(key),
      set: (key, value) => client.set(key, value),
      getMulti: (keys) => client.getMany(keys),
      pick: pickValue,
      emulatedMulti: false,
      beginTurn,
      endTurn,
      /** Messages the subscriber has seen (for the bench's own test). */
      tracedMessages: () => traced.messages,
      /** The client's metrics snapshot (for the bench's own test). */
      metrics: () => client.metrics?.(),
      close: async () => {
        endTurn();
        await client.close();
      },
    };
  },
};
