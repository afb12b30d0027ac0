#!/usr/bin/env node
// npm run bench: @mc/client and the published memcached clients, side by side, against one
// memcached started here, in alternating rounds. Markdown goes to stdout, progress to stderr.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster, startMemcached } from '@mc/test-utils';
import { bestRound } from './best-round.mjs';
import { describeError } from './describe-error.mjs';
import { probeBinary } from './probe-binary.mjs';
import {
  mcClient,
  memcacheClient,
  memcacheClientClient,
  memcachedClient,
  memjsClient,
  nakedSocketClient,
  pylibmcClient,
  pymemcacheClient,
  pythonMemcachedClient,
  rawPipelineClient,
} from './clients/index.mjs';
import { compareClients } from './compare-clients.mjs';
import { comparisonChart } from './comparison-chart.mjs';
import { ensurePythonClients } from './ensure-python-clients.mjs';
import { evaluateTargets } from './evaluate-targets.mjs';
import { formatComparison } from './format-comparison.mjs';
import { formatMemory } from './format-memory.mjs';
import { formatTable } from './format-table.mjs';
import { makeKeySpace } from './key-space.mjs';
import { describeMachine } from './machine.mjs';
import { measure } from './measure.mjs';
import { measureInterleaved } from './measure-interleaved.mjs';
import { measureMemory } from './measure-memory.mjs';
import { packageVersion } from './package-version.mjs';
import { parseOptions, USAGE } from './parse-options.mjs';
import { WORKLOADS } from './workloads.mjs';
import { withDeadline } from './with-deadline.mjs';

const CLIENTS = [
  mcClient,
  rawPipelineClient,
  nakedSocketClient,
  memjsClient,
  memcachedClient,
  memcacheClientClient,
  memcacheClient,
  pymemcacheClient,
  pylibmcClient,
  pythonMemcachedClient,
];
// Not a timed workload: memory per idle connection and per request in flight, in child processes.
const MEMORY = 'memory';
const BENCH_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const README = path.join(BENCH_FOLDER, 'README.md');
const CHART = path.join(BENCH_FOLDER, 'results.svg');
const START_MARK = '<!-- bench-results:start -->';
const END_MARK = '<!-- bench-results:end -->';

// Preload, read-back and the last in-flight requests after the stop fit easily in the slack.
const OPEN_DEADLINE_MS = 10_000;
const RUN_SLACK_MS = 30_000;

const progress = (text) => process.stderr.write(`${text}\n`);

/** Gives a client a few seconds to close; a peer that hangs on close must not hang the bench. */
async function closeQuietly(client) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, 3000);
  });
  await Promise.race([Promise.resolve(client.close()).catch(() => {}), timeout]);
  clearTimeout(timer);
}

/** Opens each chosen client once: who is available, under which name, and is it binary-safe. */
async function prepareEntries(definitions, server) {
  const entries = [];
  for (const definition of definitions) {
    const version = definition.packageName ? packageVersion(definition.packageName) : undefined;
    const name = definition.displayName ?? `${definition.packageName} ${version ?? ''}`.trim();
    const entry = { id: definition.id, name, role: definition.role, definition, version };
    try {
      if (definition.external) {
        const probe = await definition.external.probe(server);
        entry.version = probe.version;
        entry.name = `${definition.displayName} ${probe.version}`;
        entry.binary = probe.binary;
        entry.emulatedMulti = false;
        entries.push(entry);
        continue;
      }
      const client = await withDeadline(definition.open(server), OPEN_DEADLINE_MS, `open ${name}`);
      entry.emulatedMulti = client.emulatedMulti;
      entry.binary = client.unparsed
        ? 'not checked (parses nothing)'
        : await probeBinary(client, `bench:${definition.id}:binary`);
      await closeQuietly(client);
      entries.push(entry);
    } catch (error) {
      entry.skipped = describeError(error);
      progress(`- ${name}: skipped, ${entry.skipped}`);
      entries.push(entry);
    }
  }
  return entries;
}

/** Whether a client runs a workload: some workloads are @mc's alone, the floor and Python run only sequential ones. */
function runs(entry, workload) {
  if (workload.clients && !workload.clients.includes(entry.id)) return false;
  return !entry.definition.workloads || entry.definition.workloads.includes(workload.id);
}

