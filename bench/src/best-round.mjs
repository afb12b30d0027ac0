/**
 * Folds one client's rounds on one workload into the figure we report: the round with the
 * highest throughput (the least disturbed by the rest of the machine), or the first failure,
 * since a client that returned a wrong value once has no throughput worth reporting.
 */
export function bestRound(rounds) {
  const failed = rounds.find((round) => round.problems > 0);
  if (failed) return { ...failed, failed: true };
  let best;
  for (const round of rounds) if (!best || round.opsPerSecond > best.opsPerSecond) best = round;
  return best && { ...best, failed: false };
}
