import type { TagState } from './tag-state.js';

/** How an entry written at `lastModified` stands against the current states of its tags. */
export type TagVerdict = 'fresh' | 'stale' | 'expired';

/**
 * `'expired'` when a tag's expiry has come and falls after the entry was written (a miss),
 * `'stale'` when a tag was marked stale after the entry was written (serve, then regenerate),
 * else `'fresh'`. Matches how Next.js reads its own tags manifest.
 */
export function tagVerdict(states: Iterable<TagState>, lastModified: number, now: number): TagVerdict {
  let verdict: TagVerdict = 'fresh';
  for (const state of states) {
    if (typeof state.expired === 'number' && state.expired <= now && state.expired > lastModified) {
      return 'expired';
    }
    if (typeof state.stale === 'number' && state.stale > lastModified) verdict = 'stale';
  }
  return verdict;
}
