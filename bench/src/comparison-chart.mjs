import { ratioOf } from './ratio-of.mjs';
import { renderChart } from './render-chart.mjs';

export const CHART_SERIES = [
  { id: 'mc', label: '@mc/client', color: '#2563eb' },
  { id: 'peer', label: 'best Node peer', color: '#9ca3af' },
  { id: 'floor', label: 'naked socket (floor)', color: '#111827' },
  { id: 'seed', label: 'best Python client', color: '#f59e0b' },
];

/**
 * The chart for bench/README.md: per workload, throughput of @mc, the floor and the fastest
 * Python client divided by the best Node peer's (so the peer's bar is 1.0x), as the median of
 * the round-by-round ratios where there are rounds, else from the chosen rounds. Workloads
 * with no Node peer measured are left out.
 *
 * @param {ReturnType<import('./compare-clients.mjs').compareClients>['rows']} rows
 * @param {string} subtitle  when and where it was measured
 */
export function comparisonChart(rows, subtitle) {
  const groups = [];
  for (const row of rows) {
    if (!row.peer) continue;
    const peer = row.peer.figure.opsPerSecond;
    const steady = (median, figure) =>
      Number.isFinite(median) ? median : figure && ratioOf(figure.opsPerSecond, peer);
    groups.push({
      label: row.workload.id,
      values: {
        mc: steady(row.overPeer?.mine, row.mine),
        peer: 1,
        floor: steady(row.overPeer?.floor, row.floor?.figure),
        seed: steady(row.overPeer?.seed, row.seed?.figure),
      },
    });
  }
  return renderChart({
    title: 'Throughput over the best Node peer, median of rounds (higher is better)',
    subtitle,
    reference: 1,
    series: CHART_SERIES,
    groups,
  });
}
