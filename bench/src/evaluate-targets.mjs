import { bestPeer } from './best-peer.mjs';
import { formatNumber } from './format-number.mjs';
import { formatRatio } from './format-ratio.mjs';
import { median } from './median.mjs';

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

const ok = (round) => round !== undefined && !(round.problems > 0);

/** The median over rounds of `measure(mine, theirs)`, pairing each round with the same round of the other. */
function medianOfRounds(mineRounds = [], theirRounds, measure) {
  const values = [];
  for (let round = 0; round < mineRounds.length; round++) {
    const theirs = theirRounds?.[round];
    if (ok(mineRounds[round]) && (theirRounds === undefined || ok(theirs)))
      values.push(measure(mineRounds[round], theirs));
  }
  return median(values);
}

// How each kind reads one pair of figures, and which way is better.
const MEASURES = {
  floor: { of: (mine, theirs) => theirs.opsPerSecond / mine.opsPerSecond, atMost: true, decimals: 2 },
  leanest: { of: (mine, theirs) => mine.cpuPerOp / theirs.cpuPerOp, atMost: true, decimals: 3 },
  peer: { of: (mine, theirs) => mine.opsPerSecond / theirs.opsPerSecond, atMost: false, decimals: 2 },
  client: { of: (mine, theirs) => mine.opsPerSecond / theirs.opsPerSecond, atMost: false, decimals: 2 },
};

/**
 * Checks each target for one client (normally @mc, also the raw baseline for reference).
 * With `roundsByWorkload` (every round of every client), a target is judged on the median of
 * the round-by-round ratios, which a lucky or an unlucky round cannot move; the ratio of the
 * chosen rounds is printed beside it.
 *
 * @param {string} clientId
 * @param {Array<{ id: string, name: string, role: string }>} entries
 * @param {Map<string, Map<string, object>>} figuresByWorkload  workload id → client id → chosen round
 * @param {Map<string, Map<string, object[]>>} [roundsByWorkload]  workload id → client id → every round
 * @returns {Array<{ label: string, issue: number, text: string, met: boolean | undefined, ratio?: number,
 *   medianRatio?: number }>} met is undefined when not measured
 */
export function evaluateTargets(clientId, entries, figuresByWorkload, roundsByWorkload) {
  return TARGETS.map((target) => {
    const figures = figuresByWorkload.get(target.workload);
    const rounds = roundsByWorkload?.get(target.workload);
    const mine = figures?.get(clientId);
    const head = `${target.label} (issue ${target.issue})`;
    const base = { label: target.label, issue: target.issue };
    if (!mine || mine.failed) {
      const why = !mine ? 'not measured' : `failed: ${mine.problem}`;
      return { ...base, met: undefined, text: `${head}: target ${wanted(target)}, ${why}` };
    }
    const roundCount = rounds?.get(clientId)?.length ?? 0;
    const medianNote = (value, decimals, unit = '') =>
      roundCount > 1 && Number.isFinite(value)
        ? `, median of ${roundCount} rounds ${unit ? formatNumber(value, decimals) + unit : formatRatio(value, decimals)}`
        : '';
    if (target.kind === 'cpu') {
      const medianCpu = rounds
        ? medianOfRounds(rounds.get(clientId), undefined, (round) => round.cpuPerOp)
        : Number.NaN;
      const judged = Number.isFinite(medianCpu) ? medianCpu : mine.cpuPerOp;
      const met = judged <= target.limit;
      const text = `${head}: ${cpu(mine)}${medianNote(medianCpu, 2, ' µs/op')} (target ${wanted(target)}): ${met ? 'met' : 'NOT met'}`;
      return {
        ...base,
        met,
        text,
        ratio: mine.cpuPerOp / target.limit,
        medianRatio: medianCpu / target.limit,
      };
    }
    const other = reference(target, entries, figures);
    if (!other) {
      const missing = target.kind === 'floor' ? 'floor' : target.kind === 'client' ? target.against : 'peer';
      return { ...base, met: undefined, text: `${head}: target ${wanted(target)}, no ${missing} measured` };
    }
    const measure = MEASURES[target.kind];
    const ratio = measure.of(mine, other.figure);
    const medianRatio = rounds
      ? medianOfRounds(rounds.get(clientId), rounds.get(other.entry.id), measure.of)
      : Number.NaN;
    const judged = Number.isFinite(medianRatio) ? medianRatio : ratio;
    const met = measure.atMost ? judged <= target.factor : judged >= target.factor;
    const figuresText =
      target.kind === 'leanest'
        ? `${cpu(mine)} vs ${other.entry.name} ${cpu(other.figure)}`
        : `${rate(mine)} vs ${other.entry.name} ${rate(other.figure)}`;
    const suffix = target.kind === 'floor' ? " the floor's time per call" : '';
    const text =
      `${head}: ${figuresText} = ${formatRatio(ratio, measure.decimals)}${suffix}` +
      `${medianNote(medianRatio, measure.decimals)} (target ${wanted(target)}): ${met ? 'met' : 'NOT met'}`;
    return { ...base, met, ratio, medianRatio, text };
  });
}
