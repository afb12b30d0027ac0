/** The q-quantile (0..1) of the first `count` samples, nearest-rank; sorts a copy, not the input. */
export function percentile(samples, count, quantile) {
  if (count === 0) return Number.NaN;
  const sorted = samples.slice(0, count).sort();
  const rank = Math.min(count - 1, Math.max(0, Math.ceil(quantile * count) - 1));
  return sorted[rank];
}
