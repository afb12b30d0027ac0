import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeCertificates } from './certificates.js';
import { killOnExit } from './cleanup.js';
import { requireProgram } from './find-program.js';
import { freePort, waitForListening } from './free-port.js';
import { makeTempDir } from './temp-dir.js';

export interface MemcachedOptions {
  /** Listen on a UNIX socket instead of TCP. */
  unixSocket?: boolean;
  /** Interface to listen on: '127.0.0.1' (default) or '::1'. */
  host?: string;
  /** A fixed port; by default a free one. */
  port?: number;
  /** TLS with certificates from makeCertificates(); `verifyClient` demands a client certificate. */
  tls?: boolean | { verifyClient?: boolean; untrusted?: boolean };
  /** ASCII authentication (`-Y`) with these credentials. */
  auth?: { username: string; password: string } | Array<{ username: string; password: string }>;
  /** Worker threads (default 2). */
  threads?: number;
  /** Item memory in megabytes (default 64). */
  memoryMb?: number;
  /** Maximum simultaneous connections. */
  maxConnections?: number;
  /** Further command-line arguments, passed as they are. */
  args?: string[];
}

export interface MemcachedServer {
  host: string;
  port: number;
  /** The UNIX socket path, for `unixSocket` servers. */
  path: string | undefined;
  /** The address as @mc's clients take it: `host:port`, `[::1]:port` or the socket path. */
  address: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Kills the server at once (SIGKILL by default) and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /**
   * Freezes the server (SIGSTOP): connections stay open, nothing is answered. Returns once every
   * thread has stopped, so a request sent after it is never answered before resume().
   */
  pause(): void;
  /** Thaws a paused server (SIGCONT). */
  resume(): void;
  /** Starts the server again on the same address, after a stop or kill. */
  restart(): Promise<void>;
  /** Everything the server printed, for debugging a failing test. */
  output(): string;
}

function authFile(dir: string, auth: NonNullable<MemcachedOptions['auth']>): string {
  const file = path.join(dir, 'auth.txt');
  const entries = Array.isArray(auth) ? auth : [auth];
  fs.writeFileSync(file, entries.map((entry) => `${entry.username}:${entry.password}\n`).join(''), {
    mode: 0o600,
  });
  return file;
}

/** Starts a real memcached (Debian's 1.6.18 in CI) on a free port, as the tests' server. */
export async function startMemcached(options: MemcachedOptions = {}): Promise<MemcachedServer> {
  const binary = requireProgram('memcached');
  const dir = makeTempDir('mc-server-');
  const host = options.host ?? '127.0.0.1';
  const port = options.unixSocket ? 0 : (options.port ?? (await freePort(host)));
  const socketPath = options.unixSocket ? path.join(dir, 'memcached.sock') : undefined;
  const args: string[] = [
    '-U',
    '0',
    '-t',
    String(options.threads ?? 2),
    '-m',
    String(options.memoryMb ?? 64),
  ];
  if (typeof process.getuid === 'function' && process.getuid() === 0) args.push('-u', os.userInfo().username);
  if (socketPath) args.push('-s', socketPath, '-a', '0700');
  else args.push('-l', host, '-p', String(port));
  if (options.maxConnections) args.push('-c', String(options.maxConnections));
  if (options.auth) args.push('-Y', authFile(dir, options.auth));
  if (options.tls) {
    const certificates = makeCertificates();
    const tls = typeof options.tls === 'object' ? options.tls : {};
    const settings = [
      `ssl_chain_cert=${tls.untrusted ? certificates.untrustedCert : certificates.serverCert}`,
      `ssl_key=${tls.untrusted ? certificates.untrustedKey : certificates.serverKey}`,
      `ssl_ca_cert=${certificates.caCert}`,
    ];
    if (tls.verifyClient) settings.push('ssl_verify_mode=2');
    args.push('-Z', '-o', settings.join(','));
  }
  if (options.args) args.push(...options.args);

  let child: ChildProcess;
  let log = '';
  let exited: Promise<void> = Promise.resolve();

  const launch = async () => {
    if (socketPath) fs.rmSync(socketPath, { force: true });
    child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    killOnExit(child);
    const current = child;
    child.stdout?.on('data', (data: Buffer) => {
      log += data.toString();
    });
    child.stderr?.on('data', (data: Buffer) => {
      log += data.toString();
    });
    exited = new Promise<void>((resolve) => {
      current.once('exit', () => resolve());
    });
    const failed = exited.then(() => {
      throw new Error(`memcached exited at start: ${args.join(' ')}\n${log}`);
    });
    await Promise.race([waitForListening(socketPath ? { path: socketPath } : { host, port }), failed]);
  };
  await launch();

  // SIGSTOP and SIGCONT go through process.kill(): Deno's ChildProcess.kill() takes any signal
  // for the end of the process and ignores every later kill, so a SIGCONT sent that way would
  // swallow the SIGTERM after it (and stop() would wait forever).
  const signal = (name: NodeJS.Signals) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(child.pid, name);
    } catch {
      // Exited in the meantime: nothing to pause or resume.
    }
  };
  const address = socketPath ?? (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
  const terminate = async (stopSignal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signal('SIGCONT');
    child.kill(stopSignal);
    await exited;
  };
  return {
    host,
    port,
    path: socketPath,
    address,
    get pid() {
      return child.pid ?? -1;
    },
    get process() {
      return child;
    },
    stop: () => terminate('SIGTERM'),
    kill: (signal = 'SIGKILL') => terminate(signal),
    pause: () => {
      signal('SIGSTOP');
      if (child.pid !== undefined) waitUntilStopped(child.pid);
    },
    resume: () => signal('SIGCONT'),
    restart: async () => {
      await terminate('SIGKILL');
      // The port was ours a moment ago; another process could grab it, so retry briefly.
      for (let attempt = 0; ; attempt++) {
        try {
          await launch();
          return;
        } catch (error) {
          if (attempt >= 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    },
    output: () => log,
  };
}

/** Starts several independent memcached nodes, for HashClient tests. */
export async function startCluster(
  count: number,
  options: MemcachedOptions = {},
): Promise<MemcachedServer[]> {
  return Promise.all(Array.from({ length: count }, () => startMemcached(options)));
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Blocks until every thread of `pid` is stopped. kill(SIGSTOP) only queues the signal: one thread
 * takes it and then stops the others, and until then a worker thread still answers requests (seen
 * on a loaded machine, several milliseconds late). Linux shows each thread's state in /proc; where
 * there is no /proc, or the process is gone, this returns at once.
 */
function waitUntilStopped(pid: number, limitMs = 5000): void {
  const deadline = Date.now() + limitMs;
  for (;;) {
    let tasks: string[];
    try {
      tasks = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      return;
    }
    const stopped = tasks.every((tid) => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const state = stat[stat.lastIndexOf(')') + 2];
        // T: stopped by a signal; t: traced; Z/X: a thread already gone.
        return state === 'T' || state === 't' || state === 'Z' || state === 'X';
      } catch {
        return true;
      }
    });
    if (stopped) return;
    if (Date.now() > deadline)
      throw new Error(`memcached (pid ${pid}) did not stop within ${limitMs} ms of SIGSTOP`);
    Atomics.wait(sleeper, 0, 0, 1);
  }
}
