import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { killOnExit } from './cleanup.js';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

/** One running `next start`. */
export interface NextInstance {
  readonly name: string;
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /**
   * GETs `pathname` and returns the text of each `<p id="…">` in the page, by id: how the
   * tests read what a page shows. Throws unless the answer is 200.
   */
  fields(pathname: string): Promise<Record<string, string>>;
  /** Everything it printed so far. */
  output(): string;
  /** Stops it (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/** A Next.js app driven through its own `next` binary. */
export interface NextApp {
  /** Runs `next build`; resolves with its output, rejects with it when the build fails. */
  build(env?: Record<string, string>): Promise<string>;
  /** Starts `next start` on a free port and resolves once it answers `GET /` (60 s at most). */
  start(name: string, env?: Record<string, string>): Promise<NextInstance>;
  /**
   * Builds the app and starts one instance per name, each with `INSTANCE_NAME` set to its name
   * (the build gets `build`), as a deployment of several instances behind a load balancer.
   */
  deploy(names: readonly string[], env?: Record<string, string>): Promise<NextInstance[]>;
  /** Stops every instance it started. */
  stop(): Promise<void>;
  /** What every instance printed, headed by its name: for the message of a failed run. */
  outputs(): string;
}

interface Run {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/**
 * Drives the Next.js app in `appDir` the way a deployment does (`next build`, then several
 * `next start` on their own ports), for end-to-end tests of a cache shared between instances.
 * Telemetry is off; every process is killed if the test process exits first.
 */
export function nextApp(appDir: string): NextApp {
  const nextBin = createRequire(path.join(appDir, 'package.json')).resolve('next/dist/bin/next');
  const instances: NextInstance[] = [];

  const run = (args: string[], env: Record<string, string>): Run => {
    const child = spawn(process.execPath, [nextBin, ...args], {
      cwd: appDir,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    killOnExit(child);
    let output = '';
    const collect = (data: Buffer) => {
      output += data.toString();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, output: () => output, exited };
  };

  const app: NextApp = {
    async build(env = {}) {
      const { output, exited } = run(['build'], env);
      const code = await exited;
      if (code !== 0) throw new Error(`next build exited with ${code}\n${output()}`);
      return output();
    },

    async start(name, env = {}) {
      const port = await freePort();
      const { child, output, exited } = run(['start', '-H', '127.0.0.1', '-p', String(port)], env);
      const url = `http://127.0.0.1:${port}`;
      const instance: NextInstance = {
        name,
        port,
        url,
        output,
        async fields(pathname) {
          const response = await fetch(`${url}${pathname}`);
          const html = await response.text();
          if (response.status !== 200)
            throw new Error(`GET ${pathname} on ${name}: ${response.status}\n${html}`);
          const found: Record<string, string> = {};
          for (const match of html.matchAll(/<p id="([^"]+)">([^<]*)<\/p>/g))
            found[match[1] as string] = match[2] as string;
          return found;
        },
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      };
      instances.push(instance);
      const answering = await waitFor(
        async () => {
          if (child.exitCode !== null) return true;
          try {
            return (await fetch(`${url}/`)).ok;
          } catch {
            return false; // not listening yet
          }
        },
        { timeout: 60_000, interval: 250 },
      );
      if (!answering || child.exitCode !== null)
        throw new Error(`next start (${name}) did not answer on ${url}\n${output()}`);
      return instance;
    },

    async deploy(names, env = {}) {
      const started = performance.now();
      await app.build({ ...env, INSTANCE_NAME: 'build' });
      console.log(`next build: ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return Promise.all(names.map((name) => app.start(name, { ...env, INSTANCE_NAME: name })));
    },

    async stop() {
      await Promise.all(instances.map((instance) => instance.stop()));
    },

    outputs() {
      return instances.map((instance) => `--- ${instance.name} ---\n${instance.output()}`).join('\n');
    },
  };
  return app;
}
