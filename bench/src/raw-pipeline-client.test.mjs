import { startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawPipelineClient } from './raw-pipeline-client.mjs';

describe('RawPipelineClient', () => {
  let server;
  let client;
  beforeAll(async () => {
    server = await startMemcached({ threads: 1, args: ['-I', '2m'] });
    client = new RawPipelineClient(server);
  });
  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  it('reads back what it set, and misses as undefined', async () => {
    expect(await client.set('raw:a', 'hello')).toBe(true);
    expect((await client.get('raw:a')).toString()).toBe('hello');
    expect(await client.get('raw:missing')).toBeUndefined();
  });

  it('keeps pipelined answers in request order', async () => {
    const keys = Array.from({ length: 200 }, (_, index) => `raw:order:${index}`);
    await Promise.all(keys.map((key, index) => client.set(key, `value-${index}`)));
    const values = await Promise.all(keys.map((key) => client.get(key)));
    expect(values.map(String)).toEqual(keys.map((_, index) => `value-${index}`));
  });

  it('multi-gets into a Map without the missing keys', async () => {
    await client.set('raw:m1', 'one');
    await client.set('raw:m2', 'two');
    const found = await client.getMulti(['raw:m1', 'raw:nope', 'raw:m2']);
    expect([...found.keys()]).toEqual(['raw:m1', 'raw:m2']);
    expect(String(found.get('raw:m2'))).toBe('two');
  });

  it('keeps every byte of binary and 1 MB values', async () => {
    const binary = Buffer.from(Array.from({ length: 1024 }, (_, index) => index % 256));
    await client.set('raw:binary', binary);
    expect(binary.equals(await client.get('raw:binary'))).toBe(true);
    const large = Buffer.alloc(1_000_000, 'xyz\r\n');
    await client.set('raw:large', large);
    const [back, after] = await Promise.all([client.get('raw:large'), client.get('raw:binary')]);
    expect(large.equals(back)).toBe(true);
    expect(binary.equals(after)).toBe(true);
  });

  it('rejects what memcached refuses, and carries on', async () => {
    await expect(client.get('k'.repeat(300))).rejects.toThrow(/memcached said: CLIENT_ERROR/);
    expect(String(await client.get('raw:a'))).toBe('hello');
  });

  it('rejects requests once closed', async () => {
    const other = new RawPipelineClient(server);
    await other.close();
    await expect(other.get('raw:a')).rejects.toThrow('client is closed');
  });
});
