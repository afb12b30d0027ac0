import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Client } from '../client.js';
import { sideBySide } from '../test-support/side-by-side.js';

// MemoryClient's meta commands against a real memcached 1.6.18, side by side: flags applied in
// the order sent, stale writes, cas 0, refusals, wrapped TTLs and the counters each one moves.

let server: MemcachedServer;
beforeAll(async () => {
  server = await startMemcached();
});
afterAll(async () => {
  await server?.stop();
});

const both = <T>(run: (client: Client, key: string) => Promise<T>) => sideBySide(server.address, run);

// memcached 1.6.18's do_store_item, CAS_STALE (an `ms` with `I` and a cas older than the
// item's) keeps the stale mark "+ token sent if exists": a win (W) already handed out stays
// handed out, so the next reader sees X Z, not X W. MemoryClient used to drop the token: the
// next reader won again, and getOrSet ran its loader where memcached serves the stale value.
it('metaSet with invalidate and an older cas keeps a win already handed out (X Z)', async () => {
  const { real, memory } = await both(async (client, key) => {
    await client.set(key, 'a');
    const old = (await client.gets(key))!.cas;
    await client.metaDelete(key, { invalidate: true });
    const first = await client.metaGet(key, { value: true }); // X W: this reader is refreshing
    const late = await client.metaSet(key, 'late', { cas: old, invalidate: true });
    const next = await client.metaGet(key, { value: true });
    return { first: first?.won, late: late.status, next };
  });
  expect(real).toEqual({
    first: true,
    late: 'stored',
    next: { value: 'late', won: false, stale: true, alreadyWon: true },
  });
  expect(memory).toEqual(real);
});

it('getOrSet after such a late stale write serves the stale value without loading', async () => {
  const { real, memory } = await both(async (client, key) => {
    await client.set(key, 'a');
    const old = (await client.gets(key))!.cas;
    await client.metaDelete(key, { invalidate: true });
    await client.metaGet(key, { value: true }); // wins the refresh
    await client.metaSet(key, 'late', { cas: old, invalidate: true });
    let loads = 0;
    const value = await client.getOrSet(
      key,
      () => {
        loads++;
        return 'fresh';
      },
      { ttl: 50, lockTtl: 1 },
    );
    return { value, loads };
  });
  expect(real).toEqual({ value: 'late', loads: 0 });
  expect(memory).toEqual(real);
});

// memcached 1.6.18's do_store_item, CAS_STALE (an `ms` with `I` and a cas older than the
// item's): "This replaces the value, but should preserve TTL" — `it->exptime = old_it->exptime`.
// The ttl the late writer sends is ignored (MemoryClient used to apply it).
it('metaSet with invalidate and an older cas keeps the TTL of the item it replaces', async () => {
  const { real, memory } = await both(async (client, key) => {
    await client.set(key, 'a', { ttl: 100 });
    const old = (await client.gets(key))!.cas;
    await client.set(key, 'b'); // no TTL: never expires
    const result = await client.metaSet(key, 'late', { cas: old, invalidate: true, ttl: 5 });
    const after = await client.metaGet(key, { value: true, ttl: true });
    return { status: result.status, value: after?.value, stale: after?.stale, ttl: after?.ttl };
  });
  expect(real).toEqual({ status: 'stored', value: 'late', stale: true, ttl: -1 });
  expect(memory).toEqual(real);
});

it('metaSet in replace mode with invalidate and an older cas keeps the replaced TTL too', async () => {
  const { real, memory } = await both(async (client, key) => {
    await client.set(key, 'a');
    const old = (await client.gets(key))!.cas;
    await client.set(key, 'b', { ttl: 200 });
    const result = await client.metaSet(key, 'late', { mode: 'replace', cas: old, invalidate: true, ttl: 5 });
    const ttl = (await client.metaGet(key, { ttl: true }))?.ttl ?? 0;
    // memcached's clock ticks in whole seconds: anything well above 5 is the old TTL
    return { status: result.status, keptOldTtl: ttl > 150 };
  });
  expect(real).toEqual({ status: 'stored', keptOldTtl: true });
  expect(memory).toEqual(real);
});

// memcached 1.6.18's `ma` applies its flags in order after creating the counter: `N` sets the
// vivified TTL, and a `T` (metaArithmetic's `ttl`, written after `N`) then overrides it, on a
// created counter as on an existing one. MemoryClient used to apply `ttl` only to an existing counter.
it('metaArithmetic with vivify and ttl on a miss: the counter gets ttl', async () => {
  const { real, memory } = await both(async (client, key) => {
    const result = await client.metaArithmetic(key, { vivify: 100, ttl: 5, initial: 3n });
    const ttl = (await client.metaGet(key, { ttl: true }))?.ttl;
    return { status: result.status, value: result.value, ttl };
  });
  expect(real).toEqual({ status: 'ok', value: 3n, ttl: 5 });
  expect(memory).toEqual(real);
});

