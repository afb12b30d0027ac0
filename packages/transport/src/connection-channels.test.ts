import diagnosticsChannel from 'node:diagnostics_channel';
import { commands } from '@mc/protocol';
import { closedPort, startMemcached } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { Connection } from './connection.js';
import type { ConnectionTraceMessage } from './connection-channels.js';

describe('connection events on diagnostics_channel', () => {
  it('publishes connect, close and connect failures with the server name', async () => {
    const events: Array<[string, ConnectionTraceMessage]> = [];
    const listeners = (['connect', 'close', 'error'] as const).map((kind) => {
      const listener = (message: unknown) => events.push([kind, message as ConnectionTraceMessage]);
      diagnosticsChannel.subscribe(`mc:connection:${kind}`, listener);
      return () => diagnosticsChannel.unsubscribe(`mc:connection:${kind}`, listener);
    });
    try {
      const server = await startMemcached();
      const connection = new Connection(server.address);
      await connection.send(commands.version.request());
      await connection.close();
      await server.stop();
      const closed = await closedPort();
      const refused = new Connection(closed.address);
      await expect(refused.send(commands.version.request())).rejects.toThrow();
      await refused.close();
      expect(events.map(([kind, message]) => [kind, message.server])).toEqual([
        ['connect', server.address],
        ['close', server.address],
        ['error', closed.address],
      ]);
      expect(events[2]![1].error).toBeInstanceOf(Error);
    } finally {
      for (const unsubscribe of listeners) unsubscribe();
    }
  });
});
