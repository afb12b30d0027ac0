// The conformance script: runs every check in checks.js against the servers named in its first
// argument (JSON, see ConformanceConfig) and prints one line per check:
//
//   ok <name> (<ms> ms)   |   not ok <name>: <why>   |   skip <name>: <why>
//
// It is plain ESM JavaScript so that Node.js 20, Bun and Deno run the very same file, and it
// exits non-zero when a check fails. It never calls process.exit: every client is closed, and
// the process must then end by itself, which the harness checks too.
//
//   node src/conformance.js '<config>' [--only name,name] [--include-skipped]
import process from 'node:process';
import { checks } from './checks.js';
import { currentRuntime } from './current-runtime.js';
import { runtimeLimitations } from './runtime-limitations.js';

/** A check that takes longer than this is reported as hung, and the rest still run. */
const CHECK_DEADLINE = 20_000;

const [configText, ...flags] = process.argv.slice(2);
if (!configText) throw new Error('usage: conformance.js <config JSON> [--only names] [--include-skipped]');
/** @type {import('./checks.js').ConformanceConfig} */
const config = JSON.parse(configText);
const onlyIndex = flags.indexOf('--only');
const only = onlyIndex === -1 ? undefined : new Set(flags[onlyIndex + 1]?.split(','));
const includeSkipped = flags.includes('--include-skipped');

const runtime = currentRuntime();
const limitations = runtimeLimitations[runtime.name];
const run = Math.random().toString(36).slice(2, 10);
console.log(`runtime ${runtime.name} ${runtime.version}`);

let failed = 0;
for (const check of checks) {
  if (only && !only.has(check.name)) continue;
  const limitation = limitations[check.name];
  if (limitation && !includeSkipped) {
    console.log(`skip ${check.name}: ${limitation}`);
    continue;
  }
  /** @type {Array<{ close(options?: { force?: boolean }): Promise<void> }>} */
  const clients = [];
  const context = {
    config,
    runtime: runtime.name,
    /** @param {string} name */
    key: (name) => `rt:${runtime.name}:${run}:${check.name}:${name}`.replaceAll(' ', '-'),
    /** @template {{ close(): Promise<void> }} C @param {C} client @returns {C} */
    open: (client) => {
      clients.push(client);
      return client;
    },
  };
  const started = performance.now();
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  try {
    await Promise.race([
      check.run(context),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`hung for ${CHECK_DEADLINE} ms`)), CHECK_DEADLINE);
      }),
    ]);
    console.log(`ok ${check.name} (${Math.round(performance.now() - started)} ms)`);
  } catch (error) {
    failed += 1;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    console.log(`not ok ${check.name}: ${reason.replaceAll('\n', ' ')}`);
  } finally {
    clearTimeout(timer);
    await Promise.all(clients.map((client) => client.close({ force: true }).catch(() => {})));
  }
}
console.log(`closed all clients; ${failed} failed`);
if (failed > 0) process.exitCode = 1;
