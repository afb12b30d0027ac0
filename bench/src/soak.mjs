#!/usr/bin/env node
// npm run soak: a million random operations through one HashClient (4 sockets to each of 3
// memcached nodes), every value checked by content, while one node is killed and started
// again halfway. Prints operations, errors by type, mismatches (must be 0) and the heap.
//
//   node --expose-gc src/soak.mjs [--ops=1000000] [--workers=1000] [--keys=20000]
//
// Each worker owns its keys and runs one operation at a time on them, so it knows exactly
// which values a key may hold: the last one stored, plus any whose write failed midway
// (the server may or may not have applied it). A value outside that set, or one whose bytes
// are not exactly those written, is a mismatch. Misses are fine: a killed node forgets.
import { HashClient } from '@mc/client';
import { startCluster } from '@mc/test-utils';

const options = Object.fromEntries(
  process.argv.slice(2).map((argument) => {
    const [name, value] = argument.replace(/^--/, '').split('=');
    return [name, Number(value)];
  }),
);
const OPERATIONS = options.ops ?? 1_000_000;
const WORKERS = options.workers ?? 1_000;
const KEYS = options.keys ?? 20_000;
const KILL_AT = 0.4; // fraction of the operations done when the node dies
const DOWN_MS = 2_000; // how long it stays dead
const HANG_MS = 30_000; // an operation pending longer than this counts as hung

const progress = (text) => process.stderr.write(`${text}\n`);
const heapMb = () => {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 1048576;
};

/** The bytes stored for version `version` of `key`: the key, the version, then filler. */
function valueFor(key, version) {
  let hash = 2166136261;
  const seed = `${key}#${version}`;
  for (let index = 0; index < seed.length; index++) hash = Math.imul(hash ^ seed.charCodeAt(index), 16777619);
  hash >>>= 0;
  const length = hash % 101 === 0 ? 20_000 + (hash % 5_000) : hash % 1_500;
  const filler = String.fromCharCode(97 + (hash % 26)).repeat(length);
  return `${seed}|${filler}`;
}

/** What the soak knows about one key: the versions it may hold (`null`: absent). */
class KeyState {
  constructor(key) {
    this.key = key;
    this.version = 0;
    this.possible = new Set([null]);
  }
}

const stats = {
  operations: 0,
  succeeded: 0,
  hits: 0,
  misses: 0,
  errors: new Map(),
  mismatches: [],
  untyped: 0,
};

function recordError(error) {
  const name = error?.name ?? typeof error;
  stats.errors.set(name, (stats.errors.get(name) ?? 0) + 1);
  if (!(error instanceof Error) || typeof error.code !== 'string' || !error.code.startsWith('MC_'))
    stats.untyped++;
}

function mismatch(text) {
  if (stats.mismatches.length < 20) stats.mismatches.push(text);
  else stats.mismatches.length++;
}

/** Checks a read of `state`'s key: `value` undefined is a miss. */
function checkRead(state, value) {
  if (value === undefined) {
    stats.misses++;
    return;
  }
  stats.hits++;
  const match = typeof value === 'string' ? /^(.+)#(\d+)\|/.exec(value) : null;
  if (match === null || match[1] !== state.key) {
    mismatch(`${state.key}: read ${JSON.stringify(String(value).slice(0, 40))}`);
    return;
  }
  const version = Number(match[2]);
  if (!state.possible.has(version))
    mismatch(`${state.key}: read version ${version}, possible ${[...state.possible]}`);
  else if (value !== valueFor(state.key, version))
    mismatch(`${state.key}: version ${version} with other bytes`);
  // The set stays as it is even after this read: a write that failed on a socket being torn
  // down may still reach the server later, so its version stays possible until the next
  // write that succeeds.
}

// Pending operations by start time, for the hang watchdog.
const pending = new Map();
let nextId = 0;

async function track(promise) {
  const id = nextId++;
  pending.set(id, performance.now());
  try {
    return await promise;
  } finally {
    pending.delete(id);
  }
}

/** One operation on one of the worker's keys, chosen at random, checked against what it knows. */
async function operate(client, states, random) {
  const state = states[Math.floor(random() * states.length)];
  const dice = random();
  stats.operations++;
  try {
    if (dice < 0.55) {
      checkRead(state, await track(client.get(state.key)));
    } else if (dice < 0.65) {
      const group = [state, states[Math.floor(random() * states.length)]];
      const found = await track(client.getMany(group.map((entry) => entry.key)));
      for (const entry of new Set(group)) checkRead(entry, found.get(entry.key));
    } else if (dice < 0.95) {
      const version = ++state.version;
      state.possible.add(version); // from now on it may hold this one
      const stored = await track(client.set(state.key, valueFor(state.key, version)));
      if (stored) state.possible = new Set([version]);
    } else {
      state.possible.add(null);
      const deleted = await track(client.delete(state.key));
      if (typeof deleted === 'boolean') state.possible = new Set([null]);
    }
    stats.succeeded++;
  } catch (error) {
    recordError(error);
  }
}

