import { type MemcachedServer, resizableBuffer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, MemcacheIllegalInputError } from './index.js';

// The scenario through the client: bytes checked at the call, changed by the caller
// before the socket is written, must not reach memcached.

let server: MemcachedServer;
let client: Client;
const text = (value: string) => new TextEncoder().encode(value);

beforeAll(async () => {
  server = await startMemcached();
  client = new Client(server.address);
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

describe('what is validated is what is sent', () => {
  it('a byte key changed right after delete() cannot delete victim', async () => {
    await client.set('victim', 'v');
    await client.set('abcdefghijklmnop', '1');
    const key = text('abcdefghijklmnop');
    const deleted = client.delete(key);
    key.set(text('x\r\ndelete victim'));
    expect(await deleted).toBe(true);
    expect(await client.get('victim')).toBe('v');
  });

  it('a value over a resizable buffer that grows right after set() is stored as checked', async () => {
    await client.set('victim', 'v');
    const injected = text('abc\r\ndelete victim');
    const buffer = resizableBuffer(3, 64);
    const value = new Uint8Array(buffer);
    value.set(injected.subarray(0, 3));
    const stored = client.set('k', value);
    buffer.resize(injected.length);
    new Uint8Array(buffer).set(injected);
    expect(await stored).toBe(true);
    expect(await client.get('victim')).toBe('v');
    expect(new TextDecoder().decode((await client.get('k')) as Uint8Array)).toBe('abc');
  });

  it('metaSet with a byte key changed right after the call stores under the checked key', async () => {
    await client.set('victim', 'v');
    const key = text('abcdefghijklmnopq');
    const stored = client.metaSet(key, 'w');
    key.set(text('x 1\r\nw\r\nmd victim'));
    expect(await stored).toEqual({ status: 'stored' });
    expect(await client.get('victim')).toBe('v');
    expect(await client.get('abcdefghijklmnopq')).toBe('w');
  });

  it('a noreply that is not a boolean is illegal input, not a silent noreply', async () => {
    const notBoolean = 'false' as unknown as boolean;
    await expect(client.set('k', 'v', { noreply: notBoolean })).rejects.toBeInstanceOf(
      MemcacheIllegalInputError,
    );
    await expect(client.delete('k', { noreply: notBoolean })).rejects.toBeInstanceOf(
      MemcacheIllegalInputError,
    );
    await expect(client.metaSet('k', 'v', { invalidate: notBoolean })).rejects.toBeInstanceOf(
      MemcacheIllegalInputError,
    );
    await expect(client.metaGet('k', { value: notBoolean })).rejects.toBeInstanceOf(
      MemcacheIllegalInputError,
    );
  });
});
