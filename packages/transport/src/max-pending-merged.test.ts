import { MemcacheClientError } from '@mc/protocol';
import { startFakeServer } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { Connection } from './connection.js';

describe('maxPending with merged gets', () => {
  // "At most maxPending requests are queued or in flight; beyond that send() rejects at once
  // with MemcacheClientError ("too many requests pending ... (maxPending N)"), never growing
  // memory without bound." `pending` is "requests accepted and not yet settled".
  it('never holds more than maxPending reads against a server that does not answer', async () => {
    const silent = await startFakeServer((socket) => socket.resume()); // reads, never answers
    const connection = new Connection(silent.address, { timeout: 0, maxPending: 10 });
    try {
      await connection.connect();
      let refused = 0;
      for (let burst = 0; burst < 20; burst++) {
        for (let index = 0; index < 10; index++) {
          connection
            .retrieve('get', `k${burst}-${index}`, (hit) => hit, undefined)
            .catch((error: unknown) => {
              if (error instanceof MemcacheClientError && /maxPending/.test(error.message)) refused++;
            });
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(refused).toBeGreaterThan(0);
      expect(connection.pending).toBeLessThanOrEqual(10);
    } finally {
      connection.destroy();
      await silent.close();
    }
  });
});
