import { formatNumber } from './format-number.mjs';

const bytes = (value) => (Number.isFinite(value) ? formatNumber(Math.max(0, value)) : '–');

/**
 * Memory per idle connection and per request in flight as a markdown table, in bytes: the
 * JavaScript heap after forced collections, memory outside the heap (Buffers) and the
 * process's resident size (pages the allocator keeps count too, so it is the noisiest).
 *
 * @param {Array<{ id: string, name: string }>} entries
 * @param {Map<string, { idle?: object, inFlight?: object, inFlightError?: string, error?: string }>} memory
 */
export function formatMemory(entries, memory) {
  const lines = [
    '### memory: bytes per idle connection and per request in flight',
    '',
    'Each client in a fresh `node --expose-gc` process: 200 clients each with its connection open and idle (after 10 opened and closed), then 2,000 gets in flight to a server that reads and never answers; heap after forced GC, external (Buffers), resident set, each divided by the count.',
    '',
    '| client | idle: heap | idle: external | idle: RSS | in flight: heap | in flight: external | in flight: RSS |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const entry of entries) {
    const result = memory.get(entry.id);
    if (!result) continue;
    if (result.error) {
      lines.push(`| ${entry.name} | ✗ ${result.error} | | | | | |`);
      continue;
    }
    const idle = result.idle ?? {};
    const flight = result.inFlight ?? {};
    const flightCells = result.inFlightError
      ? `✗ ${result.inFlightError} | | `
      : `${bytes(flight.heap)} | ${bytes(flight.external)} | ${bytes(flight.rss)}`;
    lines.push(
      `| ${entry.name} | ${bytes(idle.heap)} | ${bytes(idle.external)} | ${bytes(idle.rss)} | ${flightCells} |`,
    );
  }
  return lines.join('\n');
}
