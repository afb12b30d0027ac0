import diagnosticsChannel from 'node:diagnostics_channel';
import { closedPort, type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type CommandTraceMessage, MemcacheConnectionError } from './index.js';

let server: MemcachedServer;

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await server?.stop();
});

function record(): { events: Array<[string, CommandTraceMessage]>; stop(): void } {
  const events: Array<[string, CommandTraceMessage]> = [];
  const listeners = (['start', 'end', 'error'] as const).map((phase) => {
    const listener = (message: unknown) => {
      events.push([phase, { ...(message as CommandTraceMessage) }]);
    };
    diagnosticsChannel.subscribe(`mc:command:${phase}`, listener);
    return () => diagnosticsChannel.unsubscribe(`mc:command:${phase}`, listener);
  });
  return {
    events,
    stop: () => {
      for (const unsubscribe of listeners) unsubscribe();
    },
  };
}

describe('tracing through diagnostics_channel', () => {
  it('publishes start and end with command, key count, server and duration', async () => {
    const client = new Client(server.address);
    const recorder = record();
    await client.set('traced', 'v');
    await client.getMany(['traced', 'other', 'third']);
    recorder.stop();
    await client.get('untraced');
    await client.close();
    expect(recorder.events.map(([phase, message]) => [phase, message.command, message.keyCount])).toEqual([
      ['start', 'set', 1],
      ['end', 'set', 1],
      ['start', 'get', 3],
      ['end', 'get', 3],
    ]);
    for (const [, message] of recorder.events) expect(message.server).toBe(server.address);
    expect(recorder.events[1]![1].duration).toBeGreaterThanOrEqual(0);
  });

  it('publishes errors with the error', async () => {
    const closed = await closedPort();
    const client = new Client(closed.address);
    const recorder = record();
    await expect(client.get('k')).rejects.toBeInstanceOf(MemcacheConnectionError);
    recorder.stop();
    await client.close();
    expect(recorder.events.map(([phase]) => phase)).toEqual(['start', 'error']);
    expect(recorder.events[1]![1].error).toBeInstanceOf(MemcacheConnectionError);
  });
});
