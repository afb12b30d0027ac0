import fs from 'node:fs';

// The kernel counts in clock ticks; 100 per second on every Linux we run on (getconf CLK_TCK).
const MICROSECONDS_PER_TICK = 10_000;

/**
 * CPU time (user + system, µs) another process has used so far, from /proc; undefined where
 * /proc is missing. Used for memcached: a client that batches its writes costs the server less
 * per request, which is where single-threaded throughput comes from.
 */
export function processCpuMicros(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * MICROSECONDS_PER_TICK;
  } catch {
    return undefined;
  }
}
