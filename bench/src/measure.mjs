import { performance } from 'node:perf_hooks';
import { percentile } from './percentile.mjs';
import { describeError } from './describe-error.mjs';
import { preload } from './preload.mjs';
import { readBack } from './read-back.mjs';
import { serverCpu } from './server-cpu.mjs';

// One buffer for all latency samples, reused by every run: recording a sample is a store
// into a Float64Array, with no allocation in the measured loop.
const samples = new Float64Array(1 << 21);
// After this many wrong answers or errors a run stops: the client is out either way.
const PROBLEM_LIMIT = 1000;

const sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));

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
