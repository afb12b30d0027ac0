import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';

// One exit hook for the whole process: servers are killed and folders removed even when a
// test file forgets to stop what it started, so no memcached outlives its test run.
const processes = new Set<ChildProcess>();
const folders = new Set<string>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  process.once('exit', () => {
    for (const child of processes) child.kill('SIGKILL');
    for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
  });
}

/** Kills the process when the test process exits, unless it exited first. */
export function killOnExit(child: ChildProcess): void {
  install();
  processes.add(child);
  child.once('exit', () => processes.delete(child));
}

/** Removes the folder when the test process exits. */
export function removeOnExit(folder: string): void {
  install();
  folders.add(folder);
}
