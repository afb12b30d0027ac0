import { formatNumber } from './format-number.mjs';
import { formatRatio } from './format-ratio.mjs';

const both = (side) => (side ? `${formatRatio(side.ratio)} (${formatRatio(side.medianRatio)})` : '–');
const named = (side) => (side ? `${both(side)} ${side.name}` : '–');
const signed = (value) =>
  Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${formatNumber(value, 2)}` : '–';

/**
 * The comparison compareClients made, as markdown: per workload the client's time per call
 * over the floor's, its throughput over the fastest Python client's and the best Node peer's;
 * then the variants read against the workload they vary.
 *
 * @param {string} name  the client's display name
 * @param {ReturnType<import('./compare-clients.mjs').compareClients>} comparison
 */
export function formatComparison(name, { rows, variants }) {
  const lines = [
    `### ${name} against the floor, the seed's Python clients and the best Node peer`,
    '',
    "Each cell: the ratio of the chosen rounds, then in brackets the median of the round-by-round ratios. The floor column is time per call (the floor's ops/s over ours: 1.26x means 26% longer per call, lower is better); the others are throughput (higher is better).",
    '',
    '| workload | ops/s | time per call vs floor | vs fastest Python client | vs best Node peer |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.workload.id} | ${formatNumber(row.mine.opsPerSecond)} | ${both(row.floor)} | ${named(row.seed)} | ${named(row.peer)} |`,
    );
  }
  if (variants.length > 0) {
    lines.push(
      '',
      `### Variants of ${name}`,
      '',
      'Throughput over the same client on the workload it varies (chosen rounds, then the median of round-by-round ratios), and the change in client CPU per operation.',
      '',
      '| workload | read against | ops/s | throughput | CPU µs/op | Δ CPU µs/op | p50 µs | p99 µs |',
      '|---|---|---:|---:|---:|---:|---:|---:|',
    );
    for (const variant of variants) {
      lines.push(
        `| ${variant.workload.id} | ${variant.compare} | ${formatNumber(variant.mine.opsPerSecond)} | ` +
          `${formatRatio(variant.ratio)} (${formatRatio(variant.medianRatio)}) | ${formatNumber(variant.mine.cpuPerOp, 2)} | ` +
          `${signed(variant.cpuDelta)} | ${formatNumber(variant.mine.p50, 1)} | ${formatNumber(variant.mine.p99, 1)} |`,
      );
    }
  }
  return lines.join('\n');
}