it('metaArithmetic with vivify and ttl 0 on a miss: the counter never expires', async () => {
  const { real, memory } = await both(async (client, key) => {
    await client.metaArithmetic(key, { vivify: 50, ttl: 0, initial: 3n });
    return (await client.metaGet(key, { ttl: true }))?.ttl;
  });
  expect(real).toBe(-1);
  expect(memory).toBe(real);
});

// memcached 1.6.18's do_add_delta writes a result longer than the stored number into a new
// item (item_replace) but hands `ma` back the old, unlinked one; the `T` of the request is then
// set on that old item, so the counter keeps its TTL. (A result that fits in place does get the
// new TTL.) MemoryClient used to apply the TTL either way.
it('metaArithmetic ttl is not applied when the result is longer than the stored number (9 → 10)', async () => {
  const { real, memory } = await both(async (client, key) => {
    await client.set(key, '9');
    const result = await client.metaArithmetic(key, { ttl: 100 });
    const after = await client.metaGet(key, { value: true, ttl: true });
    return { status: result.status, value: result.value, stored: after?.value, ttl: after?.ttl };
  });
  expect(real).toEqual({ status: 'ok', value: 10n, stored: '10', ttl: -1 });
  expect(memory).toEqual(real);
});

it('a negative metaArithmetic ttl on a growing result leaves the counter alive', async () => {
  const { real, memory } = await both(async (client, key) => {
    await client.set(key, '99', { ttl: 100 });
    await client.metaArithmetic(key, { ttl: -1 });
    return client.get(key);
  });
  expect(real).toBe('100');
  expect(memory).toBe(real);
});

// A compare cas of 0 means "no compare" in memcached 1.6.18 where the code tests for it:
// do_add_delta checks `*cas != 0`, and do_store_item's append/prepend refuse only a cas that is
// set and differs (CAS_NONE passes). MemoryClient used to compare 0 like any other cas and answer EX.
// (set/replace with cas 0 are EX on both, and so is md with cas 0.)
it('metaArithmetic with cas 0 changes the counter', async () => {
  const { real, memory } = await both(async (client, key) => {
    await client.set(key, '5');
    const result = await client.metaArithmetic(key, { cas: 0n });
    return { status: result.status, value: result.value, stored: await client.get(key) };
  });
  expect(real).toEqual({ status: 'ok', value: 6n, stored: '6' });
  expect(memory).toEqual(real);
});

it('metaSet append and prepend with cas 0 store', async () => {
  const { real, memory } = await both(async (client, key) => {
    await client.set(key, 'a');
    const appended = (await client.metaSet(key, 'b', { mode: 'append', cas: 0n })).status;
    const prepended = (await client.metaSet(key, 'c', { mode: 'prepend', cas: 0n })).status;
    return { appended, prepended, stored: await client.get(key) };
  });
  expect(real).toEqual({ appended: 'stored', prepended: 'stored', stored: 'cab' });
  expect(memory).toEqual(real);
});

// memcached 1.6.18's _finalize_mset prints every `c` the request asked for, whatever the
// status, with the connection's cas cleared to 0 when nothing was stored: `NS c0`, `EX c0`,
// `NF c0`. So metaSet's result carries `cas: 0n` on a refusal; MemoryClient used to leave it out.
it('metaSet with returnCas reports cas 0 when the write is refused', async () => {
  const { real, memory } = await both(async (client, key) => {
    await client.set(`${key}:present`, 'a');
    const current = (await client.gets(`${key}:present`))!.cas;
    return {
      notStored: await client.metaSet(`${key}:present`, 'b', { mode: 'add', returnCas: true }),
      exists: await client.metaSet(`${key}:present`, 'b', { cas: current + 1000n, returnCas: true }),
      notFound: await client.metaSet(`${key}:missing`, 'b', { cas: 5n, returnCas: true }),
      replace: await client.metaSet(`${key}:missing`, 'b', { mode: 'replace', returnCas: true }),
    };
  });
  expect(real).toEqual({
    notStored: { status: 'not_stored', cas: 0n },
    exists: { status: 'exists', cas: 0n },
    notFound: { status: 'not_found', cas: 0n },
    replace: { status: 'not_stored', cas: 0n },
  });
  expect(memory).toEqual(real);
});

