import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePythonOutput } from './parse-python-output.mjs';
import { runChild } from './run-child.mjs';

/** The system interpreter: Debian's python3-pymemcache, python3-pylibmc, python3-memcache install for it. */
export const PYTHON = '/usr/bin/python3';
const DRIVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'python-driver.py');

/** Debian package and import name of each seed client the bench drives. */
export const PYTHON_MODULES = {
  pymemcache: { module: 'pymemcache', debian: 'python3-pymemcache' },
  pylibmc: { module: 'pylibmc', debian: 'python3-pylibmc' },
  'python-memcached': { module: 'memcache', debian: 'python3-memcache' },
};

/** True when /usr/bin/python3 can import the module. */
export function pythonHas(module) {
  const result = spawnSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' });
  return result.status === 0;
}

/**
 * Runs python-driver.py with these arguments and resolves the JSON object it printed (the
 * figures, or for --probe the version and the binary check). Rejects with the driver's last
 * line of stderr when it fails, and kills it when it outlives the deadline.
 */
export async function runPythonDriver(driverArguments, deadlineMs, parse = parsePythonOutput) {
  const { code, signal, stdout, stderr } = await runChild(PYTHON, [DRIVER, ...driverArguments], deadlineMs);
  if (code !== 0) {
    const last = stderr.trim().split('\n').at(-1) ?? '';
    throw new Error(signal ? `python driver killed (${signal})` : `python driver exited ${code}: ${last}`);
  }
  return parse(stdout);
}
