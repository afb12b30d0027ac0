import { randomBytes } from 'node:crypto';
import { Client, MemcacheIllegalInputError } from '@mc/client';
import { closedPort, type MemcachedServer, startMemcached } from '@mc/test-utils';
import type { CacheHandler } from 'next/dist/server/lib/cache-handlers/types.js';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { cacheClock } from './cache-clock.js';
import type { CacheHandlerOptions } from './cache-handler-options.js';
import { createCacheHandler, type MemcachedCacheHandlerClass } from './create-cache-handler.js';
import { createUseCacheHandler, type MemcachedUseCacheHandler } from './create-use-cache-handler.js';
import type { UseCacheEntry } from './next-types.js';
import defaultHandler from './use-cache/index.js';

let server: MemcachedServer;
const handlers: Array<MemcachedUseCacheHandler | MemcachedCacheHandlerClass> = [];
const clients: Client[] = [];

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await Promise.all(handlers.map((handler) => handler.close()));
  await Promise.all(clients.map((client) => client.close()));
  await server?.stop();
});

/** One app instance's handler, with a client of its own; warnings collected. */
function instance(options: CacheHandlerOptions = {}) {
  const warnings: string[] = [];
  const handler = createUseCacheHandler({
    servers: [server.address],
    keyPrefix: `u${handlers.length}x:`,
    logger: { warn: (message) => warnings.push(message) },
    ...options,
  });
  handlers.push(handler);
  return { handler, warnings };
}

/** Two instances of one app: separate handlers and clients, one key space. */
function twoInstances(keyPrefix: string) {
  return [instance({ keyPrefix }), instance({ keyPrefix }).handler] as const;
}

function probe(): Client {
  const client = new Client(server.address);
  clients.push(client);
  return client;
}

/** A value stream handing out `chunks` one per pull, as a render streams its output. */
function chunked(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[index++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk);
    },
  });
}

/** An entry as Next's 'use cache' wrapper hands it over. */
function entry(
  value: ReadableStream<Uint8Array> | string,
  fields: Partial<UseCacheEntry> = {},
): UseCacheEntry {
  return {
    value: typeof value === 'string' ? chunked([Buffer.from(value)]) : value,
    tags: [],
    stale: 300,
    timestamp: cacheClock(),
    expire: 3600,
    revalidate: 900,
    ...fields,
  };
}

async function text(found: UseCacheEntry | undefined): Promise<string | undefined> {
  if (found === undefined) return undefined;
  return Buffer.from(await new Response(found.value).arrayBuffer()).toString();
}

// Shaped like Next's serialized keys: build id, function id, encoded arguments.
const key = (name: string) => `["build-1","00a1b2c3${name}",[{"id":1}],[]]`;

describe('the handler fits the interface Next.js declares', () => {
  it('createUseCacheHandler() and the default export of @mc/next/use-cache are CacheHandlers', () => {
    expectTypeOf(createUseCacheHandler({ servers: '127.0.0.1:1' })).toExtend<CacheHandler>();
    expectTypeOf(defaultHandler).toExtend<CacheHandler>();
    for (const method of ['get', 'set', 'refreshTags', 'getExpiration', 'updateTags'] as const)
      expect(typeof defaultHandler[method]).toBe('function');
  });
});

