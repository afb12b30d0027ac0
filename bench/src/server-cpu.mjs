import { processCpuMicros } from './process-cpu.mjs';

/** CPU used so far by the server process(es): a HashClient's workload has several. */
export function serverCpu(serverPid) {
  const pids = Array.isArray(serverPid) ? serverPid : [serverPid];
  let total = 0;
  for (const pid of pids) {
    const micros = processCpuMicros(pid);
    if (micros === undefined) return undefined;
    total += micros;
  }
  return total;
}
