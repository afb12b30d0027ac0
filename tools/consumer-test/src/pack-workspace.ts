import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mustRun } from './run-program.js';

const PNPM_VERSION = '10.34.8';

/** The repository root, where `pnpm pack` must run to rewrite `workspace:*` into versions. */
export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function pnpmCommand(): [string, string[]] {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.trim() === PNPM_VERSION) return ['pnpm', []];
  return ['npx', ['--yes', `pnpm@${PNPM_VERSION}`]];
}

/**
 * Packs these workspace packages (folder names under packages/) with `pnpm pack`, as
 * `pnpm publish` would, and returns the tarballs' paths by package name.
 */
export async function packWorkspace(folders: string[], destination: string): Promise<Map<string, string>> {
  const [command, prefix] = pnpmCommand();
  const filters = folders.flatMap((folder) => ['--filter', `./packages/${folder}`]);
  await mustRun(command, [...prefix, '-r', ...filters, 'pack', '--pack-destination', destination], {
    cwd: repositoryRoot,
    timeout: 60_000,
  });
  const tarballs = new Map<string, string>();
  for (const folder of folders) {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(repositoryRoot, 'packages', folder, 'package.json'), 'utf8'),
    );
    const file = `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`;
    const tarball = path.join(destination, file);
    if (!fs.existsSync(tarball)) throw new Error(`pnpm pack made no ${file}`);
    tarballs.set(manifest.name, tarball);
  }
  return tarballs;
}