describe('values', () => {
  it('stores a value streamed in many chunks and hands it back, with its metadata', async () => {
    const { handler } = instance();
    const chunks = Array.from({ length: 50 }, (_, index) => Buffer.from(`chunk ${index} \u0000 é\n`));
    const timestamp = cacheClock();
    await handler.set(
      key('chunks'),
      Promise.resolve(entry(chunked(chunks), { tags: ['posts'], timestamp, stale: 30, revalidate: 60 })),
    );
    const found = await handler.get(key('chunks'), []);
    expect(found).toMatchObject({ tags: ['posts'], timestamp, stale: 30, expire: 3600, revalidate: 60 });
    expect(Buffer.from(await new Response(found?.value).arrayBuffer())).toStrictEqual(Buffer.concat(chunks));
  });

  it('returns a new stream from every get, each with all the bytes', async () => {
    const { handler } = instance();
    const bytes = randomBytes(64 * 1024);
    await handler.set(
      key('twice'),
      Promise.resolve(entry(chunked([bytes.subarray(0, 10), bytes.subarray(10)]))),
    );
    const [first, second] = [await handler.get(key('twice'), []), await handler.get(key('twice'), [])];
    expect(first?.value).not.toBe(second?.value);
    expect(Buffer.from(await new Response(first?.value).arrayBuffer())).toStrictEqual(bytes);
    expect(Buffer.from(await new Response(second?.value).arrayBuffer())).toStrictEqual(bytes);
  });

  it('does not store a value whose stream errors midway, nor one whose render failed or that is not bytes', async () => {
    const { handler, warnings } = instance();
    let pulls = 0;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (++pulls <= 2) controller.enqueue(Buffer.from(`part ${pulls}`));
        else controller.error(new Error('render failed'));
      },
    });
    await expect(handler.set(key('broken'), Promise.resolve(entry(failing)))).resolves.toBeUndefined();
    expect(await handler.get(key('broken'), [])).toBeUndefined();
    await expect(handler.set(key('rejected'), Promise.reject(new Error('no')))).resolves.toBeUndefined();
    expect(await handler.get(key('rejected'), [])).toBeUndefined();
    const locked = chunked([Buffer.from('held elsewhere')]);
    locked.getReader();
    await expect(handler.set(key('locked'), Promise.resolve(entry(locked)))).resolves.toBeUndefined();
    const notBytes = new ReadableStream({
      start(controller) {
        controller.enqueue('text, not bytes');
        controller.close();
      },
    }) as unknown as ReadableStream<Uint8Array>;
    await expect(handler.set(key('not-bytes'), Promise.resolve(entry(notBytes)))).resolves.toBeUndefined();
    expect(await handler.get(key('not-bytes'), [])).toBeUndefined();
    expect(warnings).toStrictEqual([]);
  });

  it('keeps long keys and keys with spaces apart under a hash', async () => {
    const { handler } = instance();
    const names = [key('x'.repeat(400)), key('y'.repeat(400)), 'with space\tand tab', 'ünïcödé 页面'];
    for (const name of names) await handler.set(name, Promise.resolve(entry(`value of ${name}`)));
    for (const name of names) expect(await text(await handler.get(name, []))).toBe(`value of ${name}`);
  });

  it('makes a get wait for this process’s pending set of the same key', async () => {
    const { handler } = instance();
    let finishRender = () => {};
    const rendered = new Promise<void>((resolve) => {
      finishRender = resolve;
    });
    const value = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(Buffer.from('first half, '));
        await rendered;
        controller.enqueue(Buffer.from('second half'));
        controller.close();
      },
    });
    const setting = handler.set(key('pending'), Promise.resolve(entry(value)));
    const order: string[] = [];
    const getting = handler.get(key('pending'), []).then(async (found) => {
      order.push('get');
      return text(found);
    });
    // Long enough for a get that did not wait to have missed.
    await new Promise((resolve) => setTimeout(resolve, 100));
    order.push('render done');
    finishRender();
    await setting;
    expect(await getting).toBe('first half, second half');
    expect(order).toStrictEqual(['render done', 'get']);
    // Another key does not wait.
    expect(await handler.get(key('other'), [])).toBeUndefined();
  });
});

describe('tags across instances', () => {
  it('an entry set on one instance is a hit on the other, and a miss there after updateTags', async () => {
    const [{ handler: first }, second] = twoInstances('share-a:');
    await first.set(key('a'), Promise.resolve(entry('shared', { tags: ['posts'] })));
    expect(await text(await second.get(key('a'), []))).toBe('shared');
    await second.updateTags(['posts']);
    expect(await first.get(key('a'), [])).toBeUndefined();
    expect(await second.get(key('a'), [])).toBeUndefined();
    // What is cached after the revalidation is fresh everywhere.
    await second.set(key('a'), Promise.resolve(entry('renewed', { tags: ['posts'] })));
    expect(await text(await first.get(key('a'), []))).toBe('renewed');
  });

  it('with a profile the entry is served stale (revalidate -1), then expires with expire: 0', async () => {
    const [{ handler: first }, second] = twoInstances('share-b:');
    await first.set(key('b'), Promise.resolve(entry('profiled', { tags: ['catalog'], revalidate: 900 })));
    await second.updateTags(['catalog'], { expire: 3600 });
    const stale = await first.get(key('b'), []);
    expect(stale?.revalidate).toBe(-1);
    expect(await text(stale)).toBe('profiled');
    await second.updateTags(['catalog'], { expire: 0 });
    expect(await first.get(key('b'), [])).toBeUndefined();
  });

  it('judges soft tags (the page’s path tags, revalidatePath) passed to get', async () => {
    const [{ handler: first }, second] = twoInstances('share-c:');
    await first.set(key('c'), Promise.resolve(entry('on two pages', { tags: ['own'] })));
    await second.updateTags(['_N_T_/blog/page']);
    expect(await first.get(key('c'), ['_N_T_/layout', '_N_T_/blog/page'])).toBeUndefined();
    expect(await text(await first.get(key('c'), ['_N_T_/layout', '_N_T_/shop/page']))).toBe('on two pages');
    await second.updateTags(['_N_T_/shop/page'], { expire: 3600 });
    expect((await first.get(key('c'), ['_N_T_/shop/page']))?.revalidate).toBe(-1);
    expect(await first.getExpiration(['_N_T_/shop/page'])).toBe(Number.POSITIVE_INFINITY);
    await expect(first.refreshTags()).resolves.toBeUndefined();
  });

  it('shares tag records with the ISR cacheHandler: its revalidateTag reaches these entries', async () => {
    const { handler } = instance({ keyPrefix: 'share-d:' });
    const Isr = createCacheHandler({ servers: [server.address], keyPrefix: 'share-d:' });
    handlers.push(Isr);
    await handler.set(key('d'), Promise.resolve(entry('both caches', { tags: ['greeting'] })));
    await new Isr().revalidateTag('greeting', { expire: 0 });
    expect(await handler.get(key('d'), [])).toBeUndefined();
  });

  it('an updateTags costs one key per tag however many entries carry it', async () => {
    const [{ handler: first }, second] = twoInstances('share-e:');
    for (let index = 0; index < 30; index++)
      await first.set(key(`many-${index}`), Promise.resolve(entry(`${index}`, { tags: ['wide'] })));
    const inspector = probe();
    const before = Number((await inspector.stats()).cmd_set);
    await second.updateTags(['wide', 'wide']);
    expect(Number((await inspector.stats()).cmd_set) - before).toBe(1);
    for (let index = 0; index < 30; index++)
      expect(await first.get(key(`many-${index}`), [])).toBeUndefined();
  });
});

