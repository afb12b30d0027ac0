import { createRequire } from 'node:module';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import type { CacheHandler } from 'next/dist/server/lib/cache-handlers/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheClock } from './cache-clock.js';
import { createUseCacheHandler, type MemcachedUseCacheHandler } from './create-use-cache-handler.js';
import type { UseCacheEntry } from './next-types.js';

// Next's own 'use cache' handler (the in-memory default behind `cacheHandlers`) is the
// reference: each scenario runs against it and against ours, and both must answer alike.
const require = createRequire(import.meta.url);
const { createDefaultCacheHandler } =
  require('next/dist/server/lib/cache-handlers/default.js') as typeof import('next/dist/server/lib/cache-handlers/default.js');

let server: MemcachedServer;
let ours: MemcachedUseCacheHandler;

beforeAll(async () => {
  server = await startMemcached();
  ours = createUseCacheHandler({ servers: [server.address], keyPrefix: 'contract:' });
});

afterAll(async () => {
  await ours?.close();
  await server?.stop();
});

let scenarios = 0;

/**
 * Revalidates and lets a few milliseconds pass: Next's own handler rounds its marks to whole
 * milliseconds, so there a read within half a millisecond could come before the mark.
 */
async function revalidate(handler: CacheHandler, tags: string[], durations?: { expire?: number }) {
  await handler.updateTags(tags, durations);
  await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Runs `scenario` against a fresh Next default handler and ours, with tags of its own. */
async function both<T>(scenario: (handler: CacheHandler, tag: string) => Promise<T>): Promise<[T, T]> {
  const tag = `contract-${scenarios++}`;
  const reference = await scenario(createDefaultCacheHandler(50 * 1024 * 1024), `${tag}-next`);
  const result = await scenario(ours, `${tag}-ours`);
  return [reference, result];
}

function entry(text: string, tags: string[], fields: Partial<UseCacheEntry> = {}): UseCacheEntry {
  const chunks = [Buffer.from(text.slice(0, 3)), Buffer.from(text.slice(3))];
  let index = 0;
  return {
    value: new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks[index++];
        if (chunk === undefined) controller.close();
        else controller.enqueue(chunk);
      },
    }),
    tags,
    stale: 300,
    // Next dates an entry when its function starts, a render's time before the entry is handed
    // over (its own handler rounds revalidation marks to whole milliseconds, so there an entry
    // dated within the millisecond of a revalidation would escape it).
    timestamp: cacheClock() - 5,
    expire: 86_400,
    revalidate: 3600,
    ...fields,
  };
}

/** What a get answered, in terms both handlers share (tags named apart per handler, no dates). */
async function outcome(found: UseCacheEntry | undefined, tag: string) {
  if (found === undefined) return 'miss';
  const { value, tags, timestamp: _, ...fields } = found;
  const text = Buffer.from(await new Response(value).arrayBuffer()).toString();
  return { ...fields, tags: tags.map((name) => name.replace(tag, 'TAG')), text };
}

