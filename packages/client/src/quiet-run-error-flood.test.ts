import type net from 'node:net';
import { onLines, startFakeServer } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { Client, MemcacheProtocolError } from './index.js';

// "A frame no member can own (an opaque not in the run, more errors than requests) means the
// stream is out of step: push throws MemcacheProtocolError", and "a broken or hostile server
// cannot make the parser or a reader hold more than these" limits. A quiet run of two requests
// can be owned by at most two error lines: the third is already out of step.

describe('a hostile server answering a quiet run', () => {
  it('an endless stream of error lines for a quiet run of two is refused at the third line, not at the deadline', async () => {
    let flooding = false;
    const fake = await startFakeServer((socket: net.Socket) =>
      onLines(socket, (line) => {
        if (!line.startsWith('mg ') || flooding) return;
        flooding = true;
        // "object too large" keeps the stream position, so it does not end the run by itself.
        const block = 'SERVER_ERROR object too large for cache\r\n'.repeat(2000);
        const flood = () => {
          if (socket.destroyed) return;
          socket.write(block, () => setImmediate(flood));
        };
        flood();
      }),
    );
    const client = new Client(fake.address, { timeout: 20_000 });
    try {
      const started = performance.now();
      // Two replayable reads in one tick ride together as one quiet run closed by mn.
      const outcomes = await Promise.allSettled([
        client.metaGet('a', { value: true }),
        client.metaGet('b', { value: true }),
      ]);
      const milliseconds = performance.now() - started;
      const errors = outcomes.map((outcome) => (outcome.status === 'rejected' ? outcome.reason : undefined));
      expect(errors[0]).toBeInstanceOf(MemcacheProtocolError);
      expect(errors[1]).toBeInstanceOf(MemcacheProtocolError);
      // The third error line already proves the stream out of step: this should take
      // milliseconds, not the 20 s command deadline.
      expect(milliseconds).toBeLessThan(5000);
    } finally {
      await client.close({ force: true });
      await fake.close();
    }
  }, 30_000);
});
