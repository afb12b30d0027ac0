import {
  closedPort,
  makeCertificates,
  type MemcachedServer,
  startFakeServer,
  startMemcached,
} from '@mc/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Client,
  MemcacheClientError,
  MemcacheConnectionError,
  MemcacheIllegalInputError,
  MemcacheTimeoutError,
} from './index.js';

const servers: MemcachedServer[] = [];
const clients: Client[] = [];

async function server(options: Parameters<typeof startMemcached>[0] = {}): Promise<MemcachedServer> {
  const started = await startMemcached(options);
  servers.push(started);
  return started;
}

function track<C extends Client>(client: C): C {
  clients.push(client as Client);
  return client;
}

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all(servers.map((started) => started.stop()));
});

async function roundTrip(client: Client): Promise<void> {
  const key = `rt-${Math.random()}`;
  expect(await client.set(key, 'value')).toBe(true);
  expect(await client.get(key)).toBe('value');
}

describe('addresses and transports', () => {
  it('talks over a UNIX socket in every spelling', async () => {
    const unix = await server({ unixSocket: true });
    await roundTrip(track(new Client(unix.path!)));
    await roundTrip(track(new Client(`unix:${unix.path}`)));
    await roundTrip(track(new Client({ path: unix.path! })));
  });

  it('talks over IPv6 and with { host, port }', async () => {
    const v6 = await server({ host: '::1' });
    await roundTrip(track(new Client(`[::1]:${v6.port}`)));
    const v4 = await server();
    await roundTrip(track(new Client({ host: '127.0.0.1', port: v4.port })));
    await roundTrip(track(new Client({ host: 'localhost', port: v4.port })));
  });

  it('talks TLS with a trusted CA, and refuses an untrusted certificate', async () => {
    const certificates = makeCertificates();
    const secure = await server({ tls: true });
    await roundTrip(track(new Client(secure.address, { tls: { ca: certificates.pem.ca } })));
    await expect(track(new Client(secure.address, { tls: true })).get('k')).rejects.toBeInstanceOf(
      MemcacheConnectionError,
    );
    const stranger = await server({ tls: { untrusted: true } });
    await expect(
      track(new Client(stranger.address, { tls: { ca: certificates.pem.ca } })).get('k'),
    ).rejects.toBeInstanceOf(MemcacheConnectionError);
  });

  it('presents a client certificate when the server demands one', async () => {
    const certificates = makeCertificates();
    const strict = await server({ tls: { verifyClient: true } });
    await roundTrip(
      track(
        new Client(strict.address, {
          tls: {
            ca: certificates.pem.ca,
            cert: certificates.pem.clientCert,
            key: certificates.pem.clientKey,
          },
        }),
      ),
    );
    await expect(
      track(new Client(strict.address, { tls: { ca: certificates.pem.ca }, timeout: 2000 })).get('k'),
    ).rejects.toBeInstanceOf(Error);
  });

  it('rejects malformed addresses as illegal input', () => {
    expect(() => new Client('127.0.0.1:notaport')).toThrow(MemcacheIllegalInputError);
    expect(() => new Client('127.0.0.1:70000')).toThrow(MemcacheIllegalInputError);
  });
});

describe('authentication', () => {
  it('authenticates with the right credentials and is refused with wrong or none', async () => {
    const guarded = await server({ auth: { username: 'alice', password: 's3cret' } });
    await roundTrip(track(new Client(guarded.address, { auth: { username: 'alice', password: 's3cret' } })));
    await expect(
      track(new Client(guarded.address, { auth: { username: 'alice', password: 'wrong' } })).get('k'),
    ).rejects.toBeInstanceOf(MemcacheConnectionError);
    await expect(track(new Client(guarded.address)).get('k')).rejects.toBeInstanceOf(MemcacheClientError);
  });
});

describe('failures are fast and typed', () => {
  it('a closed port rejects at once with a connection error', async () => {
    const closed = await closedPort();
    // Long deadlines: waiting one out instead of failing at once would take 10 s.
    const client = track(new Client(closed.address, { connectTimeout: 10_000, timeout: 10_000 }));
    const started = Date.now();
    await expect(client.get('k')).rejects.toBeInstanceOf(MemcacheConnectionError);
    await expect(client.set('k', 'v')).rejects.toBeInstanceOf(MemcacheConnectionError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a server that stays down gives every call a connection error at once, never a timeout', async () => {
    const closed = await closedPort();
    // Calls during the reconnect backoff used to wait it out (up to the timeout). A 5 s backoff
    // and a 10 s timeout make every call after the first fall inside the backoff, and make
    // waiting it out take seconds.
    const client = track(new Client(closed.address, { reconnectDelay: 5_000, timeout: 10_000 }));
    for (let call = 0; call < 10; call++) {
      const started = performance.now();
      await expect(client.get('k')).rejects.toBeInstanceOf(MemcacheConnectionError);
      expect(performance.now() - started).toBeLessThan(2_000);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    // getOrSet still serves the loader's value, without waiting on the cache.
    const started = performance.now();
    expect(await client.getOrSet('k', async () => 'loaded', { ttl: 5 })).toBe('loaded');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('a silent server hits the command deadline', async () => {
    const silent = await startFakeServer();
    const client = track(new Client(silent.address, { timeout: 200 }));
    await expect(client.get('k')).rejects.toBeInstanceOf(MemcacheTimeoutError);
    await expect(client.set('k', 'v')).rejects.toBeInstanceOf(MemcacheTimeoutError);
    await silent.close();
  });

  it('ignoreErrors turns network failures into misses and false, but not illegal input', async () => {
    const closed = await closedPort();
    const client = track(new Client(closed.address, { ignoreErrors: true }));
    expect(await client.get('k')).toBeUndefined();
    expect(await client.gets('k')).toBeUndefined();
    expect(await client.getMany(['a', 'b'])).toEqual(new Map());
    expect(await client.set('k', 'v')).toBe(false);
    expect(await client.delete('k')).toBe(false);
    expect(await client.incr('k')).toBeUndefined();
    expect(await client.touch('k', 1)).toBe(false);
    await expect(client.get('bad key')).rejects.toBeInstanceOf(MemcacheIllegalInputError);
  });

  it('a server at its connection limit is a connection error, not an unknown command', async () => {
    const full = await startFakeServer((socket) => {
      socket.end('ERROR Too many open connections\r\n');
    });
    const client = track(new Client(full.address));
    await expect(client.get('k')).rejects.toBeInstanceOf(MemcacheConnectionError);
    await full.close();
  });

  it('reconnects by itself after the server restarts', async () => {
    const restarting = await server();
    const client = track(new Client(restarting.address, { timeout: 5_000 }));
    await roundTrip(client);
    await restarting.kill();
    await expect(client.get('k')).rejects.toBeInstanceOf(Error);
    await restarting.restart();
    let recovered = false;
    for (const deadline = Date.now() + 10_000; !recovered && Date.now() < deadline; ) {
      recovered = await client.set('k', 'v').catch(() => false);
      if (!recovered) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(recovered).toBe(true);
    expect(await client.get('k')).toBe('v');
  });
});
