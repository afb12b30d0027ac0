import { performance } from 'node:perf_hooks';
import { describeError } from './describe-error.mjs';
import { percentile } from './percentile.mjs';
import { preload } from './preload.mjs';
import { readBack } from './read-back.mjs';
import { serverCpu } from './server-cpu.mjs';

// After this many wrong answers or errors a client stops: it is out either way.
const PROBLEM_LIMIT = 1000;
// Room for the latency samples of one client (the percentiles come from the first ones if more).
const SAMPLE_ROOM = 1 << 20;

/**
 * Runs one client for `milliseconds` with `workload.concurrency` calls in flight (each worker
 * issues its next call until the slice ends); adds to the client's totals when recording.
 * Two clock reads per call, as in measure().
 */
async function slice(state, workload, milliseconds, serverPid, recording) {
  const { client, space } = state;
  client.beginTurn?.();
  const cpuStart = process.cpuUsage();
  const serverStart = recording ? serverCpu(serverPid) : undefined;
  const start = performance.now();
  const end = start + milliseconds;
  const worker = async () => {
    let finished = start;
    while (finished < end && state.problems < PROBLEM_LIMIT) {
      const started = performance.now();
      let outcome;
      try {
        outcome = await workload.operation(client, state.counter++, space);
      } catch (error) {
        outcome = `error: ${describeError(error)}`;
      }
      finished = performance.now();
      if (outcome !== undefined) {
        state.problems++;
        state.problem ??= outcome;
        // A client that fails without I/O would starve everything else; let the loop turn.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (recording) {
        if (state.recorded < state.samples.length) state.samples[state.recorded++] = finished - started;
        state.operations++;
      }
    }
  };
  await Promise.all(Array.from({ length: workload.concurrency }, worker));
  const elapsed = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const serverEnd = recording ? serverCpu(serverPid) : undefined;
  client.endTurn?.();
  if (!recording) return;
  state.elapsed += elapsed;
  state.cpu += cpu.user + cpu.system;
  state.server =
    serverStart === undefined || state.server === undefined
      ? undefined
      : state.server + serverEnd - serverStart;
}

/**
 * Measures several clients on one workload at the same time, by turns: each runs for
 * `sliceMs` (20 ms for one call in flight, 100 ms for more, so the ramp up and the drain of
 * a turn stay small), then the next, the order reversed every pass, until each has
 * `durationMs` measured. On a shared machine whose load comes and goes over seconds, the
 * clients meet the same load within a fraction of a second of each other, so their ratio holds
 * still where separate runs of a second each could land in a quiet and a busy spell. Each
 * client preloads its keys and warms up alone first; figures are per client, as measure()'s.
 * A client's optional `beginTurn()` and `endTurn()` run around each of its turns, outside
 * the measured time (the tracing variant attaches its subscriber there).
 *
 * @param {Array<{ client: object, space: object }>} runs
 * @returns {Promise<Array<{ opsPerSecond: number, p50: number, p99: number, cpuPerOp: number,
 *   serverCpuPerOp: number, operations: number, seconds: number, problems: number, problem: string | undefined }>>}
 */
export async function measureInterleaved(runs, workload, { warmupMs, durationMs, serverPid, sliceMs }) {
  const turnMs = sliceMs ?? (workload.concurrency === 1 ? 20 : 100);
  const states = runs.map(({ client, space }) => ({
    client,
    space,
    samples: new Float64Array(SAMPLE_ROOM),
    counter: 0,
    recorded: 0,
    operations: 0,
    elapsed: 0,
    cpu: 0,
    server: 0,
    problems: 0,
    problem: undefined,
  }));
  for (const state of states) await preload(state.client, workload, state.space);
  for (const state of states) await slice(state, workload, warmupMs, serverPid, false);
  globalThis.gc?.();
  for (
    let pass = 0;
    states.some((state) => state.elapsed < durationMs && state.problems < PROBLEM_LIMIT);
    pass++
  ) {
    const order = pass % 2 === 0 ? states : [...states].reverse();
    for (const state of order) {
      if (state.elapsed < durationMs && state.problems < PROBLEM_LIMIT)
        await slice(state, workload, turnMs, serverPid, true);
    }
  }
  const results = [];
  for (const state of states) {
    if (state.problems === 0) {
      state.problem = await readBack(state.client, workload, state.space);
      if (state.problem) state.problems++;
    }
    const units = state.operations * workload.units;
    const seconds = state.elapsed / 1000;
    results.push({
      opsPerSecond: seconds > 0 ? units / seconds : 0,
      p50: percentile(state.samples, state.recorded, 0.5) * 1000,
      p99: percentile(state.samples, state.recorded, 0.99) * 1000,
      cpuPerOp: units > 0 ? state.cpu / units : Number.NaN,
      serverCpuPerOp: units > 0 && state.server !== undefined ? state.server / units : Number.NaN,
      operations: state.operations,
      seconds,
      problems: state.problems,
      problem: state.problem,
    });
  }
  return results;
}
