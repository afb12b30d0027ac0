import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../client.js';
import { sideBySide } from '../test-support/side-by-side.js';

// MemoryClient is "the Client API with memcached in memory ... so code tested against it
// behaves the same against a real server". Each test runs one scenario on a Client talking to a
// real memcached 1.6.18 and on a MemoryClient, and expects the same answers.

let server: MemcachedServer;
beforeAll(async () => {
  server = await startMemcached();
});
afterAll(async () => {
  await server?.stop();
});

async function settle<T>(run: () => Promise<T>): Promise<T | string> {
  try {
    return await run();
  } catch (error) {
    return `rejects ${(error as Error).name}`;
  }
}

const both = <T>(run: (client: Client, key: string) => Promise<T>) => sideBySide(server.address, run);

// memcached refuses to count an empty value, or one stored in chunks (over 512 KiB), as
// non-numeric before it compares a cas or reads digits; MemoryClient compared the cas first
// (a stale cas answered exists) and counted the large value.
describe('incr and ma on values memcached will not count', () => {
  it('an empty value is non-numeric, even with a stale cas', async () => {
    const { real, memory } = await both(async (client, key) => {
      await client.set(key, '');
      return [
        await settle(() => client.metaArithmetic(key, { cas: 12345n })),
        await settle(() => client.incr(key, 1)),
      ];
    });
    expect(real).toEqual(['rejects MemcacheClientError', 'rejects MemcacheClientError']);
    expect(memory).toEqual(real);
  });

  it('a value stored in chunks is non-numeric, however it starts', async () => {
    const { real, memory } = await both(async (client, key) => {
      await client.set(key, `5${' '.repeat(530_000)}`);
      const large = await settle(() => client.incr(key, 1));
      await client.set(key, `5${' '.repeat(400_000)}`);
      return [large, await settle(() => client.incr(key, 1))];
    });
    expect(real).toEqual(['rejects MemcacheClientError', 6n]);
    expect(memory).toEqual(real);
  });
});

// A metaSet with cas 0 and invalidate stored the value, marked stale, on MemoryClient; memcached
// answers exists and keeps the item as it was.
describe('metaSet with cas 0 and invalidate', () => {
  it('is refused as exists', async () => {
    const { real, memory } = await both(async (client, key) => {
      await client.set(key, 'kept');
      const answer = await settle(() => client.metaSet(key, 'late', { cas: 0n, invalidate: true }));
      return [answer, await client.get(key), (await client.metaGet(key, { value: true }))?.stale];
    });
    expect(real).toEqual([{ status: 'exists' }, 'kept', false]);
    expect(memory).toEqual(real);
  });
});

describe('text commands', () => {
  it('incr accepts a value with a leading plus sign, as memcached (strtoull) does', async () => {
    const { real, memory } = await both(async (client, key) => {
      await client.set(key, '+5');
      return [await settle(() => client.incr(key, 1)), await settle(() => client.get(key))];
    });
    expect(real).toEqual([6n, '6 ']);
    expect(memory).toEqual(real);
  });

  it('incr refuses a value ending in a latin1 no-break space (0xA0 is not C whitespace)', async () => {
    const { real, memory } = await both(async (client, key) => {
      await client.set(key, Buffer.from([0x35, 0xa0]));
      return settle(() => client.incr(key, 1));
    });
    expect(real).toBe('rejects MemcacheClientError');
    expect(memory).toEqual(real);
  });

  it('touch marks the item fetched (mg h), as a read does', async () => {
    const { real, memory } = await both(async (client, key) => {
      await client.set(key, 'a');
      await client.touch(key, 100);
      return (await client.metaGet(key, { hit: true }))?.hit;
    });
    expect(real).toBe(true);
    expect(memory).toBe(real);
  });

  it('an append that would make the item larger than the item size limit is refused', async () => {
    const { real, memory } = await both(async (client, key) => {
      await client.set(key, Buffer.alloc(600_000, 97));
      const appended = await settle(() => client.append(key, Buffer.alloc(600_000, 98)));
      const length = ((await client.get(key)) as Uint8Array | undefined)?.byteLength;
      return { appended, length };
    });
    expect(real).toEqual({ appended: false, length: 600_000 });
    expect(memory).toEqual(real);
  });

  it('a string value (flags 16) just under the limit is refused as memcached refuses it', async () => {
    // memcached's item header grows by 4 bytes when the client flags are not 0.
    const { real, memory } = await both(async (client, key) => {
      const bytes = await settle(() => client.set(key, Buffer.alloc(1024 * 1024 - 62 - key.length, 97)));
      const text = await settle(() => client.set(key, 'a'.repeat(1024 * 1024 - 62 - key.length)));
      return { bytes, text };
    });
    expect(real).toEqual({ bytes: true, text: 'rejects MemcacheServerError' });
    expect(memory).toEqual(real);
  });

  it('shutdown() is refused by a memcached started without -A (shutdown_command no)', async () => {
    const { real, memory } = await both(async (client) => {
      const settings = await client.stats('settings');
      return { setting: settings.shutdown_command, answer: await settle(() => client.shutdown()) };
    });
    expect(real).toEqual({ setting: 'no', answer: 'rejects MemcacheUnknownCommandError' });
    expect(memory).toEqual(real);
  });
});

