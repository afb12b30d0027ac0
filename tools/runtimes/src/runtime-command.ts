import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type RuntimeName = 'node' | 'bun' | 'deno';

export interface RuntimeCommandOptions {
  /** Files the script reads (a CA certificate, a UNIX socket): Deno must be allowed to. */
  reads: string[];
  /** UNIX sockets the script connects to: Deno wants write access to them as well. */
  sockets: string[];
}

const require = createRequire(import.meta.url);

/**
 * The binary inside the `bun` or `deno` npm package, found by resolving the package, so that a
 * killed run kills the runtime itself and not a shell or Node.js launcher in front of it.
 */
function packagedBinary(name: 'bun' | 'deno'): string {
  const directory = path.dirname(require.resolve(`${name}/package.json`));
  const binary = name === 'bun' ? path.join(directory, 'bin', 'bun.exe') : path.join(directory, 'deno');
  if (!fs.existsSync(binary)) {
    throw new Error(
      `${binary} is missing: the ${name} package's postinstall did not run (pnpm runs it only for ` +
        'packages listed in onlyBuiltDependencies in pnpm-workspace.yaml)',
    );
  }
  return binary;
}

/**
 * How to run a plain ESM script on a runtime. Deno gets exactly the permissions @mc/client
 * needs, no more: the network, the files named in `options` (a CA file; a UNIX socket needs
 * read and write access besides the network), and the one environment variable msgpackr reads
 * at load time. It finds `@mc/client` in node_modules by itself because the script's folder
 * has a package.json (Deno's "bring your own node_modules" mode).
 */
export function runtimeCommand(
  runtime: RuntimeName,
  script: string,
  options: RuntimeCommandOptions,
): { command: string; args: string[] } {
  if (runtime === 'node') return { command: process.execPath, args: [script] };
  if (runtime === 'bun') return { command: packagedBinary('bun'), args: [script] };
  const reads = [...options.reads, ...options.sockets];
  return {
    command: packagedBinary('deno'),
    args: [
      'run',
      '--no-prompt',
      '--allow-net',
      '--allow-env=MSGPACKR_NATIVE_ACCELERATION_DISABLED',
      ...(reads.length > 0 ? [`--allow-read=${reads.join(',')}`] : []),
      ...(options.sockets.length > 0 ? [`--allow-write=${options.sockets.join(',')}`] : []),
      script,
    ],
  };
}
