import type { IncrementalCacheValue, SetContext } from './next-types.js';

// The response header in which Next lists a rendered page's or route's tags, implicit ones
// (`_N_T_/layout`, `_N_T_/blog/page`) included, comma-separated.
const CACHE_TAGS_HEADER = 'x-next-cache-tags';

/** The tags an entry is stored with: a fetch's from its context, a response's from its header. */
export function entryTags(value: IncrementalCacheValue | null, context: SetContext): string[] {
  if (context.fetchCache === true) {
    const fromValue = value !== null && 'tags' in value && Array.isArray(value.tags) ? value.tags : [];
    return unique([...(context.tags ?? []), ...fromValue]);
  }
  if (value === null || !('headers' in value)) return [];
  const header = value.headers?.[CACHE_TAGS_HEADER];
  const text = Array.isArray(header) ? header.join(',') : header;
  if (typeof text !== 'string') return [];
  return unique(text.split(','));
}

/** Each tag once, exactly as Next wrote it: Next splits the header on commas alone, so a tag's spaces are its own. */
function unique(tags: string[]): string[] {
  return [...new Set(tags.filter((tag) => tag !== ''))];
}
