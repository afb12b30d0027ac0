import { commands, MemcacheClientError } from '@mc/protocol';
import { startFakeServer } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { Connection } from './connection.js';

describe('maxPending and requests abandoned after they were written', () => {
  // "At most maxPending requests are queued or in flight; beyond that send() rejects at once
  // with MemcacheClientError ("too many requests pending ... (maxPending N)"), never growing
  // memory without bound." An aborted request that was already written is "abandoned: its
  // reply is read and dropped", so it is still in flight until that reply comes.
  it('refuses new requests once maxPending requests are in flight, abandoned or not', async () => {
    const silent = await startFakeServer((socket) => socket.resume()); // reads, never answers
    const connection = new Connection(silent.address, { timeout: 0, maxPending: 10 });
    try {
      await connection.connect();
      let refused = 0;
      for (let round = 0; round < 200; round++) {
        const controller = new AbortController();
        const request = connection.send(commands.version.request(), { signal: controller.signal });
        const outcome = request.catch((error: unknown) => error);
        // Let it be written, then give up on it: its reply is still owed by the server.
        await new Promise((resolve) => setTimeout(resolve, 1));
        controller.abort(new Error('the caller gave up'));
        const error = await outcome;
        if (error instanceof MemcacheClientError && /maxPending/.test(error.message)) refused++;
      }
      // 200 requests written to a server that answered none of them: the connection holds
      // 200 replies owed, twenty times maxPending.
      expect(refused).toBeGreaterThan(0);
    } finally {
      connection.destroy();
      await silent.close();
    }
  }, 20000);
});
