import { describe, expect, it } from 'vitest';
import { entryTags } from './entry-tags.js';
import type { IncrementalCacheValue, SetContext } from './next-types.js';

const value = (fields: object) => fields as unknown as IncrementalCacheValue;
const responseContext = { cacheControl: { revalidate: 60, expire: undefined } } as SetContext;

describe('entryTags', () => {
  it("takes a fetch's tags from its context and its value, once each", () => {
    const context = { fetchCache: true, tags: ['a', 'b'] } as SetContext;
    expect(entryTags(value({ kind: 'FETCH', tags: ['b', 'c'] }), context)).toStrictEqual(['a', 'b', 'c']);
    expect(entryTags(value({ kind: 'FETCH' }), { fetchCache: true } as SetContext)).toStrictEqual([]);
  });

  it("takes a rendered response's tags from its x-next-cache-tags header", () => {
    const page = value({
      kind: 'APP_PAGE',
      headers: { 'x-next-cache-tags': 'posts,_N_T_/layout,_N_T_/page,' },
    });
    expect(entryTags(page, responseContext)).toStrictEqual(['posts', '_N_T_/layout', '_N_T_/page']);
    const route = value({ kind: 'APP_ROUTE', headers: { 'x-next-cache-tags': ['one', 'two'] } });
    expect(entryTags(route, responseContext)).toStrictEqual(['one', 'two']);
  });

  it('finds no tags in a value without that header, or in no value', () => {
    expect(entryTags(value({ kind: 'PAGES', headers: undefined }), responseContext)).toStrictEqual([]);
    expect(entryTags(value({ kind: 'REDIRECT', props: {} }), responseContext)).toStrictEqual([]);
    expect(entryTags(null, responseContext)).toStrictEqual([]);
  });
});
