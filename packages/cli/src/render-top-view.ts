import { printable } from './printable.js';
import type { ServerRow } from './server-row.js';

/** Bytes the way a person reads them: 512B, 1.5K, 64.0M. */
function bytes(value: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)}B` : `${value.toFixed(1)}${units[unit]}`;
}

const rate = (value: number | undefined) => (value === undefined ? '-' : String(Math.round(value)));
const perSecond = (value: number | undefined) => (value === undefined ? '-' : bytes(value));
const percent = (value: number | undefined) => (value === undefined ? '-' : `${(value * 100).toFixed(1)}%`);

const COLUMNS: Array<{ title: string; width: number; cell(row: ServerRow): string }> = [
  { title: 'HIT%', width: 7, cell: (row) => percent(row.hitRate) },
  { title: 'OPS/s', width: 9, cell: (row) => rate(row.opsPerSecond) },
  { title: 'EVICT/s', width: 8, cell: (row) => rate(row.evictionsPerSecond) },
  { title: 'EVICTED', width: 9, cell: (row) => String(row.evictions) },
  { title: 'CONN', width: 6, cell: (row) => String(row.connections) },
  {
    title: 'MEMORY',
    width: 20,
    cell: (row) =>
      `${bytes(row.memoryUsed)}/${bytes(row.memoryLimit)} ${row.memoryLimit === 0 ? '-' : `${Math.round((row.memoryUsed / row.memoryLimit) * 100)}%`}`,
  },
  { title: 'ITEMS', width: 9, cell: (row) => String(row.items) },
  { title: 'READ/s', width: 9, cell: (row) => perSecond(row.readPerSecond) },
  { title: 'WRITE/s', width: 9, cell: (row) => perSecond(row.writtenPerSecond) },
];

function sum(rows: ServerRow[], pick: (row: ServerRow) => number | undefined): number | undefined {
  const values = rows.map(pick).filter((value): value is number => value !== undefined);
  return values.length === 0 ? undefined : values.reduce((total, value) => total + value, 0);
}

/**
 * The servers that answered, added up: the cluster as one line under the per-server ones. HIT%
 * is the hits among all their gets, counted over the window each server's own HIT% covers: an
 * average of the servers' rates (weighted by OPS/s, say) would let sets and deletes, or a server
 * without gets, pull it away from what the cluster's reads found.
 */
function total(rows: ServerRow[]): ServerRow {
  const alive = rows.filter((row) => row.error === undefined);
  const gets = sum(alive, (row) => row.gets);
  const hits = sum(alive, (row) => row.hits);
  return {
    server: 'TOTAL',
    hitRate: gets === undefined || gets === 0 ? undefined : (hits ?? 0) / gets,
    gets,
    hits,
    opsPerSecond: sum(alive, (row) => row.opsPerSecond),
    evictionsPerSecond: sum(alive, (row) => row.evictionsPerSecond),
    readPerSecond: sum(alive, (row) => row.readPerSecond),
    writtenPerSecond: sum(alive, (row) => row.writtenPerSecond),
    evictions: sum(alive, (row) => row.evictions) ?? 0,
    connections: sum(alive, (row) => row.connections) ?? 0,
    memoryUsed: sum(alive, (row) => row.memoryUsed) ?? 0,
    memoryLimit: sum(alive, (row) => row.memoryLimit) ?? 0,
    items: sum(alive, (row) => row.items) ?? 0,
  };
}

/**
 * One frame of `memcli top`, in the style of memcache-top: a line per server, side by side in
 * one table so they compare at a glance, a TOTAL line when there are several, and why a server
 * that did not answer is missing.
 */
export function renderTopView(rows: ServerRow[], heading: string): string {
  const nameWidth = Math.max(6, ...rows.map((row) => row.server.length)) + 2;
  const line = (row: ServerRow) => {
    const name = row.server.padEnd(nameWidth);
    if (row.error !== undefined) return `${name}unreachable: ${printable(row.error)}`;
    return name + COLUMNS.map((column) => column.cell(row).padStart(column.width)).join('');
  };
  const header =
    'SERVER'.padEnd(nameWidth) + COLUMNS.map((column) => column.title.padStart(column.width)).join('');
  const lines = [heading, '', header, ...rows.map(line)];
  if (rows.length > 1) lines.push(line(total(rows)));
  return `${lines.join('\n')}\n`;
}