// A negative TTL travels as `T-1` (or `N-1`); memcached 1.6.18 turns it into an exptime of 1
// (a moment long past on its relative clock), and the `t` flag of the same `mg` prints
// `exptime - current_time` as an unsigned 32-bit number: 2^32 + 1 - current_time, a number
// just under 2^32 (current_time counts seconds since shortly before the server started).
// (MemoryClient used to report 0.)
const NEAR_2_32 = { min: 2 ** 32 - 86_400, max: 2 ** 32 };

it('metaGet with touch -1 reports a TTL just under 2^32 for the item it expires', async () => {
  const { real, memory } = await both(async (client, key) => {
    await client.set(key, 'a');
    const read = await client.metaGet(key, { touch: -1, ttl: true, value: true });
    return { value: read?.value, ttl: read?.ttl ?? 0, after: await client.get(key) };
  });
  expect(real.value).toBe('a');
  expect(real.after).toBeUndefined();
  expect(real.ttl).toBeGreaterThan(NEAR_2_32.min);
  expect(real.ttl).toBeLessThan(NEAR_2_32.max);
  expect(memory.value).toBe(real.value);
  expect(memory.after).toBe(real.after);
  expect(memory.ttl).toBeGreaterThan(NEAR_2_32.min);
  expect(memory.ttl).toBeLessThan(NEAR_2_32.max);
});

it('metaGet with vivify -1 on a miss reports the same wrapped TTL', async () => {
  const { real, memory } = await both(async (client, key) => {
    const read = await client.metaGet(key, { vivify: -1, ttl: true });
    return { won: read?.won, ttl: read?.ttl ?? 0 };
  });
  expect(real.won).toBe(true);
  expect(real.ttl).toBeGreaterThan(NEAR_2_32.min);
  expect(real.ttl).toBeLessThan(NEAR_2_32.max);
  expect(memory.won).toBe(real.won);
  expect(memory.ttl).toBeGreaterThan(NEAR_2_32.min);
  expect(memory.ttl).toBeLessThan(NEAR_2_32.max);
});

// The counters memcached 1.6.18 moves for meta commands (proto_text.c), which MemoryClient
// used to count differently: each test takes the difference of `stats` around one call.
const NAMES = [
  'cmd_get',
  'get_hits',
  'get_misses',
  'cmd_touch',
  'touch_hits',
  'touch_misses',
  'cmd_set',
  'delete_hits',
  'delete_misses',
  'incr_hits',
  'incr_misses',
  'cas_hits',
  'cas_badval',
  'cas_misses',
  'get_expired',
];

async function moved(client: Client, run: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = await client.stats();
  await run();
  const after = await client.stats();
  const out: Record<string, number> = {};
  for (const name of NAMES) {
    const by = Number(after[name]) - Number(before[name]);
    if (by !== 0) out[name] = by;
  }
  return out;
}

it('metaGet with touch on a hit counts a touch (cmd_touch, touch_hits), not a get', async () => {
  const { real, memory } = await both(async (client, key) => {
    await client.set(key, 'a');
    return moved(client, () => client.metaGet(key, { touch: 100 }));
  });
  expect(real).toEqual({ cmd_touch: 1, touch_hits: 1 });
  expect(memory).toEqual(real);
});

it('metaGet with vivify on a miss counts a get hit, not a miss', async () => {
  const { real, memory } = await both((client, key) =>
    moved(client, () => client.metaGet(key, { vivify: 30 })),
  );
  expect(real).toEqual({ cmd_get: 1, get_hits: 1 });
  expect(memory).toEqual(real);
});

it('metaDelete counts delete_misses on a miss and on a cas mismatch, and no delete_hits when invalidating', async () => {
  const { real, memory } = await both(async (client, key) => ({
    miss: await moved(client, () => client.metaDelete(`${key}:missing`)),
    mismatch: await moved(client, async () => {
      await client.set(key, 'a');
      const cas = (await client.gets(key))!.cas;
      await client.metaDelete(key, { cas: cas + 1000n });
    }),
    invalidate: await moved(client, () => client.metaDelete(key, { invalidate: true })),
  }));
  expect(real).toEqual({
    miss: { delete_misses: 1 },
    mismatch: { cmd_set: 1, cmd_get: 1, get_hits: 1, delete_misses: 1 },
    invalidate: {},
  });
  expect(memory).toEqual(real);
});

