/**
 * What memcached keeps per tag: when it was last marked stale and when it expires (both
 * milliseconds since the epoch), the two marks Next.js keeps in its own in-process tags
 * manifest. An entry is judged against the tags it carries, so a revalidation costs one write
 * per tag and never a scan of the entries, and every instance sharing the cache sees it.
 */
export interface TagState {
  /** Entries written before this moment are served stale and regenerated in the background. */
  stale?: number;
  /** Entries written before this moment are misses once this moment has come. */
  expired?: number;
}
