import { spawn } from 'node:child_process';

export interface ScriptRun {
  /** The exit code, or null when the script was still running at the deadline and was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from spawn to exit. */
  elapsed: number;
}

/**
 * Runs an ES module script in a fresh node process and reports how it ended: the way to see
 * whether something keeps the event loop alive. Killed after `deadline` ms (code null).
 */
export function runScript(source: string, deadline = 10_000): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', source], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), deadline);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, elapsed: performance.now() - started });
    });
  });
}
