/**
 * The clock entries and tag records are dated by, in milliseconds since the epoch: Next.js's
 * own (`performance.timeOrigin + performance.now()`, what it dates `'use cache'` entries and
 * judges ISR ages with). It has sub-millisecond steps, so an entry written and a tag
 * revalidated within one millisecond still come in the order they happened; with whole
 * milliseconds the revalidation would not count against that entry.
 */
export function cacheClock(): number {
  return performance.timeOrigin + performance.now();
}