describe('expiry', () => {
  it('gives a memcached TTL from expire, and memcached drops the entry when it passes', async () => {
    const { handler } = instance({ keyPrefix: 'exp-a:' });
    await handler.set('short', Promise.resolve(entry('brief', { expire: 1, revalidate: 1 })));
    await handler.set('long', Promise.resolve(entry('lasting', { expire: 7200 })));
    await handler.set('forever', Promise.resolve(entry('always', { expire: 0xfffffffe })));
    const inspector = probe();
    const ttl = async (name: string) =>
      (await inspector.metaGet(`exp-a:use-cache:${name}`, { ttl: true }))?.ttl;
    expect(await ttl('short')).toBeLessThanOrEqual(1);
    expect(await ttl('long')).toBeGreaterThan(7000);
    expect(await ttl('forever')).toBe(-1);
    await expect.poll(() => handler.get('short', []), { timeout: 5000, interval: 250 }).toBeUndefined();
    expect(await text(await handler.get('long', []))).toBe('lasting');
  });

  it('caps the TTL at the ttl option, and stores nothing for expire 0 (dynamic entries)', async () => {
    const { handler } = instance({ keyPrefix: 'exp-b:', ttl: 60 });
    await handler.set('capped', Promise.resolve(entry('capped', { expire: 7200 })));
    await handler.set('dynamic', Promise.resolve(entry('dynamic', { expire: 0 })));
    const inspector = probe();
    expect((await inspector.metaGet('exp-b:use-cache:capped', { ttl: true }))?.ttl).toBeLessThanOrEqual(60);
    expect(await inspector.get('exp-b:use-cache:dynamic')).toBeUndefined();
  });
});

describe('what memcached will not hold', () => {
  it('skips a value above the server item size with one warning per key, never an error', async () => {
    const { handler, warnings } = instance();
    // Random bytes do not compress, so this stays above memcached's 1 MiB items.
    const huge = randomBytes(2 * 1024 * 1024);
    for (let round = 0; round < 2; round++) {
      const chunks = [huge.subarray(0, 1024 * 1024), huge.subarray(1024 * 1024)];
      await expect(
        handler.set(key('huge'), Promise.resolve(entry(chunked(chunks)))),
      ).resolves.toBeUndefined();
    }
    expect(await handler.get(key('huge'), [])).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/'use cache' entry .*huge.* item size/);
    await handler.set(key('small'), Promise.resolve(entry('small')));
    expect(await text(await handler.get(key('small'), []))).toBe('small');
  });

  it('stops reading a value past maxValueBytes and cancels the rest of its stream', async () => {
    const { handler, warnings } = instance({ maxValueBytes: 10_000 });
    let pulls = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(Buffer.alloc(4096, 1));
      },
      cancel() {
        cancelled = true;
      },
    });
    await handler.set(key('endless'), Promise.resolve(entry(endless)));
    expect(cancelled).toBe(true);
    expect(pulls).toBeLessThan(10);
    expect(await handler.get(key('endless'), [])).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/maxValueBytes 10000/);
  });

  it("skips a value above the client's own maxValueBytes as too large, not as a server down", async () => {
    const { handler, warnings } = instance({ clientOptions: { maxValueBytes: 100_000 } });
    const big = randomBytes(200_000);
    await handler.set(key('client-limit'), Promise.resolve(entry(chunked([big]))));
    await handler.set(key('client-limit'), Promise.resolve(entry(chunked([big]))));
    expect(await handler.get(key('client-limit'), [])).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/client-limit.*exceed .*maxValueBytes/);
    await handler.set(key('client-small'), Promise.resolve(entry('fits')));
    expect(await text(await handler.get(key('client-small'), []))).toBe('fits');
  });

  it('treats a value another program stored at an entry key as a miss, with a warning', async () => {
    const { handler, warnings } = instance({ keyPrefix: 'foreign-u:' });
    await probe().set('foreign-u:use-cache:taken', 'not an entry');
    expect(await handler.get('taken', [])).toBeUndefined();
    expect(warnings).toHaveLength(1);
  });
});