/** One client on one workload: open it the way the workload asks, measure, close. */
async function runOne(entry, workload, space, servers, options) {
  const server = servers.main;
  const nodes = workload.variant?.nodes ? servers.nodes : undefined;
  const settings = { ...options, serverPid: nodes ? nodes.map((node) => node.pid) : server.pid };
  const budget = options.warmupMs + options.durationMs + RUN_SLACK_MS;
  if (entry.definition.external) return entry.definition.external.run(server, workload, settings);
  let client;
  try {
    const variant = { ...workload.variant, servers: nodes };
    client = await withDeadline(entry.definition.open(server, variant), OPEN_DEADLINE_MS, 'open');
    // Large values travel as bytes for every client that keeps bytes intact (see
    // largeValue in key-space.mjs); the others get ASCII strings.
    client.binarySafe = entry.binary === 'ok';
    client.beginTurn?.();
    return await withDeadline(measure(client, workload, space, settings), budget, 'run');
  } finally {
    client?.endTurn?.();
    if (client) await closeQuietly(client);
  }
}

/** The suffix under which a variant workload keeps the results of its untraced, plain partner. */
const BASE = '@base';

/**
 * In-process clients measured by turns (see measure-interleaved.mjs), each `{ key, entry,
 * variant }`: the clients of a workload, or for a variant workload @mc opened plainly and @mc
 * opened the variant's way, so the two meet the same load. Resolves key → result; a failure
 * fails them all.
 */
async function runInterleaved(turns, workload, spaces, servers, options) {
  const server = servers.main;
  const nodes = workload.variant?.nodes ? servers.nodes : undefined;
  const pids = nodes ? [server.pid, ...nodes.map((node) => node.pid)] : server.pid;
  const settings = { ...options, serverPid: pids };
  const budget = turns.length * (options.warmupMs + options.durationMs) + RUN_SLACK_MS;
  const opened = [];
  try {
    for (const { key, entry, variant } of turns) {
      const how = { ...variant, servers: variant.nodes ? nodes : undefined };
      const client = await withDeadline(entry.definition.open(server, how), OPEN_DEADLINE_MS, 'open');
      client.binarySafe = entry.binary === 'ok';
      opened.push({ key, client, space: spaces.get(entry.id) });
    }
    const results = await withDeadline(measureInterleaved(opened, workload, settings), budget, 'run');
    return new Map(opened.map((run, index) => [run.key, results[index]]));
  } catch (error) {
    const result = { opsPerSecond: 0, problems: 1, problem: `error: ${describeError(error)}` };
    return new Map(turns.map(({ key }) => [key, result]));
  } finally {
    for (const run of opened) await closeQuietly(run.client);
  }
}

/** Who takes turns in one workload: its in-process clients, or @mc plain and @mc the variant's way. */
function turnsFor(workload, local) {
  if (workload.variant && workload.compare && local.length === 1) {
    const [entry] = local;
    return [
      { key: `${entry.id}${BASE}`, entry, variant: {} },
      { key: entry.id, entry, variant: workload.variant },
    ];
  }
  return local.map((entry) => ({ key: entry.id, entry, variant: workload.variant ?? {} }));
}

async function runRounds(entries, workloads, servers, options) {
  const active = entries.filter((entry) => !entry.skipped);
  /** @type {Map<string, Map<string, object[]>>} workload id → client id → one result per round */
  const rounds = new Map(
    workloads.map((workload) => [
      workload.id,
      new Map(active.filter((entry) => runs(entry, workload)).map((entry) => [entry.id, []])),
    ]),
  );
  const spaces = new Map(active.map((entry) => [entry.id, makeKeySpace(entry.id)]));
  // Round 0 warms up the process, memcached and every client on every workload (short, and
  // not counted): the first second or so of a fresh process runs several times slower here.
  for (let round = options.warmupRound ? 0 : 1; round <= options.rounds; round++) {
    const warming = round === 0;
    const settings = warming ? { ...options, durationMs: options.warmupMs } : options;
    // Alternate the order so no client always runs first (cold) or last (after the others' garbage).
    const order = round % 2 === 1 ? active : [...active].reverse();
    for (const workload of workloads) {
      // The in-process clients by turns, unless told otherwise; the Python ones after them.
      const local = order.filter((entry) => runs(entry, workload) && !entry.definition.external);
      const turns = turnsFor(workload, local);
      const byTurns =
        !options.separate && turns.length > 1
          ? await runInterleaved(turns, workload, spaces, servers, settings)
          : new Map();
      for (const [key, result] of byTurns) {
        if (!key.endsWith(BASE) || warming) continue;
        const byClient = rounds.get(workload.id);
        if (!byClient.has(key)) byClient.set(key, []);
        byClient.get(key).push(result);
      }
      for (const entry of order) {
        if (!runs(entry, workload)) continue;
        let result = byTurns.get(entry.id);
        try {
          result ??= await runOne(entry, workload, spaces.get(entry.id), servers, settings);
        } catch (error) {
          result = { opsPerSecond: 0, problems: 1, problem: `error: ${describeError(error)}` };
        }
        if (!warming) rounds.get(workload.id).get(entry.id).push(result);
        const summary = result.problems
          ? `✗ ${result.problem}`
          : `${Math.round(result.opsPerSecond).toLocaleString('en-US')}/s, ${result.cpuPerOp.toFixed(2)} µs CPU/op`;
        progress(
          `${warming ? 'warm-up' : `round ${round}/${options.rounds}`} ${workload.id.padEnd(18)} ${entry.name.padEnd(26)} ${summary}`,
        );
      }
    }
  }
  const chosen = new Map(
    [...rounds].map(([workloadId, byClient]) => [
      workloadId,
      new Map([...byClient].map(([clientId, results]) => [clientId, bestRound(results)])),
    ]),
  );
  return { chosen, rounds };
}

