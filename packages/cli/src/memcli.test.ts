import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, HashClient } from '@mc/client';
import {
  closedPort,
  makeCertificates,
  type MemcachedServer,
  startCluster,
  startMemcached,
  startNutcracker,
} from '@mc/test-utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
// The bin users run (package.json "bin"), which loads the built program.
const bin = path.resolve(here, '../bin/memcli.js');
const built = path.resolve(here, '../dist/bin.js');

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs the built `memcli` as a user would, with a deadline so no test hangs on it. */
function memcli(
  args: string[],
  options: {
    input?: string | Buffer | ((stdin: NodeJS.WritableStream) => void);
    env?: Record<string, string>;
  } = {},
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
    if (typeof options.input === 'function') options.input(child.stdin);
    else child.stdin.end(options.input ?? '');
  });
}

let server: MemcachedServer;
let client: Client;
let at: string[];

beforeAll(async () => {
  if (!fs.existsSync(built)) throw new Error(`${built} is missing: build @mc/cli first (pnpm run build)`);
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

describe('memcli against a real memcached', () => {
  it('sets, gets and deletes, with exit codes for hits and misses', async () => {
    expect((await memcli([...at, 'set', 'greeting', 'hello'])).code).toBe(0);
    expect(await client.get('greeting')).toBe('hello');
    const got = await memcli([...at, 'get', 'greeting']);
    expect(got.code).toBe(0);
    expect(got.stdout.toString()).toBe('hello\n');
    expect((await memcli([...at, 'delete', 'greeting'])).code).toBe(0);
    const miss = await memcli([...at, 'get', 'greeting']);
    expect(miss.code).toBe(1);
    expect(miss.stdout.length).toBe(0);
    expect(miss.stderr).toContain('greeting not found');
    expect((await memcli([...at, 'delete', 'greeting'])).code).toBe(1);
  });

  it('reads a value from stdin with "-", as bytes, and prints bytes back untouched', async () => {
    const bytes = Buffer.from([0, 1, 2, 13, 10, 255, 10]);
    expect((await memcli([...at, 'set', 'blob', '-'], { input: bytes })).code).toBe(0);
    expect(Buffer.from((await client.get('blob')) as Uint8Array)).toEqual(bytes);
    expect((await memcli([...at, 'get', 'blob'])).stdout).toEqual(bytes);
  });

  // A value another client wrote under flags no serde here reads (a pickle of a class, PHP's or
  // Java's formats) could not be fetched at all: get said it could not decode it, exit 4.
  it('prints the stored bytes whatever their flags with --raw', async () => {
    expect(await client.set('foreign', Buffer.from('not a pickle'), { flags: 1 })).toBe(true);
    expect((await memcli([...at, 'get', 'foreign'])).code).toBe(4);
    const raw = await memcli([...at, '--raw', 'get', 'foreign']);
    expect(raw.code).toBe(0);
    expect(raw.stdout.toString()).toBe('not a pickle');
    expect((await memcli([...at, '--raw', 'set', 'bytes', 'as given'])).code).toBe(0);
    expect(Buffer.from((await client.get('bytes')) as Uint8Array).toString()).toBe('as given');
  });

  it('stores with a ttl', async () => {
    expect((await memcli([...at, 'set', 'brief', 'x', '--ttl=-1'])).code).toBe(0);
    expect(await client.get('brief')).toBeUndefined();
    expect((await memcli([...at, 'set', 'kept', 'x', '--ttl', '100'])).code).toBe(0);
    expect(await client.get('kept')).toBe('x');
  });

  it('speaks JSON with --json, both ways', async () => {
    await client.set('number', 42);
    expect((await memcli([...at, '--json', 'get', 'number'])).stdout.toString()).toBe('42\n');
    expect((await memcli([...at, '--json', 'set', 'object', '{"a":[1,2]}'])).code).toBe(0);
    expect(await client.get('object')).toEqual({ a: [1, 2] });
    expect(JSON.parse((await memcli([...at, 'get', 'object'])).stdout.toString())).toEqual({ a: [1, 2] });
    await client.set('bytes', Buffer.from('hi'));
    expect(JSON.parse((await memcli([...at, '-j', 'get', 'bytes'])).stdout.toString())).toEqual({
      base64: Buffer.from('hi').toString('base64'),
    });
    const bad = await memcli([...at, '--json', 'set', 'object', '{nope']);
    expect(bad.code).toBe(2);
  });

  it('keeps integers past 2^53 exact through --json get and set', async () => {
    const big = 1180591620717411303424n; // 2^70
    await client.set('bn', big);
    const got = await memcli([...at, '--json', 'get', 'bn']);
    expect(got.stdout.toString()).toBe('1180591620717411303424\n');
    // What --json get printed, set back with --json set, is the same value.
    expect((await memcli([...at, '--json', 'set', 'n', got.stdout.toString().trim()])).code).toBe(0);
    expect(await client.get('n')).toBe(big);
    expect((await memcli([...at, '--json', 'set', 'n', ' -1180591620717411303424\n'])).code).toBe(0);
    expect(await client.get('n')).toBe(-big);
    // Only integer literals: floats, however large, stay numbers; safe integers stay numbers too.
    expect((await memcli([...at, '--json', 'set', 'n', '1180591620717411303424.0'])).code).toBe(0);
    expect(await client.get('n')).toBe(Number(big));
    expect((await memcli([...at, '--json', 'set', 'n', '1e21'])).code).toBe(0);
    expect(await client.get('n')).toBe(1e21);
    expect((await memcli([...at, '--json', 'set', 'n', '9007199254740991'])).code).toBe(0);
    expect(await client.get('n')).toBe(Number.MAX_SAFE_INTEGER);
    expect((await memcli([...at, '--json', 'set', 'n', '01180591620717411303424'])).code).toBe(2);
  });

  it('applies --prefix to every key', async () => {
    expect((await memcli([...at, '--prefix', 'app:', 'set', 'k', 'v'])).code).toBe(0);
    expect(await client.get('app:k')).toBe('v');
    expect((await memcli([...at, '-p', 'app:', 'get', 'k'])).stdout.toString()).toBe('v\n');
  });

  it('prints stats, stats groups and the version, as text or JSON', async () => {
    const stats = await memcli([...at, 'stats']);
    expect(stats.code).toBe(0);
    expect(stats.stdout.toString()).toMatch(/^curr_items \d+$/m);
    const settings = JSON.parse((await memcli([...at, '--json', 'stats', 'settings'])).stdout.toString());
    expect(settings.item_size_max).toBe(1024 * 1024);
    const version = await memcli([...at, 'version']);
    expect(version.stdout.toString()).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect((await memcli([...at, 'stats', 'nonsense'])).code).toBe(4);
  });

  it('flushes, now or after a delay', async () => {
    await client.set('a', 1);
    expect((await memcli([...at, 'flush'])).code).toBe(0);
    expect(await client.get('a')).toBeUndefined();
    expect((await memcli([...at, 'flush', '30'])).code).toBe(0);
    expect((await memcli([...at, 'flush', 'soon'])).code).toBe(2);
    await client.flushAll();
  });

  it('measures set and get throughput and cleans up after itself', async () => {
    const run = await memcli([...at, 'bench', '--count', '200', '--size', '10']);
    expect(run.code).toBe(0);
    expect(run.stdout.toString()).toMatch(/^set: \d+ ops\/s \(200 ops in \d+ ms\)\nget: \d+ ops\/s/);
    expect((await client.stats()).curr_items).toBe(0);
    const json = JSON.parse((await memcli([...at, '--json', 'bench', '--count', '10'])).stdout.toString());
    expect(json.map((phase: { name: string }) => phase.name)).toEqual(['set', 'get']);
  });

  // Every worker of bench went on through the whole key list after the first failure, and the
  // clean-up then deleted every key: against a server that was down, a million keys took ~15 s.
  it('bench stops at the first failure', async () => {
    const down = await closedPort();
    const started = performance.now();
    const run = await memcli(['--server', down.address, 'bench', '--count', '1000000']);
    expect(run.code).toBe(3);
    expect(performance.now() - started).toBeLessThan(7_000);
  });

  it("reads standard input through twemproxy, which refuses stats, up to memcached's default item size", async () => {
    const proxy = await startNutcracker([server]);
    try {
      const via = ['--server', proxy.address];
      const stored = await memcli([...via, 'set', 'via-proxy', '-'], { input: 'through the proxy' });
      expect(stored.stderr).toBe('');
      expect(stored.code).toBe(0);
      expect(Buffer.from((await client.get('via-proxy')) as Uint8Array).toString()).toBe('through the proxy');
      const tooLarge = await memcli([...via, 'set', 'via-proxy', '-'], {
        input: Buffer.alloc(1024 * 1024 + 1),
      });
      expect(tooLarge.code).toBe(2);
      expect(tooLarge.stderr).toContain("memcached's default item size (1048576 bytes)");
    } finally {
      await proxy.stop();
    }
  });

  it('top prints plain frames when its output is not a terminal, and stops after --refreshes', async () => {
    const run = await memcli([...at, 'top', '--interval', '200', '--refreshes', '2']);
    expect(run.code).toBe(0);
    const text = run.stdout.toString();
    expect(text.match(/^memcli top: 1 server, every 0.2 s/gm)).toHaveLength(2);
    expect(text).toContain(server.address);
    expect(text).not.toContain('\x1b');
    expect((await memcli([...at, 'top', '--interval', '5'])).code).toBe(2);
  });

  it('top shows a frozen server as unreachable within about an interval and keeps the others', async () => {
    const frozen = await startMemcached();
    frozen.pause();
    try {
      const started = Date.now();
      // The live server has an interval (1 s) to answer; waiting out the 20 s --timeout for the
      // frozen one would take 40 s.
      const run = await memcli([
        ...at,
        '--server',
        frozen.address,
        '--timeout',
        '20000',
        'top',
        '--interval',
        '1000',
        '--refreshes',
        '2',
      ]);
      expect(run.code).toBe(0);
      // Each frame waits at most an interval for a server: two frames 1 s apart, plus start-up.
      expect(Date.now() - started).toBeLessThan(10_000);
      const frames = run.stdout
        .toString()
        .split(/^memcli top: /m)
        .slice(1);
      expect(frames).toHaveLength(2);
      for (const frame of frames) {
        expect(frame).toMatch(new RegExp(`^${frozen.address}\\s+unreachable: `, 'm'));
        const alive = frame.split('\n').find((line) => line.startsWith(`${server.address} `));
        expect(alive).toMatch(/\d/);
        expect(alive).not.toContain('unreachable');
      }
    } finally {
      frozen.resume();
      await frozen.stop();
    }
  });

  it('takes its servers from MEMCACHED_SERVERS when --server is absent', async () => {
    await client.set('env', 'from env');
    const run = await memcli(['get', 'env'], { env: { MEMCACHED_SERVERS: server.address } });
    expect(run.stdout.toString()).toBe('from env\n');
  });

  it('exits 4 when the server refuses a value', async () => {
    // Under item_size_max (1 MiB) itself, but not with the item's header added.
    const run = await memcli([...at, 'set', 'huge', '-'], { input: Buffer.alloc(1024 * 1024 - 16) });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('too large');
  });

  it("stops reading standard input at the server's item size and exits 2, instead of buffering it all", async () => {
    let written = 0;
    const run = await memcli([...at, 'set', 'endless', '-'], {
      // 64 MiB offered in 64 KiB chunks; a CLI that buffers everything reads it all.
      input: (stdin) => {
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const feed = () => {
          while (written < 64 * 1024 * 1024) {
            written += chunk.length;
            if (!stdin.write(chunk)) return void stdin.once('drain', feed);
          }
          stdin.end();
        };
        stdin.on('error', () => {}); // EPIPE once the CLI stops reading and exits
        feed();
      },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/standard input .*item_size_max.*1048576 bytes/);
    expect(written).toBeLessThan(8 * 1024 * 1024);
    expect(await client.get('endless')).toBeUndefined();
  });
});

describe('memcli over TLS', () => {
  let secure: MemcachedServer;
  let strict: MemcachedServer;
  const certificates = makeCertificates();

  beforeAll(async () => {
    [secure, strict] = await Promise.all([
      startMemcached({ tls: true }),
      startMemcached({ tls: { verifyClient: true } }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([secure?.stop(), strict?.stop()]);
  });

  it('reaches a TLS server with --tls and the CA from --tls-ca', async () => {
    const tls = ['--server', secure.address, '--tls', '--tls-ca', certificates.caCert];
    expect((await memcli([...tls, 'set', 'secret', 'over tls'])).code).toBe(0);
    expect((await memcli([...tls, 'get', 'secret'])).stdout.toString()).toBe('over tls\n');
    // Any --tls-* option implies --tls.
    const implied = await memcli([
      '--server',
      secure.address,
      '--tls-ca',
      certificates.caCert,
      'get',
      'secret',
    ]);
    expect(implied.stdout.toString()).toBe('over tls\n');
  });

  it('checks the certificate: an unknown CA or a wrong --tls-servername exits 3, --tls-insecure skips the check', async () => {
    const untrusted = await memcli(['--server', secure.address, '--tls', 'version']);
    expect(untrusted.code).toBe(3);
    expect(untrusted.stderr).toMatch(/^memcli: .*certificate/);
    expect(untrusted.stderr).toContain('--tls-ca <file>');
    const wrongName = await memcli([
      ...['--server', secure.address, '--tls-ca', certificates.caCert],
      ...['--tls-servername', 'cache.example.com', 'version'],
    ]);
    expect(wrongName.code).toBe(3);
    const rightName = await memcli([
      ...['--server', secure.address, '--tls-ca', certificates.caCert],
      ...['--tls-servername', 'localhost', 'version'],
    ]);
    expect(rightName.stdout.toString()).toMatch(/^\d+\.\d+\.\d+/);
    const insecure = await memcli(['--server', secure.address, '--tls-insecure', 'version']);
    expect(insecure.code).toBe(0);
  });

  it('presents a client certificate with --tls-cert and --tls-key', async () => {
    const base = ['--server', strict.address, '--tls-ca', certificates.caCert, '--timeout', '2000'];
    const refused = await memcli([...base, 'version']);
    expect(refused.code).not.toBe(0);
    const accepted = await memcli([
      ...base,
      '--tls-cert',
      certificates.clientCert,
      '--tls-key',
      certificates.clientKey,
      'version',
    ]);
    expect(accepted.code).toBe(0);
  });

  it('says which file it could not read', async () => {
    const run = await memcli(['--server', secure.address, '--tls-ca', '/nonexistent/ca.pem', 'version']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('/nonexistent/ca.pem');
  });

  it('refuses plain TCP against a TLS server with a hint, rather than hanging', async () => {
    const run = await memcli(['--server', secure.address, '--timeout', '2000', 'version']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('if the server speaks TLS, add --tls');
  });
});

describe('memcli over several servers', () => {
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
      expect((await memcli([...servers, 'set', `key-${index}`, String(index)])).code).toBe(0);
    }
    const values = await hash.getMany(Array.from({ length: 20 }, (_, index) => `key-${index}`));
    expect(values.size).toBe(20);
    const perNode = await hash.stats();
    const counts = nodes.map((node) => perNode.get(node.address)?.curr_items);
    expect(counts.filter((count) => Number(count) > 0).length).toBeGreaterThan(1);
    const version = (await memcli([...servers, 'version'])).stdout.toString();
    for (const node of nodes) expect(version).toContain(`# ${node.address}\n`);
  }, 60_000); // 21 runs of memcli, each a node process start-up

  // With one server down, stats and version printed nothing at all (exit 3), where memcached's
  // own tools print every server that answers.
  it('prints the servers that answer stats and version, and names the one that does not', async () => {
    const down = await closedPort();
    const servers = [...nodes.flatMap((node) => ['-s', node.address]), '-s', down.address];
    for (const command of [['stats'], ['version'], ['--json', 'stats']]) {
      const run = await memcli([...servers, ...command]);
      expect(run.code, command.join(' ')).toBe(3);
      const out = run.stdout.toString();
      for (const node of nodes) expect(out).toContain(node.address);
      expect(out).not.toContain(down.address);
      expect(run.stderr).toContain(`memcli: ${down.address}: `);
    }
    const bad = await memcli([...servers, 'stats', 'two words']);
    expect(bad.code).toBe(2);
  });
});

describe('memcli usage and failures', () => {
  it('prints help and exits 0', async () => {
    const run = await memcli(['--help']);
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
      const run = await memcli(args, { env: { MEMCACHED_SERVERS: '127.0.0.1:1' } });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/^memcli: /);
    }
  });

  it('exits 3 when the server cannot be reached', async () => {
    const closed = await closedPort();
    const run = await memcli(['--server', closed.address, 'get', 'k']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('memcli: ');
  });

  it('exits 3 when the server does not answer in time', async () => {
    const frozen = await startMemcached();
    try {
      frozen.pause();
      const run = await memcli(['--server', frozen.address, '--timeout', '300', 'get', 'k']);
      expect(run.code).toBe(3);
    } finally {
      frozen.resume();
      await frozen.stop();
    }
  });
});
