import { closedPort, type MemcachedServer, startCluster, startMemcached } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import {
  Client,
  HashClient,
  MemcacheConnectionError,
  MemcacheTimeoutError,
  MemcacheUnexpectedCloseError,
} from '../index.js';
import {
  closeAfterEach,
  eventually,
  judge,
  keyRange,
  launch,
  sleep,
  valueFor,
} from '../test-support/fault-harness.js';

// Client-level fault scenarios against real memcached processes that die, freeze and come
// back. Each one fires thousands of operations at once and then checks three things: every
// promise settles within a bound, every failure is a typed error of the kinds the fault
// explains, and every answer that did arrive is the right value for the key it asked for.

const track = closeAfterEach();

async function preload(client: Client | HashClient, keys: readonly string[]): Promise<void> {
  expect(await client.setMany(keys.map((key) => [key, valueFor(key)] as const))).toEqual([]);
}

const IN_FLIGHT = 5_000;

/**
 * SIGKILL straight to the frozen process: the harness's kill() sends SIGCONT first, which
 * would let the server answer part of the burst before it dies.
 */
function killFrozen(server: MemcachedServer): void {
  process.kill(server.pid, 'SIGKILL');
}

describe('a server killed with thousands of requests in flight', () => {
  it('settles every request quickly with a typed error or the right value, then reconnects after a restart', async () => {
    const server = await startMemcached();
    track(server);
    // A 20 s deadline: a request the kill did not settle would hang far past the bound below.
    const client = track(new Client(server.address, { connections: 4, timeout: 20_000 }));
    const keys = keyRange('killed', 500);
    await preload(client, keys);

    server.pause(); // frozen, so the burst is surely written and waiting when the server dies
    const operations = launch(client, keys, IN_FLIGHT);
    await sleep(100);
    const killedAt = performance.now();
    killFrozen(server);
    await server.kill();
    const verdict = await judge(operations, 10_000, [MemcacheUnexpectedCloseError, MemcacheConnectionError]);
    const settleMs = performance.now() - killedAt;
    expect(verdict.wrong).toEqual([]);
    expect(verdict.untyped).toEqual([]);
    expect(verdict.errors.MemcacheUnexpectedCloseError).toBeGreaterThan(0);
    expect(settleMs).toBeLessThan(10_000);

    // Nobody listens on the port now: refused, typed, at once.
    await expect(client.get(keys[0]!)).rejects.toBeInstanceOf(MemcacheConnectionError);

    // Same port, new process: the same client finds it by itself.
    await server.restart();
    await eventually(() => client.set(keys[0]!, valueFor(keys[0]!)));
    await preload(client, keys);
    const after = await judge(launch(client, keys, IN_FLIGHT), 10_000, []);
    expect(after.wrong).toEqual([]);
    expect(after.errors).toEqual({});
  });

  it('HashClient: only the dead node’s keys fail; the others answer right throughout, and the node rejoins', async () => {
    const nodes = await startCluster(3);
    for (const node of nodes) track(node);
    const client = track(
      new HashClient(
        nodes.map((node) => node.address),
        // A 10 s deadline: survivors never time out, and a hung request outlasts the bound below.
        { connections: 2, retryAttempts: 1, deadTimeout: 200, timeout: 10_000 },
      ),
    );
    const keys = keyRange('cluster', 900);
    await preload(client, keys);
    const victim = nodes[1]!;
    const onVictim = new Set((await track(new Client(victim.address)).getMany(keys)).keys());
    expect(onVictim.size).toBeGreaterThan(100);

    victim.pause();
    const operations = launch(client, keys, IN_FLIGHT);
    await sleep(100);
    killFrozen(victim);
    await victim.kill();
    const verdict = await judge(operations, 5_000, [MemcacheUnexpectedCloseError, MemcacheConnectionError]);
    expect(verdict.wrong).toEqual([]);
    expect(verdict.untyped).toEqual([]);
    expect(verdict.errors.MemcacheUnexpectedCloseError).toBeGreaterThan(0);
    // Keys on the surviving nodes never fail: single-key reads of them all succeed.
    const survivors = keys.filter((key) => !onVictim.has(key));
    const reads = await Promise.all(survivors.map((key) => client.get(key).then(String, () => 'failed')));
    expect(reads.filter((read) => read === 'failed')).toEqual([]);

    await victim.restart();
    await sleep(250); // past deadTimeout: the next request probes the node
    await eventually(() => client.set([...onVictim][0]!, valueFor([...onVictim][0]!)));
    await preload(client, keys);
    const after = await judge(launch(client, keys, IN_FLIGHT), 10_000, []);
    expect(after.wrong).toEqual([]);
    expect(after.errors).toEqual({});
  });
});

describe('a server frozen with SIGSTOP', () => {
  it('gives deadline errors for everything in flight, then recovers after SIGCONT', async () => {
    const server = await startMemcached();
    track(server);
    const client = track(new Client(server.address, { connections: 2, timeout: 300 }));
    const keys = keyRange('frozen', 300);
    await preload(client, keys);

    server.pause();
    await sleep(50); // the signal takes a moment to land
    const started = performance.now();
    const verdict = await judge(launch(client, keys, IN_FLIGHT), 5_000, [MemcacheTimeoutError]);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(verdict.wrong).toEqual([]);
    expect(verdict.untyped).toEqual([]);
    expect(verdict.errors.MemcacheTimeoutError).toBe(IN_FLIGHT);

    server.resume();
    // Recovered means every socket answers again: each key rides one of the two sockets.
    await eventually(async () => (await client.getMany(keys)).size === keys.length);
    const after = await judge(launch(client, keys, IN_FLIGHT), 10_000, []);
    expect(after.wrong).toEqual([]);
    expect(after.errors).toEqual({});
  });
});

describe('connection refused while requests queue', () => {
  it('rejects every queued request with MemcacheConnectionError, fast, and serves them once the server is up', async () => {
    const { port } = await closedPort();
    // Long deadlines: requests that waited one out would take 10 s or more.
    const client = track(
      new Client(`127.0.0.1:${port}`, {
        connections: 4,
        reconnectDelay: 10,
        connectTimeout: 10_000,
        timeout: 20_000,
      }),
    );
    const keys = keyRange('refused', 200);
    const started = performance.now();
    const verdict = await judge(launch(client, keys, IN_FLIGHT), 5_000, [MemcacheConnectionError]);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(verdict.errors.MemcacheConnectionError).toBe(IN_FLIGHT);
    expect(verdict.untyped).toEqual([]);

    // A memcached appears on that port: the same client uses it, with no help.
    const server = await startMemcached({ port });
    track(server);
    await eventually(() => client.set(keys[0]!, valueFor(keys[0]!)));
    await preload(client, keys);
    const after = await judge(launch(client, keys, IN_FLIGHT), 10_000, []);
    expect(after.wrong).toEqual([]);
    expect(after.errors).toEqual({});
  });
});
