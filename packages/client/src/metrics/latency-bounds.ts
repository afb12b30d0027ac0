/**
 * The latency histogram's upper bounds, in milliseconds: powers of two from 1/16 ms to 8192 ms
 * (18 buckets plus one for anything slower). Fixed, so recording is one `Math.log2` and one
 * increment, and snapshots of different clients and moments add up bucket by bucket.
 */
export const LATENCY_BOUNDS_MS: readonly number[] = Object.freeze(
  Array.from({ length: 18 }, (_, index) => 2 ** (index - 4)),
);

/** The bucket of `milliseconds`: the first bound at or above it, or the overflow bucket. */
export function latencyBucket(milliseconds: number): number {
  if (!(milliseconds > 0.0625)) return 0;
  const index = Math.ceil(Math.log2(milliseconds)) + 4;
  return Math.min(index, LATENCY_BOUNDS_MS.length);
}
