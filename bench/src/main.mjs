#!/usr/bin/env node
// npm run bench: @mc/client and the published memcached clients, side by side, against one
// memcached started here, in alternating rounds. Markdown goes to stdout, progress to stderr.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMemcached } from '@mc/test-utils';
import { bestRound } from './best-round.mjs';
import { describeError } from './describe-error.mjs';
import { probeBinary } from './probe-binary.mjs';
import {
  mcClient,
  memcacheClient,
  memcacheClientClient,
  memcachedClient,
  memjsClient,
  rawPipelineClient,
} from './clients/index.mjs';
import { evaluateTargets } from './evaluate-targets.mjs';
import { formatTable } from './format-table.mjs';
import { makeKeySpace } from './key-space.mjs';
import { describeMachine } from './machine.mjs';
import { measure } from './measure.mjs';
import { packageVersion } from './package-version.mjs';
import { parseOptions, USAGE } from './parse-options.mjs';
import { WORKLOADS } from './workloads.mjs';
import { withDeadline } from './with-deadline.mjs';

const CLIENTS = [
  mcClient,
  rawPipelineClient,
  memjsClient,
  memcachedClient,
  memcacheClientClient,
  memcacheClient,
];
const README = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'README.md');
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
      const client = await withDeadline(definition.open(server), OPEN_DEADLINE_MS, `open ${name}`);
      entry.emulatedMulti = client.emulatedMulti;
      entry.binary = await probeBinary(client, `bench:${definition.id}:binary`);
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

async function runRounds(entries, workloads, server, options) {
  const active = entries.filter((entry) => !entry.skipped);
  /** @type {Map<string, Map<string, object[]>>} workload id → client id → one result per round */
  const rounds = new Map(
    workloads.map((workload) => [workload.id, new Map(active.map((entry) => [entry.id, []]))]),
  );
  const spaces = new Map(active.map((entry) => [entry.id, makeKeySpace(entry.id)]));
  for (let round = 0; round < options.rounds; round++) {
    // Alternate the order so no client always runs first (cold) or last (after the others' garbage).
    const order = round % 2 === 0 ? active : [...active].reverse();
    for (const workload of workloads) {
      for (const entry of order) {
        let result;
        let client;
        try {
          client = await withDeadline(entry.definition.open(server), OPEN_DEADLINE_MS, 'open');
          // Large values travel as bytes for every client that keeps bytes intact (see
          // largeValue in key-space.mjs); the others get ASCII strings.
          client.binarySafe = entry.binary === 'ok';
          const settings = { ...options, serverPid: server.pid };
          const budget = options.warmupMs + options.durationMs + RUN_SLACK_MS;
          result = await withDeadline(
            measure(client, workload, spaces.get(entry.id), settings),
            budget,
            'run',
          );
        } catch (error) {
          result = { opsPerSecond: 0, problems: 1, problem: `error: ${describeError(error)}` };
        } finally {
          if (client) await closeQuietly(client);
        }
        rounds.get(workload.id).get(entry.id).push(result);
        const summary = result.problems
          ? `✗ ${result.problem}`
          : `${Math.round(result.opsPerSecond).toLocaleString('en-US')}/s, ${result.cpuPerOp.toFixed(2)} µs CPU/op`;
        progress(
          `round ${round + 1}/${options.rounds} ${workload.id.padEnd(9)} ${entry.name.padEnd(26)} ${summary}`,
        );
      }
    }
  }
  return new Map(
    [...rounds].map(([workloadId, byClient]) => [
      workloadId,
      new Map([...byClient].map(([clientId, results]) => [clientId, bestRound(results)])),
    ]),
  );
}

