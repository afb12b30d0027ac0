import { closedPort, type MemcachedServer, startCluster, startMemcached } from '@mc/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, HashClient, LATENCY_BOUNDS_MS, type MetricsSnapshot, RetryingClient } from '../index.js';
import { MemoryClient } from '../testing/index.js';

let server: MemcachedServer;
const clients: Array<{ close(): Promise<void> }> = [];
const track = <C extends { close(): Promise<void> }>(client: C): C => {
  clients.push(client);
  return client;
};

beforeAll(async () => {
  server = await startMemcached();
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await server?.stop();
});

describe('client.metrics() against a real memcached', () => {
  it('records nothing until asked, then counts from the first call', async () => {
    const client = track(new Client(server.address));
    await client.set('before', 'x');
    const first = client.metrics();
    expect(first.nodes[server.address]?.commands).toEqual({});
    expect(first.since).toBeGreaterThan(0);
    await client.get('before');
    const second = client.metrics();
    expect(second.since).toBe(first.since);
    expect(second.nodes[server.address]!.commands.get!.operations).toBe(1);
    expect(second.nodes[server.address]!.commands.set).toBeUndefined();
  });

  it('counts operations, keys, hits, misses, bytes and latency per command with metrics: true', async () => {
    const client = track(new Client(server.address, { metrics: true, keyPrefix: 'm1:' }));
    await client.set('a', 'hello');
    await client.set('b', 'wörld');
    await client.get('a');
    await client.get('missing');
    await client.getMany(['a', 'b', 'nope']);
    await client.metaGet('a', { value: true });
    await client.metaGet('absent', { value: true });
    const snapshot = client.metrics();
    // a plain object: it survives JSON unchanged
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    const node = snapshot.nodes[server.address]!;
    const { get, set, mg } = node.commands;
    expect(set!.operations).toBe(2);
    expect(set!.keys).toBe(2);
    // "set m1:a 16 0 5\r\n" + "hello" + "\r\n" and the same for b with 6 bytes (5 characters)
    expect(set!.bytesOut).toBe(17 + 5 + 2 + 17 + 6 + 2);
    expect(get!.operations).toBe(3);
    expect(get!.keys).toBe(5);
    expect(get!.hits).toBe(3);
    expect(get!.misses).toBe(2);
    expect(get!.valueBytesIn).toBe(5 + 5 + 6);
    expect(mg!.hits).toBe(1);
    expect(mg!.misses).toBe(1);
    expect(get!.errors).toEqual({});
    expect(get!.latency.unit).toBe('ms');
    expect(get!.latency.bounds).toEqual(LATENCY_BOUNDS_MS);
    expect(get!.latency.counts.length).toBe(LATENCY_BOUNDS_MS.length + 1);
    expect(get!.latency.counts.reduce((sum, count) => sum + count, 0)).toBe(3);
    expect(get!.latency.count).toBe(3);
    expect(get!.latency.sum).toBeGreaterThan(0);
    expect(node.connections).toEqual({ opened: 1, closed: 0, failed: 0, open: 1 });
    expect(node.pending).toBe(0);
    expect(node.dead).toBe(false);
  });

  it('counts the bytes of a one-key get and gets, whose line the transport builds at write time', async () => {
    // These requests reach the transport with no chunks of their own (it writes or merges the
    // line itself), and bytesOut used to count them as 0.
    const client = track(new Client(server.address, { metrics: true, keyPrefix: 'm2:' }));
    await client.set('é', 'v');
    await client.get('é');
    await client.gets('é');
    await client.get(new Uint8Array([0x6b, 0x31]));
    const { get, gets } = client.metrics().nodes[server.address]!.commands;
    // "get m2:é\r\n" (é is two bytes in UTF-8), "gets m2:é\r\n", "get m2:k1\r\n"
    expect(get!.bytesOut).toBe(11 + 11);
    expect(gets!.bytesOut).toBe(12);
    // Gets made in one tick may share a line on the wire; each still counts its own line.
    const together = track(new Client(server.address, { metrics: true }));
    await Promise.all([together.get('a'), together.get('bb')]);
    expect(together.metrics().nodes[server.address]!.commands.get!.bytesOut).toBe(7 + 8);
  });

  it('counts requests pending while they are in flight', async () => {
    const client = track(new Client(server.address, { metrics: true }));
    await client.version();
    const writes = Array.from({ length: 20 }, (_, index) => client.set(`p${index}`, 'v'));
    const during = client.metrics().nodes[server.address]!.pending;
    await Promise.all(writes);
    expect(during).toBe(20);
    expect(client.metrics().nodes[server.address]!.pending).toBe(0);
  });

  it('counts errors by code and failed connections', async () => {
    const closed = await closedPort();
    const client = track(new Client(closed.address, { metrics: true, connectTimeout: 500 }));
    await expect(client.get('k')).rejects.toThrow();
    await expect(client.set('k', 'v')).rejects.toThrow();
    const node = client.metrics().nodes[closed.address]!;
    expect(node.commands.get!.errors).toEqual({ MC_CONNECTION_ERROR: 1 });
    expect(node.commands.set!.errors).toEqual({ MC_CONNECTION_ERROR: 1 });
    expect(node.connections.failed).toBeGreaterThanOrEqual(1);
    expect(node.connections.opened).toBe(0);
  });

  // bytesOut counts each request as encoded (three merged gets as three lines) and only values
  // came in: nothing said what crossed the socket, headers and replies whole.
  it('counts the bytes that crossed the sockets, request lines and replies whole', async () => {
    const client = track(new Client(server.address, { metrics: true }));
    expect(await client.set('wire', 'v')).toBe(true); // "set wire 16 0 1\r\nv\r\n", "STORED\r\n"
    const reads = await Promise.all([client.get('wire-a'), client.get('wire-b'), client.get('wire')]);
    // An idle connection writes the first get at once; the two made behind it share a line.
    expect(reads).toEqual([undefined, undefined, 'v']);
    const { bytes } = client.metrics().nodes[server.address]!;
    const written = ['set wire 16 0 1\r\nv\r\n', 'get wire-a\r\n', 'get wire-b wire\r\n'].join('').length;
    const read = ['STORED\r\n', 'END\r\n', 'VALUE wire 16 1\r\nv\r\nEND\r\n'].join('').length;
    const encoded = Object.values(client.metrics().nodes[server.address]!.commands).reduce(
      (sum, command) => sum + command.bytesOut,
      0,
    );
    expect(encoded).toBeGreaterThan(written); // each get counted as its own line
    expect(bytes).toEqual({ written, read });
  });

  // A socket lost once it was ready (a command timeout resets it, a server killed with a
  // request outstanding) was counted as a failed connection attempt too, besides `closed`.
  it('counts a lost connection as closed, not as a failed connection attempt', async () => {
    const frozen = await startMemcached();
    try {
      const client = track(new Client(frozen.address, { metrics: true, timeout: 200 }));
      expect(await client.set('k', 'v')).toBe(true);
      frozen.pause();
      await expect(client.get('k')).rejects.toThrow(/within 200 ms/);
      await expect(client.get('k')).rejects.toThrow(/within 200 ms/);
      frozen.resume();
      expect(await client.get('k')).toBe('v');
      const { connections } = client.metrics().nodes[frozen.address]!;
      expect(connections.failed).toBe(0);
      expect(connections.closed).toBe(2);
      expect(connections.opened).toBe(3);
    } finally {
      await frozen.stop();
    }
  });

  it('HashClient reports per node, and a node marked dead and back', async () => {
    const cluster = await startCluster(2);
    try {
      const [first, second] = cluster;
      const client = track(
        new HashClient(
          cluster.map((member) => member.address),
          // A timeout long enough that a slow answer from a live node is not a node failure.
          { metrics: true, retryAttempts: 1, deadTimeout: 300, ignoreErrors: true, timeout: 5_000 },
        ),
      );
      await client.getMany(Array.from({ length: 40 }, (_, index) => `key${index}`));
      let snapshot: MetricsSnapshot = client.metrics();
      expect(Object.keys(snapshot.nodes).sort()).toEqual([first!.address, second!.address].sort());
      const asked = Object.values(snapshot.nodes).reduce((sum, node) => sum + node.commands.get!.keys, 0);
      expect(asked).toBe(40);

      await first!.stop();
      // keys of the stopped node: the first failure marks it dead (retryAttempts 1)
      for (let index = 0; index < 40; index++) await client.get(`key${index}`);
      snapshot = client.metrics();
      expect(snapshot.nodes[first!.address]!.markedDead).toBe(1);
      expect(snapshot.nodes[first!.address]!.dead).toBe(true);

      await first!.restart();
      await new Promise((resolve) => setTimeout(resolve, 400));
      for (let index = 0; index < 40; index++) await client.get(`key${index}`);
      snapshot = client.metrics();
      expect(snapshot.nodes[first!.address]!.markedAlive).toBe(1);
      expect(snapshot.nodes[first!.address]!.dead).toBe(false);
    } finally {
      await Promise.all(cluster.map((member) => member.stop()));
    }
  });

  it('RetryingClient passes metrics() through; MemoryClient has no servers to report', async () => {
    const inner = track(new Client(server.address));
    const retrying = new RetryingClient(inner);
    retrying.metrics();
    await retrying.set('r', '1');
    expect(retrying.metrics().nodes[server.address]!.commands.set!.operations).toBe(1);
    const memory = new MemoryClient();
    await memory.set('x', 1);
    expect(memory.metrics().nodes).toEqual({});
  });
});
