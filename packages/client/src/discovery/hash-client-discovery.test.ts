import diagnosticsChannel from 'node:diagnostics_channel';
import {
  type ConfigEndpoint,
  configNode,
  type MemcachedServer,
  makeCertificates,
  startCluster,
  startConfigEndpoint,
  startMemcached,
} from '@mc/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type DiscoveryChangeMessage,
  type DiscoveryErrorMessage,
  HashClient,
  type HashClientOptions,
  MemcacheClientError,
  MemcacheConnectionError,
  MemcacheIllegalInputError,
  MemcacheTimeoutError,
} from '../index.js';

let nodes: MemcachedServer[];
const clients: HashClient[] = [];
const endpoints: ConfigEndpoint[] = [];

beforeAll(async () => {
  nodes = await startCluster(3);
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(endpoints.splice(0).map((endpoint) => endpoint.stop()));
});

afterAll(async () => {
  await Promise.all(nodes.map((node) => node.stop()));
});

async function endpoint(...args: Parameters<typeof startConfigEndpoint>): Promise<ConfigEndpoint> {
  const started = await startConfigEndpoint(...args);
  endpoints.push(started);
  return started;
}

function client(address: string, options: Partial<HashClientOptions> = {}, servers: string[] = []) {
  const { discovery, ...rest } = options;
  const created = new HashClient(servers, {
    timeout: 2_000,
    ...rest,
    discovery: { endpoint: address, interval: 50, ...discovery },
  });
  clients.push(created);
  return created;
}

