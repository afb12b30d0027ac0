import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@mc/client';
import {
  closedPort,
  type FakeServer,
  type MemcachedServer,
  startFakeServer,
  startMemcached,
} from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The child process runs the built invocation (`npm test` builds first).
const INVOKE_ONCE = fileURLToPath(new URL('../dist/invoke-once.js', import.meta.url));

let server: MemcachedServer;
let silent: FakeServer;
let probe: Client;
let handlerModule: typeof import('./handler.js');

beforeAll(async () => {
  server = await startMemcached();
  silent = await startFakeServer(); // accepts, never answers
  process.env.MEMCACHED_SERVERS = server.address;
  handlerModule = await import('./handler.js');
  probe = new Client(server.address);
});

afterAll(async () => {
  await handlerModule.client.close();
  await probe.close();
  await silent.close();
  await server.stop();
});

interface Invocation {
  output: string;
  exited: boolean;
  /** Milliseconds from spawning to the first line of output. */
  answeredIn: number;
}

/** Runs one invocation in a child process; waits up to `waitMs` for it to exit by itself. */
function invokeInChild(environment: Record<string, string>, waitMs: number): Promise<Invocation> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let answeredIn = Number.NaN;
    const child = spawn(process.execPath, [INVOKE_ONCE, 'child'], {
      env: { ...process.env, ...environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    child.stdout.on('data', (data: Buffer) => {
      if (output === '') answeredIn = performance.now() - started;
      output += data.toString();
    });
    child.stderr.on('data', (data: Buffer) => {
      errors += data.toString();
    });
    const timer = setTimeout(() => {
      child.kill();
      resolve({ output, exited: false, answeredIn });
    }, waitMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0 && code !== null) reject(new Error(`child exited with ${code}: ${errors}`));
      else resolve({ output, exited: true, answeredIn });
    });
  });
}

describe('the serverless handler', () => {
  it('reuses one client, and one connection, across invocations', async () => {
    const before = Number((await probe.stats()).total_connections);
    const bodies = [];
    for (let invocation = 0; invocation < 5; invocation++) {
      const result = await handlerModule.handler({ name: 'reuse' });
      expect(result.statusCode).toBe(200);
      bodies.push(JSON.parse(result.body));
    }
    expect(bodies.map((body) => body.invocations)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(bodies.map((body) => body.greeting))).toEqual(new Set(['Hello, reuse!']));
    expect(Number((await probe.stats()).total_connections) - before).toBe(1);
  });

  it('a cold invocation against an unresponsive cache still answers, within the client’s deadlines', async () => {
    // connectTimeout 1 s + timeout 0.5 s bound each cache call; getOrSet falls back to the loader.
    const run = await invokeInChild({ MEMCACHED_SERVERS: silent.address }, 8_000);
    const result = JSON.parse(run.output.trim());
    expect(JSON.parse(result.body)).toEqual({ greeting: 'Hello, child!', invocations: null });
    expect(run.answeredIn).toBeLessThan(6_000);
  });

  it('with a discovery endpoint that is down, answers from the loader and exits on its own', async () => {
    // No node socket is ever opened, so this holds today: discovery's retry timer and its
    // endpoint sockets are unref'd, and the command's wait ends with connectTimeout.
    const endpoint = await closedPort();
    const run = await invokeInChild({ MEMCACHED_DISCOVERY_ENDPOINT: endpoint.address }, 8_000);
    expect(JSON.parse(JSON.parse(run.output.trim()).body)).toEqual({
      greeting: 'Hello, child!',
      invocations: null,
    });
    expect(run.exited).toBe(true);
  });

  it('a process that ran one invocation exits without close()', async () => {
    const run = await invokeInChild({ MEMCACHED_SERVERS: server.address }, 10_000);
    expect(JSON.parse(JSON.parse(run.output.trim()).body).greeting).toBe('Hello, child!');
    expect(run.exited).toBe(true);
  });
});
