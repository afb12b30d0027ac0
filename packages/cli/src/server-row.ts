import type { Stats } from '@mc/client';

/** One `stats` answer and when it arrived. */
export interface StatsSample {
  at: number;
  stats: Stats;
}

/** What `memcli top` shows for one server: rates over the last interval, levels as they are now. */
export interface ServerRow {
  server: string;
  /** Why the server could not be asked, instead of figures. */
  error?: string;
  /** Hits among the gets of the interval (since start on the first frame); undefined without gets. */
  hitRate?: number | undefined;
  /** The gets and hits behind `hitRate`, over the same window, so several servers' rates can be added up. */
  gets?: number | undefined;
  hits?: number | undefined;
  /** Undefined on the first frame, when there is no interval yet (or the server restarted). */
  opsPerSecond?: number | undefined;
  evictionsPerSecond?: number | undefined;
  readPerSecond?: number | undefined;
  writtenPerSecond?: number | undefined;
  evictions: number;
  connections: number;
  memoryUsed: number;
  memoryLimit: number;
  items: number;
}

// Every command memcached counts, so OPS/s is the server's whole load, not only gets and sets.
const OPERATIONS = [
  'cmd_get',
  'cmd_set',
  'cmd_touch',
  'cmd_flush',
  'delete_hits',
  'delete_misses',
  'incr_hits',
  'incr_misses',
  'decr_hits',
  'decr_misses',
  'cas_hits',
  'cas_misses',
  'cas_badval',
];

function count(stats: Stats, name: string): number {
  const value = stats[name];
  return typeof value === 'number' ? value : 0;
}

const operations = (stats: Stats) => OPERATIONS.reduce((sum, name) => sum + count(stats, name), 0);

function setHits(row: ServerRow, hits: number, misses: number): void {
  row.hits = hits;
  row.gets = hits + misses;
  row.hitRate = row.gets === 0 ? undefined : hits / row.gets;
}

/**
 * Turns two samples of a server's counters into rates. Counters that went down mean the server
 * restarted; the row then shows levels only, as on the first frame.
 */
export function serverRow(server: string, current: StatsSample | Error, previous?: StatsSample): ServerRow {
  if (current instanceof Error) {
    return {
      server,
      error: current.message,
      evictions: 0,
      connections: 0,
      memoryUsed: 0,
      memoryLimit: 0,
      items: 0,
    };
  }
  const now = current.stats;
  const row: ServerRow = {
    server,
    evictions: count(now, 'evictions'),
    connections: count(now, 'curr_connections'),
    memoryUsed: count(now, 'bytes'),
    memoryLimit: count(now, 'limit_maxbytes'),
    items: count(now, 'curr_items'),
  };
  const before = previous?.stats;
  const seconds = previous === undefined ? 0 : (current.at - previous.at) / 1000;
  const restarted = before !== undefined && count(now, 'uptime') < count(before, 'uptime');
  if (before === undefined || restarted || seconds <= 0) {
    setHits(row, count(now, 'get_hits'), count(now, 'get_misses'));
    return row;
  }
  const delta = (name: string) => Math.max(0, count(now, name) - count(before, name));
  setHits(row, delta('get_hits'), delta('get_misses'));
  row.opsPerSecond = Math.max(0, operations(now) - operations(before)) / seconds;
  row.evictionsPerSecond = delta('evictions') / seconds;
  row.readPerSecond = delta('bytes_read') / seconds;
  row.writtenPerSecond = delta('bytes_written') / seconds;
  return row;
}
