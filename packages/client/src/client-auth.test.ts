import { startMemcached } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { Client, MemcacheConnectionError } from './index.js';

describe('auth against a server that does not ask for it', () => {
  it('fails clearly and stores no credentials a reader could see', async () => {
    const server = await startMemcached();
    const careful = new Client(server.address, { auth: { username: 'alice', password: 's3cret' } });
    const reader = new Client(server.address);
    try {
      const failure = await careful.set('k', 'v').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MemcacheConnectionError);
      expect((failure as Error).message).toMatch(/did not ask for authentication/);
      expect(await reader.get('auth')).toBeUndefined();
      expect(await reader.get('k')).toBeUndefined();
      expect((await reader.stats()).curr_items).toBe(0);
    } finally {
      await careful.close();
      await reader.close();
      await server.stop();
    }
  });
});
