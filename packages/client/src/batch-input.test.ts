import { onLines, startFakeServer } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { Client, MemcacheIllegalInputError } from './index.js';

// "A bad key, value, ttl, delta or cas rejects with MemcacheIllegalInputError before a single
// byte is sent": a multi-key call checks every key (and value) before it sends any, so one
// bad entry among good ones neither deletes nor stores nor reads anything.

/** A server that records every line it reads and answers only `version`. */
async function recordingServer() {
  const lines: string[] = [];
  const fake = await startFakeServer((socket) =>
    onLines(socket, (line) => {
      lines.push(line);
      if (line === 'version') socket.write('VERSION 1.6.18\r\n');
    }),
  );
  const client = new Client(fake.address, { timeout: 2000 });
  await client.version(); // connected, so a call's bytes would go out at once
  lines.length = 0;
  /** The lines the server has read once the pipeline behind `call` has drained. */
  const linesAfter = async (call: Promise<unknown>) => {
    await expect(call).rejects.toBeInstanceOf(MemcacheIllegalInputError);
    await client.version();
    return lines.filter((line) => line !== 'version');
  };
  return {
    client,
    linesAfter,
    close: async () => {
      await client.close();
      await fake.close();
    },
  };
}

describe('multi-key calls check every key before sending any', () => {
  it('deleteMany, metaGetMany, metaSetMany and setMany with one bad key send nothing', async () => {
    const { client, linesAfter, close } = await recordingServer();
    try {
      expect(await linesAfter(client.deleteMany(['good:1', 'bad key', 'good:2']))).toEqual([]);
      expect(await linesAfter(client.metaGetMany(['good:1', 'bad key', 'good:2']))).toEqual([]);
      expect(await linesAfter(client.metaSetMany({ 'good:1': 'a', 'bad key': 'b', 'good:2': 'c' }))).toEqual(
        [],
      );
      // A value the serde refuses is bad input too.
      expect(
        await linesAfter(
          client.metaSetMany([
            ['good:1', 'a'],
            ['good:2', undefined as unknown as string],
          ]),
        ),
      ).toEqual([]);
      expect(await linesAfter(client.setMany({ 'good:1': 'a', 'bad key': 'b' }))).toEqual([]);
    } finally {
      await close();
    }
  });

  it('getMany and getsMany of more keys than one line holds send no line when a later key is bad', async () => {
    const { client, linesAfter, close } = await recordingServer();
    try {
      const keys = Array.from({ length: 2500 }, (_, index) => `many:${index}`);
      keys[2000] = 'bad key';
      expect(await linesAfter(client.getMany(keys))).toEqual([]);
      expect(await linesAfter(client.getsMany(keys))).toEqual([]);
    } finally {
      await close();
    }
  });

  it('setMany takes [key, value] pairs only: a string or a one-element array is refused', async () => {
    const { client, linesAfter, close } = await recordingServer();
    try {
      // Strings are iterable: ['ab', 'cd'] once stored 'b' under 'a' and 'd' under 'c'.
      expect(await linesAfter(client.setMany(['ab', 'cd'] as unknown as Array<[string, string]>))).toEqual(
        [],
      );
      expect(await linesAfter(client.setMany([['k1']] as unknown as Array<[string, string]>))).toEqual([]);
      expect(await linesAfter(client.metaSetMany(['ab'] as unknown as Array<[string, string]>))).toEqual([]);
      await expect(client.setMany(['ab'] as unknown as Array<[string, string]>)).rejects.toThrow(/pairs/);
    } finally {
      await close();
    }
  });
});