describe('a memcached that is down', () => {
  it('makes get a miss, set and updateTags warnings, quickly and without throwing', async () => {
    const closed = await closedPort();
    const { handler, warnings } = instance({ servers: [closed.address] });
    const started = Date.now();
    await expect(handler.get(key('down'), ['_N_T_/page'])).resolves.toBeUndefined();
    await expect(handler.set(key('down'), Promise.resolve(entry('lost')))).resolves.toBeUndefined();
    await expect(handler.updateTags(['tag'])).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5000);
    // get and set share one throttled warning; a lost revalidation always warns.
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/unavailable/);
    expect(warnings[1]).toMatch(/updateTags\(tag\)/);
  });

  it('a frozen server costs at most the client timeout, then the cache is back when the server is', async () => {
    const frozen = await startMemcached();
    try {
      // Two timeouts mark the server dead; it is tried again after deadTimeout.
      const { handler } = instance({
        servers: [frozen.address],
        clientOptions: { timeout: 300, deadTimeout: 500 },
      });
      await handler.set(key('frozen'), Promise.resolve(entry('kept')));
      frozen.pause();
      const started = Date.now();
      await expect(handler.get(key('frozen'), [])).resolves.toBeUndefined();
      await expect(handler.set(key('frozen'), Promise.resolve(entry('new')))).resolves.toBeUndefined();
      expect(Date.now() - started).toBeLessThan(3000);
      frozen.resume();
      await expect
        .poll(async () => text(await handler.get(key('frozen'), [])), { timeout: 10_000 })
        .toMatch(/kept|new/);
    } finally {
      frozen.resume();
      await frozen.stop();
    }
  });
});

describe('configuration', () => {
  it('reads MEMCACHED_SERVERS on first use, not when made, and names it when it is missing', async () => {
    const saved = process.env.MEMCACHED_SERVERS;
    delete process.env.MEMCACHED_SERVERS;
    try {
      const unconfigured = createUseCacheHandler();
      await expect(unconfigured.get(key('none'), [])).rejects.toThrow(MemcacheIllegalInputError);
      await expect(unconfigured.get(key('none'), [])).rejects.toThrow(/MEMCACHED_SERVERS/);
      const handler = createUseCacheHandler({ keyPrefix: 'env-u:' });
      handlers.push(handler);
      process.env.MEMCACHED_SERVERS = ` ${server.address} , `;
      await handler.set('from-env', Promise.resolve(entry('env')));
      expect(await probe().get('env-u:use-cache:from-env')).toBeInstanceOf(Uint8Array);
    } finally {
      if (saved === undefined) delete process.env.MEMCACHED_SERVERS;
      else process.env.MEMCACHED_SERVERS = saved;
    }
  });

  it('works over a client it is given, and leaves that client open', async () => {
    const client = probe();
    const handler = createUseCacheHandler({ client, keyPrefix: 'given-u:' });
    await handler.set('given', Promise.resolve(entry('given')));
    await handler.close();
    expect(await text(await handler.get('given', []))).toBe('given');
  });

  it('refuses a bad keyPrefix, ttl or maxValueBytes at once', () => {
    expect(() => createUseCacheHandler({ keyPrefix: 'has space' })).toThrow(MemcacheIllegalInputError);
    expect(() => createUseCacheHandler({ ttl: 1.5 })).toThrow(MemcacheIllegalInputError);
    expect(() => createUseCacheHandler({ maxValueBytes: -1 })).toThrow(MemcacheIllegalInputError);
  });
});
