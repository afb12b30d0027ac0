import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { requireProgram } from '@mc/test-utils';

/** What the figures were measured on: they mean little without the CPU and versions. */
export function describeMachine() {
  const cpus = os.cpus();
  let memcached = 'unknown';
  try {
    memcached = execFileSync(requireProgram('memcached'), ['-V'], { encoding: 'utf8' }).trim();
  } catch {}
  return {
    cpu: `${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    system: `${os.type()} ${os.release()}`,
    node: process.version,
    // Other work on a 2-core machine moves every figure; the load says how much there was.
    loadAverage: os.loadavg()[0].toFixed(2),
    memcached,
  };
}
