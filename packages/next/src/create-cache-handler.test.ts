import { randomBytes } from 'node:crypto';
import { Client, MemcacheIllegalInputError } from '@mc/client';
import { closedPort, type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CacheHandlerOptions } from './cache-handler-options.js';
import { createCacheHandler, type MemcachedCacheHandlerClass } from './create-cache-handler.js';
import type { GetContext, SetContext } from './next-types.js';
import { sampleEntries } from './test-support/entries.js';

let server: MemcachedServer;
const classes: MemcachedCacheHandlerClass[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await Promise.all(classes.map((handlerClass) => handlerClass.close()));
  await Promise.all(clients.map((client) => client.close()));
  await server?.stop();
});

/** A handler class with a client of its own, as one Next.js instance has; warnings collected. */
function instance(options: CacheHandlerOptions = {}) {
  const warnings: string[] = [];
  const Handler = createCacheHandler({
    servers: [server.address],
    keyPrefix: `t${classes.length}x:`,
    logger: { warn: (message) => warnings.push(message) },
    ...options,
  });
  classes.push(Handler);
  return { Handler, handler: new Handler(), warnings };
}

/** Two instances of one app: separate handler classes and clients, one key space. */
function twoInstances(keyPrefix: string) {
  return [instance({ keyPrefix }), instance({ keyPrefix })] as const;
}

const pageContext: GetContext = { kind: 'APP_PAGE', isFallback: false } as unknown as GetContext;
const pageSetContext: SetContext = { cacheControl: { revalidate: 60, expire: undefined } };

function page(tags: string, html = '<p>page</p>') {
  return {
    kind: 'APP_PAGE',
    html,
    rscData: Buffer.from(`rsc for ${html}`),
    status: 200,
    postponed: undefined,
    headers: { 'x-next-cache-tags': tags },
    segmentData: new Map([['/_tree', Buffer.from('tree')]]),
  } as unknown as Parameters<InstanceType<MemcachedCacheHandlerClass>['set']>[1];
}

describe('round trip of every kind of entry Next stores', () => {
  for (const sample of sampleEntries()) {
    it(`${sample.kind}: what set stored, get returns, Buffers and Maps included`, async () => {
      const { handler } = instance();
      const before = Date.now();
      await handler.set(sample.key, sample.value, sample.setContext);
      const read = await handler.get(sample.key, sample.getContext);
      expect(read).not.toBeNull();
      expect(read?.value).toStrictEqual(sampleEntries().find((entry) => entry.kind === sample.kind)?.value);
      expect(read?.lastModified).toBeGreaterThanOrEqual(before);
      expect(read?.lastModified).toBeLessThanOrEqual(Date.now());
      const context = sample.setContext as { cacheControl?: unknown };
      expect(read?.cacheControl).toStrictEqual(context.cacheControl);
      const value = read?.value as unknown as Record<string, unknown>;
      for (const field of ['rscData', 'body', 'buffer']) {
        if (field in value) expect(Buffer.isBuffer(value[field])).toBe(true);
      }
      if (sample.kind === 'APP_PAGE') {
        const segments = value.segmentData as Map<string, Buffer>;
        expect(segments).toBeInstanceOf(Map);
        expect(Buffer.isBuffer(segments.get('/_index'))).toBe(true);
      }
    });
  }

  it('keeps a null entry (a page Next knows is not found) apart from a miss', async () => {
    const { handler } = instance();
    await handler.set('/route-cache/APP_PAGE/1/$/gone', null, pageSetContext);
    expect(await handler.get('/route-cache/APP_PAGE/1/$/gone', pageContext)).toMatchObject({ value: null });
    expect(await handler.get('/route-cache/APP_PAGE/1/$/never-set', pageContext)).toBeNull();
  });

  it('stores keys memcached cannot hold as they are (long, spaces, non-ASCII) under a hash', async () => {
    const { handler } = instance();
    const keys = [`/${'segment/'.repeat(60)}end`, '/with space/and\ttab', '/ünïcödé/页面'];
    for (const [index, key] of keys.entries())
      await handler.set(key, page('', `<p>${index}</p>`), pageSetContext);
    for (const [index, key] of keys.entries()) {
      expect((await handler.get(key, pageContext))?.value).toMatchObject({ html: `<p>${index}</p>` });
    }
  });

  it('keeps entries of different key prefixes apart', async () => {
    const { handler: first } = instance({ keyPrefix: 'app-one:' });
    const { handler: second } = instance({ keyPrefix: 'app-two:' });
    await first.set('/shared-path', page('', '<p>one</p>'), pageSetContext);
    expect(await second.get('/shared-path', pageContext)).toBeNull();
    expect((await first.get('/shared-path', pageContext))?.value).toMatchObject({ html: '<p>one</p>' });
  });

  it('gives a memcached TTL from the entry’s expire, so memcached drops what Next would not serve', async () => {
    const { handler } = instance({ keyPrefix: 'ttl:' });
    await handler.set('/expiring', page(''), { cacheControl: { revalidate: 1, expire: 1 } });
    const probe = new Client(server.address);
    clients.push(probe);
    const meta = await probe.metaGet('ttl:entry:/expiring', { ttl: true });
    expect(meta?.ttl).toBeGreaterThan(0);
    expect(meta?.ttl).toBeLessThanOrEqual(1);
  });
});

