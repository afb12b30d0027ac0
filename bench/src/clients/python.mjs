import { PYTHON_MODULES, runPythonDriver } from '../python-runner.mjs';

const SLACK_MS = 30_000;

/**
 * One of the seed's Python clients, driven by python-driver.py in a child process against the
 * same memcached (one call at a time, sequential workloads only). `external` tells the bench to
 * hand it the whole run instead of calling it per operation.
 */
function pythonClient(id) {
  return {
    id,
    packageName: undefined,
    displayName: id,
    role: 'seed',
    workloads: ['seq-get', 'seq-multi-get'],
    python: PYTHON_MODULES[id],
    external: {
      /** Resolves `{ version, binary }`. */
      probe: (server) =>
        runPythonDriver(
          ['--client', id, '--host', server.host, '--port', String(server.port), '--probe'],
          SLACK_MS,
          (stdout) => JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}'),
        ),
      /** Resolves the run's figures, the same shape measure() returns. */
      run: (server, workload, { warmupMs, durationMs, serverPid }) =>
        runPythonDriver(
          [
            '--client',
            id,
            '--host',
            server.host,
            '--port',
            String(server.port),
            '--workload',
            workload.id,
            '--prefix',
            `bench:${id}`,
            '--warmup-ms',
            String(warmupMs),
            '--duration-ms',
            String(durationMs),
            '--server-pid',
            String(serverPid ?? 0),
          ],
          warmupMs + durationMs + SLACK_MS,
        ),
    },
  };
}

export const pymemcacheClient = pythonClient('pymemcache');
export const pylibmcClient = pythonClient('pylibmc');
export const pythonMemcachedClient = pythonClient('python-memcached');
