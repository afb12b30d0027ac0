// A page that grows past `maxValueBytes` must not leave its previous, smaller version being
// served. The README: "entries encoding to more bytes than this are skipped with a warning
// before anything is sent" and "A value memcached refuses (above its -I item size) is skipped,
// not split: that page is rendered per instance as if uncached." memcached itself drops the old
// item when it refuses a too-large `set`; the handler's own size check returns before anything
// is sent, so the old version stays, and Next keeps serving it (stale, regenerating it on every
// request, never able to store the new one) for as long as the old entry lives.
// Next's own FileSystemCache writes the new render (no size limit), so it never serves the
// replaced page.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cacheClock } from './cache-clock.js';
import { createCacheHandler, type MemcachedCacheHandlerClass } from './create-cache-handler.js';
import { createUseCacheHandler, type MemcachedUseCacheHandler } from './create-use-cache-handler.js';

const require = createRequire(import.meta.url);
const { IncrementalCache } =
  require('next/dist/server/lib/incremental-cache/index.js') as typeof import('next/dist/server/lib/incremental-cache/index.js');
type NextIncrementalCache = InstanceType<typeof IncrementalCache>;
type SetArguments = Parameters<NextIncrementalCache['set']>;
type GetArguments = Parameters<NextIncrementalCache['get']>;

let server: MemcachedServer;
const toClose: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  server = await startMemcached();
});
afterAll(async () => {
  await Promise.all(toClose.map((item) => item.close()));
  await server?.stop();
});

const preview = {
  previewModeId: 'preview-id',
  previewModeSigningKey: 'key',
  previewModeEncryptionKey: 'key',
};
const nextInstance = (Handler: MemcachedCacheHandlerClass) =>
  new IncrementalCache({
    dev: false,
    requestHeaders: {},
    previewProps: preview,
    prerenderManifest: { version: 4, routes: {}, dynamicRoutes: {}, notFoundRoutes: [], preview },
    CurCacheHandler: Handler,
  } as unknown as ConstructorParameters<typeof IncrementalCache>[0]);

const route = { kind: 'APP_PAGE', sourceRoute: '/blog/[slug]/page' };
const page = (html: string) => ({
  kind: 'APP_PAGE',
  html,
  rscData: Buffer.from('rsc'),
  status: 200,
  postponed: undefined,
  headers: { 'x-next-cache-tags': 'posts,_N_T_/blog/hello/page' },
  segmentData: undefined,
});
const setContext = { cacheControl: { revalidate: 60, expire: 3600 }, route, isRoutePPREnabled: false };
const getContext = { kind: 'APP_PAGE', isFallback: false, isRoutePPREnabled: false, route };

it('ISR: a page re-rendered above maxValueBytes does not leave the replaced page being served', async () => {
  const Handler = createCacheHandler({
    servers: [server.address],
    keyPrefix: 'rv-over-a:',
    maxValueBytes: 8 * 1024,
    logger: { warn: () => {} },
  });
  toClose.push(Handler);
  await nextInstance(Handler).set(
    '/blog/hello',
    page('<p>old version</p>') as SetArguments[1],
    setContext as unknown as SetArguments[2],
  );
  // The next render of the same page is larger (incompressible) than maxValueBytes.
  const grown = `<p>new version</p>${randomBytes(64 * 1024).toString('base64')}`;
  await nextInstance(Handler).set(
    '/blog/hello',
    page(grown) as SetArguments[1],
    setContext as unknown as SetArguments[2],
  );

  const entry = await nextInstance(Handler).get('/blog/hello', getContext as unknown as GetArguments[1]);
  // A miss (render as if uncached) is right; the old render is not.
  expect((entry?.value as { html?: string } | undefined)?.html).not.toBe('<p>old version</p>');
});

// The same for 'use cache' (README: "A value above memcached's item size, or `maxValueBytes`, is
// skipped with one warning per key"): above the server's item size memcached drops the old
// item, above maxValueBytes the old result stays and is served in place of every regeneration.
it("'use cache': an entry regenerated above maxValueBytes does not leave the replaced result being served", async () => {
  const handler: MemcachedUseCacheHandler = createUseCacheHandler({
    servers: [server.address],
    keyPrefix: 'rv-over-b:',
    maxValueBytes: 8 * 1024,
    logger: { warn: () => {} },
  });
  toClose.push(handler);
  const entry = (bytes: Uint8Array) => ({
    value: new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    }),
    tags: ['products'],
    stale: 300,
    timestamp: cacheClock(),
    expire: 3600,
    revalidate: 900,
  });
  await handler.set('products-key', Promise.resolve(entry(Buffer.from('old result'))));
  await handler.set('products-key', Promise.resolve(entry(randomBytes(64 * 1024))));

  const found = await handler.get('products-key', []);
  const text =
    found === undefined ? undefined : Buffer.from(await new Response(found.value).arrayBuffer()).toString();
  expect(text).not.toBe('old result');
});
