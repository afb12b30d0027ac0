import type { CacheHandlerValue, IncrementalCacheValue } from './next-types.js';

/** One cache entry as it lives in memcached: what Next handed over, plus when and with what tags. */
export interface StoredEntry {
  /** When the entry was written (milliseconds since the epoch), what tags are judged against. */
  lastModified: number;
  value: IncrementalCacheValue | null;
  /** The entry's tags, explicit and implicit (`_N_T_/…` path tags), so any instance can judge it. */
  tags: string[];
  /** The lifetime Next gave the entry, so an instance that did not render it serves it alike. */
  cacheControl: CacheHandlerValue['cacheControl'];
}
