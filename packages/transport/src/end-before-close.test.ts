import { commands, MemcacheUnexpectedCloseError } from '@mc/protocol';
import { startFakeServer } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { Connection } from './connection.js';

/** Resolves with how a promise settled, or 'pending' if it did not within `ms`. */
function settledWithin(promise: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([
    promise.then(
      (value) => ({ value }),
      (error: unknown) => error,
    ),
    new Promise((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

describe("the server's end of the stream ('end') long before 'close'", () => {
  // "When the socket closes or errors, every request in flight rejects at once with
  // MemcacheUnexpectedCloseError." Once the server has sent its FIN no reply can come any
  // more; the socket's 'close' is held back only by our own unsent bytes.
  it('fails the requests in flight at once, not at their deadline', async () => {
    // The server stops reading and half-closes its side as soon as the client's first bytes arrive.
    const fake = await startFakeServer((socket) => {
      socket.once('readable', () => {
        socket.pause();
        socket.end();
      });
    });
    // Failing only at its deadline would take 20 s.
    const connection = new Connection(fake.address, { timeout: 20_000 });
    try {
      await connection.connect();
      // Far more than the socket buffers hold, so our side cannot finish writing.
      const large = new Uint8Array(32 * 1024 * 1024);
      const set = connection.send(commands.set.request('large', large, 0, 0, false));
      const version = connection.send(commands.version.request());
      version.catch(() => {});
      const outcome = await settledWithin(set, 5000);
      expect(outcome).toBeInstanceOf(MemcacheUnexpectedCloseError);
    } finally {
      connection.destroy();
      await fake.close();
    }
  });
});
