import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { killOnExit } from './cleanup.js';
import { requireProgram } from './find-program.js';
import { freePort, waitForListening } from './free-port.js';
import type { MemcachedServer } from './memcached.js';
import { makeTempDir } from './temp-dir.js';

export interface NutcrackerProxy {
  host: string;
  port: number;
  address: string;
  stop(): Promise<void>;
}

/**
 * Starts twemproxy (Debian's `nutcracker`) in front of the given nodes with ketama
 * distribution and md5 hashing, the placement HashClient's 'ketama' hasher must agree with.
 * Servers are `host:port:weight` (weight 1 unless `weights` says otherwise).
 */
export async function startNutcracker(
  nodes: MemcachedServer[],
  options: { hash?: string; distribution?: string; weights?: number[] } = {},
): Promise<NutcrackerProxy> {
  const binary = requireProgram('nutcracker', 'nutcracker');
  const dir = makeTempDir('mc-nutcracker-');
  const port = await freePort();
  const statsPort = await freePort();
  const config = path.join(dir, 'nutcracker.yml');
  fs.writeFileSync(
    config,
    [
      'pool:',
      `  listen: 127.0.0.1:${port}`,
      `  hash: ${options.hash ?? 'md5'}`,
      `  distribution: ${options.distribution ?? 'ketama'}`,
      '  auto_eject_hosts: false',
      '  timeout: 2000',
      '  servers:',
      ...nodes.map((node, index) => `    - ${node.host}:${node.port}:${options.weights?.[index] ?? 1}`),
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    binary,
    ['-c', config, '-s', String(statsPort), '-a', '127.0.0.1', '-o', path.join(dir, 'log.txt')],
    {
      stdio: 'ignore',
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killOnExit(child);
  await Promise.race([
    waitForListening({ host: '127.0.0.1', port }),
    exited.then(() => {
      throw new Error('nutcracker exited at start');
    }),
  ]);
  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
