import { startFakeServer } from '@mc/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { flushDelay } from './flush-delay.js';
import { Client, HashClient, MemcacheIllegalInputError } from './index.js';
import { MemoryClient } from './testing/index.js';

const DAY = 86_400;

describe('flushAll delay', () => {
  it('sends a delay above 30 days as a Unix time, as memcached reads such numbers', () => {
    expect(flushDelay(undefined)).toBeUndefined();
    expect(flushDelay(0)).toBe(0);
    expect(flushDelay(30 * DAY)).toBe(30 * DAY);
    const now = Date.now();
    expect(flushDelay(40 * DAY, () => now)).toBe(Math.floor(now / 1000) + 40 * DAY);
    expect(() => flushDelay(40 * DAY + 0.5)).toThrow(MemcacheIllegalInputError);
    expect(flushDelay(400 * DAY, () => now)).toBe(Math.floor(now / 1000) + 400 * DAY);
    expect(() => flushDelay(2 ** 31, () => now)).toThrow(MemcacheIllegalInputError); // past 2038
  });

  it('puts that Unix time on the wire for Client and HashClient', async () => {
    // What memcached makes of the number cannot be seen for 40 days: read the line instead.
    const lines: string[] = [];
    const fake = await startFakeServer((socket) => {
      socket.on('data', (data: Buffer) => {
        for (const line of data.toString('latin1').split('\r\n').filter(Boolean)) {
          lines.push(line);
          socket.write('OK\r\n');
        }
      });
    });
    try {
      const client = new Client(fake.address);
      const hash = new HashClient([fake.address]);
      const before = Math.floor(Date.now() / 1000);
      await client.flushAll(40 * DAY);
      await hash.flushAll(40 * DAY);
      await client.flushAll(60);
      const after = Math.floor(Date.now() / 1000);
      expect(lines).toHaveLength(3);
      for (const line of lines.slice(0, 2)) {
        const sent = Number(line.split(' ')[1]);
        expect(sent).toBeGreaterThanOrEqual(before + 40 * DAY);
        expect(sent).toBeLessThanOrEqual(after + 40 * DAY);
      }
      expect(lines[2]).toBe('flush_all 60');
      await client.close();
      await hash.close();
    } finally {
      await fake.close();
    }
  });

  it('MemoryClient reads the Unix time as memcached does: the flush comes in 40 days', async () => {
    vi.useFakeTimers();
    try {
      const client = new MemoryClient();
      await client.set('kept', 1);
      await client.flushAll(40 * DAY);
      vi.advanceTimersByTime((40 * DAY - 10) * 1000);
      expect(await client.get('kept')).toBe(1);
      vi.advanceTimersByTime(20_000);
      await client.set('later', 2);
      expect(await client.get('kept')).toBeUndefined();
      expect(await client.get('later')).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
