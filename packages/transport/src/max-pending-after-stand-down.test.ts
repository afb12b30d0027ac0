import { commands } from '@mc/protocol';
import { startFakeServer } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { Connection } from './connection.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// An aborted request that was not written yet "is skipped and never reaches the server", and a
// connect nobody waits for any more is stood down so "the next request connects anew". The
// maxPending check now counts queue entries, and an aborted request stays in the waiting
// queue as a settled entry until a flush skips it. A stand-down does not empty that queue, so
// after enough abandoned requests the connection sits idle with nothing pending and refuses
// every new request as "too many requests pending" before it would start a connect: it never
// tries the server again.
describe('maxPending after a connect was stood down', () => {
  it('a request after the stand-down is not refused as too many pending, and connects anew', async () => {
    // A TLS connect to a server that accepts TCP and never answers: the connect hangs.
    const fake = await startFakeServer();
    const connection = new Connection(fake.address, {
      tls: { rejectUnauthorized: false },
      connectTimeout: 20_000,
      timeout: 0,
      maxPending: 3,
    });
    try {
      const controllers = [new AbortController(), new AbortController(), new AbortController()];
      const requests = controllers.map((controller) =>
        connection
          .send(commands.version.request(), { signal: controller.signal })
          .catch((error: unknown) => error),
      );
      await fake.nextConnection();
      for (const controller of controllers) controller.abort(new Error('the caller gave up'));
      await Promise.all(requests);
      expect(connection.pending).toBe(0);
      // The connect is stood down a second after the last request gave up.
      await sleep(1500);
      const socketsBefore = fake.sockets.length;

      const next = connection
        .send(commands.version.request(), { timeout: 300 })
        .catch((error: unknown) => error as Error);
      const error = (await next) as Error;
      // The server sees the new connection a moment after the client opens it.
      const deadline = Date.now() + 10_000;
      while (fake.sockets.length === socketsBefore && Date.now() < deadline) await sleep(10);
      // Nothing was pending: the request must not be refused for maxPending...
      expect(error.message).not.toMatch(/maxPending/);
      // ...and it must have tried the server again.
      expect(fake.sockets.length).toBeGreaterThan(socketsBefore);
    } finally {
      connection.destroy();
      await fake.close();
    }
  }, 20_000);
});
