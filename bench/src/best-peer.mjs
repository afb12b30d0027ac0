/**
 * The peer to beat on one workload: the fastest one (or, for CPU, the leanest) among the
 * published clients that answered correctly. @mc, the raw baseline and the floor never count
 * as peers; `role: 'seed'` picks among the Python clients instead.
 */
export function bestPeer(entries, figures, measure = 'opsPerSecond', role = 'peer') {
  let best;
  for (const entry of entries) {
    if (entry.role !== role) continue;
    const figure = figures.get(entry.id);
    if (!figure || figure.failed) continue;
    const better =
      measure === 'cpuPerOp'
        ? figure.cpuPerOp < best?.figure.cpuPerOp
        : figure[measure] > best?.figure[measure];
    if (!best || better) best = { entry, figure };
  }
  return best;
}