/** Collects what a channel publishes while a test runs. */
function listen<T>(name: string): { messages: T[]; stop(): void } {
  const messages: T[] = [];
  const onMessage = (message: unknown) => messages.push(message as T);
  diagnosticsChannel.subscribe(name, onMessage);
  return { messages, stop: () => diagnosticsChannel.unsubscribe(name, onMessage) };
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const names = (servers: MemcachedServer[]) => servers.map((server) => server.address).sort();

describe('HashClient auto discovery', () => {
  it('takes its nodes from the endpoint: the first command waits for the first list', async () => {
    const config = await endpoint([configNode(nodes[0]!), configNode(nodes[1]!)]);
    const changes = listen<DiscoveryChangeMessage>('mc:discovery:change');
    try {
      const discovered = client(config.address);
      expect(discovered.nodes()).toEqual([]); // lazy: nothing asked before the first command
      expect(await discovered.set('first', 'value')).toBe(true);
      expect(await discovered.get('first')).toBe('value');
      expect(discovered.nodes().sort()).toEqual(names(nodes.slice(0, 2)));
      expect([...(await discovered.stats()).keys()].sort()).toEqual(names(nodes.slice(0, 2)));
      expect(changes.messages[0]).toMatchObject({
        endpoint: config.address,
        version: 1,
        removed: [],
        nodes: expect.arrayContaining(names(nodes.slice(0, 2))),
      });
      expect(changes.messages[0]!.added.sort()).toEqual(names(nodes.slice(0, 2)));
      expect(config.requests[0]).toBe('config get cluster');
    } finally {
      changes.stop();
    }
  });

  it('a multi-key call made before the first list still reaches each key’s own node', async () => {
    const config = await endpoint(nodes.map((node) => configNode(node)));
    const discovered = client(config.address);
    const keys = Array.from({ length: 60 }, (_, index) => `early-${index}`);
    expect(await discovered.setMany(keys.map((key) => [key, key] as const))).toEqual([]);
    const found = await client(config.address).getMany(keys);
    expect(found.size).toBe(keys.length);
  });

  it('adds and removes nodes under load without a failed call', async () => {
    const [a, b, c] = nodes as [MemcachedServer, MemcachedServer, MemcachedServer];
    const config = await endpoint([configNode(a), configNode(b)]);
    const discovered = client(config.address, { discovery: { endpoint: config.address, interval: 25 } });
    await discovered.get('warm-up');
    const failures: unknown[] = [];
    let calls = 0;
    let running = true;
    const worker = async (id: number) => {
      for (let round = 0; running; round++) {
        const key = `load-${id}-${round % 50}`;
        try {
          await discovered.set(key, `${round}`);
          await discovered.get(key);
          await discovered.getMany([key, `load-${id}-${(round + 1) % 50}`]);
          calls += 3;
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, id) => worker(id)));
    try {
      await sleep(100);
      config.setNodes([configNode(a), configNode(b), configNode(c)]);
      await until(() => discovered.nodes().length === 3, 'the third node');
      await sleep(150);
      config.setNodes([configNode(b), configNode(c)]);
      await until(() => !discovered.nodes().includes(a.address), 'the first node to leave');
      await sleep(150);
    } finally {
      running = false;
      await load;
    }
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(100);
    expect(discovered.nodes().sort()).toEqual(names([b, c]));
    // After the change every key lives where the new ring says, and reads back.
    for (let index = 0; index < 20; index++) {
      expect(await discovered.set(`after-${index}`, index)).toBe(true);
      expect(await discovered.get(`after-${index}`)).toBe(index);
    }
  });

  it('ignores a config whose version does not grow', async () => {
    const [a, b] = nodes as [MemcachedServer, MemcachedServer];
    const config = await endpoint([configNode(a)]);
    const discovered = client(config.address);
    await discovered.get('k');
    config.setNodes([configNode(b)], config.version); // same version
    const asked = config.requests.length;
    await until(() => config.requests.length >= asked + 3, 'three more polls');
    expect(discovered.nodes()).toEqual([a.address]);
    config.setNodes([configNode(b)], 0); // lower
    await until(() => config.requests.length >= asked + 6, 'three more polls');
    expect(discovered.nodes()).toEqual([a.address]);
    config.setNodes([configNode(b)], 5);
    await until(() => discovered.nodes()[0] === b.address, 'the newer version');
  });

  it('keeps the last good list when the endpoint answers garbage, and bounds what it reads', async () => {
    const [a, b] = nodes as [MemcachedServer, MemcachedServer];
    const config = await endpoint([configNode(a)]);
    const errors = listen<DiscoveryErrorMessage>('mc:discovery:error');
    try {
      // The deadline ends the 'silence' poll; the sets below go to a real memcached under it.
      const discovered = client(config.address, { timeout: 1_000 });
      await discovered.get('k');
      const garbage = [
        'CONFIG cluster 0 5\r\nhello\r\nEND\r\n', // a payload that is no config
        'CONFIG cluster 0 3\r\n99\n\r\nEND\r\n', // a version without nodes
        'VERSION 1.6.18\r\n', // another command's reply
        `CONFIG cluster 0 ${2 ** 30}\r\n`, // a size beyond the bound: refused, not awaited
        'x'.repeat(100_000), // an endless line
        'silence', // nothing at all: the deadline ends it
      ];
      for (const reply of garbage) {
        const before = errors.messages.length;
        config.respondWith(reply);
        await until(() => errors.messages.length > before, `an error for ${reply.slice(0, 20)}`);
        expect(discovered.nodes()).toEqual([a.address]);
        expect(await discovered.set('still', 'works')).toBe(true);
      }
      expect(errors.messages.every((message) => message.endpoint === config.address)).toBe(true);
      config.setNodes([configNode(b)]);
      await until(() => discovered.nodes()[0] === b.address, 'the good list after the garbage');
    } finally {
      errors.stop();
    }
  });

  it('endpoint down at start: the first command fails typed, a later one works', async () => {
    const [a] = nodes as [MemcachedServer];
    const config = await endpoint([configNode(a)]);
    await config.stop();
    // Long deadlines: a first command that waited one out instead would take 10 s.
    const discovered = client(config.address, { connectTimeout: 10_000, timeout: 10_000 });
    const started = Date.now();
    const failure = await discovered.get('k').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MemcacheConnectionError);
    expect((failure as Error).message).toMatch(/configuration endpoint/);
    expect(Date.now() - started).toBeLessThan(5_000);
    await config.start();
    expect(await discovered.set('k', 'v')).toBe(true);
    expect(discovered.nodes()).toEqual([a.address]);
  });

  it('a silent endpoint at start: the first command fails within connectTimeout, typed', async () => {
    const config = await endpoint([configNode(nodes[0]!)]);
    config.respondWith('silence');
    // The endpoint's reply deadline is 10 s: a command that waited for it would take that long.
    const discovered = client(config.address, { connectTimeout: 300, timeout: 10_000 });
    const started = Date.now();
    await expect(discovered.get('k')).rejects.toBeInstanceOf(MemcacheTimeoutError);
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(discovered.stats()).rejects.toBeInstanceOf(MemcacheTimeoutError);
  });

  it('endpoint down later: the last good list stays in use until it comes back', async () => {
    const [a, b] = nodes as [MemcachedServer, MemcachedServer];
    const config = await endpoint([configNode(a)]);
    const errors = listen<DiscoveryErrorMessage>('mc:discovery:error');
    try {
      const discovered = client(config.address);
      await discovered.set('k', 'v');
      await config.stop();
      await until(() => errors.messages.length >= 2, 'failed polls');
      expect(errors.messages[0]!.error).toBeInstanceOf(MemcacheConnectionError);
      expect(await discovered.get('k')).toBe('v');
      expect(discovered.nodes()).toEqual([a.address]);
      config.setNodes([configNode(a), configNode(b)]);
      await config.start();
      await until(() => discovered.nodes().length === 2, 'the list once the endpoint is back');
    } finally {
      errors.stop();
    }
  });

  it('speaks the legacy command, and reports an endpoint that does not know config get', async () => {
    const [a] = nodes as [MemcachedServer];
    const config = await endpoint([configNode(a)], { legacyOnly: true, crlfAfterVersion: true });
    const legacy = client(config.address, { discovery: { endpoint: config.address, command: 'legacy' } });
    expect(await legacy.set('k', 'legacy')).toBe(true);
    expect(legacy.nodes()).toEqual([a.address]);
    expect(config.requests).toContain('get AmazonElastiCache:cluster');
    const modern = client(config.address);
    await expect(modern.get('k')).rejects.toThrow(/does not know 'config get cluster'/);
  });

  it('connects by host name when the IP is empty, and uses given servers until the first list', async () => {
    const [a, b] = nodes as [MemcachedServer, MemcachedServer];
    const config = await endpoint([{ host: 'localhost', ip: '', port: b.port }]);
    const discovered = client(config.address, {}, [a.address]);
    expect(discovered.nodes()).toEqual([a.address]);
    await discovered.get('k'); // goes to a, and starts discovery
    await until(() => discovered.nodes()[0] === `localhost:${b.port}`, 'the discovered list');
    expect(discovered.nodes()).toEqual([`localhost:${b.port}`]);
  });

  it('reaches a node listed by IPv6 address alone, named [v6]:port', async () => {
    const v6 = await startMemcached({ host: '::1' });
    try {
      const config = await endpoint([{ host: '', ip: '::1', port: v6.port }]);
      const discovered = client(config.address);
      expect(await discovered.set('v6', 'yes')).toBe(true);
      expect(discovered.nodes()).toEqual([`[::1]:${v6.port}`]);
    } finally {
      await Promise.all(clients.splice(0).map((created) => created.close()));
      await v6.stop();
    }
  });

  it('gives discovered nodes the client’s own options: auth', async () => {
    const guarded = await startMemcached({ auth: { username: 'app', password: 'secret' } });
    try {
      const config = await endpoint([configNode(guarded)]);
      const withAuth = client(config.address, { auth: { username: 'app', password: 'secret' } });
      expect(await withAuth.set('k', 'authenticated')).toBe(true);
      expect(await withAuth.get('k')).toBe('authenticated');
      const without = client(config.address);
      await expect(without.get('k')).rejects.toBeInstanceOf(MemcacheClientError);
    } finally {
      await Promise.all(clients.splice(0).map((created) => created.close()));
      await guarded.stop();
    }
  });

  it('stops polling on close()', async () => {
    const config = await endpoint([configNode(nodes[0]!)]);
    const discovered = client(config.address);
    await discovered.get('k');
    await discovered.close();
    await sleep(200); // a request line already on its way may still arrive
    const asked = config.requests.length;
    await sleep(500); // polling every 50 ms would ask several times
    expect(config.requests.length).toBe(asked);
  });

  it('refuses bad discovery options before anything is sent', () => {
    expect(() => new HashClient([], { discovery: { endpoint: 'bad host:1' } })).toThrow(
      MemcacheIllegalInputError,
    );
    expect(() => new HashClient([], { discovery: { endpoint: '127.0.0.1:1', interval: 0 } })).toThrow(
      MemcacheIllegalInputError,
    );
    expect(
      () => new HashClient([], { discovery: { endpoint: '127.0.0.1:1', command: 'describe' as 'config' } }),
    ).toThrow(MemcacheIllegalInputError);
  });
});

describe('HashClient auto discovery over TLS', () => {
  let secure: MemcachedServer[];

  beforeAll(async () => {
    secure = await startCluster(2, { tls: true });
  });

  afterAll(async () => {
    await Promise.all(secure.map((server) => server.stop()));
  });

  it('asks the endpoint and reaches the nodes over TLS, by host name for the certificate', async () => {
    const { pem } = makeCertificates();
    const config = await endpoint(
      secure.map((server) => configNode(server)),
      { tls: true },
    );
    const discovered = client(config.address, { tls: { ca: pem.ca } });
    expect(await discovered.set('secret', 'over tls')).toBe(true);
    expect(await discovered.get('secret')).toBe('over tls');
    expect(discovered.nodes().sort()).toEqual(secure.map((server) => `localhost:${server.port}`).sort());
  });

  it('refuses an endpoint whose certificate nobody vouches for', async () => {
    const config = await endpoint([configNode(secure[0]!)], { tls: true });
    const untrusting = client(config.address, { tls: true, connectTimeout: 5_000 });
    const failure = await untrusting.get('k').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MemcacheConnectionError);
    expect((failure as Error).message).toMatch(/TLS/);
  });
});
