import { performance } from 'node:perf_hooks';
import { percentile } from './percentile.mjs';
import { processCpuMicros } from './process-cpu.mjs';
import { describeError } from './describe-error.mjs';
import { largeValue, sameValue } from './key-space.mjs';

// One buffer for all latency samples, reused by every run: recording a sample is a store
// into a Float64Array, with no allocation in the measured loop.
const samples = new Float64Array(1 << 21);
// After this many wrong answers or errors a run stops: the client is out either way.
const PROBLEM_LIMIT = 1000;

const sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Writes the workload's keys with the client under test, so it reads back its own encoding. */
async function preload(client, workload, space) {
  const keys = workload.preload === 'large' ? space.large : space.small;
  const values = workload.preload === 'large' ? space.largeValues : space.smallValues;
  const parallel = workload.preload === 'large' ? 4 : 100;
  let next = 0;
  const writer = async () => {
    while (next < keys.length) {
      const index = next++;
      const value = workload.preload === 'large' ? largeValue(client, values[index]) : values[index].string;
      const stored = await client.set(keys[index], value);
      if (stored === false) throw new Error(`preload: set ${keys[index]} was not stored`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, writer));
}

/** Reads a few keys back after the run, so a client whose writes were garbled cannot pass. */
async function readBack(client, workload, space) {
  const keys = workload.preload === 'large' ? space.large : space.small;
  const values = workload.preload === 'large' ? space.largeValues : space.smallValues;
  for (let index = 0; index < keys.length; index += Math.max(1, Math.floor(keys.length / 16))) {
    const value = await client.get(keys[index]);
    // The naked socket only counts reply bytes: more than `END\r\n` means a hit.
    if (client.unparsed) {
      if (!(value > 5)) return `read-back of ${keys[index]} missed`;
      continue;
    }
    if (!sameValue(value, values[index])) return `read-back of ${keys[index]} did not match`;
  }
  return undefined;
}

/** CPU used so far by the server process(es): a HashClient's workload has several. */
function serverCpu(serverPid) {
  const pids = Array.isArray(serverPid) ? serverPid : [serverPid];
  let total = 0;
  for (const pid of pids) {
    const micros = processCpuMicros(pid);
    if (micros === undefined) return undefined;
    total += micros;
  }
  return total;
}

/**
 * Runs one workload on one client: preload, a warm-up that is not counted, then `durationMs`
 * of measurement with `workload.concurrency` requests in flight. CPU comes from
 * process.cpuUsage() (user + system of this process only); memcached's own CPU from /proc.
 *
 * @returns {Promise<{ opsPerSecond: number, p50: number, p99: number, cpuPerOp: number,
 *   serverCpuPerOp: number, operations: number, seconds: number, problems: number, problem: string | undefined }>}
 */
export async function measure(client, workload, space, { warmupMs, durationMs, serverPid }) {
  await preload(client, workload, space);
  globalThis.gc?.();

  let counter = 0;
  let recording = false;
  let stopping = false;
  let operations = 0;
  let recorded = 0;
  let problems = 0;
  let problem;
  let deadline = Number.POSITIVE_INFINITY;

  const worker = async () => {
    while (!stopping) {
      const started = performance.now();
      let outcome;
      try {
        outcome = await workload.operation(client, counter++, space);
      } catch (error) {
        outcome = `error: ${describeError(error)}`;
      }
      const finished = performance.now();
      if (outcome !== undefined) {
        problems++;
        problem ??= outcome;
        if (problems >= PROBLEM_LIMIT) stopping = true;
        // A client that fails without I/O would starve the timers below; let them run.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (recording) {
        if (recorded < samples.length) samples[recorded++] = finished - started;
        operations++;
        // Timers are late when the loop is saturated; the clock is the real judge.
        if ((operations & 1023) === 0 && finished > deadline) stopping = true;
      }
    }
  };

  const workers = Array.from({ length: workload.concurrency }, worker);
  await sleep(warmupMs);
  globalThis.gc?.();
  const cpuStart = process.cpuUsage();
  const serverStart = serverCpu(serverPid);
  const timeStart = performance.now();
  deadline = timeStart + durationMs;
  recording = true;
  await sleep(durationMs);
  stopping = true;
  await Promise.all(workers);
  const seconds = (performance.now() - timeStart) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const serverEnd = serverCpu(serverPid);

  if (problems === 0) {
    problem = await readBack(client, workload, space);
    if (problem) problems++;
  }
  const units = operations * workload.units;
  return {
    opsPerSecond: units / seconds,
    p50: percentile(samples, recorded, 0.5) * 1000,
    p99: percentile(samples, recorded, 0.99) * 1000,
    cpuPerOp: units > 0 ? (cpu.user + cpu.system) / units : Number.NaN,
    serverCpuPerOp: units > 0 && serverStart !== undefined ? (serverEnd - serverStart) / units : Number.NaN,
    operations,
    seconds,
    problems,
    problem,
  };
}
