import { type FakeServer, startFakeServer } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, MemcacheIllegalInputError } from './index.js';

// A server that accepts connections and never answers: whatever is pending stays pending.
let frozen: FakeServer;
const clients: Client[] = [];

beforeAll(async () => {
  frozen = await startFakeServer();
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close({ force: true })));
  await frozen?.close();
});

function settlesWithin<T>(promise: Promise<T>, ms: number): Promise<'settled' | 'pending'> {
  return Promise.race([
    promise.then(
      () => 'settled' as const,
      () => 'settled' as const,
    ),
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

describe('close() always settles', () => {
  // The client README: "`close()` lets pending requests finish within `timeout` ... and always
  // settles". With `close({ timeout: 0 })` the caller gives pending requests 0 ms: close must
  // settle (at once, or at the very least at all), never hang on a server that does not answer.
  it('close({ timeout: 0 }) settles against a frozen server when the client has no command deadline', async () => {
    const client = new Client(frozen.address, { timeout: 0 });
    clients.push(client);
    const pending = client.get('k').catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const outcome = await settlesWithin(client.close({ timeout: 0 }), 3000);
    expect(outcome).toBe('settled');
    expect(await settlesWithin(pending, 2000)).toBe('settled');
  });

  it('close({ timeout: 0 }) does not wait out the command deadline instead', async () => {
    const client = new Client(frozen.address, { timeout: 20_000 });
    clients.push(client);
    const pending = client.get('k').catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await client.close({ timeout: 0 });
    // "settles everything within `timeout`": a timeout of 0 ms is not 20 seconds.
    expect(performance.now() - started).toBeLessThan(5000);
    await pending;
  });
});

describe('close() options are checked', () => {
  // The client README: "every per-call option when the call is made ...: `noreply: 'false'`
  // or `timeout: '500'` is a MemcacheIllegalInputError, not a silently different behaviour."
  it("close({ force: 'true' }) is illegal input, not a silent graceful close", async () => {
    const client = new Client(frozen.address, { timeout: 0 });
    clients.push(client);
    const pending = client.get('k').catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(client.close({ force: 'true' as unknown as boolean })).rejects.toBeInstanceOf(
      MemcacheIllegalInputError,
    );
    await client.close({ force: true });
    await pending;
  });

  it('close(null) is illegal input, not a TypeError', async () => {
    const client = new Client(frozen.address);
    clients.push(client);
    await expect(client.close(null as unknown as undefined)).rejects.toBeInstanceOf(
      MemcacheIllegalInputError,
    );
  });
});
