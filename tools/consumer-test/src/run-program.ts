import { spawn } from 'node:child_process';

export interface ProgramResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunProgramOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Milliseconds before the program is killed; a hung consumer must fail the test, not stall it. */
  timeout?: number;
}

/** Runs a program to its end and keeps what it printed, so a failing step can show why. */
export function runProgram(
  command: string,
  args: string[],
  options: RunProgramOptions,
): Promise<ProgramResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${options.timeout} ms)`;
      child.kill('SIGKILL');
    }, options.timeout ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Like runProgram, but rejects with everything the program printed unless it exits 0. */
export async function mustRun(command: string, args: string[], options: RunProgramOptions): Promise<string> {
  const result = await runProgram(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited with ${result.code}\n${result.stdout}\n${result.stderr}`.trim(),
    );
  }
  return result.stdout;
}
