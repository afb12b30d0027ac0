#!/usr/bin/env node
// One entry point behind `npm test`, `npm run demo`, `npm run bench` and friends, so that a
// fresh Debian machine with only Node.js and npm needs nothing done by hand: it brings pnpm
// (corepack fails its signature check against our registry, so through npx), installs the
// workspace from the lockfile, makes sure memcached and its companions exist, builds, runs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePythonModules, ensureSystemTools } from './ensure-system-tools.mjs';

const PNPM_VERSION = '10.34.8';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const task = process.argv[2] ?? 'test';
const extra = process.argv.slice(3);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function must(command, args, options) {
  const status = run(command, args, options);
  if (status !== 0) {
    console.error(`\n✗ ${command} ${args.join(' ')} exited with ${status}`);
    process.exit(status);
  }
}

function pnpm() {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.trim() === PNPM_VERSION) return ['pnpm', []];
  return ['npx', ['--yes', `pnpm@${PNPM_VERSION}`]];
}

const [pnpmBin, pnpmArgs] = pnpm();
const pn = (...args) => must(pnpmBin, [...pnpmArgs, ...args]);

function install() {
  const frozen = fs.existsSync(path.join(root, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
  pn('install', ...frozen, '--config.confirmModulesPurge=false');
}

function summarize() {
  // vitest writes one JSON report per package; add them up into one plain closing line.
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const dir of ['packages', 'tools', 'examples', 'bench']) {
    const base = path.join(root, dir);
    if (!fs.existsSync(base)) continue;
    const candidates = dir === 'bench' ? [base] : fs.readdirSync(base).map((name) => path.join(base, name));
    for (const packageDir of candidates) {
      const report = path.join(packageDir, '.turbo', 'vitest-report.json');
      if (!fs.existsSync(report)) continue;
      const data = JSON.parse(fs.readFileSync(report, 'utf8'));
      passed += data.numPassedTests ?? 0;
      failed += data.numFailedTests ?? 0;
      skipped += (data.numPendingTests ?? 0) + (data.numTodoTests ?? 0);
    }
  }
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
}

switch (task) {
  case 'test': {
    ensureSystemTools({ need: ['memcached', 'nutcracker', 'openssl', 'python3', 'tmux'] });
    ensurePythonModules([
      { module: 'pymemcache', debian: 'python3-pymemcache' },
      { module: 'pylibmc', debian: 'python3-pylibmc' },
    ]);
    install();
    for (const dir of ['packages', 'tools', 'examples']) {
      for (const name of fs.readdirSync(path.join(root, dir))) {
        fs.rmSync(path.join(root, dir, name, '.turbo', 'vitest-report.json'), { force: true });
      }
    }
    fs.rmSync(path.join(root, 'bench', '.turbo', 'vitest-report.json'), { force: true });
    const status = run(pnpmBin, [
      ...pnpmArgs,
      'exec',
      'turbo',
      'run',
      'build',
      'typecheck',
      'lint',
      'test',
      'packcheck',
      '--continue',
      // One task at a time: the suites start real servers and measure deadlines, and on a
      // two-core machine several suites at once turn honest deadlines into flakes.
      '--concurrency=1',
      '--output-logs=errors-only',
      ...extra,
    ]);
    if (status !== 0) {
      // Show the failing logs in full: errors-only already printed them, so just summarize.
      summarize();
      process.exit(status);
    }
    summarize();
    break;
  }
  case 'build':
    install();
    pn('exec', 'turbo', 'run', 'build', ...extra);
    break;
  case 'demo':
    ensureSystemTools({ need: ['memcached'], optional: true });
    install();
    pn('exec', 'turbo', 'run', 'build', '--filter=@mc/demo...', '--output-logs=errors-only');
    must(process.execPath, [path.join(root, 'tools/demo/dist/index.js'), ...extra]);
    break;
  case 'bench':
    ensureSystemTools({ need: ['memcached'] });
    install();
    pn('exec', 'turbo', 'run', 'build', '--filter=@mc/bench...', '--output-logs=errors-only');
    must(pnpmBin, [...pnpmArgs, '--filter', '@mc/bench', 'run', 'bench', ...extra]);
    break;
  case 'soak': {
    // Then the model-based phase: --model-runs=N programs per target (default 300; 0 skips it),
    // from a new seed each time (--model-seed=N replays one), batches of up to --model-batch=N
    // calls (default 40); --model-only skips the load soak.
    const flag = (name) => extra.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
    const modelRuns = Number(flag('model-runs') ?? 300);
    const soakArgs = extra.filter((arg) => !arg.startsWith('--model-'));
    ensureSystemTools({ need: ['memcached'] });
    install();
    pn(
      'exec',
      'turbo',
      'run',
      'build',
      '--filter=@mc/bench...',
      '--filter=@mc/client...',
      '--filter=@mc/test-utils',
      '--output-logs=errors-only',
    );
    if (!extra.includes('--model-only'))
      must(pnpmBin, [...pnpmArgs, '--filter', '@mc/bench', 'run', 'soak', ...soakArgs]);
    if (modelRuns > 0) {
      const seed = flag('model-seed') ?? String(Date.now() % 2 ** 31);
      const batch = flag('model-batch') ?? '40';
      console.log(
        `model-based phase: ${modelRuns} programs per target, --model-seed=${seed} --model-batch=${batch}`,
      );
      must(
        pnpmBin,
        [...pnpmArgs, '--filter', '@mc/client', 'exec', 'vitest', 'run', 'src/model/model.test.ts'],
        {
          env: { ...process.env, MODEL_RUNS: String(modelRuns), MODEL_SEED: seed, MODEL_BATCH: batch },
        },
      );
    }
    break;
  }
  case 'docs':
    install();
    pn('exec', 'turbo', 'run', 'build', '--output-logs=errors-only');
    pn('exec', 'typedoc');
    break;
  case 'example': {
    // npm run example -- <name>: builds what the example needs and runs it; each example starts
    // its own throwaway memcached unless MEMCACHED_SERVERS names a server.
    const name = extra[0];
    const examples = fs.readdirSync(path.join(root, 'examples'));
    if (name === undefined || !examples.includes(name)) {
      console.error(`usage: npm run example -- <name>, one of: ${examples.join(', ')}`);
      process.exit(2);
    }
    const need = name === 'python-interop' ? ['memcached', 'python3'] : ['memcached'];
    // biome-ignore lint/suspicious/noUndeclaredEnvVars: read here, never inside a turbo task
    ensureSystemTools({ need, optional: process.env.MEMCACHED_SERVERS !== undefined });
    install();
    pn('exec', 'turbo', 'run', 'build', `--filter=@mc/example-${name}...`, '--output-logs=errors-only');
    must(pnpmBin, [...pnpmArgs, '--filter', `@mc/example-${name}`, 'run', 'start', ...extra.slice(1)]);
    break;
  }
  case 'release':
    // `changeset publish` publishes, through `pnpm publish` (which turns workspace:* into
    // versions), every package whose version is not on the registry yet. `--dry-run` packs and
    // shows what would go out instead. Run `npx changeset version` before, and commit.
    install();
    pn('exec', 'turbo', 'run', 'build', 'packcheck', '--filter=./packages/*', '--output-logs=errors-only');
    if (extra.includes('--dry-run')) pn('publish', '-r', '--dry-run', '--no-git-checks');
    else pn('exec', 'changeset', 'publish', ...extra);
    break;
  default:
    console.error(`unknown task ${task}: use test, demo, bench, soak, build, docs, release or example`);
    process.exit(2);
}
