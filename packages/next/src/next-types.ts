// The shapes Next.js hands a cacheHandler, taken from Next's own declarations so that a change
// in a Next.js release shows up here as a type error, not as a broken cache at run time.
export type {
  CacheHandler as NextCacheHandler,
  CacheHandlerContext,
  CacheHandlerValue,
} from 'next/dist/server/lib/incremental-cache/index.js';
export type {
  GetIncrementalFetchCacheContext,
  GetIncrementalImageCacheContext,
  GetIncrementalResponseCacheHandlerContext,
  IncrementalCacheValue,
  SetIncrementalFetchCacheContext,
  SetIncrementalImageCacheContext,
  SetIncrementalResponseCacheHandlerContext,
} from 'next/dist/server/response-cache/types.js';

import type {
  GetIncrementalFetchCacheContext,
  GetIncrementalImageCacheContext,
  GetIncrementalResponseCacheHandlerContext,
  SetIncrementalFetchCacheContext,
  SetIncrementalImageCacheContext,
  SetIncrementalResponseCacheHandlerContext,
} from 'next/dist/server/response-cache/types.js';

/** What Next passes to `get`: a fetch, a rendered response (page, route handler) or an image. */
export type GetContext =
  | GetIncrementalFetchCacheContext
  | GetIncrementalResponseCacheHandlerContext
  | GetIncrementalImageCacheContext;

/** What Next passes to `set`. */
export type SetContext =
  | SetIncrementalFetchCacheContext
  | SetIncrementalResponseCacheHandlerContext
  | SetIncrementalImageCacheContext;

// What Next.js hands a `'use cache'` handler (`cacheHandlers` in next.config).
export type {
  CacheEntry as UseCacheEntry,
  CacheHandler as UseCacheHandler,
} from 'next/dist/server/lib/cache-handlers/types.js';