/** Memory per idle connection and per request in flight, each Node client in a child process of its own. */
async function runMemory(entries, server) {
  const results = new Map();
  for (const entry of entries) {
    if (entry.skipped || entry.definition.external || entry.role === 'floor') continue;
    try {
      results.set(entry.id, await measureMemory(entry.id, server));
    } catch (error) {
      results.set(entry.id, { error: describeError(error) });
    }
    progress(`memory ${entry.name}: ${JSON.stringify(results.get(entry.id))}`);
  }
  return results;
}

function report(entries, workloads, measured, memory, options, machine) {
  const figuresByWorkload = measured.chosen;
  const active = entries.filter((entry) => !entry.skipped);
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine.cpu}, ${machine.memory}, ${machine.system}; ` +
      `Node ${machine.node}; ${machine.memcached} (1 thread, loopback); load average ${machine.loadAverage} at the start, ${os.loadavg()[0].toFixed(2)} at the end.`,
    `Best of ${options.rounds} alternating round(s), ${options.durationMs} ms measured after ${options.warmupMs} ms ` +
      `warm-up per client and workload${options.separate ? '' : ', the Node clients by turns (20 ms for one call in flight, 100 ms for more)'}` +
      `${options.warmupRound ? ', after an uncounted warm-up round' : ''}; ` +
      'p50/p99 are per-request latencies; CPU is the client process only ' +
      "(the Python clients' own process), server is memcached's CPU per operation.",
    '',
    `Clients: ${active.map((entry) => entry.name).join(', ')}.`,
  ];
  for (const entry of entries.filter((candidate) => candidate.skipped)) {
    lines.push(`Skipped: ${entry.name}: ${entry.skipped}.`);
  }
  const mc = active.find((entry) => entry.id === 'mc');
  if (mc) {
    const comparison = compareClients('mc', active, workloads, figuresByWorkload, measured.rounds);
    lines.push('', formatComparison(mc.name, comparison));
  }
  for (const workload of workloads)
    lines.push('', formatTable(workload, active, figuresByWorkload.get(workload.id)));
  if (memory.size > 0) lines.push('', formatMemory(active, memory));

  lines.push(
    '',
    '### Targets (issues 16 and 8)',
    '',
    'With several rounds a target is judged on the median of the round-by-round ratios (printed after the ratio of the best rounds): one lucky or unlucky round cannot decide it.',
    '',
  );
  for (const clientId of ['mc', 'raw']) {
    const entry = active.find((candidate) => candidate.id === clientId);
    if (!entry) {
      if (clientId === 'mc')
        lines.push(
          `- @mc/client: not measured (${entries.find((e) => e.id === 'mc')?.skipped ?? 'not selected'})`,
        );
      continue;
    }
    for (const verdict of evaluateTargets(clientId, active, figuresByWorkload, measured.rounds)) {
      const mark = verdict.met === undefined ? '·' : verdict.met ? '✓' : '✗';
      lines.push(`- ${mark} ${entry.name}: ${verdict.text}`);
    }
  }

  lines.push('', '### Binary values (a 512-byte value holding every byte 0–255, set then get)', '');
  lines.push('| client | result |', '|---|---|');
  for (const entry of active) lines.push(`| ${entry.name} | ${entry.binary} |`);
  return lines.join('\n');
}

function writeChart(entries, workloads, measured, machine) {
  const active = entries.filter((entry) => !entry.skipped);
  if (!active.some((entry) => entry.id === 'mc')) return false;
  const { rows } = compareClients('mc', active, workloads, measured.chosen, measured.rounds);
  const subtitle = `${new Date().toISOString().slice(0, 10)}, ${machine.cpu}, Node ${machine.node}, median of ${measured.roundCount} round(s)`;
  fs.writeFileSync(CHART, comparisonChart(rows, subtitle));
  return true;
}

function writeReadme(markdown) {
  const text = fs.readFileSync(README, 'utf8');
  const start = text.indexOf(START_MARK);
  const end = text.indexOf(END_MARK);
  if (start < 0 || end < start) throw new Error(`README.md lacks the ${START_MARK} … ${END_MARK} markers`);
  const updated = `${text.slice(0, start + START_MARK.length)}\n${markdown}\n${text.slice(end)}`;
  fs.writeFileSync(README, updated);
}

async function main() {
  const options = parseOptions(process.argv.slice(2), {
    workloads: [...WORKLOADS.map((workload) => workload.id), MEMORY],
    clients: CLIENTS.map((client) => client.id),
  });
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const workloads = WORKLOADS.filter((workload) => options.workloads.includes(workload.id));
  const definitions = CLIENTS.filter((client) => options.clients.includes(client.id));
  const pythonMissing = ensurePythonClients(definitions);
  const machine = describeMachine();
  const serverOptions = { threads: 1, memoryMb: 1024, args: ['-I', '2m'] };
  const server = await startMemcached(serverOptions);
  const needsNodes = workloads.some((workload) => workload.variant?.nodes) && options.clients.includes('mc');
  const nodes = needsNodes ? await startCluster(3, { threads: 1, memoryMb: 256 }) : undefined;
  try {
    progress(`memcached on ${server.address}; ${machine.cpu}; Node ${machine.node}`);
    const entries = await prepareEntries(
      definitions.filter((definition) => !pythonMissing.has(definition.id)),
      server,
    );
    for (const [id, why] of pythonMissing) {
      const definition = definitions.find((candidate) => candidate.id === id);
      entries.push({ id, name: definition.displayName, role: definition.role, definition, skipped: why });
    }
    const active = entries.filter((entry) => !entry.skipped);
    // A variant's plain @mc partner is one run more.
    const perRound = workloads.reduce(
      (sum, workload) =>
        sum + active.filter((entry) => runs(entry, workload)).length + (workload.compare ? 1 : 0),
      0,
    );
    const count = options.rounds * perRound;
    const warmUpMs = options.warmupRound ? perRound * (2 * options.warmupMs + 120) : 0;
    progress(
      `${count} runs of ${options.warmupMs} + ${options.durationMs} ms: about ${Math.ceil((count * (options.warmupMs + options.durationMs + 120) + warmUpMs) / 1000)} s`,
    );
    const started = Date.now();
    const measured = await runRounds(entries, workloads, { main: server, nodes }, options);
    measured.roundCount = options.rounds;
    const memory = options.workloads.includes(MEMORY) ? await runMemory(entries, server) : new Map();
    progress(`measured in ${Math.round((Date.now() - started) / 1000)} s`);
    const markdown = report(entries, workloads, measured, memory, options, machine);
    console.log(`\n${markdown}`);
    if (options.json) {
      const data = {
        machine,
        options: { rounds: options.rounds, durationMs: options.durationMs, warmupMs: options.warmupMs },
        clients: entries.map(({ id, name, role, version, skipped, binary, emulatedMulti }) => ({
          id,
          name,
          role,
          version,
          skipped,
          binary,
          emulatedMulti,
        })),
        results: Object.fromEntries(
          [...measured.chosen].map(([id, byClient]) => [id, Object.fromEntries(byClient)]),
        ),
        rounds: Object.fromEntries(
          [...measured.rounds].map(([id, byClient]) => [id, Object.fromEntries(byClient)]),
        ),
        memory: Object.fromEntries(memory),
      };
      fs.writeFileSync(options.json, `${JSON.stringify(data, null, 2)}\n`);
    }
    if (options.readme) {
      const charted = writeChart(entries, workloads, measured, machine);
      const chartLine = charted
        ? '![@mc/client over the best Node peer, with the floor and the best Python client](results.svg)\n\n'
        : '';
      writeReadme(`${chartLine}${markdown}`);
      progress(
        charted ? 'README.md and results.svg updated' : 'README.md updated (no chart: @mc was not measured)',
      );
    }
  } finally {
    await server.stop();
    if (nodes) await Promise.all(nodes.map((node) => node.stop()));
  }
}

main().then(
  // Some peers keep timers alive after close; the figures are out, so end here.
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
