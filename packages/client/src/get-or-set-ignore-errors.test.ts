import diagnosticsChannel from 'node:diagnostics_channel';
import { closedPort, metaEcho, onLines, startFakeServer } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { Client, type CommandTraceMessage } from './index.js';

/** Collects what is published on mc:command:error until `stop()`. */
function recordErrors(): { errors: CommandTraceMessage[]; stop(): void } {
  const errors: CommandTraceMessage[] = [];
  const listener = (message: unknown) => {
    errors.push(message as CommandTraceMessage);
  };
  diagnosticsChannel.subscribe('mc:command:error', listener);
  return { errors, stop: () => diagnosticsChannel.unsubscribe('mc:command:error', listener) };
}

/**
 * A memcached that hands out the win on a miss (`VA 0 c5 W`, as 1.6.18 answers `mg k v f c N10`)
 * and then cannot store the loaded value (`SERVER_ERROR out of memory storing object`, what
 * 1.6.18 answers when its memory is full); it records every md.
 */
async function serverThatCannotStore() {
  const deletes: string[] = [];
  const fake = await startFakeServer((socket) =>
    onLines(socket, (line) => {
      if (line.startsWith('mg ')) socket.write(`VA 0 c5 W${metaEcho(line)}\r\n\r\n`);
      else if (line.startsWith('ms ')) socket.write('SERVER_ERROR out of memory storing object\r\n');
      else if (line.startsWith('md ')) {
        deletes.push(line);
        socket.write(`HD${metaEcho(line)}\r\n`);
      }
    }),
  );
  return { fake, deletes };
}

describe('getOrSet on a client with ignoreErrors', () => {
  // "Each such failure is published on mc:command:error with command: 'getOrSet'"
  it('a server that is down is still published as a getOrSet failure', async () => {
    const down = new Client((await closedPort()).address, {
      ignoreErrors: true,
      connectTimeout: 300,
      timeout: 300,
    });
    const trace = recordErrors();
    try {
      expect(await down.getOrSet('k', () => 'from source', { ttl: 10 })).toBe('from source');
    } finally {
      trace.stop();
      await down.close();
    }
    expect(trace.errors.map((message) => message.command)).toContain('getOrSet');
  });

  // "Before that the win is released [...] The same happens if storing fails."
  it('a store that fails releases the win and is published, as without ignoreErrors', async () => {
    for (const ignoreErrors of [false, true]) {
      const { fake, deletes } = await serverThatCannotStore();
      const client = new Client(fake.address, { ignoreErrors, timeout: 1000 });
      const trace = recordErrors();
      try {
        expect(await client.getOrSet('k', () => 'loaded', { ttl: 30 })).toBe('loaded');
      } finally {
        trace.stop();
        await client.close();
        await fake.close();
      }
      const released = deletes.some((line) => line.includes(' C5'));
      const published = trace.errors.some((message) => message.command === 'getOrSet');
      expect({ ignoreErrors, released, published }).toEqual({
        ignoreErrors,
        released: true,
        published: true,
      });
    }
  });
});
