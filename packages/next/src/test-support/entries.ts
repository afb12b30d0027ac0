// One value of each kind Next.js hands a cacheHandler, shaped as Next 16 builds them (see
// `IncrementalCacheValue` in next/dist/server/response-cache/types), with the Buffers and Maps
// a real render produces, and the `set` context Next passes along with each.
import type { GetContext, IncrementalCacheValue, SetContext } from '../next-types.js';

export interface SampleEntry {
  kind: string;
  key: string;
  value: IncrementalCacheValue;
  setContext: SetContext;
  getContext: GetContext;
}

const bytes = (text: string) => Buffer.from(text, 'utf8');

/** Fresh samples each call (Next's kinds are const enums, so the literals are cast once here). */
export const sampleEntries = (): SampleEntry[] =>
  [
    {
      kind: 'APP_PAGE',
      key: '/route-cache/APP_PAGE/4f2a/$/blog/hello',
      value: {
        kind: 'APP_PAGE',
        html: '<!DOCTYPE html><html><body><h1>Hello</h1></body></html>',
        rscData: bytes('1:"$Sreact.fragment"\n0:{"P":null}\n'),
        status: 200,
        postponed: undefined,
        headers: { 'x-next-cache-tags': 'posts,_N_T_/layout,_N_T_/blog/layout,_N_T_/blog/hello/page' },
        segmentData: new Map([
          ['/_tree', bytes('tree')],
          ['/_index', bytes('index \u0000 with a NUL')],
        ]),
      },
      setContext: {
        cacheControl: { revalidate: 60, expire: 3600 },
        isRoutePPREnabled: false,
        isFallback: false,
      },
      getContext: { kind: 'APP_PAGE', isFallback: false, isRoutePPREnabled: false },
    },
    {
      kind: 'PAGES',
      key: '/route-cache/PAGES/77aa/$/about',
      value: {
        kind: 'PAGES',
        html: '<div id="__next">About</div>',
        pageData: { pageProps: { when: '2026-12-01', nested: { list: [1, 2, 3] } } },
        status: 200,
        headers: undefined,
      },
      setContext: { cacheControl: { revalidate: 10, expire: undefined }, isFallback: false },
      getContext: { kind: 'PAGES', isFallback: false },
    },
    {
      kind: 'FETCH',
      key: 'b1946ac92492d2347c6235b4d2611184b1946ac92492d2347c6235b4d2611184',
      value: {
        kind: 'FETCH',
        data: {
          headers: { 'content-type': 'application/json' },
          body: 'eyJvayI6dHJ1ZX0=',
          url: 'http://127.0.0.1:3999/api/data',
          status: 200,
        },
        tags: ['products'],
        revalidate: 30,
      },
      setContext: {
        fetchCache: true,
        fetchUrl: 'http://127.0.0.1:3999/api/data',
        fetchIdx: 0,
        tags: ['products'],
      },
      getContext: {
        kind: 'FETCH',
        revalidate: 30,
        fetchUrl: 'http://127.0.0.1:3999/api/data',
        fetchIdx: 0,
        tags: ['products'],
        softTags: ['_N_T_/layout', '_N_T_/shop/page'],
      },
    },
    {
      kind: 'APP_ROUTE',
      key: '/route-cache/APP_ROUTE/9c1d/$/api/time',
      value: {
        kind: 'APP_ROUTE',
        body: Buffer.from([0, 1, 2, 253, 254, 255]),
        status: 201,
        headers: { 'content-type': 'application/octet-stream', 'x-next-cache-tags': '_N_T_/api/time/route' },
      },
      setContext: { cacheControl: { revalidate: false, expire: undefined } },
      getContext: { kind: 'APP_ROUTE', isFallback: false },
    },
    {
      kind: 'REDIRECT',
      key: '/route-cache/PAGES/77aa/$/old',
      value: { kind: 'REDIRECT', props: { __N_REDIRECT: '/new', __N_REDIRECT_STATUS: 307 } },
      setContext: { cacheControl: { revalidate: 10, expire: undefined } },
      getContext: { kind: 'PAGES', isFallback: false },
    },
    {
      kind: 'IMAGE',
      key: 'aW1hZ2Uta2V5LWZvci10ZXN0',
      value: {
        kind: 'IMAGE',
        etag: 'W/"abc"',
        upstreamEtag: '"def"',
        buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        extension: 'png',
        revalidate: 60,
      },
      setContext: { kind: 'IMAGE', cacheControl: { revalidate: 60, expire: undefined } },
      getContext: { kind: 'IMAGE', isFallback: false },
    },
  ] as unknown as SampleEntry[];