describe('revalidateTag across instances', () => {
  it('an entry tagged on one instance is a miss on the other after revalidateTag there', async () => {
    const [first, second] = twoInstances('shared-a:');
    await first.handler.set('/blog', page('posts,_N_T_/blog/page'), pageSetContext);
    expect(await second.handler.get('/blog', pageContext)).not.toBeNull();
    await second.handler.revalidateTag('posts');
    expect(await first.handler.get('/blog', pageContext)).toBeNull();
    expect(await second.handler.get('/blog', pageContext)).toBeNull();
    // A render after the revalidation is fresh everywhere.
    await first.handler.set('/blog', page('posts,_N_T_/blog/page', '<p>new</p>'), pageSetContext);
    expect((await second.handler.get('/blog', pageContext))?.value).toMatchObject({ html: '<p>new</p>' });
  });

  it('leaves entries without the tag alone, and revalidates implicit path tags (revalidatePath)', async () => {
    const [first, second] = twoInstances('shared-b:');
    await first.handler.set('/a', page('alpha,_N_T_/a/page'), pageSetContext);
    await first.handler.set('/b', page('beta,_N_T_/b/page'), pageSetContext);
    await second.handler.revalidateTag(['_N_T_/a/page', 'unrelated']);
    expect(await first.handler.get('/a', pageContext)).toBeNull();
    expect(await first.handler.get('/b', pageContext)).not.toBeNull();
  });

  it('counts a revalidation made in the same millisecond as the write against it', async () => {
    // Localhost round trips take far less than a millisecond, so with whole-millisecond dates
    // many of these revalidations would share the entry's date and be missed.
    const [first, second] = twoInstances('shared-ms:');
    for (let round = 0; round < 40; round++) {
      await first.handler.set('/now', page(`round-${round}`), pageSetContext);
      await second.handler.revalidateTag(`round-${round}`);
      expect(await first.handler.get('/now', pageContext), `round ${round}`).toBeNull();
    }
  });

  it('checks a fetch against its own tags and the soft tags of the page that reads it', async () => {
    const [first, second] = twoInstances('shared-c:');
    const fetchValue = sampleEntries().find((entry) => entry.kind === 'FETCH');
    if (fetchValue === undefined) throw new Error('no FETCH sample');
    const getContext = (softTags: string[]) =>
      ({ kind: 'FETCH', revalidate: 30, tags: ['products'], softTags }) as unknown as GetContext;
    await first.handler.set('fetch-key', fetchValue.value, fetchValue.setContext);
    expect(await second.handler.get('fetch-key', getContext(['_N_T_/shop/page']))).not.toBeNull();
    await second.handler.revalidateTag('_N_T_/shop/page');
    expect(await first.handler.get('fetch-key', getContext(['_N_T_/shop/page']))).toBeNull();
    // Another page reading the same fetch has other soft tags: still a hit there.
    expect(await first.handler.get('fetch-key', getContext(['_N_T_/other/page']))).not.toBeNull();
    await first.handler.revalidateTag('products');
    expect(await first.handler.get('fetch-key', getContext(['_N_T_/other/page']))).toBeNull();
  });

  it('with a profile (revalidateTag(tag, "max")) the entry is served stale, then expires', async () => {
    const [first, second] = twoInstances('shared-d:');
    await first.handler.set('/stale', page('soon'), { cacheControl: { revalidate: 60, expire: undefined } });
    await second.handler.revalidateTag('soon', { expire: 3600 });
    const read = await first.handler.get('/stale', pageContext);
    expect(read).not.toBeNull();
    // Dated one revalidate period back, so Next treats it as stale and regenerates it.
    expect(read?.lastModified).toBeLessThan(Date.now() - 60_000);
    await second.handler.revalidateTag('soon', { expire: 0 });
    expect(await first.handler.get('/stale', pageContext)).toBeNull();
  });

  it('a revalidation costs one key per tag however many entries carry it', async () => {
    const [first, second] = twoInstances('shared-e:');
    for (let index = 0; index < 50; index++) {
      await first.handler.set(`/many/${index}`, page('crowd'), pageSetContext);
    }
    const probe = new Client(server.address);
    clients.push(probe);
    const before = (await probe.stats()) as Record<string, number>;
    await second.handler.revalidateTag('crowd');
    const after = (await probe.stats()) as Record<string, number>;
    expect((after.cmd_set ?? 0) - (before.cmd_set ?? 0)).toBe(1);
    expect((after.cmd_get ?? 0) - (before.cmd_get ?? 0)).toBeLessThanOrEqual(1);
    for (let index = 0; index < 50; index += 7) {
      expect(await first.handler.get(`/many/${index}`, pageContext)).toBeNull();
    }
  });
});

