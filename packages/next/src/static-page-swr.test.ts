// A static ISR page (cacheControl.revalidate === false: no time-based revalidation, refreshed
// on demand only, the common case for revalidateTag) is served stale after
// `revalidateTag(tag, 'max')` or another profile, as Next's own cache does (IncrementalCache
// marks it isStale and regenerates it in the background), not dropped: a null there was a
// blocking render on every instance.
import { createRequire } from 'node:module';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCacheHandler, type MemcachedCacheHandlerClass } from './create-cache-handler.js';
import { sampleEntries } from './test-support/entries.js';

const require = createRequire(import.meta.url);
const { IncrementalCache } =
  require('next/dist/server/lib/incremental-cache/index.js') as typeof import('next/dist/server/lib/incremental-cache/index.js');
type NextIncrementalCache = InstanceType<typeof IncrementalCache>;
type SetArguments = Parameters<NextIncrementalCache['set']>;
type GetArguments = Parameters<NextIncrementalCache['get']>;

let server: MemcachedServer;
let Handler: MemcachedCacheHandlerClass;

beforeAll(async () => {
  server = await startMemcached();
  Handler = createCacheHandler({ servers: [server.address], keyPrefix: 'review-swr:' });
});
afterAll(async () => {
  await Handler?.close();
  await server?.stop();
});

const preview = {
  previewModeId: 'preview-id',
  previewModeSigningKey: 'key',
  previewModeEncryptionKey: 'key',
};
const nextInstance = () =>
  new IncrementalCache({
    dev: false,
    requestHeaders: {},
    previewProps: preview,
    prerenderManifest: { version: 4, routes: {}, dynamicRoutes: {}, notFoundRoutes: [], preview },
    CurCacheHandler: Handler,
  } as unknown as ConstructorParameters<typeof IncrementalCache>[0]);

it("a static page (revalidate: false) is served stale after revalidateTag(tag, 'max'), not dropped", async () => {
  const route = { kind: 'APP_PAGE', sourceRoute: '/blog/[slug]/page' };
  const page = sampleEntries().find((entry) => entry.kind === 'APP_PAGE')!;
  const setContext = {
    cacheControl: { revalidate: false, expire: undefined },
    route,
    isRoutePPREnabled: false,
  };
  const getContext = { kind: 'APP_PAGE', isFallback: false, isRoutePPREnabled: false, route };
  await nextInstance().set(
    '/blog/hello',
    page.value as SetArguments[1],
    setContext as unknown as SetArguments[2],
  );
  const fresh = await nextInstance().get('/blog/hello', getContext as unknown as GetArguments[1]);
  expect(fresh).not.toBeNull();
  expect(fresh?.isStale).toBeFalsy();

  // Another instance: revalidateTag('posts', 'max') hands the handler a profile.
  await nextInstance().revalidateTag('posts', { expire: 365 * 24 * 3600 });

  const afterRevalidate = await nextInstance().get('/blog/hello', getContext as unknown as GetArguments[1]);
  expect(afterRevalidate).not.toBeNull(); // null would be a blocking miss
  expect(afterRevalidate?.isStale).toBe(true);
});

// A page whose expire equals its revalidate (allowed by Next: cacheLife({ revalidate: 60,
// expire: 60 })) was dated one period back on a stale tag, which also put it past its expire:
// Next then did a blocking render (isStale -1) where its own cache serves stale.
it('a page with expire equal to revalidate is served stale after revalidateTag, not expired', async () => {
  const route = { kind: 'APP_PAGE', sourceRoute: '/blog/[slug]/page' };
  const page = sampleEntries().find((entry) => entry.kind === 'APP_PAGE')!;
  const setContext = { cacheControl: { revalidate: 60, expire: 60 }, route, isRoutePPREnabled: false };
  const getContext = { kind: 'APP_PAGE', isFallback: false, isRoutePPREnabled: false, route };
  await nextInstance().set(
    '/blog/equal',
    page.value as SetArguments[1],
    setContext as unknown as SetArguments[2],
  );
  const fresh = await nextInstance().get('/blog/equal', getContext as unknown as GetArguments[1]);
  expect(fresh?.isStale).toBeFalsy();

  await nextInstance().revalidateTag('posts', { expire: 3600 });

  const afterRevalidate = await nextInstance().get('/blog/equal', getContext as unknown as GetArguments[1]);
  expect(afterRevalidate).not.toBeNull();
  expect(afterRevalidate?.isStale).toBe(true);
});
