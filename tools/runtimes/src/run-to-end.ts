import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Whether the process had to be killed: it did not end by itself within the limit. */
  killed: boolean;
  /** Milliseconds from start to exit. */
  elapsed: number;
}

/**
 * Runs a program and waits for it to end by itself; past `limit` milliseconds it is killed and
 * `killed` says so, because "the process exits once the clients are closed" is under test.
 */
export function runToEnd(
  command: string,
  args: string[],
  options: { cwd: string; limit: number; env?: Record<string, string> },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, options.limit);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, killed, elapsed: performance.now() - started });
    });
  });
}
