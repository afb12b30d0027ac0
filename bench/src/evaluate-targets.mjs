import { bestPeer } from './best-peer.mjs';
import { formatNumber } from './format-number.mjs';

/** Issue 8's goals: throughput factors over the best peer, and CPU against the leanest. */
export const TARGETS = [
  { workload: 'get', label: 'concurrent get', measure: 'opsPerSecond', factor: 3 },
  { workload: 'set', label: 'concurrent set', measure: 'opsPerSecond', factor: 3 },
  { workload: 'multi-get', label: 'multi-get (keys/s)', measure: 'opsPerSecond', factor: 4 },
  { workload: 'seq-get', label: 'sequential get', measure: 'opsPerSecond', factor: 1.2 },
  { workload: 'get', label: 'CPU per concurrent get', measure: 'cpuPerOp', factor: 0.5 },
];

/**
 * Checks each target for one client (normally @mc, also the raw baseline for reference).
 *
 * @param {string} clientId
 * @param {Array<{ id: string, name: string, role: string }>} entries
 * @param {Map<string, Map<string, object>>} figuresByWorkload  workload id → client id → best round
 * @returns {Array<{ label: string, text: string, met: boolean | undefined }>} met is undefined when not measured
 */
export function evaluateTargets(clientId, entries, figuresByWorkload) {
  return TARGETS.map((target) => {
    const figures = figuresByWorkload.get(target.workload);
    const mine = figures?.get(clientId);
    const best = figures && bestPeer(entries, figures, target.measure);
    const wanted = target.measure === 'cpuPerOp' ? `≤ ${target.factor}x` : `≥ ${target.factor}x`;
    if (!mine || mine.failed || !best) {
      const why = !mine ? 'not measured' : mine.failed ? `failed: ${mine.problem}` : 'no peer measured';
      return { label: target.label, met: undefined, text: `${target.label}: target ${wanted}, ${why}` };
    }
    const ratio = mine[target.measure] / best.figure[target.measure];
    const met = target.measure === 'cpuPerOp' ? ratio <= target.factor : ratio >= target.factor;
    const unit = target.measure === 'cpuPerOp' ? ' µs/op' : '/s';
    const decimals = target.measure === 'cpuPerOp' ? 2 : 0;
    // Three places for the CPU ratio, so that 0.502 does not print as a "NOT met" 0.50.
    const text =
      `${target.label}: ${formatNumber(mine[target.measure], decimals)}${unit} vs ` +
      `${best.entry.name} ${formatNumber(best.figure[target.measure], decimals)}${unit} = ` +
      `${formatNumber(ratio, target.measure === 'cpuPerOp' ? 3 : 2)}x (target ${wanted}): ${met ? 'met' : 'NOT met'}`;
    return { label: target.label, met, text };
  });
}
