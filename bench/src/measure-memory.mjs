import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChild } from './run-child.mjs';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'memory-child.mjs');
const DEADLINE_MS = 30_000;

/**
 * One client's memory per idle connection and per request in flight, measured by
 * memory-child.mjs in a fresh `node --expose-gc` process (heap after forced collections, plus
 * Buffers outside the heap and the process's resident size). Resolves the child's JSON.
 */
export async function measureMemory(clientId, server) {
  const { code, stdout, stderr } = await runChild(
    process.execPath,
    ['--expose-gc', CHILD, clientId, server.host, String(server.port)],
    DEADLINE_MS,
  );
  const last = stdout.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !last.startsWith('{')) {
    // Node ends an uncaught error's report with its version line: show the error's own line.
    const lines = stderr.trim().split('\n');
    const reason = lines.find((line) => /Error:/.test(line)) ?? lines.at(-1) ?? '';
    throw new Error(`memory child exited ${code}: ${reason.trim()}`);
  }
  return JSON.parse(last);
}
