import { startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NakedSocketClient } from './naked-socket-client.mjs';

describe('NakedSocketClient', () => {
  let server;
  let client;
  beforeAll(async () => {
    server = await startMemcached({ threads: 1 });
    client = new NakedSocketClient(server);
  });
  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  // It parses nothing, so the one thing to get right is where a reply ends: resolving early
  // would make the floor look faster than the socket is.
  it('resolves after the whole reply: its exact length, and 5 bytes for a miss', async () => {
    expect(await client.set('floor:a', 'x'.repeat(100))).toBe(true);
    expect(await client.get('floor:a')).toBe('VALUE floor:a 0 100\r\n'.length + 100 + 2 + 'END\r\n'.length);
    expect(await client.get('floor:missing')).toBe(5);
  });

  it('waits for the last END of a multi-get that spans many chunks', async () => {
    const keys = Array.from({ length: 100 }, (_, index) => `floor:multi:${index}`);
    const value = 'v'.repeat(2000);
    await Promise.all(keys.map((key) => client.set(key, value)));
    const expected = keys.reduce((sum, key) => sum + `VALUE ${key} 0 2000\r\n`.length + 2002, 0) + 5;
    expect(await client.getMulti(keys)).toBe(expected);
    // The same batch again, so a cached request line is reused correctly.
    expect(await client.getMulti(keys)).toBe(expected);
  });

  it('refuses a second request while one is out', async () => {
    const first = client.get('floor:a');
    await expect(client.get('floor:a')).rejects.toThrow(/one request at a time/);
    expect(await first).toBeGreaterThan(5);
  });
});