function report(entries, workloads, figuresByWorkload, options, machine) {
  const active = entries.filter((entry) => !entry.skipped);
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine.cpu}, ${machine.memory}, ${machine.system}; ` +
      `Node ${machine.node}; ${machine.memcached} (1 thread, loopback); load average ${machine.loadAverage} at the start.`,
    `Best of ${options.rounds} alternating round(s), ${options.durationMs} ms measured after ${options.warmupMs} ms ` +
      'warm-up per client and workload; p50/p99 are per-request latencies; CPU is the client process only, ' +
      "server is memcached's CPU per operation.",
    '',
    `Clients: ${active.map((entry) => entry.name).join(', ')}.`,
  ];
  for (const entry of entries.filter((candidate) => candidate.skipped)) {
    lines.push(`Skipped: ${entry.name}: ${entry.skipped}.`);
  }
  for (const workload of workloads)
    lines.push('', formatTable(workload, active, figuresByWorkload.get(workload.id)));

  lines.push('', '### Targets (issue 8)', '');
  for (const clientId of ['mc', 'raw']) {
    const entry = active.find((candidate) => candidate.id === clientId);
    if (!entry) {
      if (clientId === 'mc')
        lines.push(
          `- @mc/client: not measured (${entries.find((e) => e.id === 'mc')?.skipped ?? 'not selected'})`,
        );
      continue;
    }
    for (const verdict of evaluateTargets(clientId, active, figuresByWorkload)) {
      const mark = verdict.met === undefined ? '·' : verdict.met ? '✓' : '✗';
      lines.push(`- ${mark} ${entry.name}: ${verdict.text}`);
    }
  }

  lines.push('', '### Binary values (a 512-byte value holding every byte 0–255, set then get)', '');
  lines.push('| client | result |', '|---|---|');
  for (const entry of active) lines.push(`| ${entry.name} | ${entry.binary} |`);
  return lines.join('\n');
}

function writeReadme(markdown) {
  const text = fs.readFileSync(README, 'utf8');
  const start = text.indexOf(START_MARK);
  const end = text.indexOf(END_MARK);
  if (start < 0 || end < start) throw new Error(`README.md lacks the ${START_MARK} … ${END_MARK} markers`);
  const updated = `${text.slice(0, start + START_MARK.length)}\n${markdown}\n${text.slice(end)}`;
  fs.writeFileSync(README, updated);
  // The repository's lint formats markdown too: leave the tables the way biome pads them.
  const formatted = spawnSync('npx', ['--no-install', 'biome', 'format', '--write', README], {
    stdio: 'ignore',
  });
  if (formatted.status !== 0) progress('note: biome could not format README.md; run npm run format');
}

async function main() {
  const options = parseOptions(process.argv.slice(2), {
    workloads: WORKLOADS.map((workload) => workload.id),
    clients: CLIENTS.map((client) => client.id),
  });
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const workloads = WORKLOADS.filter((workload) => options.workloads.includes(workload.id));
  const definitions = CLIENTS.filter((client) => options.clients.includes(client.id));
  const machine = describeMachine();
  const server = await startMemcached({ threads: 1, memoryMb: 1024, args: ['-I', '2m'] });
  try {
    progress(`memcached on ${server.address}; ${machine.cpu}; Node ${machine.node}`);
    const entries = await prepareEntries(definitions, server);
    const runs = options.rounds * workloads.length * entries.filter((entry) => !entry.skipped).length;
    progress(
      `${runs} runs of ${options.warmupMs} + ${options.durationMs} ms: about ${Math.ceil((runs * (options.warmupMs + options.durationMs + 80)) / 1000)} s`,
    );
    const started = Date.now();
    const figures = await runRounds(entries, workloads, server, options);
    progress(`measured in ${Math.round((Date.now() - started) / 1000)} s`);
    const markdown = report(entries, workloads, figures, options, machine);
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
        results: Object.fromEntries([...figures].map(([id, byClient]) => [id, Object.fromEntries(byClient)])),
      };
      fs.writeFileSync(options.json, `${JSON.stringify(data, null, 2)}\n`);
    }
    if (options.readme) {
      writeReadme(markdown);
      progress('README.md updated');
    }
  } finally {
    await server.stop();
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