describe("the 'use cache' handler answers as Next's own default handler does", () => {
  it('a stored entry comes back whole, with its metadata', async () => {
    const timestamp = cacheClock();
    const [reference, result] = await both(async (handler, tag) => {
      await handler.set(`${tag}:key`, Promise.resolve(entry('hello, world', [tag], { timestamp })));
      const found = await handler.get(`${tag}:key`, []);
      return [found?.timestamp, await outcome(found, tag), await handler.get(`${tag}:none`, [])];
    });
    expect(result).toStrictEqual(reference);
    expect(reference).toMatchObject([timestamp, { text: 'hello, world', tags: ['TAG'] }, undefined]);
  });

  it('updateTags without durations (updateTag) makes a tagged entry a miss, others untouched', async () => {
    const [reference, result] = await both(async (handler, tag) => {
      await handler.set(`${tag}:tagged`, Promise.resolve(entry('tagged', [tag])));
      await handler.set(`${tag}:other`, Promise.resolve(entry('other', [`${tag}-other`])));
      await revalidate(handler, [tag]);
      return [
        await outcome(await handler.get(`${tag}:tagged`, []), tag),
        (await outcome(await handler.get(`${tag}:other`, []), tag)) !== 'miss',
      ];
    });
    expect(result).toStrictEqual(reference);
    expect(reference).toStrictEqual(['miss', true]);
  });

  it("a profile (revalidateTag(tag, 'max')) serves the entry with revalidate -1; expire 0 misses", async () => {
    const [reference, result] = await both(async (handler, tag) => {
      await handler.set(`${tag}:key`, Promise.resolve(entry('profiled', [tag])));
      await revalidate(handler, [tag], { expire: 3600 });
      const stale = await outcome(await handler.get(`${tag}:key`, []), tag);
      await revalidate(handler, [tag], { expire: 0 });
      return [stale, await outcome(await handler.get(`${tag}:key`, []), tag)];
    });
    expect(result).toStrictEqual(reference);
    expect(reference[0]).toMatchObject({ revalidate: -1, text: 'profiled' });
    expect(reference[1]).toBe('miss');
  });

  it('an entry written after the revalidation is served again', async () => {
    const [reference, result] = await both(async (handler, tag) => {
      await revalidate(handler, [tag]);
      await handler.set(`${tag}:key`, Promise.resolve(entry('after', [tag])));
      return outcome(await handler.get(`${tag}:key`, []), tag);
    });
    expect(result).toStrictEqual(reference);
    expect(reference).toMatchObject({ text: 'after' });
  });

  it('a get waits for a pending set of its key', async () => {
    const [reference, result] = await both(async (handler, tag) => {
      let resolveEntry = (_entry: UseCacheEntry) => {};
      const pending = new Promise<UseCacheEntry>((resolve) => {
        resolveEntry = resolve;
      });
      const setting = handler.set(`${tag}:key`, pending);
      const getting = handler.get(`${tag}:key`, []);
      setTimeout(() => resolveEntry(entry('late', [tag])), 50);
      await setting;
      return outcome(await getting, tag);
    });
    expect(result).toStrictEqual(reference);
    expect(reference).toMatchObject({ text: 'late' });
  });

  it('neither keeps a value whose stream errors, nor an expire 0 (dynamic) entry', async () => {
    const [reference, result] = await both(async (handler, tag) => {
      const failing = entry('never', [tag]);
      failing.value = new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.error(new Error('render failed'));
        },
      });
      await handler.set(`${tag}:failed`, Promise.resolve(failing));
      await handler.set(`${tag}:dynamic`, Promise.resolve(entry('dynamic', [tag], { expire: 0 })));
      return [await handler.get(`${tag}:failed`, []), await handler.get(`${tag}:dynamic`, [])];
    });
    expect(result).toStrictEqual(reference);
    expect(reference).toStrictEqual([undefined, undefined]);
  });

  it('soft tags: what Next concludes from getExpiration and get together is the same', async () => {
    // Next discards an entry whose timestamp is at or before getExpiration(softTags) (unless
    // that is Infinity, which leaves the soft tags to get); judge both handlers that way.
    const [reference, result] = await both(async (handler, tag) => {
      const softTags = [`${tag}-path`];
      const nextReads = async (key: string) => {
        const found = await handler.get(key, softTags);
        const expiration = await handler.getExpiration(softTags);
        if (found !== undefined && expiration < Number.POSITIVE_INFINITY && found.timestamp <= expiration)
          return 'miss';
        return outcome(found, tag);
      };
      await handler.set(`${tag}:key`, Promise.resolve(entry('page data', [tag])));
      const before = await nextReads(`${tag}:key`);
      await revalidate(handler, softTags);
      return [before, await nextReads(`${tag}:key`)];
    });
    expect(result).toStrictEqual(reference);
    expect(reference[0]).toMatchObject({ text: 'page data' });
    expect(reference[1]).toBe('miss');
  });
});