it('metaArithmetic that vivifies a counter counts no incr_misses', async () => {
  const { real, memory } = await both((client, key) =>
    moved(client, () => client.metaArithmetic(key, { vivify: 30 })),
  );
  expect(real).toEqual({});
  expect(memory).toEqual(real);
});

it('metaSet with cas counts cas_hits, cas_badval and cas_misses as the cas command does', async () => {
  const { real, memory } = await both(async (client, key) => {
    await client.set(key, 'a');
    const cas = (await client.gets(key))!.cas;
    return {
      hit: await moved(client, () => client.metaSet(key, 'b', { cas })),
      badval: await moved(client, () => client.metaSet(key, 'c', { cas })),
      miss: await moved(client, () => client.metaSet(`${key}:missing`, 'c', { cas })),
    };
  });
  expect(real).toEqual({
    hit: { cmd_set: 1, cas_hits: 1 },
    badval: { cmd_set: 1, cas_badval: 1 },
    miss: { cmd_set: 1, cas_misses: 1 },
  });
  expect(memory).toEqual(real);
});

// What `ma` does with T and N in either order, and what it counts; checked on memcached 1.6.18.
it('metaArithmetic applies N and T in the order sent, on a miss and on a hit', async () => {
  const ttlOf = async (client: Client, key: string) => (await client.metaGet(key, { ttl: true }))?.ttl;
  const { real, memory } = await both(async (client, key) => {
    await client.metaArithmetic(`${key}:a`, { vivify: 100, ttl: 5 });
    await client.set(`${key}:b`, '10');
    await client.metaArithmetic(`${key}:b`, { vivify: 100 });
    await client.set(`${key}:c`, '10');
    await client.metaArithmetic(`${key}:c`, { vivify: 100, ttl: 5 });
    return {
      a: await ttlOf(client, `${key}:a`),
      b: await ttlOf(client, `${key}:b`),
      c: await ttlOf(client, `${key}:c`),
    };
  });
  expect(real).toEqual({ a: 5, b: -1, c: 5 });
  expect(memory).toEqual(real);
});

it('metaArithmetic counts nothing for a non-numeric value, a cas mismatch or a vivified decr', async () => {
  const { real, memory } = await both(async (client, key) => {
    await client.set(`${key}:text`, 'x');
    await client.set(`${key}:n`, '5');
    return {
      text: await moved(client, () => client.metaArithmetic(`${key}:text`).catch(() => 'refused')),
      mismatch: await moved(client, () => client.metaArithmetic(`${key}:n`, { cas: 99_999_999n })),
      vivified: await moved(client, () => client.metaArithmetic(`${key}:new`, { mode: 'decr', vivify: 10 })),
    };
  });
  expect(real).toEqual({ text: {}, mismatch: {}, vivified: {} });
  expect(memory).toEqual(real);
});

it('metaGet counts a miss as a get even with touch, and a vivified item with touch as a touch hit', async () => {
  const { real, memory } = await both(async (client, key) => ({
    miss: await moved(client, () => client.metaGet(`${key}:a`, { touch: 30 })),
    vivified: await moved(client, () => client.metaGet(`${key}:b`, { touch: 30, vivify: 30 })),
  }));
  expect(real).toEqual({ miss: { cmd_get: 1, get_misses: 1 }, vivified: { cmd_touch: 1, touch_hits: 1 } });
  expect(memory).toEqual(real);
});

it('metaSet counts a stale write as a cas hit, and an append with a cas as no cas at all', async () => {
  const { real, memory } = await both(async (client, key) => {
    await client.set(key, 'a');
    const old = (await client.gets(key))!.cas;
    await client.set(key, 'b');
    return {
      stale: await moved(client, () => client.metaSet(key, 'c', { cas: old, invalidate: true })),
      append: await moved(client, () => client.metaSet(key, 'd', { mode: 'append', cas: old })),
    };
  });
  expect(real).toEqual({ stale: { cmd_set: 1, cas_hits: 1 }, append: { cmd_set: 1 } });
  expect(memory).toEqual(real);
});

it('reading stats counts no expired item, and a refused incr counts nothing', async () => {
  const { real, memory } = await both(async (client, key) => {
    await client.set(`${key}:text`, 'x');
    return {
      expiring: await moved(client, () => client.set(key, 'a', { ttl: -1 })),
      read: await moved(client, () => client.get(key)),
      text: await moved(client, () => client.incr(`${key}:text`).catch(() => 'refused')),
    };
  });
  expect(real).toEqual({
    expiring: { cmd_set: 1 },
    read: { cmd_get: 1, get_misses: 1, get_expired: 1 },
    text: {},
  });
  expect(memory).toEqual(real);
});