describe('what memcached will not hold', () => {
  it('skips a value above the server item size with one warning per key, never an error', async () => {
    const { handler, warnings } = instance();
    // Random bytes do not compress, so this stays above memcached's 1 MiB items.
    const huge = { ...page('big'), rscData: randomBytes(2 * 1024 * 1024) } as unknown as Parameters<
      typeof handler.set
    >[1];
    await expect(handler.set('/huge', huge, pageSetContext)).resolves.toBeUndefined();
    await expect(handler.set('/huge', huge, pageSetContext)).resolves.toBeUndefined();
    expect(await handler.get('/huge', pageContext)).toBeNull();
    expect(warnings.filter((message) => message.includes('/huge'))).toHaveLength(1);
    expect(warnings[0]).toMatch(/item size/);
    // The connection is still good for the next entry.
    await handler.set('/small', page('small'), pageSetContext);
    expect(await handler.get('/small', pageContext)).not.toBeNull();
  });

  it('skips values above maxValueBytes before sending them', async () => {
    const { handler, warnings } = instance({ maxValueBytes: 1000 });
    await handler.set('/over-limit', page('x', 'x'.repeat(5000)), pageSetContext);
    expect(await handler.get('/over-limit', pageContext)).toBeNull();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/maxValueBytes 1000/);
  });

  it('treats a value another program stored at an entry key as a miss, with a warning', async () => {
    const { handler, warnings } = instance({ keyPrefix: 'foreign:' });
    const other = new Client(server.address);
    clients.push(other);
    await other.set('foreign:entry:/taken', 'not an entry');
    expect(await handler.get('/taken', pageContext)).toBeNull();
    expect(warnings).toHaveLength(1);
  });
});

describe('a memcached that is down', () => {
  it('makes get a miss, set and revalidateTag warnings, quickly and without throwing', async () => {
    const closed = await closedPort();
    const { handler, warnings } = instance({ servers: [closed.address] });
    const started = Date.now();
    await expect(handler.get('/page', pageContext)).resolves.toBeNull();
    await expect(handler.set('/page', page('tag'), pageSetContext)).resolves.toBeUndefined();
    await expect(handler.revalidateTag('tag')).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5000);
    // get and set share one throttled warning; a lost revalidation always warns.
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/unavailable/);
    expect(warnings[1]).toMatch(/revalidateTag\(tag\)/);
  });

  it('a frozen server costs at most the client timeout, then the cache is back when the server is', async () => {
    const frozen = await startMemcached();
    try {
      const { handler } = instance({ servers: [frozen.address], clientOptions: { timeout: 300 } });
      await handler.set('/p', page('t'), pageSetContext);
      frozen.pause();
      const started = Date.now();
      await expect(handler.get('/p', pageContext)).resolves.toBeNull();
      expect(Date.now() - started).toBeLessThan(3000);
      frozen.resume();
      await expect
        .poll(async () => (await handler.get('/p', pageContext)) !== null, { timeout: 10_000 })
        .toBe(true);
    } finally {
      frozen.resume();
      await frozen.stop();
    }
  });
});

describe('configuration', () => {
  it('refuses a construction without servers, naming MEMCACHED_SERVERS', () => {
    const saved = process.env.MEMCACHED_SERVERS;
    delete process.env.MEMCACHED_SERVERS;
    try {
      const Handler = createCacheHandler();
      expect(() => new Handler()).toThrow(MemcacheIllegalInputError);
      expect(() => new Handler()).toThrow(/MEMCACHED_SERVERS/);
    } finally {
      if (saved !== undefined) process.env.MEMCACHED_SERVERS = saved;
    }
  });

  it('reads MEMCACHED_SERVERS when first constructed', async () => {
    const saved = process.env.MEMCACHED_SERVERS;
    process.env.MEMCACHED_SERVERS = ` ${server.address} , `;
    try {
      const Handler = createCacheHandler({ keyPrefix: 'env:' });
      classes.push(Handler);
      const handler = new Handler();
      await handler.set('/from-env', page(''), pageSetContext);
      const probe = new Client(server.address);
      clients.push(probe);
      expect(await probe.get('env:entry:/from-env')).toBeInstanceOf(Uint8Array);
    } finally {
      if (saved === undefined) delete process.env.MEMCACHED_SERVERS;
      else process.env.MEMCACHED_SERVERS = saved;
    }
  });

  it('works over a client it is given, and leaves that client open', async () => {
    const client = new Client(server.address);
    clients.push(client);
    const Handler = createCacheHandler({ client, keyPrefix: 'given:' });
    const handler = new Handler();
    await handler.set('/given', page(''), pageSetContext);
    await Handler.close();
    expect(await handler.get('/given', pageContext)).not.toBeNull();
  });

  it('refuses a bad keyPrefix, ttl or maxValueBytes at once', () => {
    expect(() => createCacheHandler({ keyPrefix: 'has space' })).toThrow(MemcacheIllegalInputError);
    expect(() => createCacheHandler({ keyPrefix: 'x'.repeat(100) })).toThrow(MemcacheIllegalInputError);
    expect(() => createCacheHandler({ ttl: -1 })).toThrow(MemcacheIllegalInputError);
    expect(() => createCacheHandler({ maxValueBytes: 0 })).toThrow(MemcacheIllegalInputError);
  });
});
