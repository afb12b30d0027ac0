// Review P: memcli's output piped into a reader that stops early (`memcli get k | head -c 10`,
// `memcli top | head -3`) crashes with an unhandled EPIPE 'error' event and a Node stack trace,
// and exits 1, the code memcli documents as "miss".
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@mc/client';
import { type MemcachedServer, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '../bin/memcli.js');
const built = path.resolve(here, '../dist/bin.js');

/** Runs memcli and closes our end of its stdout as soon as the first bytes arrive, as `head` does. */
function runIntoClosedPipe(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20_000,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.once('data', () => child.stdout.destroy());
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

let server: MemcachedServer;
let client: Client;

beforeAll(async () => {
  if (!fs.existsSync(built)) throw new Error(`${built} is missing: build @mc/cli first`);
  server = await startMemcached();
  client = new Client(server.address);
  await client.set('big', new Uint8Array(900_000).fill(97));
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

describe('memcli writing into a pipe whose reader has gone', () => {
  it('get: no unhandled EPIPE and not the "miss" exit code', async () => {
    const run = await runIntoClosedPipe(['--server', server.address, 'get', 'big']);
    expect(run.stderr).not.toMatch(/Unhandled 'error' event|EPIPE/);
    expect(run.code).not.toBe(1);
  });

  it('top: no unhandled EPIPE and not the "miss" exit code', async () => {
    const run = await runIntoClosedPipe(['--server', server.address, 'top', '--interval', '100']);
    expect(run.stderr).not.toMatch(/Unhandled 'error' event|EPIPE/);
    expect(run.code).not.toBe(1);
  });
});