/** A small seeded generator, so a run can be repeated. */
function generator(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

async function main() {
  progress(
    `soak: ${OPERATIONS.toLocaleString('en')} operations, ${WORKERS} workers, ${KEYS} keys, 3 nodes × 4 sockets`,
  );
  const nodes = await startCluster(3);
  const client = new HashClient(
    nodes.map((node) => node.address),
    {
      connections: 4,
      timeout: 2_000,
      connectTimeout: 1_000,
      retryAttempts: 2,
      retryTimeout: 1_000,
      deadTimeout: 500,
    },
  );
  const keysPerWorker = Math.max(1, Math.floor(KEYS / WORKERS));
  const workers = Array.from({ length: WORKERS }, (_, worker) => ({
    random: generator(worker + 1),
    states: Array.from({ length: keysPerWorker }, (_, index) => new KeyState(`soak:${worker}:${index}`)),
  }));

  // Warm-up outside the count, then the heap as it stands with everything in place.
  await Promise.all(workers.map((worker) => client.get(worker.states[0].key).catch(() => undefined)));
  const heapBefore = heapMb();
  const started = performance.now();

  let issued = 0;
  let killed = false;
  const victim = nodes[1];
  let outage = Promise.resolve();
  const watchdog = setInterval(() => {
    const now = performance.now();
    for (const since of pending.values()) {
      if (now - since > HANG_MS) {
        progress(`soak: an operation has been pending for ${Math.round((now - since) / 1000)} s: HUNG`);
        process.exit(1);
      }
      break; // Map keeps insertion order: the first is the oldest
    }
  }, 1_000);
  let reported = 0;

  await Promise.all(
    workers.map(async (worker) => {
      while (issued < OPERATIONS) {
        issued++;
        if (!killed && issued >= OPERATIONS * KILL_AT) {
          killed = true;
          outage = (async () => {
            progress(
              `soak: killing ${victim.address} (SIGKILL) at ${issued.toLocaleString('en')} operations`,
            );
            await victim.kill();
            await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
            await victim.restart();
            progress(`soak: ${victim.address} restarted at ${issued.toLocaleString('en')} operations`);
          })();
        }
        await operate(client, worker.states, worker.random);
        if (stats.operations - reported >= 100_000) {
          reported = stats.operations;
          const seconds = (performance.now() - started) / 1000;
          progress(
            `soak: ${stats.operations.toLocaleString('en')} operations, ${Math.round(stats.operations / seconds).toLocaleString('en')}/s, errors ${[...stats.errors.values()].reduce((sum, count) => sum + count, 0)}, mismatches ${stats.mismatches.length}`,
          );
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await outage;
  clearInterval(watchdog);
  // After the outage, every node answers again: the restarted one included.
  const versions = await client.version();
  await client.close();
  const heapAfter = heapMb();
  await Promise.all(nodes.map((node) => node.stop()));

  const errorTotal = [...stats.errors.values()].reduce((sum, count) => sum + count, 0);
  const lines = [
    '## Soak',
    '',
    `| operations | ops/s | succeeded | hits | misses | errors | mismatches | heap before → after |`,
    `|---:|---:|---:|---:|---:|---:|---:|---|`,
    `| ${stats.operations.toLocaleString('en')} | ${Math.round(stats.operations / seconds).toLocaleString('en')} | ${stats.succeeded.toLocaleString('en')} | ${stats.hits.toLocaleString('en')} | ${stats.misses.toLocaleString('en')} | ${errorTotal.toLocaleString('en')} | ${stats.mismatches.length} | ${heapBefore.toFixed(1)} MB → ${heapAfter.toFixed(1)} MB |`,
    '',
    `Errors by type: ${errorTotal === 0 ? 'none' : [...stats.errors].map(([name, count]) => `${name} ${count.toLocaleString('en')}`).join(', ')}.`,
    `Untyped errors: ${stats.untyped}. Nodes answering at the end: ${versions.size} of 3.`,
    `One node was killed (SIGKILL) after ${Math.round(KILL_AT * 100)}% of the operations and restarted ${DOWN_MS / 1000} s later; ${seconds.toFixed(1)} s in all.`,
  ];
  console.log(lines.join('\n'));
  if (stats.mismatches.length > 0) {
    console.log(
      `\nMismatches (first ${Math.min(20, stats.mismatches.length)}):\n${stats.mismatches.filter(Boolean).join('\n')}`,
    );
  }
  const failed = stats.mismatches.length > 0 || stats.untyped > 0 || versions.size !== 3;
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
