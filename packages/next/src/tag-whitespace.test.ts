// Next keeps cache tags as they are: a page's tags travel in its `x-next-cache-tags` header
// joined with ',' (app-render.js: `metadata.fetchTags = response.collectedTags.join(',')`) and
// are read back with a plain `tagsHeader.split(',')` (file-system-cache.js and
// incremental-cache/index.js); encodeHeaderSafe keeps spaces ("Everything inside it passes
// through byte-for-byte"), and revalidateTag(tag) hands the same string to the handler. The
// handler trims every tag it reads from the header (entry-tags.ts `unique`), so a tag with a
// leading or trailing space is stored under another name than the one revalidateTag marks:
// the page is never revalidated. Next's own FileSystemCache, driven the same way, drops it.
import { createRequire } from 'node:module';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCacheHandler, type MemcachedCacheHandlerClass } from './create-cache-handler.js';

const require = createRequire(import.meta.url);
const FileSystemCache = (
  require('next/dist/server/lib/incremental-cache/file-system-cache.js') as {
    default: new (
      ctx: object,
    ) => {
      get(key: string, ctx: object): Promise<unknown>;
      set(key: string, data: object, ctx: object): Promise<void>;
      revalidateTag(tags: string | string[], durations?: { expire?: number }): Promise<void>;
    };
  }
).default;

let server: MemcachedServer;
let Handler: MemcachedCacheHandlerClass;

beforeAll(async () => {
  server = await startMemcached();
  Handler = createCacheHandler({ servers: [server.address], keyPrefix: 'rv-space:' });
});
afterAll(async () => {
  await Handler?.close();
  await server?.stop();
});

const page = () => ({
  kind: 'APP_PAGE',
  html: '<p>catalogue</p>',
  rscData: Buffer.from('rsc'),
  status: 200,
  postponed: undefined,
  // fetch(url, { next: { tags: [' catalogue '] } }) on the page, and its implicit tags
  headers: { 'x-next-cache-tags': ' catalogue ,_N_T_/layout,_N_T_/shop/page' },
  segmentData: undefined,
});
const setContext = { cacheControl: { revalidate: 600, expire: 3600 }, isRoutePPREnabled: false };
const getContext = { kind: 'APP_PAGE', isFallback: false, isRoutePPREnabled: false };

it("revalidateTag(' catalogue ') drops the page, as it does in Next's own cache", async () => {
  // The reference: Next's FileSystemCache (its in-memory store) on the same calls.
  const nextOwn = new FileSystemCache({
    fs: undefined,
    flushToDisk: false,
    serverDistDir: '/nonexistent',
    revalidatedTags: [],
    maxMemoryCacheSize: 10 * 1024 * 1024,
  });
  await nextOwn.set('/route-cache/APP_PAGE/aa/$/shop', page(), setContext);
  expect(await nextOwn.get('/route-cache/APP_PAGE/aa/$/shop', getContext)).not.toBeNull();
  await new Promise((resolve) => setTimeout(resolve, 5));
  await nextOwn.revalidateTag(' catalogue ');
  expect(await nextOwn.get('/route-cache/APP_PAGE/aa/$/shop', getContext)).toBeNull();

  // The memcached handler on the same calls.
  const handler = new Handler();
  await handler.set('/route-cache/APP_PAGE/aa/$/shop', page() as never, setContext as never);
  expect(await handler.get('/route-cache/APP_PAGE/aa/$/shop', getContext as never)).not.toBeNull();
  await handler.revalidateTag(' catalogue ');
  expect(await handler.get('/route-cache/APP_PAGE/aa/$/shop', getContext as never)).toBeNull();
});
