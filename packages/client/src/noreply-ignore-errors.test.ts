import { closedPort } from '@mc/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from './index.js';

// The client README: "ignoreErrors (network and server errors become ... `false` on writes)" and "With
// `noreply` a write resolves `true` once sent". A noreply write to a server that cannot be
// reached was never sent: under ignoreErrors it must be `false` (not stored / not deleted),
// not the success answer.
describe('noreply writes under ignoreErrors when nothing could be sent', () => {
  const clients: Client[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close({ force: true })));
  });

  it('report failure, not success', async () => {
    const { address } = await closedPort();
    const client = new Client(address, { ignoreErrors: true, connectTimeout: 500, timeout: 500 });
    clients.push(client);
    // Without noreply the same writes answer false / not_found, as documented.
    expect(await client.set('k', 'v')).toBe(false);
    expect(await client.set('k', 'v', { noreply: true })).toBe(false);
    expect(await client.delete('k', { noreply: true })).toBe(false);
    expect(await client.touch('k', 10, { noreply: true })).toBe(false);
    expect(await client.append('k', 'x', { noreply: true })).toBe(false);
    expect(await client.cas('k', 'v', 1n, { noreply: true })).not.toBe('stored');
    expect(await client.deleteMany(['a', 'b'], { noreply: true })).toBe(0);
    expect(await client.setMany({ a: '1', b: '2' }, { noreply: true })).toEqual(['a', 'b']);
  });

  it('with defaultNoreply too', async () => {
    const { address } = await closedPort();
    const client = new Client(address, {
      ignoreErrors: true,
      defaultNoreply: true,
      connectTimeout: 500,
      timeout: 500,
    });
    clients.push(client);
    expect(await client.set('k', 'v')).toBe(false);
  });
});