describe('metaSet', () => {
  it('a compare cas on a missing key: add stores, append and prepend are not_stored', async () => {
    const { real, memory } = await both(async (client, key) => {
      const out: Record<string, string> = {};
      for (const mode of ['set', 'add', 'replace', 'append', 'prepend'] as const)
        out[mode] = (await client.metaSet(`${key}:${mode}`, 'b', { cas: 5n, mode })).status;
      return out;
    });
    expect(real).toEqual({
      set: 'not_found',
      add: 'stored',
      replace: 'not_found',
      append: 'not_stored',
      prepend: 'not_stored',
    });
    expect(memory).toEqual(real);
  });

  it('add with a wrong cas on an existing key is not_stored', async () => {
    const { real, memory } = await both(async (client, key) => {
      await client.set(key, 'a');
      const cas = (await client.gets(key))!.cas;
      return (await client.metaSet(key, 'b', { cas: cas + 7n, mode: 'add' })).status;
    });
    expect(real).toBe('not_stored');
    expect(memory).toBe(real);
  });

  it('append with invalidate and an older cas is refused (exists), the value unchanged', async () => {
    const { real, memory } = await both(async (client, key) => {
      await client.set(key, 'a');
      const old = (await client.gets(key))!.cas;
      await client.set(key, 'a2');
      const result = await client.metaSet(key, 'b', { cas: old, mode: 'append', invalidate: true });
      return { status: result.status, after: await client.metaGet(key, { value: true }) };
    });
    expect(real).toEqual({
      status: 'exists',
      after: { value: 'a2', won: false, stale: false, alreadyWon: false },
    });
    expect(memory).toEqual(real);
  });

  it('a too-large ms in add mode drops the old value, as memcached does for every mode', async () => {
    const { real, memory } = await both(async (client, key) => {
      await client.set(key, 'old');
      const answer = await settle(() => client.metaSet(key, 'x'.repeat(1024 * 1024 + 1), { mode: 'add' }));
      return { answer, after: await client.get(key) };
    });
    expect(real).toEqual({ answer: 'rejects MemcacheServerError', after: undefined });
    expect(memory).toEqual(real);
  });
});

describe('stats', () => {
  it('gat counts as a touch, not as a get (cmd_get, get_hits, get_misses)', async () => {
    const { real, memory } = await both(async (client, key) => {
      await client.set(key, 'a');
      const before = await client.stats();
      await client.gat(key, 100);
      await client.gat(`${key}:missing`, 100);
      const after = await client.stats();
      const names = ['cmd_get', 'get_hits', 'get_misses', 'cmd_touch', 'touch_hits', 'touch_misses'];
      return Object.fromEntries(names.map((name) => [name, Number(after[name]) - Number(before[name])]));
    });
    expect(real).toEqual({
      cmd_get: 0,
      get_hits: 0,
      get_misses: 0,
      cmd_touch: 2,
      touch_hits: 1,
      touch_misses: 1,
    });
    expect(memory).toEqual(real);
  });

  it("stats('items') and stats('slabs') describe the stored items", async () => {
    const { real, memory } = await both(async (client, key) => {
      await client.set(key, 'a');
      const items = await client.stats('items');
      const slabs = await client.stats('slabs');
      return {
        items: 'items:1:number' in items,
        slabs: 'active_slabs' in slabs && 'total_malloced' in slabs,
      };
    });
    expect(real).toEqual({ items: true, slabs: true });
    expect(memory).toEqual(real);
  });

  it("stats('sizes') says sizes_status disabled", async () => {
    const { real, memory } = await both((client) => client.stats('sizes'));
    expect(real).toEqual({ sizes_status: 'disabled' });
    expect(memory).toEqual(real);
  });

  it("stats('settings') has every setting memcached prints", async () => {
    const { real, memory } = await both(async (client) => Object.keys(await client.stats('settings')).sort());
    expect(real.filter((name) => !memory.includes(name))).toEqual([]);
  });

  it("stats('detail', 'dump') and stats('extstore') answer as memcached does", async () => {
    const { real, memory } = await both(async (client) => ({
      detail: await settle(() => client.stats('detail', 'dump')),
      extstore: await settle(() => client.stats('extstore')),
    }));
    expect(real).toEqual({ detail: {}, extstore: {} });
    expect(memory).toEqual(real);
  });
});
