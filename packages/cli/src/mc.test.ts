import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, HashClient } from '@mc/client';
import { closedPort, type MemcachedServer, startCluster, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/bin.js');

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs the built `mc` as a user would, with a deadline so no test hangs on it. */
function mc(
  args: string[],
  options: { input?: string | Buffer; env?: Record<string, string> } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 20_000,
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr }));
    child.stdin.end(options.input ?? '');
  });
}

let server: MemcachedServer;
let client: Client;
let at: string[];

beforeAll(async () => {
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: build @mc/cli first (pnpm run build)`);
  server = await startMemcached();
  client = new Client(server.address);
  at = ['--server', server.address];
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

beforeEach(async () => {
  await client.flushAll();
});

describe('mc against a real memcached', () => {
  it('sets, gets and deletes, with exit codes for hits and misses', async () => {
    expect((await mc([...at, 'set', 'greeting', 'hello'])).code).toBe(0);
    expect(await client.get('greeting')).toBe('hello');
    const got = await mc([...at, 'get', 'greeting']);
    expect(got.code).toBe(0);
    expect(got.stdout.toString()).toBe('hello\n');
    expect((await mc([...at, 'delete', 'greeting'])).code).toBe(0);
    const miss = await mc([...at, 'get', 'greeting']);
    expect(miss.code).toBe(1);
    expect(miss.stdout.length).toBe(0);
    expect(miss.stderr).toContain('greeting not found');
    expect((await mc([...at, 'delete', 'greeting'])).code).toBe(1);
  });

  it('reads a value from stdin with "-", as bytes, and prints bytes back untouched', async () => {
    const bytes = Buffer.from([0, 1, 2, 13, 10, 255, 10]);
    expect((await mc([...at, 'set', 'blob', '-'], { input: bytes })).code).toBe(0);
    expect(Buffer.from((await client.get('blob')) as Uint8Array)).toEqual(bytes);
    expect((await mc([...at, 'get', 'blob'])).stdout).toEqual(bytes);
  });

  it('stores with a ttl', async () => {
    expect((await mc([...at, 'set', 'brief', 'x', '--ttl=-1'])).code).toBe(0);
    expect(await client.get('brief')).toBeUndefined();
    expect((await mc([...at, 'set', 'kept', 'x', '--ttl', '100'])).code).toBe(0);
    expect(await client.get('kept')).toBe('x');
  });

  it('speaks JSON with --json, both ways', async () => {
    await client.set('number', 42);
    expect((await mc([...at, '--json', 'get', 'number'])).stdout.toString()).toBe('42\n');
    expect((await mc([...at, '--json', 'set', 'object', '{"a":[1,2]}'])).code).toBe(0);
    expect(await client.get('object')).toEqual({ a: [1, 2] });
    expect(JSON.parse((await mc([...at, 'get', 'object'])).stdout.toString())).toEqual({ a: [1, 2] });
    await client.set('bytes', Buffer.from('hi'));
    expect(JSON.parse((await mc([...at, '-j', 'get', 'bytes'])).stdout.toString())).toEqual({
      base64: Buffer.from('hi').toString('base64'),
    });
    const bad = await mc([...at, '--json', 'set', 'object', '{nope']);
    expect(bad.code).toBe(2);
  });

  it('applies --prefix to every key', async () => {
    expect((await mc([...at, '--prefix', 'app:', 'set', 'k', 'v'])).code).toBe(0);
    expect(await client.get('app:k')).toBe('v');
    expect((await mc([...at, '-p', 'app:', 'get', 'k'])).stdout.toString()).toBe('v\n');
  });

  it('prints stats, stats groups and the version, as text or JSON', async () => {
    const stats = await mc([...at, 'stats']);
    expect(stats.code).toBe(0);
    expect(stats.stdout.toString()).toMatch(/^curr_items \d+$/m);
    const settings = JSON.parse((await mc([...at, '--json', 'stats', 'settings'])).stdout.toString());
    expect(settings.item_size_max).toBe(1024 * 1024);
    const version = await mc([...at, 'version']);
    expect(version.stdout.toString()).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect((await mc([...at, 'stats', 'nonsense'])).code).toBe(4);
  });

  it('flushes, now or after a delay', async () => {
    await client.set('a', 1);
    expect((await mc([...at, 'flush'])).code).toBe(0);
    expect(await client.get('a')).toBeUndefined();
    expect((await mc([...at, 'flush', '30'])).code).toBe(0);
    expect((await mc([...at, 'flush', 'soon'])).code).toBe(2);
    await client.flushAll();
  });

  it('measures set and get throughput and cleans up after itself', async () => {
    const run = await mc([...at, 'bench', '--count', '200', '--size', '10']);
    expect(run.code).toBe(0);
    expect(run.stdout.toString()).toMatch(/^set: \d+ ops\/s \(200 ops in \d+ ms\)\nget: \d+ ops\/s/);
    expect((await client.stats()).curr_items).toBe(0);
    const json = JSON.parse((await mc([...at, '--json', 'bench', '--count', '10'])).stdout.toString());
    expect(json.map((phase: { name: string }) => phase.name)).toEqual(['set', 'get']);
  });

  it('takes its servers from MEMCACHED_SERVERS when --server is absent', async () => {
    await client.set('env', 'from env');
    const run = await mc(['get', 'env'], { env: { MEMCACHED_SERVERS: server.address } });
    expect(run.stdout.toString()).toBe('from env\n');
  });

  it('exits 4 when the server refuses a value', async () => {
    const run = await mc([...at, 'set', 'huge', '-'], { input: Buffer.alloc(2 * 1024 * 1024) });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('too large');
  });
});

describe('mc over several servers', () => {
  let nodes: MemcachedServer[];
  let hash: HashClient;

  beforeAll(async () => {
    nodes = await startCluster(3);
    hash = new HashClient(nodes.map((node) => node.address));
  });

  afterAll(async () => {
    await hash?.close();
    await Promise.all(nodes?.map((node) => node.stop()) ?? []);
  });

  it('spreads keys as HashClient does and answers version per server', async () => {
    const servers = nodes.flatMap((node) => ['-s', node.address]);
    for (let index = 0; index < 20; index++) {
      expect((await mc([...servers, 'set', `key-${index}`, String(index)])).code).toBe(0);
    }
    const values = await hash.getMany(Array.from({ length: 20 }, (_, index) => `key-${index}`));
    expect(values.size).toBe(20);
    const perNode = await hash.stats();
    const counts = nodes.map((node) => perNode.get(node.address)?.curr_items);
    expect(counts.filter((count) => Number(count) > 0).length).toBeGreaterThan(1);
    const version = (await mc([...servers, 'version'])).stdout.toString();
    for (const node of nodes) expect(version).toContain(`# ${node.address}\n`);
  });
});

describe('mc usage and failures', () => {
  it('prints help and exits 0', async () => {
    const run = await mc(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout.toString()).toContain('Usage:');
  });

  it('exits 2 on usage errors', async () => {
    for (const args of [
      [],
      ['frob'],
      ['get'],
      ['get', 'a', 'b'],
      ['--bogus', 'version'],
      ['set', 'k', 'v', '--ttl', '1.5'],
      ['get', 'a b'],
    ]) {
      const run = await mc(args, { env: { MEMCACHED_SERVERS: '127.0.0.1:1' } });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/^mc: /);
    }
  });

  it('exits 3 when the server cannot be reached', async () => {
    const closed = await closedPort();
    const run = await mc(['--server', closed.address, 'get', 'k']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('mc: ');
  });

  it('exits 3 when the server does not answer in time', async () => {
    const frozen = await startMemcached();
    try {
      frozen.pause();
      const run = await mc(['--server', frozen.address, '--timeout', '300', 'get', 'k']);
      expect(run.code).toBe(3);
    } finally {
      frozen.resume();
      await frozen.stop();
    }
  });
});
