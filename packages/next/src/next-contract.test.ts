import { createRequire } from 'node:module';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import type { CacheHandler } from 'next/dist/server/lib/incremental-cache/index.js';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createCacheHandler, type MemcachedCacheHandlerClass } from './create-cache-handler.js';
import MemcachedCacheHandler from './index.js';
import { sampleEntries } from './test-support/entries.js';

// Next's own IncrementalCache, the object that drives a cacheHandler inside `next start`: these
// tests hand it our class exactly as next.config's `cacheHandler` does and judge the results
// by what Next itself concludes (hit, stale, miss), not by what the handler returns.
const require = createRequire(import.meta.url);
const { IncrementalCache } =
  require('next/dist/server/lib/incremental-cache/index.js') as typeof import('next/dist/server/lib/incremental-cache/index.js');
type NextIncrementalCache = InstanceType<typeof IncrementalCache>;

describe('the handler fits the types Next.js declares', () => {
  it('the default export and createCacheHandler() are what `CurCacheHandler` takes', () => {
    // `typeof CacheHandler` is the type of IncrementalCache's `CurCacheHandler` option.
    expectTypeOf(MemcachedCacheHandler).toExtend<typeof CacheHandler>();
    expectTypeOf(createCacheHandler({ servers: '127.0.0.1:1' })).toExtend<typeof CacheHandler>();
    expectTypeOf<InstanceType<MemcachedCacheHandlerClass>>().toExtend<CacheHandler>();
    const asNext = MemcachedCacheHandler satisfies typeof CacheHandler;
    expectTypeOf(asNext).toEqualTypeOf<MemcachedCacheHandlerClass>();
  });

  it('get, set and revalidateTag take the parameters Next passes', () => {
    expectTypeOf<Parameters<CacheHandler['get']>>().toExtend<
      Parameters<InstanceType<MemcachedCacheHandlerClass>['get']>
    >();
    expectTypeOf<Parameters<CacheHandler['set']>>().toExtend<
      Parameters<InstanceType<MemcachedCacheHandlerClass>['set']>
    >();
    expectTypeOf<Parameters<CacheHandler['revalidateTag']>>().toExtend<
      Parameters<InstanceType<MemcachedCacheHandlerClass>['revalidateTag']>
    >();
  });
});

let server: MemcachedServer;
const classes: MemcachedCacheHandlerClass[] = [];

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await Promise.all(classes.map((handlerClass) => handlerClass.close()));
  await server?.stop();
});

/** One Next.js instance's IncrementalCache for one request, over its own handler class. */
function nextInstance(keyPrefix: string): () => NextIncrementalCache {
  const Handler = createCacheHandler({ servers: [server.address], keyPrefix });
  classes.push(Handler);
  return () =>
    new IncrementalCache({
      dev: false,
      requestHeaders: {},
      previewProps: {
        previewModeId: 'preview-id',
        previewModeSigningKey: 'key',
        previewModeEncryptionKey: 'key',
      },
      prerenderManifest: {
        version: 4,
        routes: {},
        dynamicRoutes: {},
        notFoundRoutes: [],
        preview: {
          previewModeId: 'preview-id',
          previewModeSigningKey: 'key',
          previewModeEncryptionKey: 'key',
        },
      },
      CurCacheHandler: Handler,
    } as unknown as ConstructorParameters<typeof IncrementalCache>[0]);
}

const route = { kind: 'APP_PAGE', sourceRoute: '/blog/[slug]/page' };
const sample = (kind: string) => {
  const found = sampleEntries().find((entry) => entry.kind === kind);
  if (found === undefined) throw new Error(`no ${kind} sample`);
  return found;
};
type SetArguments = Parameters<NextIncrementalCache['set']>;
type GetArguments = Parameters<NextIncrementalCache['get']>;

describe("Next's IncrementalCache over two instances", () => {
  const pageSet = { cacheControl: { revalidate: 60, expire: undefined }, route, isRoutePPREnabled: false };
  const pageGet = { kind: 'APP_PAGE', isFallback: false, isRoutePPREnabled: false, route };

  it('an ISR page written by one is a fresh hit on the other, Buffers and Maps intact', async () => {
    const [first, second] = [nextInstance('ic-a:'), nextInstance('ic-a:')];
    const page = sample('APP_PAGE');
    await first().set('/blog/hello', page.value as SetArguments[1], pageSet as unknown as SetArguments[2]);
    const entry = await second().get('/blog/hello', pageGet as unknown as GetArguments[1]);
    expect(entry?.isStale).toBeFalsy();
    expect(entry?.value).toStrictEqual(sample('APP_PAGE').value);
    expect(entry?.cacheControl).toStrictEqual({ revalidate: 60, expire: undefined });
  });

  it('revalidateTag on one: a miss on the other; with a profile: stale on the other', async () => {
    const [first, second] = [nextInstance('ic-b:'), nextInstance('ic-b:')];
    const page = sample('APP_PAGE');
    const write = () =>
      first().set('/blog/hello', page.value as SetArguments[1], pageSet as unknown as SetArguments[2]);
    const read = () => first().get('/blog/hello', pageGet as unknown as GetArguments[1]);
    await write();
    await second().revalidateTag('posts');
    expect(await read()).toBeNull();

    await write();
    expect((await read())?.isStale).toBeFalsy();
    await second().revalidateTag(['_N_T_/blog/hello/page'], { expire: 3600 });
    expect((await read())?.isStale).toBe(true);
  });

  it('a fetch entry: hit, then stale after a profiled revalidation, then a miss after an expiring one', async () => {
    const [first, second] = [nextInstance('ic-c:'), nextInstance('ic-c:')];
    const fetchSample = sample('FETCH');
    const key = await first().generateCacheKey('http://127.0.0.1:3999/api/data');
    await first().set(key, fetchSample.value as SetArguments[1], fetchSample.setContext as SetArguments[2]);
    const read = () => second().get(key, fetchSample.getContext as GetArguments[1]);
    const hit = await read();
    expect(hit?.isStale).toBe(false);
    expect(hit?.value).toMatchObject({
      kind: 'FETCH',
      data: (sample('FETCH').value as { data?: object }).data,
      revalidate: 30,
    });
    await first().revalidateTag('_N_T_/shop/page', { expire: 3600 });
    expect((await read())?.isStale).toBe(true);
    await first().revalidateTag('products');
    expect(await read()).toBeNull();
  });
});
