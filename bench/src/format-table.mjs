import { bestPeer } from './best-peer.mjs';
import { formatNumber } from './format-number.mjs';

/**
 * One workload as a markdown table. "vs best peer" is throughput divided by the best peer's,
 * so @mc's row reads directly against the targets; CPU is microseconds of this process per
 * operation (per key for multi-get), and memcached's likewise.
 *
 * @param {{ id: string, title: string }} workload
 * @param {Array<{ id: string, name: string, role: string, emulatedMulti?: boolean }>} entries
 * @param {Map<string, object>} figures  client id → best round
 */
export function formatTable(workload, entries, figures) {
  const best = bestPeer(entries, figures);
  const lines = [
    `### ${workload.id}: ${workload.title}`,
    '',
    '| client | ops/s | p50 µs | p99 µs | CPU µs/op | server µs/op | vs best peer |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  let emulated = false;
  for (const entry of entries) {
    const figure = figures.get(entry.id);
    if (!figure) continue;
    const marker = workload.id === 'multi-get' && entry.emulatedMulti ? ' †' : '';
    emulated ||= marker !== '';
    const name = `${entry.name}${marker}`;
    if (figure.failed) {
      lines.push(`| ${name} | ✗ ${figure.problem} | | | | | |`);
      continue;
    }
    const ratio = best ? figure.opsPerSecond / best.figure.opsPerSecond : Number.NaN;
    const ratioText = best?.entry.id === entry.id ? '1.00 (best peer)' : formatNumber(ratio, 2);
    lines.push(
      `| ${name} | ${formatNumber(figure.opsPerSecond)} | ${formatNumber(figure.p50, 1)} | ` +
        `${formatNumber(figure.p99, 1)} | ${formatNumber(figure.cpuPerOp, 2)} | ${formatNumber(figure.serverCpuPerOp, 2)} | ${ratioText} |`,
    );
  }
  if (emulated) lines.push('', '† no multi-get in this client: emulated with parallel single gets.');
  return lines.join('\n');
}
