import { bestPeer } from './best-peer.mjs';
import { formatNumber } from './format-number.mjs';
import { formatRatio } from './format-ratio.mjs';

/**
 * The goals, in the issues' words. Kinds:
 * - `peer`: throughput at least `factor` times the best Node peer's;
 * - `floor`: time per call at most `factor` times the naked socket's (the floor's ops/s over ours);
 * - `client`: throughput at least `factor` times that of the client `against`;
 * - `cpu`: client CPU per operation at most `limit` µs;
 * - `leanest`: client CPU per operation at most `factor` times the leanest peer's.
 */
export const TARGETS = [
  { issue: 16, workload: 'seq-get', label: 'sequential get vs the floor', kind: 'floor', factor: 1.08 },
  {
    issue: 16,
    workload: 'seq-get',
    label: 'sequential get vs pymemcache',
    kind: 'client',
    against: 'pymemcache',
    factor: 1,
  },
  {
    issue: 16,
    workload: 'seq-multi-get',
    label: 'sequential 100-key getMany vs the floor',
    kind: 'floor',
    factor: 1.25,
  },
  { issue: 16, workload: 'get', label: 'concurrent get', kind: 'peer', factor: 4 },
  { issue: 16, workload: 'set', label: 'concurrent set', kind: 'peer', factor: 4 },
  { issue: 16, workload: 'multi-get', label: 'multi-get (keys/s)', kind: 'peer', factor: 4 },
  { issue: 16, workload: 'get', label: 'CPU per concurrent get', kind: 'cpu', limit: 1.2 },
  { issue: 16, workload: 'large-get', label: '1 MB get', kind: 'peer', factor: 2 },
  { issue: 8, workload: 'seq-get', label: 'sequential get vs the best peer', kind: 'peer', factor: 1.2 },
  {
    issue: 8,
    workload: 'get',
    label: 'CPU per concurrent get vs the leanest peer',
    kind: 'leanest',
    factor: 0.5,
  },
];

const rate = (figure) => `${formatNumber(figure.opsPerSecond)}/s`;
const cpu = (figure) => `${formatNumber(figure.cpuPerOp, 2)} µs/op`;
const usable = (figure) => figure && !figure.failed;

/** What the target is compared with: the figure, and the name to print for it. */
function reference(target, entries, figures) {
  switch (target.kind) {
    case 'peer':
      return bestPeer(entries, figures, 'opsPerSecond');
    case 'leanest':
      return bestPeer(entries, figures, 'cpuPerOp');
    case 'floor':
    case 'client': {
      const entry = entries.find((candidate) =>
        target.kind === 'floor' ? candidate.role === 'floor' : candidate.id === target.against,
      );
      const figure = entry && figures.get(entry.id);
      return usable(figure) ? { entry, figure } : undefined;
    }
    default:
      return undefined;
  }
}

function wanted(target) {
  switch (target.kind) {
    case 'floor':
      return `≤ ${target.factor}x the floor's time per call`;
    case 'cpu':
      return `≤ ${target.limit} µs/op`;
    case 'leanest':
      return `≤ ${target.factor}x`;
    default:
      return `≥ ${target.factor}x`;
  }
}

/**
 * Checks each target for one client (normally @mc, also the raw baseline for reference).
 *
 * @param {string} clientId
 * @param {Array<{ id: string, name: string, role: string }>} entries
 * @param {Map<string, Map<string, object>>} figuresByWorkload  workload id → client id → chosen round
 * @returns {Array<{ label: string, issue: number, text: string, met: boolean | undefined, ratio?: number }>}
 *   met is undefined when not measured
 */
export function evaluateTargets(clientId, entries, figuresByWorkload) {
  return TARGETS.map((target) => {
    const figures = figuresByWorkload.get(target.workload);
    const mine = figures?.get(clientId);
    const head = `${target.label} (issue ${target.issue})`;
    if (!mine || mine.failed) {
      const why = !mine ? 'not measured' : `failed: ${mine.problem}`;
      return {
        label: target.label,
        issue: target.issue,
        met: undefined,
        text: `${head}: target ${wanted(target)}, ${why}`,
      };
    }
    if (target.kind === 'cpu') {
      const met = mine.cpuPerOp <= target.limit;
      const text = `${head}: ${cpu(mine)} (target ${wanted(target)}): ${met ? 'met' : 'NOT met'}`;
      return { label: target.label, issue: target.issue, met, text, ratio: mine.cpuPerOp / target.limit };
    }
    const other = reference(target, entries, figures);
    if (!other) {
      const missing = target.kind === 'floor' ? 'floor' : target.kind === 'client' ? target.against : 'peer';
      return {
        label: target.label,
        issue: target.issue,
        met: undefined,
        text: `${head}: target ${wanted(target)}, no ${missing} measured`,
      };
    }
    let ratio;
    let met;
    let text;
    if (target.kind === 'floor') {
      ratio = other.figure.opsPerSecond / mine.opsPerSecond;
      met = ratio <= target.factor;
      text = `${head}: ${rate(mine)} vs ${other.entry.name} ${rate(other.figure)} = ${formatRatio(ratio)} the floor's time per call`;
    } else if (target.kind === 'leanest') {
      ratio = mine.cpuPerOp / other.figure.cpuPerOp;
      met = ratio <= target.factor;
      text = `${head}: ${cpu(mine)} vs ${other.entry.name} ${cpu(other.figure)} = ${formatRatio(ratio, 3)}`;
    } else {
      ratio = mine.opsPerSecond / other.figure.opsPerSecond;
      met = ratio >= target.factor;
      text = `${head}: ${rate(mine)} vs ${other.entry.name} ${rate(other.figure)} = ${formatRatio(ratio)}`;
    }
    return {
      label: target.label,
      issue: target.issue,
      met,
      ratio,
      text: `${text} (target ${wanted(target)}): ${met ? 'met' : 'NOT met'}`,
    };
  });
}
